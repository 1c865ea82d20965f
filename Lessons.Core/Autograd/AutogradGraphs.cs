using Lessons.Core.Python;
using TorchSharp;
using static TorchSharp.torch;

namespace Lessons.Core.Autograd;

/// <summary>
/// The autograd graph libtorch recorded behind a tensor, walked from its own nodes (never a parallel
/// recording): each node's name, its <c>next_functions</c> (node or None, with input_nr), and for
/// an <c>AccumulateGrad</c> the leaf it accumulates into. TorchSharp exposes none of this; see
/// <see cref="NodeLayout"/> for how the members are found and <see cref="UnavailableReason"/> for
/// why a platform cannot. Every read is guarded, so a wrong assumption is reported, never a crash.
/// </summary>
public static class AutogradGraphs
{
    static readonly Lazy<GraphReader> reader = new(GraphReader.CreateForThisProcess);

    public static bool IsAvailable => reader.Value.Problem is null;

    public static string? UnavailableReason => reader.Value.Problem;

    /// <summary>
    /// Walks the graph behind <paramref name="output"/> now. <paramref name="tensors"/> names tensors
    /// for the labels: a leaf names the AccumulateGrad that accumulates into it (matched by its
    /// TensorImpl), any other tensor names its grad_fn.
    /// </summary>
    public static AutogradGraph Read(string name, Tensor output, params (string Name, Tensor Tensor)[] tensors) =>
        reader.Value.Read(name, output, BackwardStart.Ones, tensors);

    /// <summary>
    /// As <see cref="Read(string, Tensor, (string Name, Tensor Tensor)[])"/>, and the gradient each
    /// edge carries in a backward of <paramref name="output"/> that starts as <paramref name="backward"/>
    /// says, read from libtorch while the graph is alive (see <see cref="EdgeGradients"/>); the graph
    /// is left as it was.
    /// </summary>
    public static AutogradGraph Read(string name, Tensor output, BackwardStart backward, params (string Name, Tensor Tensor)[] tensors) =>
        reader.Value.Read(name, output, backward, tensors);

    /// <summary>Why the engine's order cannot be read from the nodes' sequence numbers here; null when it can.</summary>
    public static string? OrderUnavailableReason => reader.Value.Problem ?? reader.Value.OrderProblem;

    /// <summary>
    /// What Python prints for <c>tensor.grad_fn.next_functions</c>:
    /// <c>((&lt;AddBackward0 object at 0x…&gt;, 0), (None, 0))</c>, read from libtorch now.
    /// </summary>
    public static string NextFunctions(Tensor tensor)
    {
        AutogradGraph graph = Read("next_functions", tensor);
        if (!graph.IsAvailable) return $"<next_functions unavailable: {graph.Unavailable}>";
        GraphNode root = graph.Root ?? throw new ArgumentException("the tensor has no grad_fn (None has no next_functions)", nameof(tensor));
        return Py.Repr(new PyTuple([.. root.Inputs.Select(input => (object?)new PyTuple(
            input.To is int to ? new NodeObject(graph.Nodes[to]) : null, input.InputNr))]));
    }

    /// <summary>A node as Python's repr shows it.</summary>
    sealed record NodeObject(GraphNode Node)
    {
        public override string ToString() => $"<{Node.Name} object at 0x{Node.Address:x}>";
    }
}

/// <summary>
/// Reads graphs with one <see cref="NodeLayout"/> through one <see cref="INativeMemory"/>; usable
/// only once <see cref="Validate"/> has found the layout right on a graph of known shape. Internal so
/// tests can inject a wrong layout or failing memory and see the graph reported unavailable.
/// </summary>
internal sealed class GraphReader
{
    // Bounds on what is believed: far above any lesson's graph, far below garbage.
    internal const int MaxNodes = 10_000;
    internal const int MaxEdgesPerNode = 1 << 16;

    readonly NodeLayout? layout;
    readonly INativeMemory? memory;

    GraphReader(NodeLayout? layout, INativeMemory? memory, string? problem)
    {
        this.layout = layout;
        this.memory = memory;
        Problem = problem;
    }

    /// <summary>Why graphs cannot be read; null when they can.</summary>
    public string? Problem { get; private set; }

    /// <summary>Why the nodes' sequence numbers (the engine's order) cannot be trusted; null when they were validated.</summary>
    public string? OrderProblem { get; private set; }

    public static GraphReader CreateForThisProcess()
    {
        if (!GradFn.IsAvailable) return new GraphReader(null, null, GradFn.UnavailableReason);
        NodeLayout? layout = NodeLayout.ForThisPlatform();
        if (layout is null)
            return new GraphReader(null, null, "the layout of libtorch's autograd Node is known here only for " +
                                              NodeLayout.LibTorch210LinuxX64.Platform);
        INativeMemory? memory = GuardedMemory.ForThisProcess(out string? problem);
        if (memory is null) return new GraphReader(null, null, problem);
        return Create(layout, memory);
    }

    /// <summary>A reader with this layout and memory, validated before it is returned.</summary>
    internal static GraphReader Create(NodeLayout layout, INativeMemory memory)
    {
        var reader = new GraphReader(layout, memory, null);
        reader.Problem = reader.Validate();
        return reader;
    }

    public AutogradGraph Read(string name, Tensor output, BackwardStart backward, IReadOnlyList<(string Name, Tensor Tensor)> tensors)
    {
        if (Problem is { } problem) return AutogradGraph.Failed(name, problem);
        var (graph, tensorOf) = Walk(name, output, tensors);
        if (!graph.IsAvailable || graph.Root is null) return graph;
        if (OrderProblem is not null)
            graph = graph with { Nodes = [.. graph.Nodes.Select(n => n with { SequenceNr = null })], OrderUnavailable = OrderProblem };
        return EdgeGradients.Attach(graph, output, backward, tensorOf);
    }

    /// <summary>
    /// Builds y = (w + x) * (w + 1) and checks that this layout reads it as it must be: root
    /// MulBackward0 with two AddBackward0 inputs; a's inputs AccumulateGrad(w), AccumulateGrad(x);
    /// b's inputs the same AccumulateGrad(w) and None; the nodes' addresses those of the tensors'
    /// grad_fn; topological numbers as libtorch assigns them. Returns what failed, or null; the sequence numbers,
    /// which only the engine's order needs, are checked apart (<see cref="OrderProblem"/>).
    /// </summary>
    internal string? Validate()
    {
        const string prefix = "libtorch's autograd nodes are not laid out as this project reads them";
        try
        {
            using var scope = NewDisposeScope();
            using var grad = torch.enable_grad();
            var w = torch.tensor(new[] { 1f }, requires_grad: true);
            var x = torch.tensor(new[] { 2f }, requires_grad: true);
            var a = torch.add(w, x);
            var b = torch.add(w, torch.tensor(1f));
            var y = torch.mul(a, b);
            AutogradGraph graph = Walk("check", y, [("w", w), ("x", x)]).Graph;
            string? mismatch = graph.IsAvailable ? CheckKnownShape(graph, y, a, b) : graph.Unavailable;
            if (mismatch is null)
            {
                string? order = CheckSequenceNumbers(graph);
                OrderProblem = order is null ? null
                    : $"the engine's order is unavailable: libtorch's sequence numbers do not read as this project expects ({layout!.Platform}): on y = (w + x) * (w + 1), {order}";
            }
            return mismatch is null ? null : $"{prefix} ({layout!.Platform}): on y = (w + x) * (w + 1), {mismatch}";
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return $"{prefix}: checking them failed: {e.Message}";
        }
    }

    string? CheckKnownShape(AutogradGraph graph, Tensor y, Tensor a, Tensor b)
    {
        GraphNode root = graph.Root!;
        if (root.Name != "MulBackward0") return $"the root reads as '{root.Name}', not MulBackward0";
        if (root.Address != GradFn.NodePointer(y)) return "the root is not y.grad_fn";
        if (root.Inputs.Count != 2) return $"the root has {root.Inputs.Count} inputs, not 2";
        if (graph.Nodes.Count != 5) return $"the graph has {graph.Nodes.Count} nodes, not 5";
        GraphNode? Input(GraphNode node, int slot) =>
            node.Inputs[slot] is { To: int to, InputNr: 0 } ? graph.Nodes[to] : null;
        GraphNode? nodeA = Input(root, 0), nodeB = Input(root, 1);
        if (nodeA?.Name != "AddBackward0" || nodeB?.Name != "AddBackward0") return "the root's inputs are not (AddBackward0, 0) twice";
        if (nodeA.Address != GradFn.NodePointer(a) || nodeB.Address != GradFn.NodePointer(b)) return "the root's inputs are not a.grad_fn and b.grad_fn";
        if (nodeA.Inputs.Count != 2 || nodeB.Inputs.Count != 2) return "a.grad_fn or b.grad_fn does not have 2 inputs";
        GraphNode? accumulateW = Input(nodeA, 0), accumulateX = Input(nodeA, 1);
        if (accumulateW is not { Name: "AccumulateGrad", Tensor: "w" }) return "a's first input is not AccumulateGrad(w)";
        if (accumulateX is not { Name: "AccumulateGrad", Tensor: "x" }) return "a's second input is not AccumulateGrad(x)";
        if (Input(nodeB, 0) != accumulateW) return "b's first input is not the same AccumulateGrad(w) as a's";
        if (nodeB.Inputs[1] is not { To: null, InputNr: 0 }) return "b's second input is not (None, 0)";
        // libtorch numbers an AccumulateGrad UINT64_MAX (it runs first) and each node's
        // topological_nr is its longest path to a leaf: 2, 1, 0 here.
        foreach (var (node, topological) in new[] { (root, 2ul), (nodeA, 1ul), (nodeB, 1ul), (accumulateW, 0ul), (accumulateX, 0ul) })
        {
            if (!memory!.TryRead<ulong>(node.Address + layout!.TopologicalNr, out ulong value) || value != topological)
                return $"{node.Name}'s topological_nr does not read as {topological}";
        }
        return null;
    }

    /// <summary>
    /// The known graph's sequence numbers, read at <see cref="NodeLayout.SequenceNr"/>: libtorch numbers
    /// nodes as they are made, one thread-local counter, so a, b and y (made in that order, nothing in
    /// between) read n, n + 1, n + 2; the AccumulateGrads UINT64_MAX. The
    /// engine then runs y, b (made after a), a, w, x: b first is the point of the check, since a
    /// plain walk of next_functions would run a first.
    /// </summary>
    static string? CheckSequenceNumbers(AutogradGraph graph)
    {
        GraphNode root = graph.Root!;
        GraphNode a = graph.Nodes[root.Inputs[0].To!.Value], b = graph.Nodes[root.Inputs[1].To!.Value];
        if (a.SequenceNr is not ulong sa || b.SequenceNr is not ulong sb || root.SequenceNr is not ulong sy)
            return "a node's sequence_nr cannot be read";
        if (sb != sa + 1 || sy != sb + 1)
            return $"a, b and y read sequence_nr {sa}, {sb}, {sy}, not three consecutive numbers";
        int w = a.Inputs[0].To!.Value, x = a.Inputs[1].To!.Value;
        if (graph.Nodes[w].SequenceNr != ulong.MaxValue || graph.Nodes[x].SequenceNr != ulong.MaxValue)
            return "AccumulateGrad's sequence_nr does not read as UINT64_MAX";
        IReadOnlyList<int> order = EngineOrder.Of(graph);
        int[] expected = [root.Id, b.Id, a.Id, w, x];
        return order.SequenceEqual(expected) ? null
            : $"the engine's order works out as {string.Join(", ", order.Select(id => graph.Nodes[id].Tensor ?? graph.Nodes[id].Name))}, not y, b, a, w, x";
    }

    (AutogradGraph Graph, Dictionary<int, Tensor> TensorOf) Walk(string name, Tensor output, IReadOnlyList<(string Name, Tensor Tensor)> tensors)
    {
        nint root = GradFn.NodePointer(output);
        if (root == 0) return (new AutogradGraph(name, []), []);

        // Labels: non-leaves by their grad_fn, leaves by their TensorImpl (what AccumulateGrad holds).
        var nodeTensors = new Dictionary<nint, List<string>>();
        var leafTensors = new Dictionary<nint, List<string>>();
        // The first tensor named for a node (by its grad_fn) or a leaf (by its TensorImpl), for the edge gradients.
        var nodeTensor = new Dictionary<nint, Tensor>();
        var leafTensor = new Dictionary<nint, Tensor>();
        foreach (var (tensorName, tensor) in tensors)
        {
            nint node = GradFn.NodePointer(tensor);
            if (node != 0)
            {
                Add(nodeTensors, node, tensorName);
                nodeTensor.TryAdd(node, tensor);
            }
            else if (tensor.requires_grad)
            {
                if (!memory!.TryRead<nint>(tensor.Handle, out nint impl))
                    return (AutogradGraph.Failed(name, $"the TensorImpl of '{tensorName}' cannot be read"), []);
                Add(leafTensors, impl, tensorName);
                leafTensor.TryAdd(impl, tensor);
            }
            GC.KeepAlive(tensor);
        }

        var ids = new Dictionary<nint, int>();
        var order = new List<nint>();
        var read = new List<RawNode>();
        var pending = new Stack<nint>();
        pending.Push(root);
        while (pending.Count > 0)
        {
            nint node = pending.Pop();
            if (ids.ContainsKey(node)) continue;
            if (order.Count == MaxNodes) return (AutogradGraph.Failed(name, $"the graph has more than {MaxNodes} nodes"), []);
            RawNode raw = ReadNode(node);
            if (raw.Error is not null) return (AutogradGraph.Failed(name, raw.Error), []);
            ids[node] = order.Count;
            order.Add(node);
            read.Add(raw);
            // Depth first, next_functions in order: ids follow the order PyTorch lists them.
            for (int i = raw.Edges.Count - 1; i >= 0; i--)
                if (raw.Edges[i].Function != 0 && !ids.ContainsKey(raw.Edges[i].Function)) pending.Push(raw.Edges[i].Function);
        }
        GC.KeepAlive(output);

        var nodes = new List<GraphNode>(order.Count);
        var tensorOf = new Dictionary<int, Tensor>();
        for (int id = 0; id < order.Count; id++)
        {
            RawNode raw = read[id];
            bool isLeaf = raw.Name == "AccumulateGrad";
            Tensor? own = isLeaf
                ? raw.Variable is nint leafImpl && leafTensor.TryGetValue(leafImpl, out var leaf) ? leaf : null
                : nodeTensor.TryGetValue(order[id], out var made) ? made : null;
            if (own is not null) tensorOf[id] = own;
            string? label = isLeaf
                ? raw.Variable is nint impl && leafTensors.TryGetValue(impl, out var leafNames) ? string.Join(", ", leafNames) : null
                : nodeTensors.TryGetValue(order[id], out var names) ? string.Join(", ", names) : null;
            var inputs = raw.Edges.Select(e => new GraphInput(e.Function == 0 ? null : ids[e.Function], e.InputNr)).ToList();
            GraphNodeKind kind = id == 0 ? GraphNodeKind.Root : isLeaf ? GraphNodeKind.Leaf : GraphNodeKind.Operation;
            nodes.Add(new GraphNode(id, raw.Name, kind, label, order[id], inputs) { SequenceNr = raw.SequenceNr });
        }
        return (new AutogradGraph(name, nodes), tensorOf);
    }

    static void Add(Dictionary<nint, List<string>> map, nint key, string name)
    {
        if (!map.TryGetValue(key, out var names)) map[key] = names = [];
        names.Add(name);
    }

    sealed record RawEdge(nint Function, uint InputNr);

    sealed record RawNode(string Name, IReadOnlyList<RawEdge> Edges, nint? Variable, string? Error = null, ulong? SequenceNr = null);

    RawNode ReadNode(nint node)
    {
        NodeLayout l = layout!;
        INativeMemory m = memory!;
        static RawNode Fail(string error) => new("", [], null, error);

        if (node % IntPtr.Size != 0) return Fail("a node pointer is misaligned");
        if (GradFn.ReadClassName(m, node, out string? unreadable) is not string name) return Fail(unreadable!);

        // next_edges_: std::vector<Edge> { begin, end, capacity }.
        nint edgesAt = node + l.NextEdges;
        if (!m.TryRead<nint>(edgesAt, out nint begin) || !m.TryRead<nint>(edgesAt + IntPtr.Size, out nint end)
            || !m.TryRead<nint>(edgesAt + 2 * IntPtr.Size, out nint capacity))
            return Fail($"{name}'s next_edges cannot be read");
        var edges = new List<RawEdge>();
        if (begin != 0 || end != 0 || capacity != 0)
        {
            long bytes = (long)end - begin;
            if (begin == 0 || begin % IntPtr.Size != 0 || bytes < 0 || capacity < end || bytes % l.EdgeSize != 0
                || bytes / l.EdgeSize > MaxEdgesPerNode)
                return Fail($"{name}'s next_edges is not a plausible std::vector<Edge>");
            for (nint at = begin; at < end; at += l.EdgeSize)
            {
                if (!m.TryRead<nint>(at, out nint function) || !m.TryRead<uint>(at + l.EdgeInputNr, out uint inputNr))
                    return Fail($"an edge of {name} cannot be read");
                if (function % IntPtr.Size != 0) return Fail($"an edge of {name} points to a misaligned node");
                edges.Add(new RawEdge(function, inputNr));
            }
        }

        nint? variable = null;
        if (name == "AccumulateGrad")
        {
            if (!m.TryRead<nint>(node + l.AccumulateGradVariable, out nint impl))
                return Fail("AccumulateGrad's variable cannot be read");
            variable = impl;
        }
        // Node::sequence_nr_; trusted for the engine's order only once validated (CheckSequenceNumbers).
        ulong? sequence = m.TryRead<ulong>(node + l.SequenceNr, out ulong value) ? value : null;
        return new RawNode(name, edges, variable, SequenceNr: sequence);
    }
}
