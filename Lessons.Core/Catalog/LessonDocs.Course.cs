using System.Text;
using Lessons.Core.Code;
using Lessons.Core.Figures;

namespace Lessons.Core.Catalog;

/// <summary>
/// What makes the pages a course: an opening for a newcomer, each lesson's code (taken from its
/// source when the pages are generated), its animations, and the exercises answered by runs.
/// </summary>
public static partial class LessonDocs
{

    // One line per tutorial for the reading order; a tutorial without a line is still listed.
    static readonly Dictionary<string, string> TutorialTopics = new()
    {
        ["000"] = "gradients by hand, then by autograd: a two-layer net, weight initialisation, linear regression, a small net fitting a curve",
        ["001"] = "the computational graph: leaves, grad_fn, retain_graph, grad_tensors, second derivatives, accumulating gradients, in-place operations; logistic regression; the tutorial's exercises (思考)",
        ["002"] = "the perceptron's gradient, the chain rule, and gradient descent on Himmelblau's function",
        ["003"] = "an autograd Function of your own (MyReLU) and a static graph, side by side with the dynamic one",
        ["004"] = "a four-class network built up step by step: raw tensors, an optimizer, nn.Module, reusable layers, nn.Sequential",
    };

    /// <summary>The opening: what the course covers, in what order to read it, how to run a lesson.</summary>
    static void AppendOpening(StringBuilder text, IReadOnlyList<Chapter> chapters)
    {
        text.AppendLine("This course ports five classic PyTorch autograd tutorials (Chinese texts, kept beside this");
        text.AppendLine("repository in `../shared/seeds/`) to C# on TorchSharp, one lesson per example. Each tutorial");
        text.AppendLine("has a page of its own; each lesson there gives its notes, its options, the C# that runs (taken");
        text.AppendLine("from the lesson's source file when the pages are generated), what it prints and the figures it");
        text.AppendLine("draws; the training lessons also animate their training, and the exercises that close tutorial");
        text.AppendLine("001 are run and answered.");
        text.AppendLine();
        text.AppendLine("Read it in order: the lessons follow the tutorials, and each tutorial builds on the one before.");
        text.AppendLine();
        int number = 1;
        foreach (Chapter chapter in chapters)
        {
            string topic = TutorialTopics.TryGetValue(chapter.Number, out string? words) ? words + ": " : "";
            text.AppendLine($"{number++}. [Tutorial {chapter.Number}]({chapter.FileName}) (`{chapter.File}`): {topic}"
                + string.Join(", ", chapter.Sections.Select(s => $"[{s.Lesson.Id}]({chapter.FileName}#{s.Lesson.Id})")));
        }
        text.AppendLine();
        text.AppendLine("Run a lesson from the repository's root (the .NET 10 SDK is all it needs):");
        text.AppendLine();
        text.AppendLine("```sh");
        text.AppendLine("dotnet run --project Lessons.Cli -- list                                   # every lesson");
        text.AppendLine("dotnet run --project Lessons.Cli -- lesson logistic-regression             # run it: what the tutorial prints");
        text.AppendLine("dotnet run --project Lessons.Cli -- lesson logistic-regression --explain   # its notes first");
        text.AppendLine("dotnet run --project Lessons.Cli -- lesson logistic-regression --code      # its C#, as its page shows it");
        text.AppendLine("dotnet run --project Lessons.Cli -- lesson logistic-regression --set mean_value=5 --plots out  # other settings; figures and animation into out/");
        text.AppendLine("```");
        text.AppendLine();
        text.AppendLine("The course is also a static site that opens from disk, with each recorded graph's backward stepped");
        text.AppendLine("by hand, node by node, and a slider over each training animation: build it with");
        text.AppendLine("`dotnet run --project Lessons.Cli -- site out/` and open `out/index.html` in a browser (it is");
        text.AppendLine("generated, not committed; see [The course site](guide/course.md#the-course-site)).");
        text.AppendLine();
        text.AppendLine("Reading the code: a lesson is a class deriving `Lesson`; its `Run(LessonContext context)` reads like");
        text.AppendLine("the tutorial. `context.Print(...)` is Python's `print` (PyTorch's own formats), `context.Record(...)`");
        text.AppendLine("keeps a named result for the tests and the figures, `context.Get(option)` reads an option");
        text.AppendLine("(`--set name=value`), `context.ManualSeed()` is `torch.manual_seed` with the lesson's seed, and");
        text.AppendLine("`context.StepScope(...)` wraps one step of a long loop (it frees the step's tensors and reports");
        text.AppendLine("progress). `Py`, `PyFloat` and `ModuleText` print values as Python does (`Lessons.Core/Python`).");
    }

    /// <summary>The line under a lesson's heading: its title and the tutorial section it ports, linked.</summary>
    static string SourceLine(Lesson lesson)
    {
        string section = lesson.Source.Numbered ? $" §{lesson.Source.Section}" : "";
        return $"**{lesson.Title}**, from `{lesson.Source.File}`{section} «{lesson.Source.Heading}».";
    }

    /// <summary>Which members of shared code the page has shown, and under which lesson.</summary>
    sealed class ShownCode
    {
        readonly Dictionary<string, string> lessonOf = new(StringComparer.Ordinal);
        readonly List<string> lessons = [];

        /// <summary>The lesson's place on the page, among those that have shown code.</summary>
        public int Order(string lessonId) => lessons.IndexOf(lessonId);

        public bool WasShown(CodeMember member) => lessonOf.ContainsKey(member.Key);

        public string Where(CodeMember member) => lessonOf[member.Key];

        public string Where(CodeBlock block) => lessonOf[block.Path + "#" + block.TypeName];

        public void Show(CodeBlock block, IEnumerable<CodeMember> members, string lessonId)
        {
            if (!lessons.Contains(lessonId)) lessons.Add(lessonId);
            lessonOf.TryAdd(block.Path + "#" + block.TypeName, lessonId);
            foreach (CodeMember member in members) lessonOf.TryAdd(member.Key, lessonId);
        }

        public bool HeaderShown(CodeBlock block) => lessonOf.ContainsKey(block.Path + "#" + block.TypeName);
    }

    /// <summary>
    /// The lesson's code: its own class in full, then the shared tutorial code that it uses.
    /// Shared members appear once in the course, under the first lesson that uses them; later
    /// lessons link there, on their own page or another (<c>--code</c> prints everything).
    /// </summary>
    static void AppendCode(StringBuilder text, Lesson lesson, ShownCode shown, Func<string, string> link)
    {
        LessonCode code = LessonSources.For(lesson);
        text.AppendLine($"The code, from [`{code.Own.Path}`](../{code.Own.Path}):");
        text.AppendLine();
        AppendCSharp(text, code.Own.Render());
        shown.Show(code.Own, code.Own.Members, lesson.Id);

        // Where the shared code this lesson uses was shown: type name -> lessons, in page order.
        var earlier = new List<(string Type, string Lesson)>();
        foreach (var file in code.Shared.GroupBy(b => b.Path))
        {
            var fresh = new List<string>();
            foreach (CodeBlock block in file)
            {
                var members = block.Members.Where(m => !shown.WasShown(m)).ToList();
                earlier.AddRange(block.Members.Where(shown.WasShown).Select(m => (block.TypeName, shown.Where(m))));
                if (members.Count == 0 && (block.Members.Count > 0 || shown.HeaderShown(block)))
                {
                    if (block.Members.Count == 0) earlier.Add((block.TypeName, shown.Where(block)));
                    continue;
                }
                fresh.Add(block.Render(members));
                shown.Show(block, members, lesson.Id);
            }
            if (fresh.Count == 0) continue;
            text.AppendLine($"It uses, from [`{file.Key}`](../{file.Key}):");
            text.AppendLine();
            AppendCSharp(text, string.Join("\n\n", fresh));
        }
        if (earlier.Count > 0)
        {
            text.AppendLine("It also uses code shown earlier: " + string.Join(", ", earlier
                .GroupBy(e => e.Type)
                .Select(g => $"`{g.Key}` (under " + string.Join(", ", g.Select(e => e.Lesson).Distinct().OrderBy(shown.Order).Select(id => $"[{id}]({link(id)})")) + ")")) + ".");
            text.AppendLine();
        }
    }

    static void AppendCSharp(StringBuilder text, string code)
    {
        text.AppendLine("```csharp");
        foreach (string line in code.Split('\n')) text.AppendLine(line);
        text.AppendLine("```");
        text.AppendLine();
    }

    /// <summary>The run's animations, each with what it shows and its speed.</summary>
    static void AppendAnimations(StringBuilder text, LessonRun run)
    {
        foreach (Animation animation in AnimationWriter.For(run))
        {
            text.AppendLine();
            text.AppendLine($"![{animation.Name} training](figures/{animation.Name}.gif)");
            text.AppendLine();
            text.AppendLine($"Animation ({animation.Frames.Count} frames of {animation.Width}×{animation.Height}, {animation.FramesPerSecond} "
                + $"frames a second: {animation.Pace}; the last frame stays {Animation.HoldLastCentiseconds / 100} s): {animation.Caption}.");
        }
    }

    /// <summary>The exercises the lesson answers by running: the questions, a table of the runs, their figures, the answer.</summary>
    static void AppendExercises(StringBuilder text, Lesson lesson)
    {
        if (ExerciseCatalog.For(lesson.Id) is not { } exercises) return;
        text.AppendLine();
        text.AppendLine($"**{exercises.Heading}** {string.Join(" ", exercises.Questions)}");
        text.AppendLine();
        text.AppendLine("| settings | " + string.Join(" | ", exercises.Columns.Select(c => c.Header)) + " |");
        text.AppendLine("| --- |" + string.Concat(exercises.Columns.Select(_ => " --- |")));
        foreach (LessonVariant variant in exercises.Variants)
        {
            LessonRun run = exercises.Run(variant);
            string settings = variant.Assignments.Length == 0 ? "defaults" : string.Join(" ", variant.Assignments.Select(a => $"`{a}`"));
            text.AppendLine($"| {settings} | " + string.Join(" | ", exercises.Columns.Select(c => c.Value(run))) + " |");
        }
        text.AppendLine();
        text.AppendLine(Paragraph(exercises.Answer));
        foreach (var (variant, figure) in ExerciseFigures(exercises))
        {
            text.AppendLine();
            string settings = variant is null ? "all the runs" : variant.Assignments.Length == 0 ? "defaults" : string.Join(" ", variant.Assignments);
            text.AppendLine($"![{settings}](figures/{figure.Name}.png)");
        }
    }

    /// <summary>
    /// Each variant's figure (see <see cref="LessonExercises.Figure"/>), named after the variant (none for
    /// the defaults), then the figures of all the runs together (<see cref="LessonExercises.Summary"/>).
    /// </summary>
    public static IEnumerable<(LessonVariant? Variant, Figure Figure)> ExerciseFigures(LessonExercises exercises)
    {
        foreach (Figure summary in exercises.Summary(exercises.RunAll()))
            yield return (null, summary);
        if (exercises.Figure is not string suffix || FigureCatalog.For(exercises.LessonId) is not { } figures) yield break;
        // The defaults' figure is the lesson's own, shown above the table.
        foreach (LessonVariant variant in exercises.Variants.Where(v => v.Assignments.Length > 0))
        {
            Figure? figure = figures.Draw(exercises.Run(variant)).FirstOrDefault(f => f.Name == $"{exercises.LessonId}-{suffix}");
            if (figure is not null)
                yield return (variant, figure with { Name = $"{exercises.LessonId}-{suffix}-{variant.Slug}" });
        }
    }

    /// <summary>
    /// The page's media beyond the figures: every animation and every exercise figure, written into
    /// <paramref name="folder"/> (the docs command calls it after writing the figures). Returns the files written.
    /// </summary>
    public static IReadOnlyList<string> WriteMedia(IEnumerable<LessonRun> runs, string folder)
    {
        var written = new List<string>();
        foreach (LessonRun run in runs)
        {
            written.AddRange(AnimationWriter.Write(run, folder));
            written.AddRange(WriteBackwardAnimations(run, folder));
            if (ExerciseCatalog.For(run.Lesson.Id) is not { } exercises) continue;
            foreach (var (_, figure) in ExerciseFigures(exercises))
            {
                Directory.CreateDirectory(folder);
                var plot = new ScottPlot.Plot();
                figure.Draw(plot);
                string path = Path.Combine(folder, figure.Name + ".png");
                AtomicFile.WriteAllBytes(path, plot.GetImageBytes(figure.Width, figure.Height, ScottPlot.ImageFormat.Png));
                written.Add(path);
            }
        }
        return written;
    }

    /// <summary>Every file the page embeds besides its figures (animations, exercise figures), for the check that they are committed.</summary>
    public static IEnumerable<string> MediaFiles(IEnumerable<LessonRun> runs)
    {
        foreach (LessonRun run in runs)
        {
            foreach (Animation animation in AnimationWriter.For(run)) yield return animation.Name + ".gif";
            if (DocBackwardAnimation(run) is string backward) yield return backward;
            if (ExerciseCatalog.For(run.Lesson.Id) is { } exercises)
                foreach (var (_, figure) in ExerciseFigures(exercises)) yield return figure.Name + ".png";
        }
    }
}
