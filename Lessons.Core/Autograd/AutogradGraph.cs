using System.Globalization;

namespace Lessons.Core.Autograd;

/// <summary>What a node of the graph is: the root (the recorded tensor's grad_fn), an operation, or a leaf's AccumulateGrad.</summary>
public enum GraphNodeKind { Root, Operation, Leaf }

/// <summary>One entry of a node's <c>next_functions</c>: the node it leads to (null for Python's None) and its <c>input_nr</c>.</summary>
public sealed record GraphInput(int? To, long InputNr);

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

    /// <summary>
    /// The graph as JSON-ready data: <c>nodes</c> (id, name, tensor) and <c>edges</c> (from, to,
    /// input_nr), or <c>unavailable</c> with the reason. No addresses: the data of two runs compare equal.
    /// </summary>
    public IReadOnlyDictionary<string, object?> ToData()
    {
        if (!IsAvailable) return new SortedDictionary<string, object?>(StringComparer.Ordinal) { ["unavailable"] = Unavailable };
        return new SortedDictionary<string, object?>(StringComparer.Ordinal)
        {
            ["nodes"] = Nodes.Select(n => (object?)new SortedDictionary<string, object?>(StringComparer.Ordinal)
            {
                ["id"] = (long)n.Id,
                ["name"] = n.Name,
                ["kind"] = n.Kind.ToString().ToLowerInvariant(),
                ["tensor"] = n.Tensor,
            }).ToList(),
            ["edges"] = Edges.Select(e => (object?)new SortedDictionary<string, object?>(StringComparer.Ordinal)
            {
                ["from"] = (long)e.From,
                ["to"] = e.To is int to ? (long)to : null,
                ["input_nr"] = e.InputNr,
            }).ToList(),
        };
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
        var lines = new List<string> { $"graph {Name}: {Plural(Nodes.Count, "node")}, {Plural(edges, "edge")}" };
        var expanded = new HashSet<int>();
        // Depth first with an explicit stack, and only so deep: a graph may be a chain of thousands of nodes.
        const int MaxDepth = 64;
        var pending = new Stack<(GraphInput Input, string Prefix, string Branch, string Indent, int Depth)>();
        pending.Push((new GraphInput(0, 0), "", "", "", 0));
        while (pending.Count > 0)
        {
            var (input, prefix, branch, indent, depth) = pending.Pop();
            string inputNr = input.InputNr == 0 ? "" : $" [input_nr {input.InputNr.ToString(CultureInfo.InvariantCulture)}]";
            if (input.To is not int id)
            {
                lines.Add(prefix + branch + "None" + inputNr);
                continue;
            }
            GraphNode node = Nodes[id];
            bool again = node.Inputs.Count > 0 && !expanded.Add(id);
            lines.Add(prefix + branch + node.Label + inputNr + (again ? "  (expanded above)" : ""));
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
        return lines;
    }

    static string Plural(int count, string word) => $"{count} {word}{(count == 1 ? "" : "s")}";
}
