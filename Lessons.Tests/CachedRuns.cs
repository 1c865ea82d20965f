using System.Collections.Concurrent;
using Lessons.Core.Catalog;

namespace Lessons.Tests;

/// <summary>
/// One run of each lesson at its tutorial settings, shared by the tests that only read it (parity,
/// docs), so the suite runs each long lesson once. Runs happen one at a time (global RNG).
/// </summary>
public static class CachedRuns
{
    static readonly ConcurrentDictionary<string, LessonRun> runs = new();
    static readonly Lock running = new();

    /// <summary>
    /// The lesson's shared run. A run that throws is not kept: the test that needed it fails with the
    /// lesson's own error, and the next test runs it again, so one failure reads as one failure
    /// (a cached exception once failed every test that reads that lesson, six at a time).
    /// </summary>
    public static LessonRun Get(string id)
    {
        if (runs.TryGetValue(id, out LessonRun? run)) return run;
        lock (running)
        {
            if (runs.TryGetValue(id, out run)) return run;
            try
            {
                run = LessonRunner.Run(id, new LessonSettings());
            }
            catch (Exception e)
            {
                throw new InvalidOperationException($"the shared run of {id} threw {e.GetType().Name}: {e.Message}", e);
            }
            runs[id] = run;
            return run;
        }
    }

    /// <summary>The repository's root folder (where Lessons.sln is), found from the test's output folder.</summary>
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Lessons.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException("Lessons.sln not found above " + AppContext.BaseDirectory);
    }
}
