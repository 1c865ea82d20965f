using System.Runtime.InteropServices;
using Lessons.Core.Autograd;
using Lessons.Core.Catalog;
using Lessons.Core.Tutorials.Tutorial001;
using TorchSharp;
using static TorchSharp.torch;

namespace Lessons.Tests;

/// <summary>
/// Backward made visible: the gradient on each edge (read from libtorch) against the tutorials'
/// values and derivatives worked out by hand, and the engine's order (from the nodes' sequence
/// numbers) against the order libtorch's engine really runs nodes, observed through C# functions
/// that log their backward.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class BackwardTests
{
    const string LayoutUnknownReason = "libtorch's node layout is known only for libtorch 2.10 on Linux x86-64; not this platform";

    static bool LayoutKnownHere =>
        RuntimeInformation.IsOSPlatform(OSPlatform.Linux) && RuntimeInformation.ProcessArchitecture == Architecture.X64;

    static AutogradGraph Graph(string lessonId, string name) =>
        CachedRuns.Get(lessonId).Graphs.Single(g => g.Name == name);

    static GraphNode Node(AutogradGraph graph, string tensor) => graph.Nodes.Single(n => n.Tensor == tensor);

    static GraphInput Edge(AutogradGraph graph, string from, string to) =>
        Node(graph, from).Inputs.Single(i => i.To is int id && graph.Nodes[id].Tensor == to);

    static double[] Values(GradientValue? value) => [.. Assert.IsType<GradientValue>(value).Values!];

    [Fact]
    public void Computational_graph_edges_carry_the_gradients_001_explains()
    {
        AutogradGraph graph = Graph("computational-graph", "y");
        // y = a * b at w = 1, x = 2: dy/da = b = 2, dy/db = a = 3; a = w + x and b = w + 1 pass them on.
        Assert.Equal([2.0], Values(Edge(graph, "y", "a").Grad));
        Assert.Equal([3.0], Values(Edge(graph, "y", "b").Grad));
        Assert.Equal([2.0], Values(Edge(graph, "a", "w").Grad));
        Assert.Equal([2.0], Values(Edge(graph, "a", "x").Grad));
        Assert.Equal([3.0], Values(Edge(graph, "b", "w").Grad));
        GraphInput none = Node(graph, "b").Inputs.Single(i => i.To is null);
        Assert.Null(none.Grad);
        Assert.StartsWith("None: nothing is sent", none.GradUnavailable);
        // w.grad = 2 + 3 = 5 and x.grad = 2: the tutorial's printed values, arriving along two paths.
        Assert.Equal([5.0], Values(Node(graph, "w").Received));
        Assert.Equal([5.0], Values(Node(graph, "w").GradAfter));
        Assert.Null(Node(graph, "w").GradBefore);
        Assert.Equal([2.0], Values(Node(graph, "x").GradAfter));
        Assert.Equal([1.0], Values(graph.RootGradient));
    }

    [Fact]
    public void Grad_tensors_edges_follow_the_weights_and_w_receives_nine()
    {
        AutogradGraph graph = Graph("grad-tensors", "loss");
        // backward from [1, 2]: cat hands 1 to y0 = a * b and 2 to y1 = a + b.
        Assert.Equal([1.0, 2.0], Values(graph.RootGradient));
        Assert.Equal([1.0], Values(Edge(graph, "loss", "y0").Grad));
        Assert.Equal([2.0], Values(Edge(graph, "loss", "y1").Grad));
        Assert.Equal([2.0], Values(Edge(graph, "y0", "a").Grad)); // 1 * b
        Assert.Equal([3.0], Values(Edge(graph, "y0", "b").Grad)); // 1 * a
        Assert.Equal([2.0], Values(Edge(graph, "y1", "a").Grad)); // 2 * 1
        Assert.Equal([2.0], Values(Edge(graph, "y1", "b").Grad));
        Assert.Equal([4.0], Values(Edge(graph, "a", "w").Grad));
        Assert.Equal([5.0], Values(Edge(graph, "b", "w").Grad));
        Assert.Equal([9.0], Values(Node(graph, "w").GradAfter)); // the tutorial's tensor([9.])
    }

    [Fact]
    public void What_arrives_at_a_node_is_the_sum_of_its_in_edges()
    {
        // Two different libtorch questions (root -> node, and source -> node per edge) must agree.
        foreach (var (lesson, name) in new[] { ("computational-graph", "y"), ("grad-tensors", "loss"), ("chain-rule", "y2") })
        {
            AutogradGraph graph = Graph(lesson, name);
            foreach (GraphNode node in graph.Nodes.Where(n => n.Received is not null && n.Id != 0))
            {
                var incoming = graph.Nodes.SelectMany(n => n.Inputs).Where(i => i.To == node.Id).ToList();
                if (incoming.Any(i => i.Grad is null)) continue;
                double sum = incoming.Sum(i => i.Grad!.Values!.Single());
                Assert.Equal(node.Received!.Values!.Single(), sum, 6);
            }
        }
    }

    [Fact]
    public void Chain_rule_shows_dy2_dy1_arriving_at_y1_and_says_which_edges_it_cannot_read()
    {
        AutogradGraph graph = Graph("chain-rule", "y2");
        // y1 = x*w1 + b1 = 3, y2 = y1*w2 + b2: dy2/dy1 = w2 = 2, dy2/dw1 = x*w2 = 2, dy2/dw2 = y1 = 3.
        Assert.Equal([2.0], Values(Node(graph, "y1").Received));
        Assert.Equal([2.0], Values(Node(graph, "w1").Received));
        Assert.Equal([3.0], Values(Node(graph, "w2").Received));
        // The products x*w1 and y1*w2 have no variable in the tutorial: no tensor to ask about.
        GraphInput intoProduct = graph.Root!.Inputs[0];
        Assert.Null(intoProduct.Grad);
        Assert.Contains("no tensor is known for MulBackward0", intoProduct.GradUnavailable);
    }

    [Fact]
    public void A_tensor_used_twice_by_one_node_is_reported_not_split()
    {
        // y = x * x: MulBackward0 has two edges to x's AccumulateGrad; libtorch only gives their sum.
        AutogradGraph graph = CachedRuns.Get("static-and-dynamic-graphs").Graphs[0];
        GraphInput twice = graph.Nodes.SelectMany(n => n.Inputs).First(i => i.To is int to && graph.Nodes[to].Kind == GraphNodeKind.Leaf);
        Assert.Null(twice.Grad);
        Assert.Contains("as 2 of its inputs", twice.GradUnavailable);
        Assert.NotNull(graph.Nodes.Single(n => n.Kind == GraphNodeKind.Leaf).Received); // the sum is known
    }

    [Fact]
    public void A_graph_whose_backward_already_ran_is_not_asked_again()
    {
        AutogradGraph after = Graph("retain-graph", "y after backward(): same nodes, saved values freed");
        Assert.Contains("freed", after.GradsUnavailable);
        Assert.All(after.Nodes.SelectMany(n => n.Inputs), i => Assert.Null(i.Grad));
        AutogradGraph before = Graph("retain-graph", "y before backward()");
        Assert.Equal([5.0], Values(Node(before, "w").Received));
    }

    [Fact]
    public void Reading_the_edge_gradients_leaves_the_graph_and_the_grads_as_they_were()
    {
        using var scope = NewDisposeScope();
        var graph = WxGraph.Build(torch.CPU);
        AutogradGraph read = AutogradGraphs.Read("y", graph.Y, BackwardStart.Ones, graph.Named);
        Assert.NotNull(read.RootGradient);
        Assert.Null(graph.W.grad); // autograd.grad accumulates nothing
        Assert.Null(graph.A.grad);
        graph.Y.backward(); // the graph was retained, and runs once more as the lesson's backward
        Assert.Equal(5f, graph.W.grad!.item<float>());
    }

    [Fact]
    public void Large_gradients_are_summarised_and_say_so()
    {
        AutogradGraph graph = Graph("two-layer-autograd", "loss, step 0");
        GradientValue w1 = Assert.IsType<GradientValue>(Node(graph, "w1").Received);
        Assert.Equal([1000L, 100L], w1.Shape);
        Assert.Null(w1.Values); // 100,000 values: more than are kept
        Assert.StartsWith("shape [1000, 100], norm ", w1.Text);
        var data = (IReadOnlyDictionary<string, object?>)CachedRuns.Get("two-layer-autograd").Results[LessonContext.GraphResultName("loss, step 0")]!;
        var edges = ((IEnumerable<object?>)data["edges"]!).Cast<IReadOnlyDictionary<string, object?>>().ToList();
        Assert.Contains(edges, e => e["grad"] is null && ((string)e["grad_unavailable"]!).StartsWith("100000 values, more than the 10000 kept"));
    }

    // ---- the engine's order --------------------------------------------------------------------

    [SkippableFact]
    public void Computational_graph_runs_y_then_b_then_a_then_the_leaves()
    {
        Skip.IfNot(LayoutKnownHere, LayoutUnknownReason);
        AutogradGraph graph = Graph("computational-graph", "y");
        // b was made after a, so the engine runs it first; AccumulateGrad(w) waits for both.
        Assert.Equal(["y", "b", "a", "w", "x"], graph.BackwardOrder!.Select(id => graph.Nodes[id].Tensor));
    }

    static readonly List<string> ran = [];

    /// <summary>Identity whose backward logs its name: libtorch's own order, observed.</summary>
    abstract class Logged<T> : torch.autograd.SingleTensorFunction<T> where T : Logged<T>, new()
    {
        public override string Name => typeof(T).Name;
        public override Tensor forward(torch.autograd.AutogradContext ctx, params object[] vars) => ((Tensor)vars[0]).clone();
        public override List<Tensor> backward(torch.autograd.AutogradContext ctx, Tensor grad_output)
        {
            ran.Add(Name);
            return [grad_output.clone()];
        }
    }

    sealed class A : Logged<A>;
    sealed class B : Logged<B>;
    sealed class C : Logged<C>;
    sealed class D : Logged<D>;

    [SkippableFact]
    public void The_order_from_sequence_numbers_is_the_order_libtorch_runs()
    {
        Skip.IfNot(LayoutKnownHere, LayoutUnknownReason);
        using var scope = NewDisposeScope();
        var w = torch.tensor(new[] { 1.0 }, requires_grad: true);
        var x = torch.tensor(new[] { 2.0 }, requires_grad: true);
        var a = A.apply(w);          // made in this order: each node's sequence_nr is one more
        var b = B.apply(x);
        var c = C.apply(a * b);
        var d = D.apply(a + 1);
        var y = (c + d).sum();
        AutogradGraph graph = AutogradGraphs.Read("y", y, ("w", w), ("x", x), ("a", a), ("b", b), ("c", c), ("d", d));
        Assert.True(graph.IsAvailable, graph.Unavailable);
        IReadOnlyList<int> order = graph.BackwardOrder!;
        string Label(int id) => graph.Nodes[id].Tensor ?? graph.Nodes[id].Name;
        // By hand: sum, add; then d (made after c) and its add; c and its mul; then b (made after a)
        // and at once x's AccumulateGrad, which is ready and outranks every other node; a; w.
        Assert.Equal(["SumBackward0", "AddBackward0", "d", "AddBackward1", "c", "MulBackward0", "b", "x", "a", "w"], order.Select(Label));

        ran.Clear();
        y.backward();
        string[] logged = order.Select(id => graph.Nodes[id]).Where(n => n.Name == "CSharpNode").Select(n => n.Tensor!.ToUpperInvariant()).ToArray();
        Assert.Equal(["D", "C", "B", "A"], logged); // what the order says of the C# nodes
        Assert.Equal(logged, ran);                  // and what libtorch's engine did
    }

    [SkippableFact]
    public void Sequence_numbers_that_do_not_validate_make_the_order_unavailable_not_the_graph()
    {
        Skip.IfNot(LayoutKnownHere, LayoutUnknownReason);
        // thread_id_ instead of sequence_nr_: the structure still reads right, the order cannot.
        NodeLayout wrong = NodeLayout.LibTorch210LinuxX64 with { SequenceNr = 0x30 };
        GraphReader reader = GraphReader.Create(wrong, GuardedMemory.ForThisProcess(out _)!);
        Assert.Null(reader.Problem);
        Assert.Contains("sequence", reader.OrderProblem);

        using var scope = NewDisposeScope();
        var built = WxGraph.Build(torch.CPU);
        AutogradGraph graph = reader.Read("y", built.Y, BackwardStart.Ones, built.Named);
        Assert.True(graph.IsAvailable);
        Assert.Null(graph.BackwardOrder);
        Assert.Equal(reader.OrderProblem, graph.OrderUnavailable);
        Assert.Equal(reader.OrderProblem, graph.ToData()["backward_order_unavailable"]);
        Assert.NotNull(graph.Root!.Inputs[0].Grad); // the edge gradients do not depend on it
    }

    // ---- the command line ------------------------------------------------------------------------

    [Fact]
    public void Json_edges_carry_the_gradients_of_001()
    {
        var (code, output, _) = CliRun.Run("lesson", "computational-graph", "--json");
        Assert.Equal(0, code);
        System.Text.Json.Nodes.JsonNode graph = System.Text.Json.Nodes.JsonNode.Parse(output)!["results"]!["graph: y"]!;
        var names = graph["nodes"]!.AsArray().Select(n => (string?)n!["tensor"]).ToList();
        var carried = graph["edges"]!.AsArray().Select(e => (
            From: names[(int)e!["from"]!],
            To: e["to"] is null ? "None" : names[(int)e["to"]!],
            Grad: e["grad"]?.AsArray().Select(v => (double)v!).SingleOrDefault(),
            Why: (string?)e["grad_unavailable"])).ToList();
        Assert.Contains(("y", "a", 2.0, (string?)null), carried);
        Assert.Contains(("y", "b", 3.0, (string?)null), carried);
        Assert.Contains(("a", "w", 2.0, (string?)null), carried);
        Assert.Contains(("a", "x", 2.0, (string?)null), carried);
        Assert.Contains(("b", "w", 3.0, (string?)null), carried);
        Assert.Single(carried, c => c.To == "None" && c.Why!.StartsWith("None: nothing is sent"));
        Assert.Equal([0, 4, 1, 2, 3], graph["backward_order"]!.AsArray().Select(v => (int)v!)); // y, b, a, w, x
    }

    [Fact]
    public void Backward_option_prints_the_engines_steps()
    {
        var (code, output, _) = CliRun.Run("lesson", "computational-graph", "--backward", "--quiet");
        Assert.Equal(0, code);
        string text = output.ReplaceLineEndings("\n");
        Assert.Contains("step 1: y = MulBackward0 receives tensor([1.])\n"
                        + "        sends tensor([2.]) to a = AddBackward0\n"
                        + "        sends tensor([3.]) to b = AddBackward0\n"
                        + "step 2: b = AddBackward0 receives tensor([3.])\n", text);
        Assert.Contains("step 4: w = AccumulateGrad receives tensor([5.]) (tensor([3.]) from b + tensor([2.]) from a)\n"
                        + "        w.grad: None -> tensor([5.])\n", text);
    }

    [Fact]
    public void Backward_option_on_a_lesson_without_a_graph_is_refused_before_it_runs()
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        CliResult result = CliRun.Run("lesson", "two-layer-manual", "--backward");
        CliRun.AssertOneLineError(result, 2, "--backward", "two-layer-manual records no autograd graph", "computational-graph");
        Assert.Empty(result.Out); // nothing ran: not even the heading
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(1), $"{started.Elapsed} is long enough to have run the lesson");
        CliRun.AssertOneLineError(CliRun.Run("lesson", "simple-grad", "two-layer-manual", "--backward"), 2, "none of the 2 lessons");
    }

    [Fact]
    public void With_several_lessons_backward_goes_to_those_that_record_a_graph()
    {
        var (code, output, _) = CliRun.Run("lesson", "simple-grad", "computational-graph", "--backward", "--quiet", "--jobs", "1");
        Assert.Equal(0, code);
        Assert.Single(output.Split('\n'), line => line.StartsWith("backward of y: 5 nodes"));
        CliRun.AssertOneLineError(CliRun.Run("lesson", "computational-graph", "--code", "--backward"), 2, "--code", "--backward has nothing to do");
    }

    [Fact]
    public void Every_lesson_says_whether_it_records_a_graph_and_is_right()
    {
        foreach (Lesson lesson in LessonCatalog.All)
            Assert.True(lesson.RecordsGraphs == CachedRuns.Get(lesson.Id).Graphs.Count > 0,
                $"{lesson.Id}: RecordsGraphs is {lesson.RecordsGraphs}, its run recorded {CachedRuns.Get(lesson.Id).Graphs.Count} graphs");
    }

    // ---- pictures, the animation and the course page ----------------------------------------------

    static string RequireDot() =>
        Lessons.Core.Figures.Graphviz.FindDot() ?? throw new InvalidOperationException(
            $"Graphviz's dot is not on PATH: this test needs it ({Lessons.Core.Figures.GraphPictures.InstallHint})");

    [Fact]
    public void The_graph_picture_labels_every_edge_with_its_gradient()
    {
        string dot = Lessons.Core.Figures.GraphPictures.Dot(CachedRuns.Get("computational-graph"));
        // Five edges carry a gradient (2, 3 out of y; 2, 2 out of a; 3 out of b); None's carries none.
        Assert.Equal(3, CountOf(dot, "[label=\"tensor([2.])\", fontsize=9, fontcolor=firebrick]"));
        Assert.Equal(2, CountOf(dot, "[label=\"tensor([3.])\", fontsize=9, fontcolor=firebrick]"));
        string chain = Lessons.Core.Figures.GraphPictures.Dot(CachedRuns.Get("chain-rule"));
        Assert.Equal(2, CountOf(chain, "[label=\"?\""));
    }

    static int CountOf(string text, string part) => (text.Length - text.Replace(part, "").Length) / part.Length;

    [Fact]
    public void Every_frame_of_a_graph_has_the_same_layout_and_only_the_running_nodes_edges_are_red()
    {
        string dot = RequireDot();
        AutogradGraph graph = Graph("grad-tensors", "loss");
        IReadOnlyList<int> order = graph.BackwardOrder!;
        string folder = Path.Combine(Path.GetTempPath(), "backward-frames-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            var sizes = new HashSet<(int, int)>();
            for (int step = 0; step <= order.Count + 1; step++)
            {
                string text = Lessons.Core.Figures.BackwardAnimation.FrameDot(graph, order, step);
                int sending = step >= 1 && step <= order.Count ? graph.Nodes[order[step - 1]].Inputs.Count(i => i.To is not null) : 0;
                Assert.Equal(sending, CountOf(text, "fontcolor=red3, color=red3"));
                string file = Path.Combine(folder, $"f{step}");
                File.WriteAllText(file + ".dot", text);
                Assert.Null(Lessons.Core.Figures.Graphviz.Render(dot, file + ".dot", "png", file + ".png"));
                byte[] png = File.ReadAllBytes(file + ".png");
                // PNG's IHDR: width and height, big-endian, at bytes 16 and 20.
                sizes.Add((System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)),
                           System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20))));
            }
            Assert.Single(sizes);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Plots_writes_the_backward_gif_one_frame_per_node_at_one_frame_a_second()
    {
        RequireDot();
        string folder = Path.Combine(Path.GetTempPath(), "backward-gif-" + Guid.NewGuid().ToString("N"));
        try
        {
            var (code, output, _) = CliRun.Run("lesson", "computational-graph", "--plots", folder, "--quiet");
            Assert.Equal(0, code);
            string gif = Path.Combine(folder, "computational-graph-backward.gif");
            Assert.Contains("figure: " + gif, output);
            List<int> delays = GifFrameDelays(File.ReadAllBytes(gif));
            // Before backward, one frame for each of the 5 nodes, and the end; the last one held 2 s.
            Assert.Equal([100, 100, 100, 100, 100, 100, 200], delays);
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Each frame's delay in hundredths of a second, walking the GIF's blocks (no image decoded).</summary>
    static List<int> GifFrameDelays(byte[] gif)
    {
        Assert.Equal("GIF89a", System.Text.Encoding.ASCII.GetString(gif, 0, 6));
        int at = 13;
        if ((gif[10] & 0x80) != 0) at += 3 << ((gif[10] & 7) + 1); // global colour table
        var delays = new List<int>();
        int pending = -1;
        void SkipSubBlocks() { while (gif[at] != 0) at += gif[at] + 1; at++; }
        while (gif[at] != 0x3B)
        {
            if (gif[at] == 0x21)
            {
                if (gif[at + 1] == 0xF9) pending = gif[at + 4] | gif[at + 5] << 8; // graphic control: delay
                at += 2;
                SkipSubBlocks();
            }
            else if (gif[at] == 0x2C)
            {
                byte flags = gif[at + 9];
                at += 10;
                if ((flags & 0x80) != 0) at += 3 << ((flags & 7) + 1); // local colour table
                at++; // LZW minimum code size
                SkipSubBlocks();
                delays.Add(pending);
            }
            else throw new InvalidDataException($"unexpected GIF block 0x{gif[at]:x2} at {at}");
        }
        return delays;
    }

    [Fact]
    public void The_course_page_shows_the_backward_of_the_001_and_002_lessons_with_what_to_watch()
    {
        RequireDot();
        foreach (string id in new[] { "computational-graph", "static-and-dynamic-graphs", "retain-graph", "grad-tensors", "second-derivative", "chain-rule" })
        {
            string section = LessonDocs.RunSection(CachedRuns.Get(id));
            Assert.Contains($"![{id}-backward](figures/{id}-backward.gif)", section);
            Assert.Contains("Watch ", section);
            Assert.Contains($"![{id}-graph](figures/{id}-graph.png)", section);
        }
        Assert.Null(LessonDocs.DocBackwardAnimation(CachedRuns.Get("custom-relu-function"))); // 003: picture only
        Assert.Contains("w.grad = 5 while x.grad = 2", LessonDocs.RunSection(CachedRuns.Get("computational-graph")));
    }
}
