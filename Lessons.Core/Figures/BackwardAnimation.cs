using System.Text;
using Lessons.Core.Autograd;
using Lessons.Core.Catalog;
using ScottPlot;

namespace Lessons.Core.Figures;

/// <summary>What drawing a lesson's backward animation produced: the animation, or why there is none.</summary>
public sealed record BackwardAnimationResult(Animation? Animation, string? Problem);

/// <summary>
/// Backward, node by node, as an animated GIF (<c>&lt;id&gt;-backward.gif</c>): each recorded graph
/// drawn by Graphviz, one frame per node in the engine's order. Unlike the graph picture (arrows
/// forward, as torchviz draws them), the arrows here point the way backward sends gradients: from
/// the root at the top down to the leaves. The node
/// running is gold with a red border, the edges it sends along turn red with their gradients, edges
/// already used stay labelled, and a leaf's <c>.grad</c> appears when its AccumulateGrad runs.
/// Every frame of one graph has the same labels (only colours change: a gradient not yet sent is
/// written in transparent ink), so Graphviz lays each frame out identically and nothing jumps.
/// </summary>
public static class BackwardAnimation
{
    /// <summary>One engine step a second: time to read what the node received and sent.</summary>
    public const int FramesPerSecond = 1;

    /// <summary>Graphs with more nodes are not animated (the frames would be unreadable); the caption says so.</summary>
    public const int MaxNodes = 30;

    public const int Width = 900, Height = 700;

    public static string FileStem(string lessonId) => lessonId + "-backward";

    /// <summary>The run's graphs that have a backward to show: read, with their edge gradients, small enough.</summary>
    public static IReadOnlyList<AutogradGraph> Animated(LessonRun run) =>
        [.. run.Graphs.Where(g => g.IsAvailable && g.Root is not null && g.RootGradient is not null && g.Nodes.Count <= MaxNodes)];

    public static bool CanDraw(LessonRun run) => Animated(run).Count > 0;

    /// <summary>Renders the frames with Graphviz's dot now (their pixels travel in the animation).</summary>
    public static BackwardAnimationResult Build(LessonRun run, CancellationToken interrupt = default) => Build(run, Graphviz.FindDot(), interrupt);

    internal static BackwardAnimationResult Build(LessonRun run, string? dotExecutable, CancellationToken interrupt = default)
    {
        IReadOnlyList<AutogradGraph> graphs = Animated(run);
        if (graphs.Count == 0) return new BackwardAnimationResult(null, null);
        if (dotExecutable is null)
            return new BackwardAnimationResult(null, $"backward animation not drawn: Graphviz's dot is not on PATH; {GraphPictures.InstallHint}");
        string scratch = Path.Combine(Path.GetTempPath(), "lessons-backward-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(scratch);
        try
        {
            var frames = new List<Action<Plot>>();
            foreach (AutogradGraph graph in graphs)
            {
                IReadOnlyList<int> order = BackwardSteps.Order(graph);
                for (int step = 0; step <= order.Count + 1; step++)
                {
                    // dot takes a moment per frame: Ctrl-C stops between two (the frames are scratch, deleted below).
                    if (interrupt.IsCancellationRequested)
                        throw new LessonInterruptedException($"interrupted while drawing the backward of '{run.Lesson.Id}'");
                    string file = Path.Combine(scratch, $"frame{frames.Count}");
                    File.WriteAllText(file + ".dot", FrameDot(graph, order, step));
                    if (Graphviz.Render(dotExecutable, file + ".dot", "png", file + ".png") is { } error)
                        return new BackwardAnimationResult(null, $"backward animation not drawn: {error}");
                    byte[] png = File.ReadAllBytes(file + ".png");
                    string[] caption = Caption(graph, order, step);
                    frames.Add(plot => DrawFrame(plot, png, caption));
                }
            }
            string skipped = run.Graphs.Count(g => g.IsAvailable && g.Nodes.Count > MaxNodes) is int big and > 0
                ? $" ({big} graph{(big == 1 ? "" : "s")} of more than {MaxNodes} nodes not animated)" : "";
            return new BackwardAnimationResult(new Animation(FileStem(run.Lesson.Id), frames, FramesPerSecond,
                "one engine step a second",
                "backward node by node in the engine's order: the node running in gold, the gradients it sends in red, each leaf's .grad as its AccumulateGrad runs" + skipped,
                Width, Height), null);
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    /// <summary>
    /// Writes <c>&lt;id&gt;-backward.gif</c> into <paramref name="directory"/>; nothing for a lesson
    /// without a backward to show, and a line saying why where one cannot be drawn.
    /// </summary>
    public static GraphPictureResult Write(LessonRun run, string directory, CancellationToken interrupt = default)
    {
        BackwardAnimationResult built = Build(run, interrupt);
        if (built.Animation is not { } animation) return new GraphPictureResult([], built.Problem);
        Directory.CreateDirectory(directory);
        string path = Path.Combine(directory, animation.Name + ".gif");
        AnimationWriter.Write(animation, path, interrupt);
        return new GraphPictureResult([path], null);
    }

    /// <summary>The frame's two caption lines: where backward is, and what the node running receives and sends.</summary>
    internal static string[] Caption(AutogradGraph graph, IReadOnlyList<int> order, int step)
    {
        string heading = $"backward of {graph.Name}";
        if (step == 0)
            return [$"{heading}: {graph.Nodes.Count} nodes, run in the engine's order, gradients flowing down the arrows", $"it starts at the root with {graph.RootGradient!.Text}"];
        if (step > order.Count)
        {
            string grads = string.Join(",  ", graph.Nodes.Where(n => n.Kind == GraphNodeKind.Leaf && n.Tensor is not null)
                .Select(n => $"{n.Tensor}.grad = {n.GradAfter?.Text ?? "?"}"));
            return [$"{heading} — done", grads.Length > 0 ? grads : "no named leaf"];
        }
        GraphNode node = graph.Nodes[order[step - 1]];
        // Several in-edges: what each delivered, in the order their senders ran (the input buffer's sum).
        var incoming = order.Take(step - 1).SelectMany(from => graph.Nodes[from].Inputs.Where(i => i.To == node.Id)
            .Select(i => (i.Grad, From: graph.Nodes[from]))).ToList();
        string parts = incoming.Count > 1 && incoming.All(i => i.Grad is not null)
            ? " = " + string.Join(" + ", incoming.Select(i => $"{i.Grad!.Text} from {Short(i.From)}")) : "";
        string detail;
        if (node.Kind == GraphNodeKind.Leaf)
            detail = $"{node.Tensor ?? "the leaf"}.grad = {node.GradAfter?.Text ?? "?"}";
        else
        {
            var sends = node.Inputs.Where(i => i.To is not null)
                .Select(i => $"{i.Grad?.Text ?? "?"} to {Short(graph.Nodes[i.To!.Value])}").ToList();
            detail = sends.Count == 0 ? "sends nothing" : "sends " + string.Join(", ", sends);
        }
        return [$"{heading} — step {step} of {order.Count}: {node.Label} receives {node.Received?.Text ?? "?"}{parts}", detail];
    }

    static string Short(GraphNode node) => node.Tensor ?? node.Name;

    /// <summary>
    /// One frame's DOT. <paramref name="step"/> 0 is before any node ran; k means order[k - 1] is
    /// running; past the last node, all have run. Labels are the same in every frame.
    /// </summary>
    internal static string FrameDot(AutogradGraph graph, IReadOnlyList<int> order, int step)
    {
        var ran = new HashSet<int>(order.Take(Math.Min(step, order.Count)));
        int? running = step >= 1 && step <= order.Count ? order[step - 1] : null;
        var dot = new StringBuilder();
        dot.AppendLine("digraph backward {");
        dot.AppendLine("  graph [fontname=\"DejaVu Sans\", nodesep=0.4, ranksep=0.5, ordering=out, pad=0.15, dpi=96];");
        dot.AppendLine("  node [fontname=\"DejaVu Sans\", fontsize=13, shape=box, style=\"rounded,filled\", penwidth=2.5];");
        dot.AppendLine("  edge [fontname=\"DejaVu Sans\", fontsize=12, arrowsize=0.8, penwidth=1.6];");
        foreach (GraphNode node in graph.Nodes)
        {
            string fill = node.Id == running ? "gold" : node.Kind switch
            {
                GraphNodeKind.Root => "darkolivegreen1",
                GraphNodeKind.Leaf => "lightblue",
                _ => "gray90",
            };
            string border = node.Id == running ? "red3" : ran.Contains(node.Id) ? "darkgreen" : "gray45";
            var label = new StringBuilder();
            if (node.Tensor is not null) label.Append("<B>").Append(Html(node.Tensor)).Append("</B><BR/>");
            label.Append(Html(node.Name));
            if (node.Kind == GraphNodeKind.Leaf && node.Tensor is not null)
            {
                // Written in the fill colour until its AccumulateGrad has run: there, but not yet visible.
                string ink = ran.Contains(node.Id) ? "black" : fill;
                label.Append($"<BR/><FONT COLOR=\"{ink}\">.grad = {Html(node.GradAfter?.Text ?? "?")}</FONT>");
            }
            dot.AppendLine($"  n{node.Id} [label=<{label}>, fillcolor={fill}, color={border}];");
        }
        foreach (GraphNode node in graph.Nodes)
        {
            for (int slot = 0; slot < node.Inputs.Count; slot++)
            {
                GraphInput input = node.Inputs[slot];
                bool sent = ran.Contains(node.Id), now = node.Id == running;
                string colour = now ? "red3" : sent ? "gray20" : "gray70";
                if (input.To is not int to)
                {
                    string none = $"none{node.Id}_{slot}";
                    dot.AppendLine($"  {none} [label=\"None\", shape=plaintext, style=\"\", fontcolor=gray45, fontsize=11];");
                    dot.AppendLine($"  n{node.Id} -> {none} [style=dashed, color=gray60];");
                    continue;
                }
                string text = GraphPictures.EdgeLabel(graph, input) ?? "";
                string ink = now ? "red3" : sent ? "gray15" : "transparent";
                dot.AppendLine($"  n{node.Id} -> n{to} [label={GraphPictures.Quote(" " + text + " ")}, fontcolor={ink}, color={colour}{(now ? ", penwidth=3" : "")}];");
            }
        }
        dot.AppendLine("}");
        return dot.ToString();
    }

    /// <summary>Characters of caption a line holds at its font size and the frame's width.</summary>
    const int CaptionWidth = 88;

    /// <summary>A caption line broken at spaces into lines of at most <paramref name="width"/> characters.</summary>
    internal static IEnumerable<string> Wrap(string line, int width)
    {
        var current = new StringBuilder();
        foreach (string word in line.Split(' '))
        {
            if (current.Length > 0 && current.Length + 1 + word.Length > width)
            {
                yield return current.ToString();
                current.Clear();
            }
            if (current.Length > 0) current.Append(' ');
            current.Append(word);
        }
        if (current.Length > 0) yield return current.ToString();
    }

    static string Html(string text) => text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");

    /// <summary>The Graphviz picture, scaled to fit below the caption, centred.</summary>
    static void DrawFrame(Plot plot, byte[] png, string[] caption)
    {
        const int top = 110, margin = 12;
        var image = new Image(png);
        double areaWidth = Width - 2 * margin, areaHeight = Height - top - margin;
        // Never enlarged more than 1.6 times: small graphs stay crisp rather than blurred to fill the frame.
        double scale = Math.Min(1.6, Math.Min(areaWidth / image.Width, areaHeight / image.Height));
        double w = image.Width * scale, h = image.Height * scale;
        double left = (areaWidth - w) / 2, bottom = (areaHeight - h) / 2;
        plot.Add.ImageRect(image, new CoordinateRect(left, left + w, bottom, bottom + h));
        plot.Axes.SetLimits(0, areaWidth, 0, areaHeight);
        plot.Layout.Fixed(new PixelPadding(margin, margin, margin, top));
        plot.Axes.Frameless();
        plot.HideGrid();
        plot.Title(string.Join("\n", caption.SelectMany(line => Wrap(line, CaptionWidth)).Take(4)), size: 16);
        plot.Axes.Title.Label.FontName = "DejaVu Sans";
    }

}
