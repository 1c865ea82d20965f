using System.Text;
using System.Text.RegularExpressions;
using Lessons.Core.Catalog;
using Lessons.Core.Exercises;
using Lessons.Core.Figures;

namespace Lessons.Core.Site;

/// <summary>
/// The course as a static site (the CLI's <c>site &lt;dir&gt;</c>): index.html, a page per tutorial
/// and exercises.html, built from the same runs and the same pages as <c>docs</c>
/// (<see cref="LessonDocs.RunSection"/>, <see cref="LessonDocs.Compose"/>), with the C# highlighted
/// by Roslyn's classifier, each training animation as a slider over its frames and each recorded
/// graph's backward as a stepper. Everything a page needs is in the folder (the project's own
/// script and style sheet, the figures); nothing is fetched, so it opens from disk.
/// </summary>
public static partial class CourseSite
{
    public const string IndexFile = "index.html";
    public const string ExercisesFile = "exercises.html";
    public const string AssetFolder = "assets";
    public const string FigureFolder = "figures";

    /// <summary>
    /// What one lesson's run gives the site, as plain data (the site command makes it in a child
    /// process per lesson): its seed and its part of the docs page (<see cref="LessonDocs.RunSection"/>),
    /// the widgets that replace its animations, the files written and the pictures it could not draw.
    /// </summary>
    /// <param name="Widgets">HTML by the image it replaces on the page (<c>figures/&lt;name&gt;.gif</c>).</param>
    /// <param name="Steppers">The backward steppers (and notes on graphs that cannot be stepped), placed after the graph picture.</param>
    public sealed record SiteLesson(string LessonId, long? Seed, string RunPart, IReadOnlyDictionary<string, string> Widgets, string Steppers,
        IReadOnlyList<string> Files, IReadOnlyList<string> Problems)
    {
        public LessonDocs.LessonSection Section => new(LessonCatalog.Get(LessonId), Seed, RunPart);
    }

    /// <summary>
    /// Writes the run's media into the site's figures folder (figures, graph picture, exercise
    /// figures, the frames of its sliders) and returns its part of the site.
    /// </summary>
    public static SiteLesson Lesson(LessonRun run, string siteFolder, CancellationToken interrupt = default)
    {
        string figures = Path.Combine(siteFolder, FigureFolder);
        var files = new List<string>(FigureWriter.Write(run, figures, onlyDocs: true, interrupt: interrupt));
        var problems = new List<string>();
        GraphPictureResult graph = GraphPictures.Write(run, figures, ["png"], keepDot: false);
        files.AddRange(graph.Files);
        if (graph.Problem is not null) problems.Add(graph.Problem);
        if (ExerciseCatalog.For(run.Lesson.Id) is { } exercises)
        {
            foreach (var (_, figure) in LessonDocs.ExerciseFigures(exercises))
            {
                var plot = new ScottPlot.Plot();
                figure.Draw(plot);
                string path = Path.Combine(figures, figure.Name + ".png");
                AtomicFile.WriteAllBytes(path, plot.GetImageBytes(figure.Width, figure.Height, ScottPlot.ImageFormat.Png));
                files.Add(path);
            }
        }
        var widgets = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (Animation animation in AnimationWriter.For(run))
        {
            var (html, frames) = TrainingSlider.Write(animation, figures, interrupt);
            widgets[$"{FigureFolder}/{animation.Name}.gif"] = html;
            files.AddRange(frames);
        }
        var (steppers, problem) = BackwardStepper.Html(run, Graphviz.FindDot());
        if (problem is not null) problems.Add(problem);
        return new SiteLesson(run.Lesson.Id, run.Seed, LessonDocs.RunSection(run), widgets, steppers, files, problems);
    }

    /// <summary>Writes the pages and the assets into <paramref name="siteFolder"/> (each file whole); returns the files written.</summary>
    public static IReadOnlyList<string> Write(IReadOnlyList<SiteLesson> lessons, string siteFolder)
    {
        Directory.CreateDirectory(siteFolder);
        IReadOnlyList<LessonDocs.DocsPage> docsPages = LessonDocs.Compose([.. lessons.Select(l => l.Section)]);
        var pages = docsPages.Select(p => (File: HtmlName(p.RelativePath), Page: p)).ToList();
        var navigation = pages.Select(p => (p.File, Title: Title(p.Page))).Append((File: ExercisesFile, Title: "Exercises")).ToList();
        var byLesson = lessons.ToDictionary(l => l.LessonId);
        var written = new List<string>();
        using var highlighter = new CSharpHighlighter();
        foreach (var (file, page) in pages)
        {
            var body = new StringBuilder();
            // Each lesson's section on its own, so that what it adds (its steppers) stays inside it.
            string[] chunks = LessonHeading().Split(page.Text.ReplaceLineEndings("\n"));
            body.Append(Convert(chunks[0], null, highlighter));
            foreach (string chunk in chunks.Skip(1))
            {
                string id = chunk[..chunk.IndexOf('\n')];
                body.AppendLine("<article class=\"lesson\">");
                body.Append(Convert("## " + chunk, byLesson.GetValueOrDefault(id), highlighter));
                body.AppendLine("</article>");
            }
            if (file == IndexFile)
                body.AppendLine($"<p>The exercises, one C# file each with a gap to fill, are on <a href=\"{ExercisesFile}\">their own page</a>.</p>");
            written.Add(WritePage(siteFolder, file, Title(page), body.ToString(), navigation));
        }
        written.Add(WritePage(siteFolder, ExercisesFile, "Exercises", ExercisesBody(highlighter), navigation));
        foreach (string asset in Assets)
        {
            string path = Path.Combine(siteFolder, AssetFolder, asset);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            AtomicFile.WriteAllText(path, Asset(asset));
            written.Add(path);
        }
        return written;
    }

    /// <summary>The project's own script and style sheet, embedded in Lessons.Core (Site/Assets).</summary>
    public static readonly IReadOnlyList<string> Assets = ["site.css", "site.js"];

    static string Asset(string name)
    {
        using Stream stream = typeof(CourseSite).Assembly.GetManifestResourceStream("SiteAssets/" + name)
            ?? throw new InvalidOperationException($"the site's {name} is not embedded in Lessons.Core");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    /// <summary>docs/lessons.md → index.html, docs/tutorial-001.md → tutorial-001.html.</summary>
    public static string HtmlName(string docsPath) =>
        docsPath == LessonDocs.RelativePath ? IndexFile : Path.GetFileNameWithoutExtension(docsPath) + ".html";

    static string Title(LessonDocs.DocsPage page) =>
        page.RelativePath == LessonDocs.RelativePath ? "The course" : page.Text[2..page.Text.IndexOf('\n')];

    /// <summary>One lesson's section (or a page's opening, for <paramref name="lesson"/> null) as HTML.</summary>
    static string Convert(string markdown, SiteLesson? lesson, CSharpHighlighter highlighter)
    {
        string? id = lesson?.LessonId;
        string backwardGif = id is null ? "" : $"{FigureFolder}/{BackwardAnimation.FileStem(id)}.gif";
        string graphPicture = id is null ? "" : $"{FigureFolder}/{GraphPictures.FileStem(id)}.png";
        bool steppersPlaced = lesson is null || lesson.Steppers.Length == 0;
        var converter = new MarkdownHtml
        {
            Link = SiteLink,
            Code = (language, code, source) => language == "csharp"
                ? $"<pre class=\"code csharp\"><code>{highlighter.Html(code, source)}</code></pre>"
                : $"<pre class=\"code {(language == "text" ? "transcript" : language)}\"><code>{MarkdownHtml.Escape(code)}</code></pre>",
            Image = (src, alt) =>
            {
                if (lesson is null) return null;
                if (lesson.Widgets.TryGetValue(src, out string? widget)) return widget;
                // The steppers take the backward animation's place, or follow the graph picture.
                if (src == backwardGif)
                {
                    steppersPlaced = true;
                    return lesson.Steppers;
                }
                if (src == graphPicture && !markdown.Contains(backwardGif, StringComparison.Ordinal))
                {
                    steppersPlaced = true;
                    return Figure(src, alt) + lesson.Steppers;
                }
                return Figure(src, alt);
            },
            Paragraph = text =>
            {
                if (text.StartsWith("Generated by `dotnet run --project Lessons.Cli -- docs`", StringComparison.Ordinal))
                    return "Generated by `dotnet run --project Lessons.Cli -- site <dir>` from the lesson catalogue, the lessons' runs and their source, as the pages in docs/ are.";
                // The animations' lines describe the GIFs; the slider and the stepper say what they show.
                if (lesson is not null && text.StartsWith("Animation (", StringComparison.Ordinal)) return "";
                return BackwardParagraph().Replace(text, "Backward, node by node, above: step through it with next and previous, play, or the arrow keys; click a node for its edges. ");
            },
        };
        string html = converter.Convert(markdown);
        return steppersPlaced ? html : html + lesson!.Steppers;
    }

    static string Figure(string src, string alt) =>
        $"<p class=\"figure\"><img src=\"{MarkdownHtml.Escape(src)}\" alt=\"{MarkdownHtml.Escape(alt)}\"></p>";

    /// <summary>Where a docs page's link goes on the site: pages and figures inside it; null for files outside it (sources, the tutorials' texts).</summary>
    public static string? SiteLink(string target)
    {
        if (target.StartsWith('#') || target.StartsWith(FigureFolder + "/", StringComparison.Ordinal)) return target;
        string path = target.Split('#')[0], fragment = target.Contains('#') ? target[target.IndexOf('#')..] : "";
        if (path == Path.GetFileName(LessonDocs.RelativePath)) return IndexFile + fragment;
        if (ChapterPage().IsMatch(path)) return Path.ChangeExtension(path, ".html") + fragment;
        if (ExerciseFile().Match(target) is { Success: true } exercise) return $"{ExercisesFile}#{exercise.Groups[1].Value}";
        if (target == "../README.md#exercises") return ExercisesFile;
        return null;
    }

    /// <summary>Every exercise: its task, the lesson that shows the idea, how to check it, a hint, and its file as shipped.</summary>
    static string ExercisesBody(CSharpHighlighter highlighter)
    {
        var html = new StringBuilder();
        string E(string text) => MarkdownHtml.Escape(text);
        html.AppendLine("<h1 id=\"exercises\">Exercises</h1>");
        html.AppendLine($"<p>{ExerciseBook.All.Count} exercises in the course's order, one C# file each in <code>exercises/</code> of the repository. "
            + "Each file says its task and the tutorial section it builds on; the gap is a <code>// TODO</code> that throws "
            + "<code>NotImplementedException</code>. Fill it, then check it: the checks compare your code with autograd itself, with gradcheck "
            + "or with the values the tutorial prints.</p>");
        html.AppendLine("<pre class=\"code sh\"><code>dotnet run --project Lessons.Cli -- exercises                      # where you are\n"
            + "dotnet run --project Lessons.Cli -- check                          # the first exercise not yet passing\n"
            + "dotnet run --project Lessons.Cli -- check relu-backward --watch    # check again on every save</code></pre>");
        html.AppendLine("<ol class=\"exercise-list\">");
        foreach (Exercise exercise in ExerciseBook.All)
            html.AppendLine($"<li><a href=\"#{exercise.Id}\">{E(exercise.Id)}</a>: {E(exercise.Task)}</li>");
        html.AppendLine("</ol>");
        foreach (Exercise exercise in ExerciseBook.All)
        {
            Lesson lesson = exercise.Lesson;
            string chapter = $"tutorial-{lesson.Source.File[..3]}.html";
            string section = lesson.Source.Numbered ? $" §{lesson.Source.Section}" : "";
            html.AppendLine("<article class=\"exercise\">");
            html.AppendLine($"<h2 id=\"{exercise.Id}\">{exercise.Number}. {E(exercise.Id)}</h2>");
            html.AppendLine($"<p><strong>{E(exercise.Task)}</strong>, in <code>exercises/{E(exercise.FileName)}</code>; from <code>{E(lesson.Source.File)}</code>{E(section)} «{E(lesson.Source.Heading)}».</p>");
            html.AppendLine($"<p>Check it with <code>dotnet run --project Lessons.Cli -- check {E(exercise.Id)}</code>; <code>hint</code> gives the next hint each time it is asked.</p>");
            // The hints teach before they tell, as `hint` does: a nudge, the idea, then the code; the
            // lesson that holds the answer is named only with the last.
            string[] levels = ["a nudge", "the idea", "the code"];
            for (int level = 0; level < exercise.Hints.Count; level++)
            {
                bool last = level == exercise.Hints.Count - 1;
                string answer = last ? $" The lesson that shows it: <a href=\"{chapter}#{lesson.Id}\">{E(lesson.Id)}</a>." : "";
                html.AppendLine($"<details><summary>Hint {level + 1}: {levels[Math.Min(level, levels.Length - 1)]}</summary><p>{E(exercise.Hints[level])}{answer}</p></details>");
            }
            html.AppendLine($"<details><summary>The file as shipped</summary><pre class=\"code csharp\"><code>{highlighter.Html(exercise.Stub.ReplaceLineEndings("\n").TrimEnd('\n'), null)}</code></pre></details>");
            html.AppendLine("</article>");
        }
        return html.ToString();
    }

    static string WritePage(string siteFolder, string file, string title, string body, IReadOnlyList<(string File, string Title)> navigation)
    {
        string E(string text) => MarkdownHtml.Escape(text);
        var html = new StringBuilder();
        html.AppendLine("<!DOCTYPE html>");
        html.AppendLine("<html lang=\"en\">");
        html.AppendLine("<head>");
        html.AppendLine("<meta charset=\"utf-8\">");
        html.AppendLine("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
        html.AppendLine($"<title>{E(title)} · PyTorch autograd lessons in C#</title>");
        html.AppendLine($"<link rel=\"stylesheet\" href=\"{AssetFolder}/site.css\">");
        html.AppendLine("</head>");
        html.AppendLine("<body>");
        html.AppendLine("<nav class=\"site-nav\">" + string.Join(" · ", navigation.Select(n => n.File == file
            ? $"<a href=\"{n.File}\" aria-current=\"page\">{E(n.Title)}</a>"
            : $"<a href=\"{n.File}\">{E(n.Title)}</a>")) + "</nav>");
        html.AppendLine("<main>");
        html.Append(body);
        html.AppendLine("</main>");
        html.AppendLine("<footer>Generated from the lessons' runs by <code>lessons site</code>. The script and style sheet are this project's own; nothing here is loaded from the network.</footer>");
        html.AppendLine($"<script src=\"{AssetFolder}/site.js\"></script>");
        html.AppendLine("</body>");
        html.AppendLine("</html>");
        string path = Path.Combine(siteFolder, file);
        AtomicFile.WriteAllText(path, html.ToString());
        return path;
    }

    [GeneratedRegex(@"(?m)^## ")]
    private static partial Regex LessonHeading();

    [GeneratedRegex(@"^tutorial-\d{3}\.md$")]
    private static partial Regex ChapterPage();

    [GeneratedRegex(@"^\.\./exercises/\d+-([a-z0-9-]+)\.cs$")]
    private static partial Regex ExerciseFile();

    [GeneratedRegex(@"^Backward, node by node \(.*?\): ")]
    private static partial Regex BackwardParagraph();
}
