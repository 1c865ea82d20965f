using System.Globalization;
using Lessons.Core.Python;
using TorchSharp;
using static TorchSharp.torch;

namespace Lessons.Core.Autograd;

/// <summary>What a node of the graph is: the root (the recorded tensor's grad_fn), an operation, or a leaf's AccumulateGrad.</summary>
public enum GraphNodeKind { Root, Operation, Leaf }

/// <summary>
/// One entry of a node's <c>next_functions</c>: the node it leads to (null for Python's None) and its
/// <c>input_nr</c>; and the gradient backward sends along it, read from libtorch, or why it cannot be.
/// </summary>
public sealed record GraphInput(int? To, long InputNr)
{
    /// <summary>What the node sends along this edge during the recorded root's backward; null when <see cref="GradUnavailable"/> says why.</summary>
    public GradientValue? Grad { get; init; }

    /// <summary>Why <see cref="Grad"/> is not known (None receives nothing; an edge may not be observable).</summary>
    public string? GradUnavailable { get; init; }
}

/// <summary>
/// One backward node libtorch recorded, as plain data.
/// </summary>
/// <param name="Id">Its index in <see cref="AutogradGraph.Nodes"/>; the root is 0.</param>
/// <param name="Name">libtorch's name for it (<c>MulBackward0</c>, <c>AccumulateGrad</c>).</param>
/// <param name="Tensor">The names the lesson gave the tensors it belongs to: the leaf an AccumulateGrad accumulates into, or the tensors an operation made; null if none.</param>
/// <param name="Address">Its address in this process, as PyTorch prints it (<c>object at 0x…</c>); differs from run to run.</param>
/// <param name="Inputs">Its <c>next_functions</c>, in order.</param>
public sealed record GraphNode(int Id, string Name, GraphNodeKind Kind, string? Tensor, nint Address, IReadOnlyList<GraphInput> Inputs)
{
    /// <summary>libtorch's <c>Node::sequence_nr</c> (creation order; UINT64_MAX for AccumulateGrad); null where it could not be validated.</summary>
    public ulong? SequenceNr { get; init; }

    /// <summary>The gradient that arrives at this node during backward (the sum over its in-edges); null when <see cref="ReceivedUnavailable"/> says why.</summary>
    public GradientValue? Received { get; init; }

    public string? ReceivedUnavailable { get; init; }

    /// <summary>A leaf's <c>.grad</c> when the graph was recorded (null: None), and after this backward's AccumulateGrad.</summary>
    public GradientValue? GradBefore { get; init; }

    public GradientValue? GradAfter { get; init; }

    /// <summary>"a = AddBackward0", or just the node's name.</summary>
    public string Label => Tensor is null ? Name : $"{Tensor} = {Name}";
}

/// <summary>A directed edge, from a node to one of its <c>next_functions</c> (the direction backward runs); <see cref="To"/> null is None.</summary>
public sealed record GraphEdge(int From, int? To, long InputNr);

/// <summary>
/// The autograd graph behind one tensor, walked from libtorch's own nodes when the lesson recorded
/// it and kept as plain data (backward may free or change the graph later). Where the graph cannot
/// be read, <see cref="Unavailable"/> says why and there are no nodes.
/// </summary>
public sealed record AutogradGraph(string Name, IReadOnlyList<GraphNode> Nodes, string? Unavailable = null)
{
    public bool IsAvailable => Unavailable is null;

    public GraphNode? Root => Nodes.Count > 0 ? Nodes[0] : null;

    public IEnumerable<GraphEdge> Edges =>
        Nodes.SelectMany(node => node.Inputs.Select(input => new GraphEdge(node.Id, input.To, input.InputNr)));

    public static AutogradGraph Failed(string name, string reason) => new(name, [], reason);

    /// <summary>The gradient backward starts from (the lesson's <c>grad_tensors</c>, or ones for a one-element root); null when <see cref="GradsUnavailable"/> says why.</summary>
    public GradientValue? RootGradient { get; init; }

    /// <summary>Where <see cref="RootGradient"/> comes from, for the reader ("ones, as backward() of a one-element tensor").</summary>
    public string? RootGradientSource { get; init; }

    /// <summary>Why no gradient could be read for any edge; null when they were read (edges may still say why one is unknown).</summary>
    public string? GradsUnavailable { get; init; }

    /// <summary>Why the engine's order cannot be given (the nodes' sequence numbers could not be validated); null when it can.</summary>
    public string? OrderUnavailable { get; init; }

    /// <summary>A note for a graph some of whose gradients are too large to print, saying how they are shown instead; null if none is.</summary>
    public string? SummaryNote =>
        Nodes.Any(n => n.Received is { Count: > GradientValue.MaxTextElements } || n.Inputs.Any(i => i.Grad is { Count: > GradientValue.MaxTextElements }))
            ? $"(gradients of more than {GradientValue.MaxTextElements} elements are shown by shape and norm; --json keeps up to {GradientValue.MaxValues} values of each)"
            : null;

    /// <summary>
    /// The node ids in the order libtorch's engine runs them in a <c>backward()</c> of the root
    /// (see <see cref="EngineOrder"/>); null when <see cref="OrderUnavailable"/> says why.
    /// </summary>
    public IReadOnlyList<int>? BackwardOrder => OrderUnavailable is null && Root is not null ? EngineOrder.Of(this) : null;

    /// <summary>
    /// The graph as JSON-ready data: <c>nodes</c> (id, name, tensor) and <c>edges</c> (from, to,
    /// input_nr), or <c>unavailable</c> with the reason. No addresses: the data of two runs compare equal.
    /// </summary>
    public IReadOnlyDictionary<string, object?> ToData()
    {
        if (!IsAvailable) return new SortedDictionary<string, object?>(StringComparer.Ordinal) { ["unavailable"] = Unavailable };
        var data = new SortedDictionary<string, object?>(StringComparer.Ordinal)
        {
            ["nodes"] = Nodes.Select(n => (object?)new SortedDictionary<string, object?>(StringComparer.Ordinal)
            {
                ["id"] = (long)n.Id,
                ["name"] = n.Name,
                ["kind"] = n.Kind.ToString().ToLowerInvariant(),
                ["tensor"] = n.Tensor,
            }).ToList(),
            ["edges"] = Nodes.SelectMany(n => n.Inputs.Select(input => (object?)EdgeData(n.Id, input))).ToList(),
        };
        if (Root is null) return data;
        // The order backward() runs the nodes in (ids), and the gradient it starts from.
        if (BackwardOrder is { } order) data["backward_order"] = order.Select(id => (object?)(long)id).ToList();
        else data["backward_order_unavailable"] = OrderUnavailable;
        if (RootGradient?.Values is { } start) data["root_grad"] = start.Cast<object?>().ToList();
        if (GradsUnavailable is not null) data["grads_unavailable"] = GradsUnavailable;
        return data;
    }

    static SortedDictionary<string, object?> EdgeData(int from, GraphInput input)
    {
        var edge = new SortedDictionary<string, object?>(StringComparer.Ordinal)
        {
            ["from"] = (long)from,
            ["to"] = input.To is int to ? (long)to : null,
            ["input_nr"] = input.InputNr,
            ["grad"] = input.Grad?.Values?.Cast<object?>().ToList(),
        };
        if (input.Grad is { } grad)
        {
            edge["grad_shape"] = grad.Shape.Cast<object?>().ToList();
            if (grad.Values is null)
                edge["grad_unavailable"] = $"{grad.Count} values, more than the {GradientValue.MaxValues} kept per edge (norm {GradientValue.Number(grad.Norm)})";
        }
        else edge["grad_unavailable"] = input.GradUnavailable;
        return edge;
    }

    /// <summary>
    /// The graph as an indented tree from the root, one node a line, each node's next_functions
    /// below it in order; a node reached a second time is not expanded again.
    /// </summary>
    public IReadOnlyList<string> TreeLines()
    {
        if (!IsAvailable) return [$"graph {Name}: unavailable: {Unavailable}"];
        if (Root is null) return [$"graph {Name}: no graph (the tensor has no grad_fn)"];
        int edges = Edges.Count();
        string header = $"graph {Name}: {Plural(Nodes.Count, "node")}, {Plural(edges, "edge")}";
        if (RootGradient is not null) header += $" (← what each edge carries in backward, starting from {RootGradientSource})";
        else if (GradsUnavailable is not null) header += $" (edge gradients not read: {GradsUnavailable})";
        var lines = new List<string> { header };
        if (SummaryNote is { } summarised) lines.Add(summarised);
        // An edge whose gradient cannot be read points to a numbered note below the tree: the reasons repeat.
        var notes = new List<string>();
        string Note(string reason)
        {
            int index = notes.IndexOf(reason);
            if (index < 0) notes.Add(reason);
            return $"[{(index < 0 ? notes.Count : index + 1)}]";
        }
        var expanded = new HashSet<int>();
        // Depth first with an explicit stack, and only so deep: a graph may be a chain of thousands of nodes.
        const int MaxDepth = 64;
        var pending = new Stack<(GraphInput Input, string Prefix, string Branch, string Indent, int Depth)>();
        pending.Push((new GraphInput(0, 0), "", "", "", 0));
        while (pending.Count > 0)
        {
            var (input, prefix, branch, indent, depth) = pending.Pop();
            string inputNr = input.InputNr == 0 ? "" : $" [input_nr {input.InputNr.ToString(CultureInfo.InvariantCulture)}]";
            // The gradient the edge carries, after the label: what reaches the node along this edge.
            string carried = depth == 0 ? (RootGradient is { } g0 ? "   ← " + g0.Text : "")
                : input.Grad is { } grad ? "   ← " + grad.Text
                : input.To is null || GradsUnavailable is not null ? ""
                : "   ← ? " + Note(input.GradUnavailable ?? "not read");
            if (input.To is not int id)
            {
                lines.Add(prefix + branch + "None" + inputNr);
                continue;
            }
            GraphNode node = Nodes[id];
            bool again = node.Inputs.Count > 0 && !expanded.Add(id);
            lines.Add(prefix + branch + node.Label + inputNr + carried + (again ? "  (expanded above)" : ""));
            if (again) continue;
            if (depth == MaxDepth && node.Inputs.Count > 0)
            {
                lines.Add(prefix + indent + "└─ … (deeper nodes not shown)");
                continue;
            }
            for (int i = node.Inputs.Count - 1; i >= 0; i--)
            {
                bool last = i == node.Inputs.Count - 1;
                pending.Push((node.Inputs[i], prefix + indent, last ? "└─ " : "├─ ", last ? "   " : "│  ", depth + 1));
            }
        }
        for (int i = 0; i < notes.Count; i++) lines.Add($"  [{i + 1}] ? {notes[i]}");
        return lines;
    }

    static string Plural(int count, string word) => $"{count} {word}{(count == 1 ? "" : "s")}";
}

/// <summary>
/// A gradient read from libtorch, kept as plain data: its shape, its values (up to
/// <see cref="MaxValues"/> of them), its norm, and a short text for one line (PyTorch's own
/// printing for a tensor of up to <see cref="MaxTextElements"/> elements, else shape and norm).
/// </summary>
public sealed record GradientValue(IReadOnlyList<long> Shape, IReadOnlyList<double>? Values, double Norm, string Text)
{
    /// <summary>Values kept per gradient: a large layer's gradient (two-layer's w1 has 100,000) is summarised instead.</summary>
    public const int MaxValues = 10_000;

    /// <summary>Beyond this many elements a line shows shape and norm instead of the values.</summary>
    public const int MaxTextElements = 6;

    public long Count => Shape.Aggregate(1L, (product, size) => product * size);

    public static GradientValue From(Tensor tensor)
    {
        using var scope = NewDisposeScope();
        Tensor values = tensor.detach().cpu();
        long count = values.numel();
        double norm = values.to(float64).norm().item<double>();
        IReadOnlyList<double>? kept = count <= MaxValues ? values.to(float64).reshape(-1).data<double>().ToArray() : null;
        string text = count <= MaxTextElements
            ? string.Join(" ", Py.Str(values).Split('\n', StringSplitOptions.TrimEntries))
            : $"shape [{string.Join(", ", values.shape)}], norm {Number(norm)}";
        return new GradientValue(values.shape, kept, norm, text);
    }

    internal static string Number(double value) => value.ToString("G6", CultureInfo.InvariantCulture).Replace("E", "e");
}
