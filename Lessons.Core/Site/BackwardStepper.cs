using System.Text;
using System.Text.Json;
using Lessons.Core.Autograd;
using Lessons.Core.Catalog;
using Lessons.Core.Figures;

namespace Lessons.Core.Site;

/// <summary>
/// Backward stepped by hand on the course site: each recorded graph of at most
/// <see cref="BackwardAnimation.MaxNodes"/> nodes drawn by Graphviz as SVG (arrows the way backward
/// sends gradients, as the backward animation draws them), with the steps of <c>--backward</c>
/// (<see cref="BackwardSteps.Walk"/>) embedded as JSON: per step the node that runs, the edges it
/// sends along, its lines, and every named leaf's <c>.grad</c> so far; per node what a click shows.
/// The page's script only shows what the JSON holds; it computes no gradient.
/// </summary>
public static class BackwardStepper
{
    /// <summary>The HTML for every graph the run recorded, and a line for any picture Graphviz could not draw.</summary>
    public static (string Html, string? Problem) Html(LessonRun run, string? dotExecutable)
    {
        var html = new StringBuilder();
        string? problem = null;
        for (int index = 0; index < run.Graphs.Count; index++)
        {
            AutogradGraph graph = run.Graphs[index];
            string id = $"backward-{run.Lesson.Id}-{index}";
            BackwardWalk walk = BackwardSteps.Walk(graph);
            if (!graph.IsAvailable || graph.Root is null)
            {
                // As --backward says it: unavailable, with the reason, or no graph.
                html.AppendLine($"<p class=\"backward-note\" id=\"{id}\">{MarkdownHtml.Escape(string.Join(" ", walk.Heading))}</p>");
                continue;
            }
            if (graph.Nodes.Count > BackwardAnimation.MaxNodes)
            {
                html.AppendLine($"<p class=\"backward-note\" id=\"{id}\">backward of {MarkdownHtml.Escape(graph.Name)}: {graph.Nodes.Count} nodes, "
                    + $"more than the {BackwardAnimation.MaxNodes} a stepper shows; <code>lesson {run.Lesson.Id} --backward</code> prints its steps.</p>");
                continue;
            }
            string? svg = null;
            if (dotExecutable is null)
                problem = $"backward steppers drawn without their pictures: Graphviz's dot is not on PATH; {GraphPictures.InstallHint}";
            else
            {
                (svg, string? error) = Svg(graph, id, dotExecutable);
                if (error is not null) problem = $"backward stepper of {run.Lesson.Id} drawn without its picture: {error}";
            }
            AppendStepper(html, graph, walk, id, svg);
        }
        return (html.ToString(), problem);
    }

    static void AppendStepper(StringBuilder html, AutogradGraph graph, BackwardWalk walk, string id, string? svg)
    {
        string E(string text) => MarkdownHtml.Escape(text);
        html.AppendLine($"<section class=\"stepper\" id=\"{id}\" tabindex=\"0\" aria-label=\"backward of {E(graph.Name)}, step by step: arrow keys step\">");
        html.AppendLine($"<p class=\"stepper-heading\">{E(string.Join(" ", walk.Heading))}</p>");
        html.AppendLine("<div class=\"stepper-controls\">"
            + "<button type=\"button\" data-action=\"previous\">◀ previous</button>"
            + "<button type=\"button\" data-action=\"play\">▶ play</button>"
            + "<button type=\"button\" data-action=\"next\">next ▶</button>"
            + $"<span class=\"stepper-counter\" aria-live=\"polite\">step 0 of {walk.Steps.Count}</span></div>");
        html.AppendLine("<div class=\"stepper-body\">");
        html.AppendLine($"<div class=\"stepper-picture\">{svg ?? "<p>(no picture: Graphviz's dot was not found when the site was built)</p>"}</div>");
        html.AppendLine("<div class=\"stepper-panel\">");
        html.AppendLine("<pre class=\"stepper-step\" aria-live=\"polite\"></pre>");
        html.AppendLine("<pre class=\"stepper-grads\"></pre>");
        html.AppendLine("<pre class=\"stepper-node\" aria-live=\"polite\">click a node to see its name, its kind and the gradient on each of its edges</pre>");
        html.AppendLine("</div></div>");
        if (walk.Notes.Count > 0)
            html.AppendLine($"<pre class=\"stepper-notes\">{E(string.Join("\n", walk.Notes))}</pre>");
        html.AppendLine($"<script type=\"application/json\" class=\"stepper-data\">{JsonSerializer.Serialize(Data(graph, walk, id))}</script>");
        html.AppendLine("</section>");
    }

    /// <summary>What the page's script shows, step by step and node by node; all text, all from the recorded graph.</summary>
    internal static Dictionary<string, object> Data(AutogradGraph graph, BackwardWalk walk, string id)
    {
        var leaves = graph.Nodes.Where(n => n.Kind == GraphNodeKind.Leaf && n.Tensor is not null).ToList();
        string Before(GraphNode leaf) => $"{leaf.Tensor}.grad: {leaf.GradBefore?.Text ?? "None"}";
        string After(GraphNode leaf) => $"{leaf.Tensor}.grad: {leaf.GradAfter?.Text ?? "?"}";
        var ran = new HashSet<int>();
        var steps = new List<object>
        {
            // Step 0: before backward, the heading, every leaf's .grad as it was.
            new Dictionary<string, object?> { ["node"] = null, ["text"] = string.Join("\n", walk.Heading), ["edges"] = Array.Empty<string>(),
                ["grads"] = leaves.Select(Before).ToList() },
        };
        foreach (BackwardStep step in walk.Steps)
        {
            ran.Add(step.Node);
            steps.Add(new Dictionary<string, object?>
            {
                ["node"] = NodeId(id, step.Node),
                ["text"] = string.Join("\n", step.Lines),
                ["edges"] = graph.Nodes[step.Node].Inputs.Select((_, slot) => EdgeId(id, step.Node, slot)).ToList(),
                ["grads"] = leaves.Select(l => ran.Contains(l.Id) ? After(l) : Before(l)).ToList(),
            });
        }
        var nodes = graph.Nodes.ToDictionary(n => NodeId(id, n.Id), n => (object)string.Join("\n", NodeLines(graph, n)));
        return new Dictionary<string, object> { ["steps"] = steps, ["nodes"] = nodes };
    }

    /// <summary>What clicking a node shows: its name, its kind, what it receives and the gradient on each of its edges.</summary>
    static IEnumerable<string> NodeLines(AutogradGraph graph, GraphNode node)
    {
        yield return node.Tensor is null ? $"node: {node.Name}" : $"node: {node.Name}, for {node.Tensor}";
        yield return "kind: " + node.Kind switch
        {
            GraphNodeKind.Root => "the root (the recorded tensor's grad_fn)",
            GraphNodeKind.Leaf => "a leaf's AccumulateGrad (it adds what arrives into .grad)",
            _ => "an operation",
        };
        yield return $"receives: {node.Received?.Text ?? "? " + (node.ReceivedUnavailable ?? graph.GradsUnavailable ?? "not read")}";
        for (int slot = 0; slot < node.Inputs.Count; slot++)
        {
            GraphInput input = node.Inputs[slot];
            string target = input.To is int to ? graph.Nodes[to].Label : "None";
            string grad = input.To is null ? "nothing (that input needs no gradient)"
                : input.Grad?.Text ?? "? " + (input.GradUnavailable ?? graph.GradsUnavailable ?? "not read");
            yield return $"edge {slot} (input_nr {input.InputNr}) to {target}: {grad}";
        }
        if (node.Kind == GraphNodeKind.Leaf && node.Tensor is not null)
            yield return $"{node.Tensor}.grad: {node.GradBefore?.Text ?? "None"} before, {node.GradAfter?.Text ?? "?"} after";
    }

    static string NodeId(string stepper, int node) => $"{stepper}-n{node}";

    static string EdgeId(string stepper, int node, int slot) => $"{stepper}-e{node}-{slot}";

    /// <summary>The graph as SVG, each node and edge with the id the script finds it by; or dot's error.</summary>
    static (string? Svg, string? Error) Svg(AutogradGraph graph, string id, string dotExecutable)
    {
        string scratch = Path.Combine(Path.GetTempPath(), "lessons-stepper-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(scratch);
        try
        {
            string dotFile = Path.Combine(scratch, "graph.dot"), svgFile = Path.Combine(scratch, "graph.svg");
            AtomicFile.WriteAllText(dotFile, Dot(graph, id));
            if (Graphviz.Render(dotExecutable, dotFile, "svg", svgFile) is { } error) return (null, error);
            string svg = File.ReadAllText(svgFile);
            int start = svg.IndexOf("<svg", StringComparison.Ordinal);
            return (start < 0 ? null : svg[start..].Trim(), start < 0 ? "dot wrote no <svg> element" : null);
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    /// <summary>The DOT of the stepper's picture: the root on top, arrows the way gradients go, every edge labelled with what it carries.</summary>
    internal static string Dot(AutogradGraph graph, string id)
    {
        var dot = new StringBuilder();
        dot.AppendLine("digraph backward {");
        dot.AppendLine("  graph [fontname=\"DejaVu Sans\", nodesep=0.4, ranksep=0.5, ordering=out, pad=0.15, bgcolor=transparent];");
        dot.AppendLine("  node [fontname=\"DejaVu Sans\", fontsize=13, shape=box, style=\"rounded,filled\", penwidth=2];");
        dot.AppendLine("  edge [fontname=\"DejaVu Sans\", fontsize=12, arrowsize=0.8, penwidth=1.6];");
        foreach (GraphNode node in graph.Nodes)
        {
            string fill = node.Kind switch
            {
                GraphNodeKind.Root => "darkolivegreen1",
                GraphNodeKind.Leaf => "lightblue",
                _ => "gray90",
            };
            string label = node.Tensor is null ? node.Name : node.Tensor + "\n" + node.Name;
            dot.AppendLine($"  n{node.Id} [id={GraphPictures.Quote(NodeId(id, node.Id))}, class=\"node-{node.Kind.ToString().ToLowerInvariant()}\", "
                + $"label={GraphPictures.Quote(label)}, fillcolor={fill}, color=gray45];");
        }
        foreach (GraphNode node in graph.Nodes)
        {
            for (int slot = 0; slot < node.Inputs.Count; slot++)
            {
                GraphInput input = node.Inputs[slot];
                string edge = GraphPictures.Quote(EdgeId(id, node.Id, slot));
                if (input.To is not int to)
                {
                    string none = $"none{node.Id}_{slot}";
                    dot.AppendLine($"  {none} [label=\"None\", shape=plaintext, style=\"\", fontcolor=gray45, fontsize=11];");
                    dot.AppendLine($"  n{node.Id} -> {none} [id={edge}, style=dashed, color=gray60];");
                    continue;
                }
                string text = GraphPictures.EdgeLabel(graph, input) ?? "";
                dot.AppendLine($"  n{node.Id} -> n{to} [id={edge}, label={GraphPictures.Quote(" " + text + " ")}, color=gray55];");
            }
        }
        dot.AppendLine("}");
        return dot.ToString();
    }
}
