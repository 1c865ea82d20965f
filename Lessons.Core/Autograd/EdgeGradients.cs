using Lessons.Core.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace Lessons.Core.Autograd;

/// <summary>
/// The gradient on every edge of a recorded graph, asked of libtorch while the graph is alive,
/// never worked out from formulas here. What arrives at a node with a tensor T is
/// <c>autograd.grad(root, T, grad_outputs = g0, retain_graph)</c>; what an edge from S to T
/// carries is <c>autograd.grad(S, T, grad_outputs = what arrived at S, retain_graph)</c>, or, when
/// that edge is T's only in-edge, simply what arrives at T. Every call retains the graph and
/// leaves <c>.grad</c> alone (autograd.grad accumulates nothing), so the lesson's own backward
/// afterwards runs as if nothing had happened. An edge that cannot be observed says why: no
/// tensor is known at one of its ends (the lesson names none there, or the tensor is inside a
/// backward formula), or its source reaches the target another way too (a tensor used twice, as
/// in y * y), where autograd.grad would add the paths together.
/// </summary>
internal static class EdgeGradients
{
    public static AutogradGraph Attach(AutogradGraph graph, Tensor root, BackwardStart backward, IReadOnlyDictionary<int, Tensor> tensorOf)
    {
        using var scope = NewDisposeScope();
        IReadOnlyList<GraphNode> nodes = graph.Nodes;
        if (backward.NotRead is { } notRead) return Without(graph, notRead);
        Tensor? gradOutput = backward.Gradient;
        string source;
        Tensor g0;
        if (gradOutput is not null)
        {
            if (!gradOutput.shape.SequenceEqual(root.shape))
                throw new ArgumentException($"the gradient has shape [{string.Join(", ", gradOutput.shape)}], the root [{string.Join(", ", root.shape)}]", nameof(gradOutput));
            g0 = gradOutput.detach().to(root.dtype);
            source = "the lesson's grad_tensors";
        }
        else if (root.numel() == 1)
        {
            g0 = torch.ones_like(root);
            source = "ones, as backward() of a one-element tensor does";
        }
        else
        {
            return Without(graph, $"the root has {root.numel()} elements and the lesson gave no gradient for them (backward() of a non-scalar needs one)");
        }

        // What arrives at each node whose tensor is known.
        var arrived = new Dictionary<int, Tensor> { [0] = g0 };
        var arrivalProblem = new Dictionary<int, string>();
        for (int id = 1; id < nodes.Count; id++)
        {
            if (!tensorOf.TryGetValue(id, out Tensor? tensor))
            {
                arrivalProblem[id] = NoTensor(nodes[id]);
                continue;
            }
            if (Grad(root, tensor, g0, out Tensor? received) is { } problem) arrivalProblem[id] = problem;
            else arrived[id] = received!;
        }

        var inDegree = new int[nodes.Count];
        foreach (GraphNode node in nodes)
            foreach (GraphInput input in node.Inputs)
                if (input.To is int to) inDegree[to]++;
        var reach = new Reachability(nodes);

        var updated = new List<GraphNode>(nodes.Count);
        foreach (GraphNode node in nodes)
        {
            var inputs = new List<GraphInput>(node.Inputs.Count);
            for (int slot = 0; slot < node.Inputs.Count; slot++)
            {
                GraphInput input = node.Inputs[slot];
                inputs.Add(EdgeGrad(node, slot, input) is { } grad
                    ? input with { Grad = grad.Value, GradUnavailable = grad.Problem }
                    : input with { GradUnavailable = NoneReceives });
            }
            GraphNode withEdges = node with
            {
                Inputs = inputs,
                Received = arrived.TryGetValue(node.Id, out Tensor? received) ? GradientValue.From(received) : null,
                ReceivedUnavailable = arrivalProblem.GetValueOrDefault(node.Id),
            };
            if (node.Kind == GraphNodeKind.Leaf && tensorOf.TryGetValue(node.Id, out Tensor? leaf))
            {
                // AccumulateGrad: .grad becomes the incoming gradient, or has it added (libtorch adds).
                Tensor? before = leaf.grad;
                withEdges = withEdges with
                {
                    GradBefore = before is null ? null : GradientValue.From(before),
                    GradAfter = received is null ? null : GradientValue.From(before is null ? received : before + received),
                };
            }
            updated.Add(withEdges);
        }
        return graph with { Nodes = updated, RootGradient = GradientValue.From(g0), RootGradientSource = source };

        (GradientValue? Value, string? Problem)? EdgeGrad(GraphNode from, int slot, GraphInput input)
        {
            if (input.To is not int to) return null;
            GraphNode target = nodes[to];
            if (input.InputNr != 0)
                return (null, $"the edge leads to output {input.InputNr} of {target.Name}, and only a node's first output has a known tensor");
            // T's only in-edge: all that arrives at T came along it.
            if (inDegree[to] == 1 && arrived.TryGetValue(to, out Tensor? atTarget)) return (GradientValue.From(atTarget), null);
            int twice = from.Inputs.Count(i => i.To == to);
            if (twice > 1)
                return (null, $"{Describe(from)} takes {Describe(target)} as {twice} of its inputs: libtorch adds what they carry, so no one edge can be read alone");
            int? other = Enumerable.Range(0, from.Inputs.Count)
                .FirstOrDefault(j => j != slot && from.Inputs[j].To is int via && reach.Reaches(via, to), -1) is int j && j >= 0 ? j : null;
            if (other is int path)
                return (null, $"{Describe(from)} also reaches {Describe(target)} through its input {path}, and autograd.grad would add both paths");
            if (!tensorOf.TryGetValue(from.Id, out Tensor? sourceTensor)) return (null, NoTensor(from));
            if (!tensorOf.TryGetValue(to, out Tensor? targetTensor)) return (null, NoTensor(target));
            if (!arrived.TryGetValue(from.Id, out Tensor? atSource))
                return (null, $"what arrives at {Describe(from)} is unknown: {arrivalProblem[from.Id]}");
            return Grad(sourceTensor, targetTensor, atSource, out Tensor? sent) is { } problem ? (null, problem) : (GradientValue.From(sent!), null);
        }
    }

    static AutogradGraph Without(AutogradGraph graph, string reason) => graph with
    {
        GradsUnavailable = reason,
        Nodes = [.. graph.Nodes.Select(n => n with
        {
            ReceivedUnavailable = reason,
            Inputs = [.. n.Inputs.Select(i => i with { GradUnavailable = i.To is null ? NoneReceives : reason })],
        })],
    };

    const string NoneReceives = "None: nothing is sent (that input needs no gradient)";

    static string NoTensor(GraphNode node) =>
        $"no tensor is known for {node.Name} (the lesson names none for it), so autograd.grad cannot be asked about it";

    static string Describe(GraphNode node) => node.Tensor is null ? node.Name : $"{node.Tensor} ({node.Name})";

    /// <summary>autograd.grad of <paramref name="output"/> with respect to <paramref name="input"/>; null, or what libtorch said.</summary>
    static string? Grad(Tensor output, Tensor input, Tensor gradOutput, out Tensor? gradient)
    {
        gradient = null;
        try
        {
            IList<Tensor> result = torch.autograd.grad([output], [input], [gradOutput], retain_graph: true, allow_unused: true);
            if (result[0] is null || result[0].IsInvalid) return "libtorch returned no gradient (the output does not depend on it)";
            gradient = result[0];
            return null;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Only errors TorchSharp hands back arrive here: libtorch's own, inside autograd.grad, abort
            // the process (see BackwardStart), so callers rule out what would raise before asking.
            return "libtorch refused: " + TorchErrors.Message(e).Split('\n')[0].Trim();
        }
    }

    /// <summary>Which nodes each node reaches along next_functions (the graph is a DAG; computed once per node on demand).</summary>
    sealed class Reachability(IReadOnlyList<GraphNode> nodes)
    {
        readonly Dictionary<int, HashSet<int>> reached = [];

        public bool Reaches(int from, int to) => from == to || Set(from).Contains(to);

        HashSet<int> Set(int from)
        {
            if (reached.TryGetValue(from, out var set)) return set;
            set = [];
            var pending = new Stack<int>([from]);
            while (pending.Count > 0)
                foreach (GraphInput input in nodes[pending.Pop()].Inputs)
                    if (input.To is int next && set.Add(next)) pending.Push(next);
            return reached[from] = set;
        }
    }
}
