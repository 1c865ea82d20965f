using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Lessons.Core.Catalog;
using Lessons.Core.Figures;

namespace Lessons.Cli;

/// <summary>
/// <c>bench</c>: runs each lesson at the tutorial's settings several times and reports, per lesson,
/// the median in-process wall time, the median whole-process time of <c>lesson &lt;id&gt;</c>, peak
/// resident memory and managed allocations; then the project's targets, met or not. A benchmark,
/// not a test: build Release first (scripts/bench.sh does).
/// </summary>
public static class BenchCommand
{
    // The targets of the performance issues, on the project's machine kind (2 cores).
    const double HimmelblauSeconds = 3.0, SmallLessonProcessSeconds = 0.6, PeakMegabytes = 300, FlatPercent = 5, DotnetRunSeconds = 1.8;

    static readonly string[] SmallLessons = ["simple-grad", "computational-graph"];

    public static Command Create(CliConsole console)
    {
        var runs = new Option<int>("--runs") { Description = "Runs per measurement (the median is reported).", DefaultValueFactory = _ => 3 };
        var only = new Option<string[]>("--lesson") { Description = "Only these lessons (repeatable).", Arity = ArgumentArity.ZeroOrMore };
        var json = new Option<string?>("--json") { Description = "Write the measurements to this JSON file." };
        var readme = new Option<string?>("--update-readme") { Description = "Rewrite the benchmark tables of this page (docs/guide/performance.md)." };
        var pytorchOnly = new Option<bool>("--pytorch-only") { Description = "Only time the lessons beside PyTorch running the tutorials' code (whole processes, alternating)." };
        WholeNumbers.Require(runs, 1, 1000);
        LessonsCommandLine.RequireValue(only, "himmelblau");
        var command = new Command("bench", "Measure every lesson: time, whole-process time, peak memory, allocations.") { runs, only, json, readme, pytorchOnly };
        command.SetAction(parsed => LessonsCommandLine.Guarded(console, () =>
        {
            int count = parsed.GetValue(runs);
            string[] chosen = parsed.GetValue(only) ?? [];
            var lessons = chosen.Length == 0 ? LessonCatalog.All.ToList() : chosen.Select(LessonCatalog.Get).ToList();
            // The outputs are checked before the minutes of measuring, not after.
            if (parsed.GetValue(json) is string jsonFile) OutputPaths.WritableFile("--json", jsonFile);
            if (parsed.GetValue(readme) is string readmeFile) CheckReadme(readmeFile);
            if (parsed.GetValue(pytorchOnly) && parsed.GetValue(readme) is not null)
                throw new LessonUsageException("--pytorch-only measures too little to rewrite the README's tables; drop one of them");

            var results = new List<LessonBenchmark>();
            foreach (Lesson lesson in parsed.GetValue(pytorchOnly) ? [] : lessons)
            {
                console.Error.WriteLine($"[bench] {lesson.Id}");
                var (inProcess, allocated) = Benchmark.InProcess(lesson, count, console.Settings);
                var (pinned, native) = Benchmark.WholeProcess(lesson.Id, count);
                double peak = Benchmark.PeakResident(lesson.Id, []);
                results.Add(new LessonBenchmark(lesson.Id, inProcess, pinned, native, peak, allocated));
            }
            var targets = parsed.GetValue(pytorchOnly) ? [] : Targets(results, lessons, count);
            var pytorch = BesidePyTorch(console, lessons, count, targets);
            string table = Markdown(results, targets);
            console.Out.Write(table);

            if (parsed.GetValue(json) is string jsonPath)
                AtomicFile.WriteAllText(jsonPath, JsonSerializer.Serialize(new { machine = Machine(), lessons = results, pytorch, targets }, RunJson.Options));
            if (parsed.GetValue(readme) is string readmePath)
                UpdateReadme(readmePath, table);
            return ExitCodes.Ok;
        }));
        return command;
    }

    /// <summary>The hidden <c>measure</c> command: run a lesson once, print this process's peak resident MB.</summary>
    public static Command MeasureCommand(CliConsole console)
    {
        var id = new Argument<string>("id");
        var set = new Option<string[]>("--set") { Arity = ArgumentArity.ZeroOrMore };
        var command = new Command("measure", "Run a lesson once and print the peak resident memory in MB (used by bench).") { id, set };
        command.Hidden = true;
        command.SetAction(parsed => LessonsCommandLine.Guarded(console, () =>
        {
            LessonRunner.Run(LessonCatalog.Get(parsed.GetValue(id)!), console.Settings with { Assignments = parsed.GetValue(set) ?? [] });
            double peak = Benchmark.OwnPeakResidentMegabytes();
            if (console.Report is not null) console.Report.Payload = peak;
            else console.Out.WriteLine(peak.ToString("F1", CultureInfo.InvariantCulture));
            return ExitCodes.Ok;
        }));
        return command;
    }

    /// <summary>
    /// The pairings whose lessons are all among those measured, timed beside PyTorch; each adds a
    /// target (or one "not measured" line says why PyTorch cannot run here).
    /// </summary>
    static List<PyTorchTiming> BesidePyTorch(CliConsole console, List<Lesson> lessons, int runs, List<BenchTarget> targets)
    {
        var chosen = lessons.Select(l => l.Id).ToHashSet();
        var pairings = PyTorchComparison.Pairings
            .Where(p => LessonCatalog.Select([p.LessonArguments[1]]).All(l => chosen.Contains(l.Id))).ToList();
        var timings = new List<PyTorchTiming>();
        if (pairings.Count == 0) return timings;
        string? scripts = PyTorchComparison.ScriptsFolder();
        if (PyTorchComparison.Unavailable(scripts) is string why)
        {
            targets.Add(new("lessons beside PyTorch", "", $"not measured: {why}", null));
            return timings;
        }
        foreach (PyTorchPairing pairing in pairings)
        {
            console.Error.WriteLine($"[bench] beside PyTorch: {string.Join(' ', pairing.LessonArguments)} / {pairing.Script}");
            PyTorchTiming timing = PyTorchComparison.Measure(pairing, scripts!, runs);
            timings.Add(timing);
            targets.Add(PyTorchComparison.Target(timing));
        }
        return timings;
    }

    static List<BenchTarget> Targets(List<LessonBenchmark> results, List<Lesson> lessons, int runs)
    {
        var targets = new List<BenchTarget>();
        LessonBenchmark? himmelblau = results.FirstOrDefault(r => r.Lesson == "himmelblau");
        targets.Add(himmelblau is null
            ? new("himmelblau from [0, 0], in-process", $"<= {HimmelblauSeconds} s", "not measured", null)
            : new("himmelblau from [0, 0], in-process", $"<= {HimmelblauSeconds} s", Seconds(himmelblau.InProcessMedianSeconds), himmelblau.InProcessMedianSeconds <= HimmelblauSeconds));
        const string dotnetRun = "`dotnet run --project Lessons.Cli -- lesson simple-grad`, build up to date";
        if (!results.Any(r => r.Lesson == "simple-grad"))
            targets.Add(new(dotnetRun, $"<= {DotnetRunSeconds} s", "not measured", null));
        else
            targets.Add(Benchmark.DotnetRun("simple-grad", runs) is double run
                ? new(dotnetRun, $"<= {DotnetRunSeconds} s", Seconds(run), run <= DotnetRunSeconds)
                : new(dotnetRun, $"<= {DotnetRunSeconds} s", "not measured (no Lessons.sln above the program)", null));

        foreach (string small in SmallLessons)
        {
            LessonBenchmark? r = results.FirstOrDefault(x => x.Lesson == small);
            targets.Add(r is null
                ? new($"{small}, whole process", $"<= {SmallLessonProcessSeconds} s", "not measured", null)
                : new($"{small}, whole process", $"<= {SmallLessonProcessSeconds} s", Seconds(r.WholeProcessMedianSeconds), r.WholeProcessMedianSeconds <= SmallLessonProcessSeconds));
        }

        double worstPeak = results.Count == 0 ? 0 : results.Max(r => r.PeakResidentMegabytes);
        string worstLesson = results.Count == 0 ? "" : results.MaxBy(r => r.PeakResidentMegabytes)!.Lesson;
        targets.Add(new("peak resident memory of any lesson", $"<= {PeakMegabytes} MB", $"{worstPeak:F0} MB ({worstLesson})", worstPeak <= PeakMegabytes));

        // Memory stays flat in long runs: himmelblau with ten times the steps.
        Lesson? himmelblauLesson = lessons.FirstOrDefault(l => l.Id == "himmelblau");
        LessonOption? steps = himmelblauLesson?.Options.FirstOrDefault(o => o.Name == "steps");
        if (himmelblauLesson is null || steps is null || himmelblau is null)
            targets.Add(new("himmelblau with 10x the steps: peak memory growth", $"< {FlatPercent}%", "not measured", null));
        else
        {
            long tenTimes = Convert.ToInt64(steps.DefaultValue, CultureInfo.InvariantCulture) * 10;
            double longPeak = Benchmark.PeakResident("himmelblau", [$"steps={tenTimes}"]);
            double growth = (longPeak / himmelblau.PeakResidentMegabytes - 1) * 100;
            targets.Add(new("himmelblau with 10x the steps: peak memory growth", $"< {FlatPercent}%",
                $"{growth:F1}% ({himmelblau.PeakResidentMegabytes:F0} -> {longPeak:F0} MB)", growth < FlatPercent));
        }
        return targets;
    }

    static string Markdown(List<LessonBenchmark> results, List<BenchTarget> targets)
    {
        var text = new StringBuilder();
        text.AppendLine($"Measured by `bench` on {Machine()}.");
        text.AppendLine();
        text.AppendLine("Times are with the pinned kernels (the default) unless the column says native; the last column is");
        text.AppendLine("the pinned kernels' whole-process time over `--kernels native`'s, from alternating runs.");
        text.AppendLine();
        text.AppendLine("| lesson | in-process (median) | whole process (median) | whole process, native kernels | pinned / native | peak memory | managed allocations |");
        text.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var r in results)
            text.AppendLine($"| {r.Lesson} | {Seconds(r.InProcessMedianSeconds)} | {Seconds(r.WholeProcessMedianSeconds)} | {Seconds(r.WholeProcessNativeMedianSeconds)} | "
                + $"{r.WholeProcessMedianSeconds / r.WholeProcessNativeMedianSeconds:F2} | {r.PeakResidentMegabytes:F0} MB | {r.ManagedAllocatedMegabytes:F2} MB |");
        double pinnedTotal = results.Sum(r => r.WholeProcessMedianSeconds), nativeTotal = results.Sum(r => r.WholeProcessNativeMedianSeconds);
        if (results.Count > 0)
            text.AppendLine($"| all lessons | | {Seconds(pinnedTotal)} | {Seconds(nativeTotal)} | {pinnedTotal / nativeTotal:F2} | | |");
        text.AppendLine();
        text.AppendLine("| target | limit | measured | met |");
        text.AppendLine("| --- | --- | --- | --- |");
        foreach (var t in targets)
            text.AppendLine($"| {t.Name} | {t.Limit} | {t.Measured} | {(t.Met is bool met ? met ? "yes" : "**no**" : "-")} |");
        return text.ToString();
    }

    const string ReadmeStart = "<!-- bench:start -->", ReadmeEnd = "<!-- bench:end -->";

    static void UpdateReadme(string path, string table)
    {
        string readme = CheckReadme(path);
        int start = readme.IndexOf(ReadmeStart, StringComparison.Ordinal);
        int end = readme.IndexOf(ReadmeEnd, StringComparison.Ordinal);
        AtomicFile.WriteAllText(path, readme[..(start + ReadmeStart.Length)] + "\n" + table + readme[end..]);
    }

    /// <summary>The README's text, if it exists, can be rewritten and has the section; else a usage error.</summary>
    static string CheckReadme(string path)
    {
        if (!File.Exists(path)) throw new LessonUsageException($"--update-readme '{path}': no such file");
        OutputPaths.WritableFile("--update-readme", path);
        string readme = File.ReadAllText(path);
        int start = readme.IndexOf(ReadmeStart, StringComparison.Ordinal);
        int end = readme.IndexOf(ReadmeEnd, StringComparison.Ordinal);
        if (start < 0 || end < start)
            throw new LessonUsageException($"--update-readme '{path}' has no '{ReadmeStart}' ... '{ReadmeEnd}' section to rewrite");
        return readme;
    }

    internal static string Seconds(double s) => s.ToString("F2", CultureInfo.InvariantCulture) + " s";

    static string Machine() =>
        $"{Environment.ProcessorCount} cores ({CpuModel()}), {System.Runtime.InteropServices.RuntimeInformation.OSDescription.Trim()}, .NET {Environment.Version}";

    // The kernels a native run picks depend on the CPU, so the report names it.
    static string CpuModel()
    {
        const string cpuinfo = "/proc/cpuinfo";
        string? line = File.Exists(cpuinfo) ? File.ReadLines(cpuinfo).FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal)) : null;
        return line is null ? System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture.ToString() : line[(line.IndexOf(':') + 1)..].Trim();
    }
}
