using System.Collections.Concurrent;
using Lessons.Core.Catalog;

namespace Lessons.Tests;

/// <summary>
/// One run of each lesson at its tutorial settings, shared by the tests that only read it (parity,
/// docs), so the suite runs each long lesson once. Runs happen one at a time (global RNG).
/// </summary>
public static class CachedRuns
{
    static readonly ConcurrentDictionary<string, Lazy<LessonRun>> runs = new();

    public static LessonRun Get(string id) =>
        runs.GetOrAdd(id, key => new Lazy<LessonRun>(() => LessonRunner.Run(key, new LessonSettings()))).Value;

    /// <summary>The repository's root folder (where Lessons.sln is), found from the test's output folder.</summary>
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Lessons.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException("Lessons.sln not found above " + AppContext.BaseDirectory);
    }
}
