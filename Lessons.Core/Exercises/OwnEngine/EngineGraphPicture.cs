using System.Globalization;
using System.Text;
using Lessons.Core.Autograd;
using Lessons.Core.Figures;
using TorchSharp;
using static TorchSharp.torch;

namespace Lessons.Core.Exercises.OwnEngine;

/// <summary>
/// <c>check &lt;capstone step&gt; --plots DIR</c>: the tutorial's y = (w + x) * (w + 1) at w = 1, x = 2
/// built with the learner's engine and with libtorch, drawn side by side in one Graphviz picture,
/// arrows forward (input to node) as the project's graph pictures draw them: the learner's nodes
/// with their data and grad after their Backward (or the checker's, before step 3), libtorch's with
/// its grad_fn names.
/// </summary>
public static class EngineGraphPicture
{
    public const string FileStem = "engine-graph";

    /// <summary>Writes <c>engine-graph.dot</c> and, where Graphviz is installed, <c>engine-graph.svg</c>; returns the files written and a line saying what could not be done.</summary>
    public static GraphPictureResult Write(Exercise exercise, LearnerCode code, string directory)
    {
        string dot = Dot(exercise, code);
        Directory.CreateDirectory(directory);
        string dotFile = Path.Combine(directory, FileStem + ".dot");
        AtomicFile.WriteAllText(dotFile, dot);
        var files = new List<string> { dotFile };
        if (Graphviz.FindDot() is not { } executable)
            return new GraphPictureResult(files, $"graph picture not drawn: Graphviz's dot is not on PATH; {GraphPictures.InstallHint}");
        string svg = Path.Combine(directory, FileStem + ".svg");
        if (Graphviz.Render(executable, dotFile, "svg", svg) is { } error) return new GraphPictureResult(files, $"graph picture not drawn as svg: {error}");
        files.Add(svg);
        return new GraphPictureResult(files, null);
    }

    public static string Dot(Exercise exercise, LearnerCode code)
    {
        var engine = new LearnerEngine(code);
        object w = engine.Leaf(1), x = engine.Leaf(2), one = engine.Leaf(1);
        object a = engine.Operator("op_Addition", w, x), b = engine.Operator("op_Addition", w, one);
        object y = engine.Operator("op_Multiply", a, b);
        if (exercise.StepInChapter >= 3) engine.Backward(y);
        else engine.ReferenceBackward(y);
        var names = new Dictionary<object, string>(ReferenceEqualityComparer.Instance) { [w] = "w", [x] = "x", [one] = "1", [a] = "a", [b] = "b", [y] = "y" };

        var text = new StringBuilder();
        text.AppendLine("digraph engine_graph {");
        text.AppendLine("  graph [fontname=\"DejaVu Sans\", fontsize=10, rankdir=BT, label=\"y = (w + x) * (w + 1) at w = 1, x = 2 (tutorial 001 §1): arrows run forward, input to node\"];");
        text.AppendLine("  node [fontname=\"DejaVu Sans\", fontsize=11, shape=box, style=\"rounded,filled\", fillcolor=gray90, color=gray40];");
        text.AppendLine("  subgraph cluster_mine { label=\"your engine (Value)\"; style=rounded; color=gray70;");
        var ids = new Dictionary<object, int>(ReferenceEqualityComparer.Instance);
        void Node(object node)
        {
            if (ids.ContainsKey(node)) return;
            ids[node] = ids.Count;
            foreach (object input in engine.Inputs(node)) Node(input);
            string op = engine.ValueType.GetField("Op")?.GetValue(node) as string ?? "";
            string label = $"{(names.TryGetValue(node, out string? name) ? name + " " : "")}{(op.Length > 0 ? op : "leaf")}\ndata {Number(engine.Data(node))}, grad {Number(engine.Grad(node))}";
            string fill = ReferenceEquals(node, y) ? "darkolivegreen1" : op.Length == 0 ? "lightblue" : "gray90";
            text.AppendLine($"    m{ids[node]} [label={Quote(label)}, fillcolor={fill}];");
            foreach (object input in engine.Inputs(node)) text.AppendLine($"    m{ids[input]} -> m{ids[node]};");
        }
        Node(y);
        text.AppendLine("  }");

        text.AppendLine("  subgraph cluster_theirs { label=\"libtorch's autograd graph (grad_fn)\"; style=rounded; color=gray70;");
        using (NewDisposeScope())
        {
            Tensor tw = torch.tensor(new[] { 1.0 }, requires_grad: true), tx = torch.tensor(new[] { 2.0 }, requires_grad: true);
            Tensor ta = torch.add(tw, tx), tb = torch.add(tw, 1), ty = torch.mul(ta, tb);
            AutogradGraph graph = AutogradGraphs.Read("libtorch", ty, ("w", tw), ("x", tx), ("a", ta), ("b", tb), ("y", ty));
            if (!graph.IsAvailable) text.AppendLine($"    unavailable [label={Quote("libtorch's graph cannot be read here: " + graph.Unavailable)}];");
            foreach (GraphNode node in graph.Nodes)
            {
                string fill = node.Kind switch { GraphNodeKind.Root => "darkolivegreen1", GraphNodeKind.Leaf => "lightblue", _ => "gray90" };
                text.AppendLine($"    t{node.Id} [label={Quote(node.Label)}, fillcolor={fill}];");
                foreach (GraphInput input in node.Inputs)
                    if (input.To is int to) text.AppendLine($"    t{to} -> t{node.Id};");
            }
        }
        text.AppendLine("  }");
        text.AppendLine("}");
        return text.ToString();
    }

    static string Number(double value) => value.ToString("G6", CultureInfo.InvariantCulture);

    static string Quote(string text) => "\"" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal) + "\"";
}
