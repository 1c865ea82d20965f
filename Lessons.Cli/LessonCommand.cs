using System.CommandLine;
using System.Globalization;
using Lessons.Core.Catalog;
using Lessons.Core.Code;
using Lessons.Core.Figures;

namespace Lessons.Cli;

/// <summary>
/// <c>lesson &lt;id&gt;...</c>: runs a lesson and prints its transcript (or JSON). Several ids or
/// patterns (<c>'four-class-*'</c>) run several lessons, each in its own process (see <see cref="LessonBatch"/>).
/// </summary>
public static class LessonCommand
{
    public static Command Create(CliConsole console)
    {
        var id = new Argument<string[]>("id")
        {
            Description = "The lesson's id (see 'list'); several ids or shell-style patterns ('four-class-*') run several lessons.",
            Arity = ArgumentArity.OneOrMore,
        };
        var device = new Option<string>("--device")
        {
            Description = "Where to run: cpu, cuda or cuda:N.",
            DefaultValueFactory = _ => "cpu",
        };
        var seed = new Option<long?>("--seed")
        {
            Description = "Override the tutorial's seed.",
            CustomParser = result =>
            {
                string text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";
                if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out long value)) return value;
                result.AddError(text.Trim().TrimStart('-', '+').All(char.IsAsciiDigit) && text.Trim().Length > 0
                    ? $"--seed needs an integer from {long.MinValue} to {long.MaxValue}, got '{text}'"
                    : $"--seed needs an integer, got '{text}'");
                return null;
            },
        };
        var set = new Option<string[]>("--set")
        {
            Description = "Set a lesson option: name=value (repeatable).",
            Arity = ArgumentArity.ZeroOrMore,
            AllowMultipleArgumentsPerToken = false,
        };
        LessonsCommandLine.RequireValue(set, "name=value");
        var json = new Option<bool>("--json") { Description = "Print one JSON object with the results and the transcript." };
        var quiet = new Option<bool>("--quiet") { Description = "Print only the transcript: no heading, no progress." };
        var explain = new Option<bool>("--explain") { Description = "Print the lesson's notes before running it." };
        var plots = new Option<string?>("--plots")
        {
            Description = "Write the tutorial's figures as PNG files (and training as animated GIFs) into this folder (created if missing), the autograd graph as <id>-graph.dot/.svg/.png and its backward as <id>-backward.gif.",
        };
        var graph = new Option<bool>("--graph") { Description = "Print the autograd graphs the lesson recorded, as indented trees, each edge with the gradient it carries." };
        var backward = new Option<bool>("--backward") { Description = "Print backward of each recorded graph as the engine runs it, node by node: what each node receives and sends, and each leaf's .grad." };
        var code = new Option<bool>("--code") { Description = "Print the lesson's C# (its Run and the code it uses), taken from its source, instead of running it." };
        var jobs = LessonBatch.JobsOption("With several lessons: how many run at once, each in its own process (default: one per core, as memory allows).");

        var command = new Command("lesson", "Run lessons and print what the tutorial prints.")
        {
            id, device, seed, set, json, quiet, explain, plots, graph, backward, code, jobs,
        };
        command.SetAction(parsed =>
        {
            if (parsed.GetValue(code))
                return LessonsCommandLine.Guarded(console, () =>
                {
                    // --code prints the source and runs nothing: an option about running would be silently ignored.
                    Option[] running = [device, seed, set, json, quiet, explain, plots, graph, backward, jobs];
                    if (running.FirstOrDefault(o => parsed.GetResult(o) is { Implicit: false }) is Option given)
                        throw new LessonUsageException($"--code prints the lesson's C# without running it, so {given.Name} has nothing to do; leave one of them out");
                    foreach (Lesson shown in LessonCatalog.Select(parsed.GetValue(id)!))
                        console.Out.Write(LessonSources.For(shown).Text.ReplaceLineEndings());
                    return ExitCodes.Ok;
                });
            if (IsBatch(parsed.GetValue(id)!))
                return LessonsCommandLine.Guarded(console, () =>
                {
                    BatchInvocation batch = ValidateBatch(parsed, console, holdFolder: true);
                    using IDisposable? folderHold = batch.FolderHold;
                    return LessonBatch.Run(console, batch.Children, batch.Jobs, batch.Json, batch.Quiet);
                });
            var figures = new List<string>();
            string? folder = null;
            return LessonsCommandLine.Guarded(console, () =>
            {
                LessonInvocation run = Validate(parsed, console, holdFolder: true);
                using IDisposable? folderHold = run.FolderHold;
                folder = run.PlotsFolder;
                Lesson lesson = run.Lesson;
                if (run.Explain && !run.Json) console.Out.WriteLine(Explanation(lesson));
                else if (!run.Quiet && !run.Json) console.Out.WriteLine($"# {lesson.Id}: {lesson.Title} [{lesson.Source}]");

                LessonRun result = ProgressDisplay.Run(console, lesson.Id, run.Quiet || run.Json, (progress, writeLine) =>
                    LessonRunner.Run(lesson, run.Settings with
                    {
                        // Stream the transcript as it is printed, so nothing is lost if a lesson stops early.
                        OnLine = run.Json ? null : writeLine ?? console.Out.WriteLine,
                        Progress = progress,
                    }));
                if (run.Graph && !run.Json) PrintGraphs(console, result);
                if (run.Backward && !run.Json) PrintBackward(console, result);
                if (folder is not null)
                {
                    void Written(string path)
                    {
                        figures.Add(path);
                        console.Wrote(path);
                        if (!run.Json) console.Out.WriteLine($"figure: {path}");
                    }
                    // Each file is listed as soon as it is whole, and an interrupt stops between files
                    // (and between an animation's frames): what a failure or Ctrl-C leaves is all listed.
                    void Interrupted() => console.Interrupt.ThrowIfInterrupted(folder);
                    FigureWriter.Write(result, folder, written: Written, interrupt: console.Interrupt);
                    AnimationWriter.Write(result, folder, Written, console.Interrupt);
                    Interrupted();
                    GraphPictureResult pictures = GraphPictures.Write(result, folder, ["svg", "png"], written: Written);
                    if (pictures.Problem is not null && run.Json) console.Notice(pictures.Problem);
                    else if (pictures.Problem is not null) console.Out.WriteLine(pictures.Problem);
                    Interrupted();
                    GraphPictureResult backward = BackwardAnimation.Write(result, folder, console.Interrupt);
                    foreach (string gif in backward.Files) Written(gif);
                    if (backward.Problem is not null && run.Json) console.Notice(backward.Problem);
                    else if (backward.Problem is not null) console.Out.WriteLine(backward.Problem);
                    else if (figures.Count == 0 && !run.Json) console.Out.WriteLine("figure: none (this tutorial section draws no figure)");
                }
                if (run.Json) console.Out.WriteLine(RunJson.Serialize(result, figures));
                return ExitCodes.Ok;
            }, written: () => figures.Count == 0 ? null
                : $"the {figures.Count} figure{(figures.Count == 1 ? "" : "s")} written before it are in {folder}");
        });
        return command;
    }

    /// <summary>What a parsed <c>lesson</c> command asks for, every part of it checked.</summary>
    public sealed record LessonInvocation(Lesson Lesson, LessonSettings Settings, string? PlotsFolder, bool Json, bool Quiet, bool Explain, bool Graph, bool Backward = false)
    {
        /// <summary>The --plots folder held for this run (<see cref="Hold"/>), when asked for; the caller disposes it.</summary>
        public IDisposable? FolderHold { get; init; }
    }

    /// <summary>
    /// Everything that can be wrong with the input, found before any output and without running
    /// the lesson: the lesson id, its options, the seed and device, the sizes against the memory
    /// available, and the --plots folder (created if missing, proven writable). Throws the usage
    /// (or device) error the command prints.
    /// </summary>
    public static LessonInvocation Validate(ParseResult parsed, CliConsole console, bool holdFolder = false)
    {
        Lesson lesson = LessonCatalog.Select(parsed.GetValue<string[]>("id")!).Single();
        bool backward = parsed.GetValue<bool>("--backward");
        if (backward && !lesson.RecordsGraphs) throw NoGraphForBackward([lesson]);
        var settings = console.Settings with
        {
            Device = parsed.GetValue<string>("--device") ?? "cpu",
            Seed = parsed.GetValue<long?>("--seed"),
            Assignments = parsed.GetValue<string[]>("--set") ?? [],
            // Frames are drawn only into --plots: without it, the lesson need not record them.
            RecordFrames = parsed.GetValue<string?>("--plots") is not null,
        };
        // The quick checks first; loading libtorch to resolve the device takes most of a second.
        LessonRunner.Check(lesson, settings, resolveDevice: false);
        string? folder = parsed.GetValue<string?>("--plots");
        // The figures are listed under the path as the user wrote it.
        if (folder is not null) OutputPaths.WritableFolder("--plots", folder);
        IDisposable? hold = holdFolder ? Hold(folder, console) : null;
        try
        {
            LessonRunner.Check(lesson, settings);
        }
        catch
        {
            hold?.Dispose();
            throw;
        }
        return new LessonInvocation(lesson, settings, folder,
            parsed.GetValue<bool>("--json"), parsed.GetValue<bool>("--quiet"), parsed.GetValue<bool>("--explain"), parsed.GetValue<bool>("--graph"), backward) { FolderHold = hold };
    }

    /// <summary>The one-line refusal of <c>--backward</c> where no lesson asked for records a graph.</summary>
    static LessonUsageException NoGraphForBackward(IReadOnlyList<Lesson> lessons)
    {
        string which = lessons.Count == 1 ? $"{lessons[0].Id} records no autograd graph" : $"none of the {lessons.Count} lessons records an autograd graph";
        string graphLessons = string.Join(", ", LessonCatalog.All.Where(l => l.RecordsGraphs).Select(l => l.Id));
        return new LessonUsageException($"--backward shows the backward of a recorded graph, and {which}; lessons that record one: {graphLessons}");
    }

    // Several ids, or a pattern (which may match one lesson or many): the batch path, whose output is the same per lesson.
    static bool IsBatch(string[] ids) => ids.Length > 1 || LessonCatalog.IsPattern(ids[0]);

    /// <summary>Everything <c>lesson</c> checks before it runs anything, for one lesson or several; throws the error it would print.</summary>
    public static void CheckInput(ParseResult parsed, CliConsole console)
    {
        if (IsBatch(parsed.GetValue<string[]>("id")!)) ValidateBatch(parsed, console);
        else Validate(parsed, console);
    }

    /// <summary>Several lessons, checked: each child's arguments, and how many run at once.</summary>
    public sealed record BatchInvocation(IReadOnlyList<(Lesson Lesson, IReadOnlyList<string> Args)> Children, int Jobs, bool Json, bool Quiet)
    {
        /// <summary>The --plots folder held for the batch (its children write into it), when asked for; the caller disposes it.</summary>
        public IDisposable? FolderHold { get; init; }
    }

    /// <summary>
    /// Several lessons: every one is checked first (ids, patterns, options, sizes, the --plots folder,
    /// the device), then each runs as <c>lesson &lt;id&gt;</c> in a child process with the same options.
    /// Each <c>--set</c> applies to the lessons that have that option; one that none has is an error.
    /// </summary>
    static BatchInvocation ValidateBatch(ParseResult parsed, CliConsole console, bool holdFolder = false)
    {
        IReadOnlyList<Lesson> lessons = LessonCatalog.Select(parsed.GetValue<string[]>("id")!);
        // --backward and --seed go to the lessons where they mean something, as each --set goes to
        // the lessons that have its option: an error only if none is such, and a note naming the
        // others, so that a pattern need not be narrowed to the lessons an option fits.
        bool backward = parsed.GetValue<bool>("--backward");
        if (backward && !lessons.Any(l => l.RecordsGraphs)) throw NoGraphForBackward(lessons);
        long? seed = parsed.GetValue<long?>("--seed");
        if (seed is long given && lessons.All(l => l.Seed is null)) throw lessons.Count == 1
            ? new SeedWithoutDrawsException(lessons[0].Id, given)
            : new LessonUsageException($"--seed {given}: none of the {lessons.Count} lessons draws anything at random; --seed has no effect");

        string[] assignments = parsed.GetValue<string[]>("--set") ?? [];
        static string OptionName(string assignment) => assignment.Split('=', 2)[0].Trim();
        static bool Has(Lesson lesson, string assignment) => lesson.Options.Any(o => o.Name == OptionName(assignment));
        foreach (string assignment in assignments)
            if (!lessons.Any(l => Has(l, assignment)))
                throw new LessonUsageException($"none of the {lessons.Count} lessons has an option '{OptionName(assignment)}'");
        string device = parsed.GetValue<string>("--device") ?? "cpu";
        var common = new List<string> { "--device", device };
        foreach (string flag in new[] { "--json", "--quiet", "--explain", "--graph" })
            if (parsed.GetValue<bool>(flag)) common.Add(flag);
        string? folder = parsed.GetValue<string?>("--plots");
        if (folder is not null) common.AddRange(["--plots", folder]);

        var children = new List<(Lesson, IReadOnlyList<string>)>();
        foreach (Lesson lesson in lessons)
        {
            string[] own = assignments.Where(a => Has(lesson, a)).ToArray();
            long? ownSeed = lesson.Seed is null ? null : seed;
            var settings = new LessonSettings { Device = device, Seed = ownSeed, Assignments = own };
            LessonRunner.Check(lesson, settings, resolveDevice: false);
            var args = new List<string> { "lesson", lesson.Id };
            foreach (string assignment in own) args.AddRange(["--set", assignment]);
            if (ownSeed is long s) args.AddRange(["--seed", s.ToString(CultureInfo.InvariantCulture)]);
            args.AddRange(common);
            if (backward && lesson.RecordsGraphs) args.Add("--backward");
            children.Add((lesson, args));
        }
        // Made only once every lesson's input has passed: a refused batch leaves no folder behind.
        if (folder is not null) OutputPaths.WritableFolder("--plots", folder);
        IDisposable? hold = holdFolder ? Hold(folder, console) : null;
        try
        {
            LessonRunner.Check(lessons[0], console.Settings with { Device = device }); // the device, once
        }
        catch
        {
            hold?.Dispose();
            throw;
        }
        if (backward) NotApplied(console, "--backward", lessons.Where(l => !l.RecordsGraphs).ToList(), lessons.Count, ("records", "record"), "no autograd graph");
        if (seed is not null) NotApplied(console, "--seed", lessons.Where(l => l.Seed is null).ToList(), lessons.Count, ("draws", "draw"), "nothing at random");
        int workers = parsed.GetValue<int?>("--jobs") ?? LessonBatch.DefaultJobs(lessons.Count);
        return new BatchInvocation(children, Math.Min(workers, lessons.Count), parsed.GetValue<bool>("--json"), parsed.GetValue<bool>("--quiet")) { FolderHold = hold };
    }

    /// <summary>
    /// The --plots folder, held for this run before libtorch loads: a second run writing into it at
    /// the same time is refused, so two runs never mix their files. A child of this program writes
    /// into the folder its parent holds, so it takes no lock of its own.
    /// </summary>
    static IDisposable? Hold(string? folder, CliConsole console) =>
        folder is not null && console.Report is null ? OutputPaths.Hold("--plots", folder) : null;

    /// <summary>Ctrl-C between two files of --plots: stop there, every file so far whole and listed.</summary>
    static void ThrowIfInterrupted(this CancellationToken interrupt, string folder)
    {
        if (interrupt.IsCancellationRequested) throw new LessonInterruptedException($"interrupted while writing the figures into {folder}");
    }

    /// <summary>The one note that an option of a batch is left out for some of its lessons, and why.</summary>
    static void NotApplied(CliConsole console, string option, IReadOnlyList<Lesson> without, int total, (string One, string Several) verb, string because)
    {
        if (without.Count == 0) return;
        string which = without.Count <= 5 ? string.Join(", ", without.Select(l => l.Id)) : $"{string.Join(", ", without.Take(5).Select(l => l.Id))} and {without.Count - 5} more";
        console.Notice($"note: {option} applies to {total - without.Count} of the {total} lessons; {which} {(without.Count == 1 ? verb.One : verb.Several)} {because}, so it is left out for {(without.Count == 1 ? "that one" : "those")}");
    }

    /// <summary>What <c>--graph</c> prints: each recorded graph as a tree, or why there is none.</summary>
    static void PrintGraphs(CliConsole console, LessonRun run)
    {
        if (run.Graphs.Count == 0)
        {
            console.Out.WriteLine("graph: none (this lesson records no autograd graph)");
            return;
        }
        foreach (var recorded in run.Graphs)
            foreach (string line in recorded.TreeLines()) console.Out.WriteLine(line);
    }

    /// <summary>What <c>--backward</c> prints: each recorded graph's backward, step by step.</summary>
    static void PrintBackward(CliConsole console, LessonRun run)
    {
        foreach (var recorded in run.Graphs)
            foreach (string line in Lessons.Core.Autograd.BackwardSteps.Lines(recorded)) console.Out.WriteLine(line);
    }

    /// <summary>What <c>--explain</c> prints: title, source, notes and options.</summary>
    public static string Explanation(Lesson lesson)
    {
        var lines = new List<string>
        {
            $"# {lesson.Id}: {lesson.Title}",
            $"# from {lesson.Source}",
            "",
            LessonDocs.Paragraph(lesson.Notes),
            "",
        };
        foreach (var option in lesson.Options)
            lines.Add($"  --set {option.Name}=<{option.TypeName}>  (default {option.DefaultText}) {option.Description}");
        if (lesson.Seed is long seed) lines.Add($"  --seed <integer>  (default {seed})");
        lines.Add("");
        return string.Join(Environment.NewLine, lines);
    }
}
