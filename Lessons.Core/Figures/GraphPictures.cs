using System.Diagnostics;
using System.Globalization;
using System.Text;
using Lessons.Core.Autograd;
using Lessons.Core.Catalog;

namespace Lessons.Core.Figures;

/// <summary>What writing a lesson's graph picture produced: the files, and a line saying what could not be done.</summary>
public sealed record GraphPictureResult(IReadOnlyList<string> Files, string? Problem);

/// <summary>
/// The autograd graphs a lesson recorded, drawn as one picture: a Graphviz DOT file, rendered to
/// SVG or PNG by Graphviz's <c>dot</c> where it is installed. Leaves (AccumulateGrad, labelled with
/// the leaf's name), operations and the root are styled apart; each recorded graph is one box.
/// Arrows run forward, from each node's input to the node, as torchviz draws them.
/// </summary>
public static class GraphPictures
{
    public const string InstallHint = "install Graphviz (Debian/Ubuntu: apt-get install graphviz; macOS: brew install graphviz)";

    /// <summary>The file name of a lesson's graph picture, without extension.</summary>
    public static string FileStem(string lessonId) => lessonId + "-graph";

    /// <summary>Whether the run recorded at least one graph that can be drawn.</summary>
    public static bool CanDraw(LessonRun run) => Drawable(run).Any();

    static IEnumerable<AutogradGraph> Drawable(LessonRun run) => run.Graphs.Where(g => g.IsAvailable && g.Root is not null);

    /// <summary>The DOT text of the run's graphs.</summary>
    public static string Dot(LessonRun run)
    {
        var dot = new StringBuilder();
        dot.AppendLine($"digraph {Quote(FileStem(run.Lesson.Id))} {{");
        // ordering=in keeps each node's inputs left to right in next_functions order.
        dot.AppendLine("  graph [fontname=\"DejaVu Sans\", fontsize=10, fontcolor=gray30, labelloc=b, nodesep=0.3, ranksep=0.35, ordering=in,");
        dot.AppendLine("         label=\"autograd graph: arrows run forward, input to node; backward follows them in reverse,\\ncarrying the gradient written in red on each edge (? where libtorch cannot be asked: see --backward)\"];");
        dot.AppendLine("  node [fontname=\"DejaVu Sans\", fontsize=11, shape=box, style=\"rounded,filled\", fillcolor=gray90, color=gray40];");
        dot.AppendLine("  edge [fontname=\"DejaVu Sans\", color=gray30, arrowsize=0.7];");
        int index = 0;
        foreach (AutogradGraph graph in Drawable(run))
        {
            string prefix = $"g{index}_";
            dot.AppendLine($"  subgraph cluster_{index} {{");
            dot.AppendLine($"    label={Quote(graph.Name)}; labelloc=t; fontsize=13; style=rounded; color=gray70;");
            foreach (GraphNode node in graph.Nodes)
            {
                string label = node.Tensor is null ? node.Name : node.Tensor + "\n" + node.Name;
                string style = node.Kind switch
                {
                    GraphNodeKind.Root => "fillcolor=darkolivegreen1, penwidth=1.5",
                    GraphNodeKind.Leaf => "fillcolor=lightblue",
                    _ => "fillcolor=gray90",
                };
                dot.AppendLine($"    {prefix}n{node.Id} [label={Quote(label)}, {style}];");
            }
            foreach (GraphNode node in graph.Nodes)
            {
                for (int slot = 0; slot < node.Inputs.Count; slot++)
                {
                    GraphInput input = node.Inputs[slot];
                    string edgeLabel = EdgeLabel(graph, input) is { } text
                        ? $" [label={Quote(text)}, fontsize=9, fontcolor=firebrick]"
                        : "";
                    if (input.To is int to)
                    {
                        dot.AppendLine($"    {prefix}n{to} -> {prefix}n{node.Id}{edgeLabel};");
                    }
                    else
                    {
                        // None in next_functions: an input that needs no gradient (a constant).
                        string none = $"{prefix}none{node.Id}_{slot}";
                        dot.AppendLine($"    {none} [label=\"None\", shape=plaintext, style=\"\", fontcolor=gray45, fontsize=10];");
                        dot.AppendLine($"    {none} -> {prefix}n{node.Id} [style=dashed, color=gray60];");
                    }
                }
            }
            dot.AppendLine("  }");
            index++;
        }
        dot.AppendLine("}");
        return dot.ToString();
    }

    /// <summary>
    /// Writes <c>&lt;id&gt;-graph.dot</c> (unless <paramref name="keepDot"/> is false) and renders it
    /// to each of <paramref name="formats"/> (<c>svg</c>, <c>png</c>) with Graphviz's dot. Without dot,
    /// the DOT file is still written and <see cref="GraphPictureResult.Problem"/> says how to install it.
    /// </summary>
    /// Each file is written whole and reported to <paramref name="written"/> as soon as it is there,
    /// so that a failure midway (a full disk) leaves the caller knowing exactly which files are whole.
    public static GraphPictureResult Write(LessonRun run, string directory, IReadOnlyList<string> formats, bool keepDot = true, Action<string>? written = null) =>
        Write(run, directory, formats, keepDot, Graphviz.FindDot(), written);

    internal static GraphPictureResult Write(LessonRun run, string directory, IReadOnlyList<string> formats, bool keepDot, string? dotExecutable, Action<string>? written = null)
    {
        if (run.Graphs.Count == 0) return new GraphPictureResult([], null);
        if (!CanDraw(run))
        {
            string reason = run.Graphs.FirstOrDefault(g => !g.IsAvailable)?.Unavailable ?? "no recorded tensor had a grad_fn";
            return new GraphPictureResult([], $"graph picture not drawn: the graph is unavailable: {reason}");
        }
        Directory.CreateDirectory(directory);
        string stem = Path.Combine(directory, FileStem(run.Lesson.Id));
        string dotFile = stem + ".dot";
        AtomicFile.WriteAllText(dotFile, Dot(run));
        var files = new List<string>();
        void Wrote(string file)
        {
            files.Add(file);
            written?.Invoke(file);
        }
        if (keepDot) Wrote(dotFile);
        string? problem = null;
        if (dotExecutable is null)
        {
            problem = $"graph picture not drawn: Graphviz's dot is not on PATH; {InstallHint}"
                      + (keepDot ? $" ({Path.GetFileName(dotFile)} is written)" : "");
        }
        else
        {
            foreach (string format in formats)
            {
                string output = stem + "." + format;
                if (Graphviz.Render(dotExecutable, dotFile, format, output) is { } error)
                {
                    problem = $"graph picture not drawn as {format}: {error}";
                    break;
                }
                Wrote(output);
            }
        }
        if (!keepDot) File.Delete(dotFile);
        return new GraphPictureResult(files, problem);
    }

    /// <summary>
    /// What an edge is labelled with: the gradient it carries in backward (null where the graph's
    /// gradients were not read), "?" where libtorch cannot be asked, and input_nr where it is not 0.
    /// </summary>
    internal static string? EdgeLabel(AutogradGraph graph, GraphInput input)
    {
        var parts = new List<string>();
        if (input.InputNr != 0) parts.Add("input_nr " + input.InputNr.ToString(CultureInfo.InvariantCulture));
        if (input.To is not null && graph.GradsUnavailable is null) parts.Add(input.Grad?.Text ?? "?");
        return parts.Count == 0 ? null : string.Join("\n", parts);
    }

    internal static string Quote(string text) => "\"" + text.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n") + "\"";
}

/// <summary>Graphviz's <c>dot</c>, run as a separate program.</summary>
public static class Graphviz
{
    /// <summary>The path of <c>dot</c> on PATH, or null.</summary>
    public static string? FindDot()
    {
        string name = OperatingSystem.IsWindows() ? "dot.exe" : "dot";
        foreach (string folder in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = Path.Combine(folder, name);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    /// <summary>
    /// Runs <c>dot -T&lt;format&gt;</c> into a temporary name beside <paramref name="output"/>, renamed
    /// to it only when dot succeeded and what it wrote is whole (dot on a full disk can exit 0 with
    /// its output cut short); null on success, else what went wrong, and no file is left.
    /// </summary>
    public static string? Render(string dotExecutable, string dotFile, string format, string output)
    {
        string? error = RenderTo(dotExecutable, dotFile, format, AtomicFile.TemporaryName(output));
        bool whole = AtomicFile.Publish(output, bytes => error is null && IsWhole(format, bytes));
        return error ?? (whole ? null : $"dot's {format} output was cut short (is the disk full?), so {Path.GetFileName(output)} is not written");
    }

    /// <summary>Whether a file dot wrote is complete: an SVG closes its root element, a PNG ends with its IEND chunk.</summary>
    public static bool IsWhole(string format, byte[] bytes) => format switch
    {
        "svg" => System.Text.Encoding.UTF8.GetString(bytes).TrimEnd().EndsWith("</svg>", StringComparison.Ordinal),
        "png" => bytes.AsSpan().EndsWith(PngEnd),
        _ => bytes.Length > 0,
    };

    static readonly byte[] PngEnd = [0, 0, 0, 0, (byte)'I', (byte)'E', (byte)'N', (byte)'D', 0xAE, 0x42, 0x60, 0x82];

    static string? RenderTo(string dotExecutable, string dotFile, string format, string output)
    {
        var start = new ProcessStartInfo(dotExecutable)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (string argument in new[] { "-T" + format, "-o", output, dotFile }) start.ArgumentList.Add(argument);
        try
        {
            using Process process = Process.Start(start) ?? throw new InvalidOperationException("dot did not start");
            Task<string> errors = process.StandardError.ReadToEndAsync();
            process.StandardOutput.ReadToEnd();
            if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
            {
                process.Kill();
                return "dot took longer than 60 s";
            }
            string message = errors.Result.Trim().ReplaceLineEndings(" ");
            return process.ExitCode == 0 && File.Exists(output) ? null : $"dot exited with {process.ExitCode}: {message}";
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException or IOException)
        {
            return $"dot could not run: {e.Message}";
        }
    }
}
