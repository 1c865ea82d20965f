using System.Text.RegularExpressions;
using Lessons.Core.Catalog;

namespace Lessons.Tests;

/// <summary>The committed course pages as the tests read them: the index, the chapters, each lesson's section and transcript.</summary>
static class CoursePages
{
    static string Folder => Path.Combine(CachedRuns.RepositoryRoot(), Path.GetDirectoryName(LessonDocs.RelativePath)!);

    /// <summary>Every committed page (docs/*.md), from the repository's root, in name order.</summary>
    public static IReadOnlyList<string> Committed() =>
        Directory.GetFiles(Folder, "*.md")
            .Select(f => Path.GetRelativePath(CachedRuns.RepositoryRoot(), f).Replace('\\', '/'))
            .Order(StringComparer.Ordinal).ToList();

    /// <summary>Generated pages as one text, for checks that something is somewhere in the course.</summary>
    public static string Text(IEnumerable<LessonDocs.DocsPage> pages) => string.Join("\n", pages.Select(p => p.Text));

    /// <summary>Each lesson's section of the committed chapter pages, by id.</summary>
    public static Dictionary<string, string> Sections() =>
        Committed().Where(p => p != LessonDocs.RelativePath)
            .SelectMany(p => Regex.Split(File.ReadAllText(Path.Combine(CachedRuns.RepositoryRoot(), p)).ReplaceLineEndings("\n"), @"^## ", RegexOptions.Multiline).Skip(1))
            .ToDictionary(section => section[..section.IndexOf('\n')], section => section);

    /// <summary>A lesson's transcript as its page shows it: the first text block of its section, or the whole one folded in details.</summary>
    public static string[] Transcript(string lessonId)
    {
        Assert.True(Sections().TryGetValue(lessonId, out string? section), $"no section for {lessonId} in the course pages");
        Match whole = Regex.Match(section, "<details>\n<summary>All \\d+ lines</summary>\n\n```text\n(.*?)```", RegexOptions.Singleline);
        Match first = Regex.Match(section, "```text\n(.*?)```", RegexOptions.Singleline);
        Match block = whole.Success ? whole : first;
        Assert.True(block.Success, $"no transcript for {lessonId} in the course pages");
        return block.Groups[1].Value.TrimEnd('\n').Split('\n');
    }
}
