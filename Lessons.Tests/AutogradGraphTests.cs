using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;
using Lessons.Core.Autograd;
using Lessons.Core.Catalog;
using Lessons.Core.Tutorials.Tutorial001;
using TorchSharp;
using static TorchSharp.torch;
using static Lessons.Tests.LessonResults;

namespace Lessons.Tests;

/// <summary>
/// The autograd graphs read from libtorch: each lesson's recorded graph against the structure its
/// formulas imply, written out by hand here (never taken from a lesson's output); next_functions
/// as PyTorch prints it; and the unavailable path, with a wrong layout or unreadable memory injected.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class AutogradGraphTests
{
    const string LayoutUnknownReason = "libtorch's node layout is known only for libtorch 2.10 on Linux x86-64; not this platform";

    static bool LayoutKnownHere =>
        RuntimeInformation.IsOSPlatform(OSPlatform.Linux) && RuntimeInformation.ProcessArchitecture == Architecture.X64;

    /// <summary>
    /// The graph as one nested expression from the root: a node's name, then its next_functions in
    /// parentheses; AccumulateGrad shows its leaf's name; a shared node is written out again.
    /// </summary>
    static string Expression(AutogradGraph graph)
    {
        Assert.True(graph.IsAvailable, graph.Unavailable);
        var text = new StringBuilder();
        void Write(int id, int depth)
        {
            Assert.True(depth <= graph.Nodes.Count, "a cycle in a graph that must be acyclic");
            GraphNode node = graph.Nodes[id];
            text.Append(node.Name);
            if (node.Kind == GraphNodeKind.Leaf)
            {
                Assert.Empty(node.Inputs); // AccumulateGrad is a sink
                text.Append('(').Append(node.Tensor).Append(')');
                return;
            }
            text.Append('(');
            for (int i = 0; i < node.Inputs.Count; i++)
            {
                if (i > 0) text.Append(", ");
                GraphInput input = node.Inputs[i];
                Assert.Equal(0, input.InputNr); // every forward op of these lessons has one output
                if (input.To is int to) Write(to, depth + 1);
                else text.Append("None");
            }
            text.Append(')');
        }
        Write(0, 0);
        return text.ToString();
    }

    static AutogradGraph Graph(string lessonId, string name) =>
        CachedRuns.Get(lessonId).Graphs.Single(g => g.Name == name);

    // y = (w + x) * (w + 1): 001 §1's formulas. a = w + x and b = w + 1 feed y; the 1 is a constant
    // (None); w feeds both a and b through one AccumulateGrad.
    const string WxExpression =
        "MulBackward0(AddBackward0(AccumulateGrad(w), AccumulateGrad(x)), AddBackward0(AccumulateGrad(w), None))";

    [Fact]
    public void The_graph_can_be_read_where_the_layout_is_known()
    {
        if (LayoutKnownHere) Assert.True(AutogradGraphs.IsAvailable, AutogradGraphs.UnavailableReason);
        else Assert.False(string.IsNullOrEmpty(AutogradGraphs.UnavailableReason));
    }

    [Fact]
    public void Computational_graph_records_y_with_its_leaves_w_and_x()
    {
        AutogradGraph graph = Graph("computational-graph", "y");
        Assert.Equal(WxExpression, Expression(graph));
        Assert.Equal(5, graph.Nodes.Count); // y, a, b, and one AccumulateGrad each for w and x
        GraphNode root = graph.Root!;
        Assert.Equal((GraphNodeKind.Root, "y"), (root.Kind, root.Tensor));
        GraphNode a = graph.Nodes[root.Inputs[0].To!.Value], b = graph.Nodes[root.Inputs[1].To!.Value];
        Assert.Equal(("a", "b"), (a.Tensor, b.Tensor));
        Assert.Equal(a.Inputs[0].To, b.Inputs[0].To); // w's one AccumulateGrad feeds both
        Assert.Equal(6, graph.Edges.Count());
    }

    [Fact]
    public void Grad_tensors_records_a_dag_where_a_and_b_feed_both_outputs()
    {
        // loss = cat([y0, y1]), y0 = a * b, y1 = a + b (001 §3).
        const string a = "AddBackward0(AccumulateGrad(w), AccumulateGrad(x))";
        const string b = "AddBackward0(AccumulateGrad(w), None)";
        AutogradGraph graph = Graph("grad-tensors", "loss");
        Assert.Equal($"CatBackward0(MulBackward0({a}, {b}), AddBackward0({a}, {b}))", Expression(graph));
        // a and b are one node each though two nodes use them: cat, y0, y1, a, b, AccumulateGrad(w), AccumulateGrad(x).
        Assert.Equal(7, graph.Nodes.Count);
        GraphNode y0 = graph.Nodes[graph.Root!.Inputs[0].To!.Value], y1 = graph.Nodes[graph.Root.Inputs[1].To!.Value];
        Assert.Equal(y0.Inputs.Select(i => i.To), y1.Inputs.Select(i => i.To));
    }

    [Fact]
    public void Second_derivative_records_the_graph_of_the_derivative_itself()
    {
        Assert.Equal("PowBackward0(AccumulateGrad(x))", Expression(Graph("second-derivative", "y")));
        // create_graph=True records pow's backward formula, grad * (exponent * x.pow(exponent - 1))
        // (torch/csrc/autograd/FunctionsManual.cpp, pow_backward): x.pow(1.0) is PowBackward0, the
        // double times a tensor is mul(Tensor, Scalar), MulBackward1, and the incoming gradient (ones,
        // needing no gradient: None) times that is mul(Tensor, Tensor), MulBackward0.
        Assert.Equal("MulBackward0(None, MulBackward1(PowBackward0(AccumulateGrad(x))))",
            Expression(Graph("second-derivative", "grad_1[0] = dy/dx (create_graph=True)")));
    }

    [Fact]
    public void Chain_rule_records_y2_through_y1()
    {
        // y1 = x * w1 + b1, y2 = y1 * w2 + b2: x, b1, b2 need no gradient (None).
        const string y1 = "AddBackward0(MulBackward0(None, AccumulateGrad(w1)), None)";
        Assert.Equal($"AddBackward0(MulBackward0({y1}, AccumulateGrad(w2)), None)", Expression(Graph("chain-rule", "y2")));
    }

    // loss = (relu(x.mm(w1)).mm(w2) - y).pow(2).sum(), with x and y data (None).
    static string TwoLayerLoss(string relu) =>
        $"SumBackward0(PowBackward0(SubBackward0(MmBackward0({relu}(MmBackward0(None, AccumulateGrad(w1))), AccumulateGrad(w2)), None)))";

    [Fact]
    public void Two_layer_autograd_records_one_steps_graph()
    {
        // clamp(min=0) is aten::clamp(Tensor, Scalar?, Scalar?); derivatives.yaml lists clamp.Tensor
        // first (ClampBackward0), so the scalar overload's node is ClampBackward1.
        Assert.Equal(TwoLayerLoss("ClampBackward1"), Expression(Graph("two-layer-autograd", "loss, step 0")));
    }

    [Fact]
    public void Custom_relu_records_TorchSharps_node_for_the_C_sharp_function()
    {
        AutogradGraph graph = Graph("custom-relu-function", "loss, step 0");
        Assert.Equal(TwoLayerLoss("CSharpNode"), Expression(graph));
        Assert.Contains(graph.Nodes, n => n is { Name: "CSharpNode", Tensor: "h_relu" });
    }

    [Fact]
    public void Retain_graph_shows_backward_keeps_the_nodes_and_edges()
    {
        // backward frees the values the nodes saved, not the nodes: the same graph before and after.
        Assert.Equal(WxExpression, Expression(Graph("retain-graph", "y before backward()")));
        Assert.Equal(WxExpression, Expression(Graph("retain-graph", "y after backward(): same nodes, saved values freed")));
    }

    [Fact]
    public void The_eager_loop_records_one_graph_per_input_and_the_script_computes_the_same_gradients()
    {
        LessonRun run = CachedRuns.Get("static-and-dynamic-graphs");
        // y = y * y, n times: each MulBackward0 takes the previous node twice.
        static string Squared(int times) => times == 0 ? "AccumulateGrad(x)" : $"MulBackward0({Squared(times - 1)}, {Squared(times - 1)})";
        AutogradGraph first = run.Graphs.Single(g => g.Name == "eager, x = 1.5: 3 squarings");
        AutogradGraph second = run.Graphs.Single(g => g.Name == "eager, x = 3.0: 2 squarings");
        Assert.Equal(Squared(3), Expression(first));
        Assert.Equal(Squared(2), Expression(second));
        Assert.Equal((4, 3), (first.Nodes.Count, second.Nodes.Count));

        // d/dx x^(2^n) = 2^n x^(2^n - 1), by hand: 8 * 1.5^7 and 4 * 3^3.
        double[] expected = [8 * Math.Pow(1.5, 7), 4 * Math.Pow(3, 3)];
        Assert.Equal(expected, Numbers(run, "eager dy/dx"));
        Assert.Equal(expected, Numbers(run, "script dy/dx"));
    }

    [Fact]
    public void The_graph_lesson_takes_other_inputs()
    {
        // 1.1 reaches 20 after 5 squarings (1.1^16 = 4.6, 1.1^32 = 21.1); 25 is past it already: no squaring, no graph.
        LessonRun run = LessonRunner.Run("static-and-dynamic-graphs", new LessonSettings { Assignments = ["x1=1.1", "x2=25", "limit=20"] });
        Assert.Equal([5.0, 0.0], Numbers(run, "eager squarings"));
        Assert.Equal([6.0, 0.0], Numbers(run, "eager graph nodes"));
        double[] gradients = Numbers(run, "eager dy/dx");
        Assert.Equal(32 * Math.Pow(1.1f, 31), gradients[0], 1e-4 * gradients[0]);
        Assert.Equal(1.0, gradients[1]); // y = x
        Assert.Equal(gradients, Numbers(run, "script dy/dx"));
        Assert.Contains("x1", Assert.Throws<LessonUsageException>(() =>
            LessonRunner.Run("static-and-dynamic-graphs", new LessonSettings { Assignments = ["x1=0.5"] })).Message);
    }

    [Fact]
    public void Json_data_carries_nodes_and_edges_without_addresses()
    {
        var data = (IReadOnlyDictionary<string, object?>)CachedRuns.Get("computational-graph").Results[LessonContext.GraphResultName("y")]!;
        var nodes = ((IEnumerable<object?>)data["nodes"]!).Cast<IReadOnlyDictionary<string, object?>>().ToList();
        var edges = ((IEnumerable<object?>)data["edges"]!).Cast<IReadOnlyDictionary<string, object?>>().ToList();
        Assert.Equal(["MulBackward0", "AddBackward0", "AccumulateGrad", "AccumulateGrad", "AddBackward0"], nodes.Select(n => (string?)n["name"]));
        Assert.Equal(6, edges.Count);
        Assert.Single(edges, e => e["to"] is null); // b's (None, 0)
        Assert.All(nodes, n => Assert.DoesNotContain("address", n.Keys));
    }

    [Fact]
    public void Next_functions_print_as_PyTorch_prints_them_with_the_nodes_addresses()
    {
        using var scope = NewDisposeScope();
        var (w, x, a, b, y) = WxGraph.Build(torch.CPU);
        string Address(Tensor t) => $"0x{GradFn.Node(t)!.Value.Address:x}";
        Assert.Equal($"((<AddBackward0 object at {Address(a)}>, 0), (<AddBackward0 object at {Address(b)}>, 0))", AutogradGraphs.NextFunctions(y));
        Assert.Matches(@"^\(\(<AccumulateGrad object at 0x[0-9a-f]+>, 0\), \(None, 0\)\)$", AutogradGraphs.NextFunctions(b));
        static string FirstAddress(string nextFunctions) => Regex.Match(nextFunctions, "0x[0-9a-f]+").Value;
        Assert.Equal(FirstAddress(AutogradGraphs.NextFunctions(a)), FirstAddress(AutogradGraphs.NextFunctions(b))); // one AccumulateGrad(w)
        Assert.Throws<ArgumentException>(() => AutogradGraphs.NextFunctions(w));
        GC.KeepAlive(x);
    }

    [Fact]
    public void Computational_graph_prints_next_functions_beside_the_grad_fn_line()
    {
        IReadOnlyList<string> transcript = CachedRuns.Get("computational-graph").Transcript;
        int gradFn = transcript.ToList().IndexOf("grad_fn:");
        var addresses = Regex.Matches(transcript[gradFn + 1], "0x[0-9a-f]+").Select(m => m.Value).ToList(); // a, b, y
        Assert.StartsWith("# not in the tutorial", transcript[gradFn + 2]);
        Assert.Equal($"((<AddBackward0 object at {addresses[0]}>, 0), (<AddBackward0 object at {addresses[1]}>, 0))", transcript[gradFn + 3]);
        Assert.Matches(@"^\(\(<AccumulateGrad object at 0x[0-9a-f]+>, 0\), \(None, 0\)\)$", transcript[gradFn + 4]);
    }

    [Fact]
    public void A_tensor_without_grad_fn_has_an_empty_graph()
    {
        using var scope = NewDisposeScope();
        AutogradGraph graph = AutogradGraphs.Read("w", torch.tensor(new[] { 1f }, requires_grad: true));
        Assert.True(graph.IsAvailable);
        Assert.Empty(graph.Nodes);
        Assert.Contains("no grad_fn", graph.TreeLines()[0]);
    }

    [Fact]
    public void The_tree_prints_next_functions_in_order_and_expands_a_shared_node_once()
    {
        Assert.Equal(
        [
            "graph y: 5 nodes, 6 edges (← what each edge carries in backward, starting from ones, as backward() of a one-element tensor does)",
            // By hand at w = 1, x = 2 (001 §1): dy/da = b = 2, dy/db = a = 3, then each addition
            // passes its gradient on unchanged; None receives nothing.
            "y = MulBackward0   ← tensor([1.])",
            "├─ a = AddBackward0   ← tensor([2.])",
            "│  ├─ w = AccumulateGrad   ← tensor([2.])",
            "│  └─ x = AccumulateGrad   ← tensor([2.])",
            "└─ b = AddBackward0   ← tensor([3.])",
            "   ├─ w = AccumulateGrad   ← tensor([3.])",
            "   └─ None",
        ], Graph("computational-graph", "y").TreeLines());
        // y1 = a + b, weighted 2: both edges out of y1 carry 2.
        Assert.Contains("   └─ b = AddBackward0   ← tensor([2.])  (expanded above)", Graph("grad-tensors", "loss").TreeLines());
    }

    [Fact]
    public void A_deep_graph_is_walked_without_recursion_and_its_size_is_bounded()
    {
        using var scope = NewDisposeScope();
        var x = torch.tensor(new[] { 1f }, requires_grad: true);
        var y = x;
        for (int i = 0; i < 3000; i++) y = y * 1.0f; // a chain of 3000 MulBackward1 nodes
        AutogradGraph chain = AutogradGraphs.Read("chain", y, ("x", x));
        Assert.Equal(3001, chain.Nodes.Count);
        Assert.Equal("x", chain.Nodes[^1].Tensor);
        IReadOnlyList<string> tree = chain.TreeLines();
        Assert.InRange(tree.Count, 60, 80); // cut off, not 3000 ever wider lines
        Assert.Contains(tree, line => line.EndsWith("└─ … (deeper nodes not shown)"));

        var z = x;
        for (int i = 0; i < GraphReader.MaxNodes; i++) z = z * 1.0f;
        Assert.Contains($"more than {GraphReader.MaxNodes} nodes", AutogradGraphs.Read("too big", z).Unavailable);
    }

    // ---- the unavailable path ----------------------------------------------------------------

    static INativeMemory Memory() =>
        GuardedMemory.ForThisProcess(out string? problem) ?? throw new InvalidOperationException(problem);

    [SkippableTheory]
    [InlineData(0x68, 0x1d8, "not laid out")]         // next_edges_ one word off
    [InlineData(0x1000000, 0x1d8, "not laid out")]    // far outside any node: reads must fail, not crash
    [InlineData(0x60, 0x1e0, "AccumulateGrad(w)")]    // AccumulateGrad::variable one word off: leaves unmatched
    public void A_wrong_layout_is_found_by_validation_and_reported(int nextEdges, int variable, string mention)
    {
        // The injected layouts are variations of the Linux x86-64 one.
        Skip.IfNot(LayoutKnownHere, LayoutUnknownReason);
        NodeLayout wrong = NodeLayout.LibTorch210LinuxX64 with { NextEdges = nextEdges, AccumulateGradVariable = variable };
        GraphReader reader = GraphReader.Create(wrong, Memory());
        Assert.NotNull(reader.Problem);
        Assert.Contains(mention, reader.Problem);

        using var scope = NewDisposeScope();
        var built = WxGraph.Build(torch.CPU);
        AutogradGraph graph = reader.Read("y", built.Y, BackwardStart.Ones, built.Named);
        Assert.False(graph.IsAvailable);
        Assert.Equal(reader.Problem, graph.Unavailable);
        Assert.Empty(graph.Nodes);
        Assert.Equal("graph y: unavailable: " + reader.Problem, Assert.Single(graph.TreeLines()));
        Assert.Equal(reader.Problem, graph.ToData()["unavailable"]);
    }

    [SkippableFact]
    public void Unreadable_memory_is_reported_not_crashed_on()
    {
        Skip.IfNot(LayoutKnownHere, LayoutUnknownReason);
        GraphReader reader = GraphReader.Create(NodeLayout.LibTorch210LinuxX64, new UnreadableMemory());
        Assert.Contains("not laid out", reader.Problem);
    }

    [SkippableFact]
    public void A_nodes_class_name_is_read_through_the_reader_it_is_given()
    {
        Skip.IfNot(LayoutKnownHere, LayoutUnknownReason);
        using var scope = NewDisposeScope();
        var w = torch.tensor(new[] { 1f }, requires_grad: true);
        nint node = GradFn.NodePointer(torch.mul(w, w));
        Assert.Equal("MulBackward0", GradFn.ReadClassName(Memory(), node, out _));
        Assert.Null(GradFn.ReadClassName(new UnreadableMemory(), node, out string? problem));
        Assert.Equal("a node's type cannot be read", problem);
    }

    sealed class UnreadableMemory : INativeMemory
    {
        public bool TryRead(nint address, Span<byte> destination) => false;
    }

    [SkippableTheory]
    [InlineData("chosen")]       // process_vm_readv where allowed
    [InlineData("/proc/self/mem")] // the fallback for sandboxes that block it: the same answers
    public void The_guarded_reader_fails_on_unmapped_memory_instead_of_crashing(string reader)
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "the guarded reader's fallbacks are Linux's (process_vm_readv, /proc/self/mem)");
        using var file = reader == "chosen" ? null : ProcSelfMemory.Create(out string? problem) ?? throw new InvalidOperationException(problem);
        INativeMemory memory = file ?? Memory();
        Assert.False(memory.TryRead<nint>(0x10, out _));
        Assert.False(memory.TryRead<nint>(0x7, out _)); // misaligned
        Assert.Null(memory.TryReadCString(0x1000));
        byte[] text = "AddBackward0\0"u8.ToArray();
        GCHandle pinned = GCHandle.Alloc(text, GCHandleType.Pinned);
        try
        {
            Assert.Equal("AddBackward0", memory.TryReadCString(pinned.AddrOfPinnedObject()));
        }
        finally
        {
            pinned.Free();
        }
    }
}
