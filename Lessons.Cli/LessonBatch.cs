using System.CommandLine;
using System.Text.Json.Nodes;
using Lessons.Core.Catalog;

namespace Lessons.Cli;

/// <summary>
/// Several lessons from one command: each runs in a process of its own (libtorch's generator is
/// process-global, so two lessons never share one), several at a time, and each transcript is
/// printed whole, in catalogue order, as `lesson &lt;id&gt;` alone would print it.
/// </summary>
public static class LessonBatch
{
    /// <summary>The <c>--jobs</c> option of every command that runs lessons in processes of their own.</summary>
    public static Option<int?> JobsOption(string description)
    {
        var jobs = new Option<int?>("--jobs") { Description = description };
        jobs.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is int n && n < 1) result.AddError($"--jobs needs a number of at least 1, got {n}");
        });
        return jobs;
    }

    /// <summary>How many lessons run at once by default: one per core, no more than the lessons, and as many as memory allows.</summary>
    public static int DefaultJobs(int lessons)
    {
        // A lesson's process peaks near 250 MB (README, Performance); keep a margin for the rest of the machine.
        const long perProcess = 400L << 20;
        double available = SystemMemory.AvailableBytes();
        int byMemory = (int)Math.Clamp(available / perProcess, 1, 1024);
        return Math.Max(1, Math.Min(Math.Min(Environment.ProcessorCount, lessons), byMemory));
    }

    /// <summary>
    /// Runs every lesson's child command, <paramref name="jobs"/> at a time, and prints the results
    /// in order as they become ready. Returns the first failing lesson's exit code (catalogue order),
    /// or 0; the other lessons still run and report.
    /// </summary>
    public static int Run(CliConsole console, IReadOnlyList<(Lesson Lesson, IReadOnlyList<string> Args)> children, int jobs, bool json, bool quiet)
    {
        if (!quiet && !json)
            console.Error.WriteLine($"[lessons] {children.Count} lessons, {jobs} at a time, each in its own process");
        var runs = SelfProcess.RunAll(children.Select(child => child.Args), jobs, console);

        int exitCode = ExitCodes.Ok;
        var array = new JsonArray();
        for (int i = 0; i < children.Count; i++)
        {
            ChildResult result = runs[i].GetAwaiter().GetResult();
            string id = children[i].Lesson.Id;
            if (json) array.Add(JsonResult(id, result));
            else console.Out.Write(result.Out);
            // Progress lines ("[id] stage: k/n") were for a watcher of that process; errors and notes are the user's.
            // Among several lessons, an error says whose it is.
            foreach (string line in result.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                if (!line.StartsWith('['))
                    console.Error.WriteLine(line.StartsWith("error: ", StringComparison.Ordinal) ? $"error: {id}: {line["error: ".Length..]}" : line);
            if (!quiet && !json)
                console.Error.WriteLine($"[lessons] {i + 1}/{children.Count} {id}: {(result.ExitCode == 0 ? "done" : $"exit {result.ExitCode}")} in {result.Seconds:F1} s");
            if (exitCode == ExitCodes.Ok && result.ExitCode != ExitCodes.Ok) exitCode = result.ExitCode;
        }
        if (json) console.Out.WriteLine(array.ToJsonString(RunJson.Options));
        return exitCode;
    }

    static JsonNode JsonResult(string id, ChildResult result)
    {
        if (result.ExitCode == ExitCodes.Ok && JsonNode.Parse(result.Out) is JsonObject run) return run;
        string error = result.Err.Split('\n').LastOrDefault(l => l.StartsWith("error: ", StringComparison.Ordinal))?["error: ".Length..].Trim() ?? "";
        return new JsonObject { ["lesson"] = id, ["exit_code"] = result.ExitCode, ["error"] = error };
    }
}
