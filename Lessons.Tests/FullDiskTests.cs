using System.Text.RegularExpressions;
using Lessons.Cli;
using Lessons.Core.Catalog;
using Lessons.Core.Figures;

namespace Lessons.Tests;

/// <summary>
/// A full disk under <c>--plots</c> (issue 27, rows 4 and 5): a disk with only so many bytes free
/// (<see cref="AtomicFile.DiskWithRoom"/>, which writes what fits and then fails with ENOSPC, as a
/// full disk does), and a Graphviz that cuts its output short. Nothing half-written is left, every
/// file listed is whole, every whole file is listed, and no line names an internal <c>.partial</c>.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed partial class FullDiskTests : IDisposable
{
    readonly string scratch = Path.Combine(Path.GetTempPath(), $"lessons-fulldisk-{Environment.ProcessId}-{Guid.NewGuid():N}");

    public FullDiskTests() => Directory.CreateDirectory(scratch);

    public void Dispose() => Directory.Delete(scratch, recursive: true);

    /// <summary>Whether a file is complete, by its format's own end: a DOT graph's closing brace, an SVG's &lt;/svg&gt;, a PNG's IEND chunk, a GIF's trailer.</summary>
    static bool IsWhole(string file)
    {
        byte[] bytes = File.ReadAllBytes(file);
        return Path.GetExtension(file) switch
        {
            ".dot" => System.Text.Encoding.UTF8.GetString(bytes).TrimEnd().EndsWith('}'),
            ".gif" => bytes.Length > 6 && bytes[..6].SequenceEqual("GIF89a"u8.ToArray()) && bytes[^1] == 0x3B,
            var extension => Graphviz.IsWhole(extension.TrimStart('.'), bytes),
        };
    }

    [Theory]
    [InlineData(0)]      // not even the DOT file fits
    [InlineData(100)]    // the DOT file cut at 100 bytes
    [InlineData(4096)]   // the issue's cut: 4096 bytes
    [InlineData(60_000)] // the DOT file fits; the backward animation does not
    public void A_full_disk_under_plots_leaves_only_whole_files_and_lists_each(int bytesFree)
    {
        if (Graphviz.FindDot() is null) return; // GraphPictureTests require Graphviz; without it the DOT alone is written
        string folder = Path.Combine(scratch, $"plots-{bytesFree}");
        CliResult result;
        using (AtomicFile.DiskWithRoom(bytesFree))
            result = CliRun.Run("lesson", "computational-graph", "--plots", folder);

        Assert.Equal(ExitCodes.Failed, result.Code);
        string line = Assert.Single(result.ErrorLines);
        Assert.Contains("no space left on the device", line);
        Assert.DoesNotContain(".partial", result.Out + result.Err);
        string[] files = Directory.GetFiles(folder);
        string[] listed = result.Out.Split('\n').Where(l => l.StartsWith("figure: ", StringComparison.Ordinal)).Select(l => l["figure: ".Length..].TrimEnd('\r')).ToArray();
        Assert.True(listed.Order().SequenceEqual(files.Order()), $"listed: {string.Join(", ", listed)}; there: {string.Join(", ", files)}");
        Assert.All(files, file => Assert.True(IsWhole(file), $"{file} is not whole"));
        Match count = Written().Match(line);
        Assert.Equal(files.Length, count.Success ? int.Parse(count.Groups[1].Value) : 0);
        if (bytesFree < 1000) Assert.Empty(files);
        else Assert.Contains(Path.Combine(folder, "computational-graph-graph.dot"), files);
    }

    [GeneratedRegex(@"the (\d+) figures? written before it are in")]
    private static partial Regex Written();

    [Fact]
    public void A_full_disk_keeps_the_old_file_whole()
    {
        string path = Path.Combine(scratch, "figure.png");
        AtomicFile.WriteAllBytes(path, new byte[5000]);
        using (AtomicFile.DiskWithRoom(1000))
        {
            var full = Assert.Throws<IOException>(() => AtomicFile.WriteAllBytes(path, new byte[9000]));
            Assert.Equal($"could not write {path}: no space left on the device", full.Message);
        }
        Assert.Equal(5000, new FileInfo(path).Length);
        Assert.Equal([path], Directory.GetFiles(scratch));
    }

    /// <summary>dot on a full disk: its output cut short, whether it says so (exit 1) or not (exit 0). Neither is kept nor listed.</summary>
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void Graphviz_output_cut_short_is_neither_kept_nor_listed(int dotExit)
    {
        if (!OperatingSystem.IsLinux()) return;
        string fakeDot = Path.Combine(scratch, "dot");
        // Writes the first part of an SVG or PNG to the file after -o, as dot does when the disk fills.
        File.WriteAllText(fakeDot, $"#!/bin/sh\nwhile [ \"$1\" != -o ]; do shift; done\nprintf '<?xml version=\"1.0\"?>\\n<svg width=\"8pt\"' > \"$2\"\nexit {dotExit}\n");
        File.SetUnixFileMode(fakeDot, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        string folder = Path.Combine(scratch, "plots");
        var listed = new List<string>();

        GraphPictureResult result = GraphPictures.Write(CachedRuns.Get("computational-graph"), folder, ["svg", "png"], keepDot: true, fakeDot, listed.Add);

        string dotFile = Path.Combine(folder, "computational-graph-graph.dot");
        Assert.Equal([dotFile], result.Files);
        Assert.Equal([dotFile], listed);
        Assert.Equal([dotFile], Directory.GetFiles(folder)); // no SVG, no .partial
        Assert.StartsWith("graph picture not drawn as svg: ", result.Problem);
        Assert.DoesNotContain(".partial", result.Problem);
    }

    /// <summary>
    /// Every file the program writes for the user goes through <see cref="AtomicFile"/>: no other
    /// call that writes a file appears in its source, but for the listed few that write no output of
    /// the user's (a probe, a lock, scratch files in a temporary folder) and the exercise commands,
    /// which keep their own whole-file writes (issue 26).
    /// </summary>
    [Fact]
    public void No_file_is_written_except_through_the_atomic_writer()
    {
        string root = CachedRuns.RepositoryRoot();
        var writes = new Regex(@"(?<!Atomic)File\.(WriteAll\w*|AppendAll\w*|Create\w*|Copy|Open(Write)?)\(|new (FileStream|StreamWriter)\((?!Console\.)|\.Save(Png|Jpeg|Bmp|Webp|Svg|AsGif|AsPng|AsJpeg)\(");
        string[] inMemory = ["gif.SaveAsGif(encoded, encoder);"]; // encodes into a MemoryStream, written by AtomicFile
        string[] allowed =
        [
            "Lessons.Core/Figures/AtomicFile.cs",        // the writer itself
            "Lessons.Cli/OutputPaths.cs",                // the probe that proves a folder writable, and the folder's lock
            "Lessons.Core/Figures/BackwardAnimation.cs", // DOT frames in a temporary folder of its own, read back and deleted
            "Lessons.Cli/ExerciseCommands.cs",           // the exercise files and their backups (issue 26)
        ];
        var found = new List<string>();
        foreach (string project in new[] { "Lessons.Core", "Lessons.Cli" })
            foreach (string file in Directory.EnumerateFiles(Path.Combine(root, project), "*.cs", SearchOption.AllDirectories))
            {
                string relative = Path.GetRelativePath(root, file).Replace('\\', '/');
                if (relative.Contains("/obj/") || relative.Contains("/bin/") || allowed.Contains(relative)) continue;
                string[] lines = File.ReadAllLines(file);
                for (int i = 0; i < lines.Length; i++)
                    if (writes.IsMatch(lines[i]) && !lines[i].TrimStart().StartsWith("//", StringComparison.Ordinal) && !inMemory.Contains(lines[i].Trim()))
                        found.Add($"{relative}:{i + 1}: {lines[i].Trim()}");
            }
        Assert.True(found.Count == 0, "writes that bypass AtomicFile:\n" + string.Join("\n", found));
    }

    /// <summary>Row 4: output that cannot be written (stdout on a full disk) is one line for list and --help, as for every other command.</summary>
    [Theory]
    [InlineData("list")]
    [InlineData("--help")]
    [InlineData("lesson", "--help")]
    public void Stdout_on_a_full_disk_is_one_line(params string[] args)
    {
        if (!OperatingSystem.IsLinux() || !File.Exists("/dev/full")) return;
        string program = Path.Combine(AppContext.BaseDirectory, "lessons");
        var start = new System.Diagnostics.ProcessStartInfo("/bin/sh") { RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in (string[])["-c", "exec \"$0\" \"$@\" > /dev/full", program, .. args]) start.ArgumentList.Add(arg);
        using var process = System.Diagnostics.Process.Start(start)!;
        string errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.Equal(ExitCodes.Failed, process.ExitCode);
        Assert.Equal("error: No space left on device", errors.TrimEnd());
    }
}
