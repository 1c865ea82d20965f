using System.Diagnostics;
using System.Globalization;
using Lessons.Core.Catalog;

namespace Lessons.Cli;

/// <summary>One lesson's measurements: in-process median, whole-process median, peak memory, managed allocations.</summary>
public sealed record LessonBenchmark(
    string Lesson,
    double InProcessMedianSeconds,
    double WholeProcessMedianSeconds,
    double WholeProcessNativeMedianSeconds,
    double PeakResidentMegabytes,
    double ManagedAllocatedMegabytes);

/// <summary>A performance target and whether the measurements meet it.</summary>
public sealed record BenchTarget(string Name, string Limit, string Measured, bool? Met);

/// <summary>The measurements behind <c>bench</c>. Not a test: numbers for the README and for people.</summary>
public static class Benchmark
{
    /// <summary>Median wall time of <paramref name="runs"/> in-process runs, and the managed bytes one run allocates.</summary>
    public static (double MedianSeconds, double AllocatedMegabytes) InProcess(Lesson lesson, int runs, LessonSettings settings)
    {
        // As `lesson <id>` runs it: no --plots, so no frames for an animation.
        settings = settings with { RecordFrames = false };
        var times = new List<double>();
        double allocated = 0;
        for (int i = 0; i < runs; i++)
        {
            long before = GC.GetTotalAllocatedBytes(precise: true);
            var clock = Stopwatch.StartNew();
            LessonRunner.Run(lesson, settings);
            times.Add(clock.Elapsed.TotalSeconds);
            allocated = (GC.GetTotalAllocatedBytes(precise: true) - before) / 1e6;
        }
        return (Median(times), allocated);
    }

    /// <summary>
    /// Median wall times of the built CLI running <c>lesson &lt;id&gt; --quiet</c> in a fresh process, with the
    /// pinned kernels and with <c>--kernels native</c>; the two alternate so that drift of the machine's
    /// speed affects both alike.
    /// </summary>
    public static (double Pinned, double Native) WholeProcess(string lessonId, int runs)
    {
        var pinned = new List<double>();
        var native = new List<double>();
        for (int i = 0; i < runs; i++)
        {
            pinned.Add(RunSelf<string>(["lesson", lessonId, "--quiet"]).Seconds);
            native.Add(RunSelf<string>(["lesson", lessonId, "--quiet", "--kernels", "native"]).Seconds);
        }
        return (Median(pinned), Median(native));
    }

    /// <summary>
    /// Median wall time of the README's own command, <c>dotnet run --project Lessons.Cli -- lesson &lt;id&gt;</c>,
    /// on an up-to-date build (one untimed run first brings it up to date); null where the sources are not above the program.
    /// </summary>
    public static double? DotnetRun(string lessonId, int runs)
    {
        string? root = RepositoryRoot();
        if (root is null) return null;
        string[] args = ["run", "--project", Path.Combine(root, "Lessons.Cli"), "--", "lesson", lessonId, "--quiet"];
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = root };
        foreach (string arg in args) start.ArgumentList.Add(arg);
        double Once() => TimedRun(start);
        Once();
        return Median(Enumerable.Range(0, runs).Select(_ => Once()).ToList());
    }

    /// <summary>Runs a process to the end with its output read and dropped: its exit code, wall time and stderr.</summary>
    public static (int ExitCode, double Seconds, string Error) RunProcess(ProcessStartInfo start)
    {
        var clock = Stopwatch.StartNew();
        using Process process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {start.FileName}");
        Task<string> error = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, clock.Elapsed.TotalSeconds, error.Result);
    }

    /// <summary>The wall time of a process that must succeed (<see cref="RunProcess"/>); a failure throws with its stderr.</summary>
    public static double TimedRun(ProcessStartInfo start)
    {
        var (code, seconds, error) = RunProcess(start);
        if (code != 0)
            throw new InvalidOperationException($"'{start.FileName} {string.Join(' ', start.ArgumentList)}' exited {code}: {error.Trim()}");
        return seconds;
    }

    /// <summary>The repository's root folder (where Lessons.sln is) above this program, or null.</summary>
    public static string? RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Lessons.sln"))) return dir.FullName;
        return null;
    }

    /// <summary>Peak resident memory (MB) of a fresh process that runs the lesson once.</summary>
    public static double PeakResident(string lessonId, IReadOnlyList<string> assignments)
    {
        var args = new List<string> { "measure", lessonId };
        foreach (string a in assignments) { args.Add("--set"); args.Add(a); }
        return RunSelf<double>(args).Payload;
    }

    /// <summary>This process's peak resident set (VmHWM) in MB; 0 where /proc is not available.</summary>
    public static double OwnPeakResidentMegabytes()
    {
        const string status = "/proc/self/status";
        if (!File.Exists(status)) return Process.GetCurrentProcess().PeakWorkingSet64 / 1e6;
        string? line = File.ReadLines(status).FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        if (line is null) return 0;
        string kilobytes = line["VmHWM:".Length..].Replace("kB", "").Trim();
        return double.Parse(kilobytes, CultureInfo.InvariantCulture) / 1024.0;
    }

    /// <summary>Runs this program as a child with exactly these arguments (their --kernels, if any): how long it took, and its payload.</summary>
    static (double Seconds, T Payload) RunSelf<T>(IReadOnlyList<string> args)
    {
        ChildResult<T> run = SelfProcess.Run<T>(args);
        // Ctrl-C reaches the whole process group: the child stopped as the bench should.
        if (run.ExitCode == ExitCodes.Interrupted)
            throw new LessonInterruptedException($"interrupted while measuring '{string.Join(' ', args)}'");
        if (run.ExitCode != 0 || run.Report.Payload is not T payload)
            throw new InvalidOperationException($"'{string.Join(' ', args)}' exited {run.ExitCode}: {run.Report.Error?.Message}");
        return (run.Seconds, payload);
    }

    public static double Median(IReadOnlyList<double> values)
    {
        var sorted = values.Order().ToList();
        int middle = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
