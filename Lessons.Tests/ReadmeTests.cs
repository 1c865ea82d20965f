using System.CommandLine;
using System.Diagnostics;
using System.Text.RegularExpressions;
using Lessons.Cli;

namespace Lessons.Tests;

/// <summary>
/// The README and the hand-written guide pages as a new user meets them: short, every link and
/// anchor resolving inside the repository, and every `lessons …` command that a message, a stub or a
/// page names being a command that exists, through <c>scripts/lessons</c>.
/// </summary>
public sealed partial class ReadmeTests
{
    static string Root => CachedRuns.RepositoryRoot();

    static IEnumerable<string> Pages() =>
        [Path.Combine(Root, "README.md"),
         .. Directory.GetFiles(Path.Combine(Root, "docs", "guide"), "*.md"),
         .. Directory.GetFiles(Path.Combine(Root, "docs"), "*.md")];

    [Fact]
    public void The_readme_is_short()
    {
        int lines = File.ReadAllLines(Path.Combine(Root, "README.md")).Length;
        Assert.True(lines <= 160, $"README.md has {lines} lines; the rest belongs on a page of docs/guide");
    }

    [Fact]
    public void The_readme_opens_with_the_two_commands()
    {
        string[] lines = File.ReadAllLines(Path.Combine(Root, "README.md"));
        Assert.StartsWith("dotnet run --project Lessons.Cli -- lesson ", lines[3]);
        Assert.StartsWith("dotnet test Lessons.sln", lines[4]);
    }

    [Fact]
    public void Every_link_and_anchor_of_the_readme_and_the_pages_resolves_inside_the_repository()
    {
        var problems = new List<string>();
        foreach (string page in Pages())
        {
            string text = File.ReadAllText(page);
            string from = Path.GetRelativePath(Root, page);
            foreach (Match link in MarkdownLink().Matches(WithoutCode(text)))
            {
                string target = link.Groups["target"].Value;
                if (Regex.IsMatch(target, "^[a-z]+:")) continue; // a web address, not a file of the repository
                string path = target.Split('#')[0], anchor = target.Contains('#') ? target[(target.IndexOf('#') + 1)..] : "";
                string file = path.Length == 0 ? page : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(page)!, Uri.UnescapeDataString(path)));
                if (!file.StartsWith(Root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                    problems.Add($"{from}: {target} points outside the repository");
                else if (!File.Exists(file) && !Directory.Exists(file))
                    problems.Add($"{from}: {target} does not exist");
                else if (anchor.Length > 0 && file.EndsWith(".md", StringComparison.Ordinal) && !Anchors(File.ReadAllText(file)).Contains(anchor))
                    problems.Add($"{from}: {target} names no heading of {Path.GetRelativePath(Root, file)}");
            }
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void The_link_check_finds_a_broken_anchor_and_a_link_outside()
    {
        // The control: the same reading of headings, on a page that has one.
        Assert.Contains("the-cuda-build", Anchors("## The CUDA build\n"));
        Assert.Contains("same-digits-on-every-machine", Anchors("## Same digits on every machine\n"));
        Assert.DoesNotContain("the-cuda", Anchors("## The CUDA build\n"));
        Assert.Empty(MarkdownLink().Matches(WithoutCode("```sh\n[a](b)\n```\n")));
    }

    /// <summary>
    /// Every `lessons &lt;command&gt;` that the program says (its messages, the exercises' stubs, the
    /// pages) names a command of the program, and `lessons` itself exists for someone who follows the
    /// README: scripts/lessons, which the README puts on PATH.
    /// </summary>
    [Fact]
    public void Every_lessons_command_that_a_message_names_exists()
    {
        var console = new CliConsole(TextWriter.Null, TextWriter.Null, false);
        Command root = LessonsCommandLine.Parse([], console).RootCommandResult.Command;
        var commands = root.Subcommands.Where(c => !c.Hidden).Select(c => c.Name).ToHashSet();
        var sources = Directory.GetFiles(Path.Combine(Root, "Lessons.Core"), "*.cs", SearchOption.AllDirectories)
            .Concat(Directory.GetFiles(Path.Combine(Root, "Lessons.Cli"), "*.cs"))
            .Concat(Pages())
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"));
        var named = new List<(string File, string Command)>();
        foreach (string file in sources)
            foreach (Match m in LessonsCommand().Matches(File.ReadAllText(file)))
                named.Add((Path.GetRelativePath(Root, file), m.Groups["command"].Value));
        Assert.NotEmpty(named);
        var unknown = named.Where(n => !commands.Contains(n.Command)).Select(n => $"{n.File}: lessons {n.Command}").Distinct().ToList();
        Assert.True(unknown.Count == 0, "commands that do not exist:\n" + string.Join("\n", unknown));

        string readme = File.ReadAllText(Path.Combine(Root, "README.md"));
        Assert.Contains("export PATH=\"$PWD/scripts:$PATH\"", readme);
        string script = Path.Combine(Root, "scripts", "lessons");
        Assert.True(File.Exists(script), "scripts/lessons is missing");
        if (!OperatingSystem.IsWindows())
            Assert.True((File.GetUnixFileMode(script) & UnixFileMode.UserExecute) != 0, "scripts/lessons is not executable");
    }

    [Fact]
    public async Task The_lessons_script_runs_the_program_from_another_folder()
    {
        // As a user who put scripts/ on PATH runs it, from a folder outside the repository.
        var start = new ProcessStartInfo(Path.Combine(Root, "scripts", "lessons"))
        {
            WorkingDirectory = Path.GetTempPath(),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add("list");
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(3)), "scripts/lessons list did not end");
        Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}: {await error}");
        Assert.Contains("computational-graph", output);
    }

    /// <summary>GitHub's anchors: each heading lower-cased, punctuation dropped, spaces as hyphens; a repeat gets -1, -2.</summary>
    static HashSet<string> Anchors(string markdown)
    {
        var anchors = new HashSet<string>(StringComparer.Ordinal);
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (Match heading in Regex.Matches(WithoutCode(markdown), @"^#{1,6} +(.+?) *$", RegexOptions.Multiline))
        {
            string slug = Regex.Replace(heading.Groups[1].Value.Trim().ToLowerInvariant(), @"[^\w\- ]", "").Replace(' ', '-');
            int count = seen.GetValueOrDefault(slug);
            seen[slug] = count + 1;
            anchors.Add(count == 0 ? slug : $"{slug}-{count}");
        }
        foreach (Match html in Regex.Matches(markdown, "<a (?:id|name)=\"([^\"]+)\""))
            anchors.Add(html.Groups[1].Value);
        return anchors;
    }

    static string WithoutCode(string markdown) =>
        Regex.Replace(Regex.Replace(markdown, "(?ms)^```.*?^```", ""), "`[^`\n]*`", "");

    [GeneratedRegex(@"(?<!!)\[(?<label>[^\]]*)\]\((?<target>[^)\s]+)\)|!\[[^\]]*\]\((?<target>[^)\s]+)\)")]
    private static partial Regex MarkdownLink();

    [GeneratedRegex(@"`lessons (?<command>[a-z][a-z-]*)")]
    private static partial Regex LessonsCommand();
}
