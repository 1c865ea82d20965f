using System.Diagnostics;
using System.Globalization;

namespace Lessons.Cli;

/// <summary>One lesson command timed beside PyTorch running the tutorial's code for the same work.</summary>
/// <param name="Name">What is compared, for the targets table.</param>
/// <param name="LessonArguments">The command, e.g. <c>lesson four-class-raw --quiet</c>.</param>
/// <param name="Script">The PyTorch workload, a file of the shared bench folder.</param>
/// <param name="Limit">The most the lesson may take, as a share of PyTorch's time.</param>
public sealed record PyTorchPairing(string Name, string[] LessonArguments, string Script, double Limit);

/// <summary>A pairing's medians, in seconds, and their ratio.</summary>
public sealed record PyTorchTiming(string Name, string Script, double LessonSeconds, double PyTorchSeconds, double Limit)
{
    public double Ratio => LessonSeconds / PyTorchSeconds;
}

/// <summary>
/// The lessons beside real PyTorch: whole processes, alternating runs (so drift of the machine's speed
/// affects both alike), the medians compared. PyTorch gets the lessons' pinned ATen kernels
/// (ATEN_CPU_CAPABILITY=default), so both run the same arithmetic; its scripts (the tutorials' code,
/// printing nothing) live in the shared bench folder beside the repository. Debian 12's PyTorch 1.13
/// is <c>/usr/bin/python3</c> once <c>python3-torch</c> is installed.
/// </summary>
public static class PyTorchComparison
{
    public const string Python = "/usr/bin/python3";

    /// <summary>The four-class training stages: each is In[2]'s data and one 10000-iteration training, as four-class-optimizer.py is.</summary>
    static readonly string[] Stages =
        ["four-class-raw", "four-class-optimizer", "four-class-module", "four-class-weighted-sum", "four-class-my-layer", "four-class-sequential", "four-class-linear-sigmoid"];

    public static IReadOnlyList<PyTorchPairing> Pairings { get; } =
    [
        .. Stages.Select(stage => new PyTorchPairing($"{stage} (one training) vs PyTorch's In[2] + In[10]-In[11]", ["lesson", stage, "--quiet"], "four-class-optimizer.py", 0.8)),
        new("himmelblau from [0, 0] vs PyTorch's tutorial loop", ["lesson", "himmelblau", "--quiet"], "himmelblau-one-start.py", 0.8),
        new("four-class chapter as one command (`lesson 'four-class-*'`) vs the notebook's chapter", ["lesson", "four-class-*", "--quiet"], "four-class-chapter.py", 0.7),
    ];

    /// <summary>The shared bench folder beside the repository above this program, or null.</summary>
    public static string? ScriptsFolder()
    {
        if (Benchmark.RepositoryRoot() is not string root) return null;
        string folder = Path.GetFullPath(Path.Combine(root, "..", "shared", "bench"));
        return Directory.Exists(folder) ? folder : null;
    }

    /// <summary>Why PyTorch cannot be timed here, in a few words; null when it can.</summary>
    public static string? Unavailable(string? scripts)
    {
        if (scripts is null) return "no shared/bench folder beside the repository";
        if (!File.Exists(Python)) return $"no {Python} (Debian: apt-get install python3-torch)";
        var probe = Benchmark.RunProcess(PythonStartInfo(["-c", "import torch"]));
        return probe.ExitCode == 0 ? null : $"{Python} has no torch (Debian: apt-get install python3-torch)";
    }

    /// <summary>Times the pairing <paramref name="runs"/> times each way, alternating, after one untimed run of each.</summary>
    public static PyTorchTiming Measure(PyTorchPairing pairing, string scripts, int runs)
    {
        string script = Path.Combine(scripts, pairing.Script);
        // The command as a user types it: a plain process of this program, not a child reporting to a parent.
        double Lesson() => Benchmark.TimedRun(SelfProcess.StartInfo(pairing.LessonArguments));
        double PyTorch() => Benchmark.TimedRun(PythonStartInfo([script]));
        // The first of each warms the file cache, not the measurement.
        Lesson();
        PyTorch();
        var lessonTimes = new List<double>();
        var pytorchTimes = new List<double>();
        for (int i = 0; i < runs; i++)
        {
            lessonTimes.Add(Lesson());
            pytorchTimes.Add(PyTorch());
        }
        return new PyTorchTiming(pairing.Name, pairing.Script, Benchmark.Median(lessonTimes), Benchmark.Median(pytorchTimes), pairing.Limit);
    }

    public static BenchTarget Target(PyTorchTiming timing) =>
        new(timing.Name, $"<= {timing.Limit.ToString("0.0#", CultureInfo.InvariantCulture)}x PyTorch",
            $"{timing.Ratio.ToString("F2", CultureInfo.InvariantCulture)}x ({BenchCommand.Seconds(timing.LessonSeconds)} vs {BenchCommand.Seconds(timing.PyTorchSeconds)} for {timing.Script})",
            timing.Ratio <= timing.Limit);

    /// <summary>PyTorch with the lessons' pinned ATen kernels.</summary>
    static ProcessStartInfo PythonStartInfo(IEnumerable<string> args)
    {
        var start = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in args) start.ArgumentList.Add(arg);
        start.Environment["ATEN_CPU_CAPABILITY"] = "default";
        return start;
    }
}
