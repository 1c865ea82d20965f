namespace Lessons.Core.Autograd;

/// <summary>
/// A recorded graph's backward as the engine's steps, one node at a time in the engine's order:
/// what the node receives, what it sends along each edge, and for a leaf how its <c>.grad</c>
/// fills. Plain text from the graph's data (the values were read from libtorch when it was recorded).
/// </summary>
public static class BackwardSteps
{
    /// <summary>At most this many steps are written out; a larger graph says how many it left out.</summary>
    public const int MaxSteps = 40;

    /// <summary>The order to show: the engine's, or, where it is unavailable, the graph's own (next_functions depth first).</summary>
    public static IReadOnlyList<int> Order(AutogradGraph graph) =>
        graph.BackwardOrder ?? [.. graph.Nodes.Select(n => n.Id)];

    public static IReadOnlyList<string> Lines(AutogradGraph graph)
    {
        BackwardWalk walk = Walk(graph);
        return [.. walk.Heading, .. walk.Steps.SelectMany(s => s.Lines), .. walk.Omitted is { } omitted ? [omitted] : Array.Empty<string>(), .. walk.Notes];
    }

    /// <summary>
    /// The same text as <see cref="Lines"/>, kept step by step (the course site's stepper shows one
    /// step at a time): the heading, each step's lines with the node and the edges it sends along,
    /// and the numbered notes for the edges that say <c>?</c>.
    /// </summary>
    public static BackwardWalk Walk(AutogradGraph graph)
    {
        if (!graph.IsAvailable) return new BackwardWalk([$"backward of {graph.Name}: unavailable: {graph.Unavailable}"], [], null, []);
        if (graph.Root is null) return new BackwardWalk([$"backward of {graph.Name}: no graph (the tensor has no grad_fn)"], [], null, []);
        IReadOnlyList<GraphNode> nodes = graph.Nodes;
        IReadOnlyList<int> order = Order(graph);
        var heading = new List<string>();
        string start = graph.RootGradient is { } g0 ? $"; it starts from {g0.Text} ({graph.RootGradientSource})"
            : $"; edge gradients not read: {graph.GradsUnavailable}";
        heading.Add(graph.BackwardOrder is not null
            ? $"backward of {graph.Name}: {nodes.Count} nodes, in the order libtorch's engine runs them (from their sequence_nr: "
              + "of the nodes that are ready, the one made last runs first; AccumulateGrad as soon as it is ready)" + start
            : $"backward of {graph.Name}: {nodes.Count} nodes, in next_functions order ({graph.OrderUnavailable})" + start);

        if (graph.SummaryNote is { } summarised) heading.Add(summarised);
        var notes = new List<string>();
        string Note(string reason)
        {
            int index = notes.IndexOf(reason);
            if (index < 0) notes.Add(reason);
            return $"[{(index < 0 ? notes.Count : index + 1)}]";
        }
        string Value(GradientValue? value, string? why) =>
            value?.Text ?? (graph.GradsUnavailable is not null ? "?" : "? " + Note(why ?? "not read"));

        // What each node has received so far, edge by edge, in the order the edges deliver.
        var delivered = nodes.Select(_ => new List<(int From, GraphInput Edge)>()).ToArray();
        var inDegree = new int[nodes.Count];
        foreach (GraphNode node in nodes)
            foreach (GraphInput input in node.Inputs)
                if (input.To is int to) inDegree[to]++;

        var steps = new List<BackwardStep>();
        string? omitted = null;
        int step = 0;
        foreach (int id in order)
        {
            GraphNode node = nodes[id];
            step++;
            if (step > MaxSteps)
            {
                omitted = $"… {order.Count - MaxSteps} more steps not shown (the first {MaxSteps} of {order.Count})";
                break;
            }
            var lines = new List<string>();
            string received = $"step {step}: {node.Label} receives {Value(node.Received, node.ReceivedUnavailable)}";
            if (delivered[id].Count > 1 && delivered[id].All(d => d.Edge.Grad is not null))
                received += " (" + string.Join(" + ", delivered[id].Select(d => $"{Value(d.Edge.Grad, d.Edge.GradUnavailable)} from {Short(nodes[d.From])}")) + ")";
            lines.Add(received);
            string indent = new(' ', $"step {step}: ".Length);
            foreach (GraphInput input in node.Inputs)
            {
                if (input.To is not int to)
                {
                    lines.Add($"{indent}sends nothing to None (that input needs no gradient)");
                    continue;
                }
                delivered[to].Add((id, input));
                string waiting = inDegree[to] > 1 ? $", its input {delivered[to].Count} of {inDegree[to]}" : "";
                lines.Add($"{indent}sends {Value(input.Grad, input.GradUnavailable)} to {nodes[to].Label}{waiting}");
            }
            if (node.Kind == GraphNodeKind.Leaf && node.Tensor is { } leaf)
            {
                string before = node.GradBefore?.Text ?? "None";
                string after = node.GradAfter?.Text ?? "?";
                lines.Add(node.GradBefore is null
                    ? $"{indent}{leaf}.grad: None -> {after}"
                    : $"{indent}{leaf}.grad: {before} + what arrives -> {after}");
            }
            steps.Add(new BackwardStep(id, lines));
        }
        return new BackwardWalk(heading, steps, omitted, [.. notes.Select((note, i) => $"  [{i + 1}] ? {note}")]);
    }

    static string Short(GraphNode node) => node.Tensor ?? node.Name;
}

/// <summary>One engine step as <see cref="BackwardSteps"/> writes it: the node that runs and its lines.</summary>
public sealed record BackwardStep(int Node, IReadOnlyList<string> Lines);

/// <summary>A graph's backward as text: the heading, the steps, a line for steps left out (or null), and the notes.</summary>
public sealed record BackwardWalk(IReadOnlyList<string> Heading, IReadOnlyList<BackwardStep> Steps, string? Omitted, IReadOnlyList<string> Notes);
