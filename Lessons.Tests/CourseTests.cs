using System.Text.RegularExpressions;
using Lessons.Core.Catalog;
using Lessons.Core.Code;
using Lessons.Core.Figures;
using SkiaSharp;

namespace Lessons.Tests;

/// <summary>
/// The course page and its media: every lesson's code on the page and from <c>--code</c>, taken
/// from the source files; the animations decode as promised; every embedded file is committed.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed partial class CourseTests
{
    /// <summary>The lessons that train and draw, each of which writes an animation.</summary>
    static readonly string[] AnimatedLessons =
    [
        "logistic-regression", "curve-fit-net", "himmelblau", "linear-regression-exercise",
        "four-class-raw", "four-class-optimizer", "four-class-module", "four-class-weighted-sum",
        "four-class-my-layer", "four-class-sequential", "four-class-linear-sigmoid",
    ];

    static string Root => CachedRuns.RepositoryRoot();

    /// <summary>
    /// A lesson's Run method as written in its file, found without a parser: from its signature to
    /// the first line that closes it at the same indentation, dedented.
    /// </summary>
    static string RunMethodInFile(Lesson lesson)
    {
        string folder = Path.Combine(Root, "Lessons.Core", "Tutorials", lesson.GetType().Namespace!.Split('.')[^1]);
        foreach (string file in Directory.GetFiles(folder, "*.cs"))
        {
            string[] lines = File.ReadAllText(file).ReplaceLineEndings("\n").Split('\n');
            if (!lines.Any(l => l.Contains($"class {lesson.GetType().Name} : Lesson", StringComparison.Ordinal))) continue;
            int start = Array.FindIndex(lines, l => l.Contains("public override void Run(LessonContext context)", StringComparison.Ordinal));
            Assert.True(start >= 0, $"{file} has no Run");
            string indent = lines[start][..(lines[start].Length - lines[start].TrimStart().Length)];
            int end = Array.FindIndex(lines, start + 1, l => l == indent + "}");
            return string.Join("\n", lines[start..(end + 1)].Select(l => l.Length >= indent.Length ? l[indent.Length..] : l.TrimStart()));
        }
        throw new FileNotFoundException($"no source file declares {lesson.GetType().Name} in {folder}");
    }

    static string Indent(string text) => string.Join("\n", text.Split('\n').Select(l => l.Length == 0 ? l : "    " + l));

    [Fact]
    public void The_page_shows_every_lessons_code_beside_its_transcript()
    {
        var sections = CoursePages.Sections();
        foreach (Lesson lesson in LessonCatalog.All)
        {
            Assert.True(sections.TryGetValue(lesson.Id, out string? section), $"no section for {lesson.Id}");
            var blocks = Regex.Matches(section, "```csharp\n(.*?)```", RegexOptions.Singleline).Select(m => m.Groups[1].Value).ToList();
            Assert.True(blocks.Count > 0, $"{lesson.Id}: no csharp block");
            Assert.Contains($"class {lesson.GetType().Name} : Lesson", blocks[0]);
            Assert.Contains(Indent(RunMethodInFile(lesson)), blocks[0]);
            int code = section.IndexOf("```csharp", StringComparison.Ordinal);
            int transcript = section.IndexOf("```text", StringComparison.Ordinal);
            Assert.True(code >= 0 && transcript > code, $"{lesson.Id}: the code should come just before the transcript");
        }
    }

    [Fact]
    public void Code_option_prints_the_lessons_Run_from_any_folder()
    {
        string before = Environment.CurrentDirectory;
        string elsewhere = Directory.CreateTempSubdirectory("lesson-code-").FullName;
        try
        {
            // The source travels inside the program: no repository needed around it.
            Environment.CurrentDirectory = elsewhere;
            foreach (Lesson lesson in LessonCatalog.All)
            {
                var (code, output, error) = CliRun.Run("lesson", lesson.Id, "--code");
                Assert.Equal(0, code);
                Assert.Equal("", error);
                string text = output.ReplaceLineEndings("\n");
                Assert.StartsWith($"// Lessons.Core/Tutorials/", text);
                Assert.Contains(Indent(RunMethodInFile(lesson)), text);
                Assert.DoesNotContain("public override string Notes", text);
            }
        }
        finally
        {
            Environment.CurrentDirectory = before;
            Directory.Delete(elsewhere, recursive: true);
        }
    }

    [Fact]
    public void Code_includes_the_types_a_lesson_defines_and_uses()
    {
        string Code(string id) => LessonSources.For(LessonCatalog.Get(id)).Text;
        Assert.Contains("public sealed class MyReLU : torch.autograd.SingleTensorFunction<MyReLU>", Code("custom-relu-function"));
        Assert.Contains("sealed class LR : nn.Module<Tensor, Tensor>", Code("logistic-regression"));
        string myLayer = Code("four-class-my-layer");
        Assert.Contains("public sealed class MyLayer : nn.Module<Tensor, Tensor>", myLayer);
        Assert.Contains("public static FourClassData Build(LessonContext context)", myLayer);
        // The tutorial's definitions the Run uses through using static, and nothing of the framework.
        Assert.Contains("public static Tensor loss(Tensor pred, Tensor target)", myLayer);
        Assert.DoesNotContain("class StageRecord", myLayer);
        string optimizer = Code("four-class-optimizer");
        Assert.Contains("public static Tensor forward(Tensor X", optimizer);
        Assert.Single(Regex.Matches(optimizer, @"void Run\("));
    }

    /// <summary>
    /// Every top-level type of the tutorials' namespaces, by its C# name, found by reflection (not
    /// from the sources), but the framework's that live beside the lessons: what a training loop's
    /// observer takes for the pictures, the figure sets, the names results are read by.
    /// </summary>
    static HashSet<string> TutorialTypeNames() =>
        typeof(Lesson).Assembly.GetTypes()
            .Where(t => t.Namespace?.StartsWith("Lessons.Core.Tutorials", StringComparison.Ordinal) == true && t.DeclaringType is null
                && !t.IsDefined(typeof(System.Runtime.CompilerServices.CompilerGeneratedAttribute), false) && !t.Name.Contains('<')
                && !typeof(IStepObserver).IsAssignableFrom(t) && !typeof(Lessons.Core.Figures.LessonFigures).IsAssignableFrom(t)
                && !t.Name.EndsWith("Results", StringComparison.Ordinal))
            .Select(t => t.Name.Split('`')[0])
            .ToHashSet(StringComparer.Ordinal);

    /// <summary>The names the code mentions, and the types it declares, read with Roslyn from the shown text.</summary>
    static (HashSet<string> Named, HashSet<string> Declared) NamesIn(string code)
    {
        var root = Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText(code).GetRoot();
        var named = root.DescendantNodes().OfType<Microsoft.CodeAnalysis.CSharp.Syntax.SimpleNameSyntax>().Select(n => n.Identifier.Text).ToHashSet(StringComparer.Ordinal);
        var declared = root.DescendantNodes().OfType<Microsoft.CodeAnalysis.CSharp.Syntax.BaseTypeDeclarationSyntax>().Select(t => t.Identifier.Text).ToHashSet(StringComparer.Ordinal);
        return (named, declared);
    }

    [Fact]
    public void Every_tutorial_type_the_shown_code_uses_is_in_its_code_output_and_on_the_page()
    {
        HashSet<string> tutorialTypes = TutorialTypeNames();
        Assert.Contains("TwoLayerNet", tutorialTypes);
        var sections = CoursePages.Sections();
        foreach (Lesson lesson in LessonCatalog.All)
        {
            var (named, declared) = NamesIn(LessonSources.For(lesson).Text);
            var missing = named.Where(tutorialTypes.Contains).Where(t => !declared.Contains(t)).Order(StringComparer.Ordinal).ToList();
            Assert.True(missing.Count == 0, $"{lesson.Id} --code uses {string.Join(", ", missing)} without showing it");

            // On the page: shown in the lesson's own code blocks, or linked to where it was shown.
            string section = sections[lesson.Id];
            string pageCode = string.Join("\n", Regex.Matches(section, "```csharp\n(.*?)```", RegexOptions.Singleline).Select(m => m.Groups[1].Value));
            var (pageNamed, pageDeclared) = NamesIn(pageCode);
            var unlinked = pageNamed.Where(tutorialTypes.Contains)
                .Where(t => !pageDeclared.Contains(t) && !section.Contains($"`{t}` (under ", StringComparison.Ordinal))
                .Order(StringComparer.Ordinal).ToList();
            Assert.True(unlinked.Count == 0, $"{lesson.Id}'s page section uses {string.Join(", ", unlinked)} without showing or linking it");
        }
        Assert.Contains("public static class TwoLayerNet", LessonSources.For(LessonCatalog.Get("custom-relu-function")).Text);
    }

    [Fact]
    public void Embedded_sources_are_the_files_themselves()
    {
        var files = LessonSources.Files.ToList();
        var onDisk = Directory.GetFiles(Path.Combine(Root, "Lessons.Core", "Tutorials"), "*.cs", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Root, f).Replace('\\', '/')).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(onDisk, files);
    }

    [Fact]
    public void Unknown_lesson_with_code_is_a_usage_error()
    {
        var result = CliRun.Run("lesson", "logistic-regresion", "--code");
        CliRun.AssertOneLineError(result, 2, "logistic-regression");
    }

    [Fact]
    public void Every_training_lesson_writes_an_animation_that_decodes_as_promised()
    {
        Assert.Equal(AnimatedLessons.Order(), FigureCatalog.All.Keys.Where(id => AnimationWriter.For(CachedRuns.Get(id)).Count > 0).Order());
        string folder = Directory.CreateTempSubdirectory("lesson-animations-").FullName;
        try
        {
            foreach (string id in AnimatedLessons)
            {
                LessonRun run = CachedRuns.Get(id);
                Animation animation = Assert.Single(AnimationWriter.For(run));
                string path = Assert.Single(AnimationWriter.Write(run, folder));
                Assert.Equal(Path.Combine(folder, animation.Name + ".gif"), path);
                Assert.StartsWith(id, animation.Name);
                Assert.True(new FileInfo(path).Length < 2_000_000, $"{path} is {new FileInfo(path).Length} bytes");

                using SKCodec codec = SKCodec.Create(path);
                Assert.NotNull(codec);
                Assert.Equal(SKEncodedImageFormat.Gif, codec.EncodedFormat);
                Assert.Equal((animation.Width, animation.Height), (codec.Info.Width, codec.Info.Height));
                Assert.True(codec.FrameCount > 1, $"{id}: {codec.FrameCount} frame(s)");
                Assert.Equal(animation.Frames.Count, codec.FrameCount);
                Assert.Equal(-1, codec.RepetitionCount);   // Skia reads the GIF's loop count 0 as -1: forever
                int delay = 1000 / animation.FramesPerSecond;
                Assert.All(codec.FrameInfo[..^1], frame => Assert.Equal(delay, frame.Duration));

                // The last frame, composed over the frames before it, is a picture, not a blank.
                var info = new SKImageInfo(codec.Info.Width, codec.Info.Height, SKColorType.Rgba8888, SKAlphaType.Premul);
                using var bitmap = new SKBitmap(info);
                Assert.Equal(SKCodecResult.Success, codec.GetPixels(info, bitmap.GetPixels(), new SKCodecOptions(codec.FrameCount - 1)));
                Assert.True(bitmap.GetPixel(info.Width / 2, 2) == SKColors.White, $"{id}: the last frame's top margin is not white");
                Assert.Contains(Enumerable.Range(0, info.Height).Select(y => bitmap.GetPixel(info.Width / 2, y)), c => c.Red + c.Green + c.Blue < 3 * 100);
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Every_animation_and_exercise_figure_the_page_shows_is_committed()
    {
        string folder = Path.Combine(Root, LessonDocs.FigureFolder);
        var runs = LessonCatalog.All.Select(l => CachedRuns.Get(l.Id)).ToList();
        string page = string.Concat(CoursePages.Committed().Select(p => File.ReadAllText(Path.Combine(Root, p))));
        foreach (string file in LessonDocs.MediaFiles(runs))
        {
            Assert.True(File.Exists(Path.Combine(folder, file)), $"{LessonDocs.FigureFolder}/{file} is missing: run the docs command");
            Assert.Contains($"(figures/{file})", page);
            Assert.True(new FileInfo(Path.Combine(folder, file)).Length < 2_000_000, $"{file} is over 2 MB");
        }
    }

    [Fact]
    public void The_page_answers_the_exercises_by_running()
    {
        var sections = CoursePages.Sections();
        string logistic = sections["logistic-regression"];
        Assert.Contains("| `mean_value=1` |", logistic);
        Assert.Contains("| `mean_value=5` |", logistic);
        Assert.Contains("| `bias=-5` |", logistic);
        Assert.Contains("(figures/logistic-regression-final-mean-value-5.png)", logistic);
        string exercise = sections["linear-regression-exercise"];
        Assert.Contains("| `loss_threshold=1` |", exercise);
        Assert.Contains("| `slope=5` |", exercise);

        // mean_value 5 separates the clusters from the start; mean_value 1 never reaches 99%.
        var exercises = ExerciseCatalog.For("logistic-regression")!;
        Assert.Equal(0L, (long?)exercises.Run(exercises.Variants.Single(v => v.Slug == "mean-value-5")).Results["stopped at iteration"]);
        Assert.Null(exercises.Run(exercises.Variants.Single(v => v.Slug == "mean-value-1")).Results["stopped at iteration"]);
    }
}
