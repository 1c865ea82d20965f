using System.Reflection;
using TorchSharp;
using static TorchSharp.torch;

namespace Lessons.Core.Exercises.OwnEngine;

/// <summary>
/// The capstone: a scalar autograd engine of the learner's own, in five steps in the order of
/// their dependencies (a step's file is compiled with the earlier ones). Every check runs
/// libtorch on the same expression in float64 in the same check: values and gradients agree to
/// 1e-12, on the tutorials' examples first, then on expressions from a seeded generator.
/// </summary>
public abstract class EngineExercise : Exercise
{
    public override ExerciseChapter Chapter => ExerciseChapter.OwnEngine;

    /// <summary>The seeded expressions each property check builds.</summary>
    public const int RandomExpressions = 200;

    protected static void RandomExpressionsAgree(LearnerCode code, int seed, Action<LearnerEngine, object> backward)
    {
        var engine = new LearnerEngine(code);
        var random = new Random(seed);
        for (int i = 0; i < RandomExpressions; i++)
        {
            using var scope = NewDisposeScope();
            var graph = new TwinGraph(engine);
            TwinNode root = TwinGraph.RandomExpression(graph, random, operations: 1 + random.Next(8));
            try
            {
                graph.CompareGradients(root, node => backward(engine, node));
            }
            catch (CheckFailedException e)
            {
                throw new CheckFailedException($"random expression {i + 1} of {RandomExpressions} (seed {seed}): {e.Message}");
            }
        }
    }
}

/// <summary>Step 1: Value, its operations and their local backwards.</summary>
public sealed class EngineValueExercise : EngineExercise
{
    public override string Id => "engine-value";
    public override string LessonId => "computational-graph";
    public override int StepInChapter => 1;
    public override string Task => "a scalar Value: * - / Pow Tanh Exp Relu, each recording its inputs and its local backward";

    public override IReadOnlyList<string> Hints =>
    [
        "Follow `+`: a new Value with its operands as Inputs, and a LocalBackward that adds to each input's Grad. What is d(a*b)/da?",
        "d(a·b)/da = b and /db = a; d(a^n)/da = n·a^(n-1); tanh' = 1 - tanh²; exp' = exp; relu' = 1 where the input is positive, else 0. -a, a - b and a / b need no backward of their own: build them from *, + and Pow(-1).",
        "operator *: var output = new Value(a.Data * b.Data, [a, b], \"*\"); output.LocalBackward = () => { a.Grad += b.Data * output.Grad; b.Grad += a.Data * output.Grad; }; return output;  and -a => a * -1, a - b => a + (-b), a / b => a * b.Pow(-1).",
    ];

    public override string WhyItWorks => """
        Each node knows only its own derivative: the chain rule multiplies it by the gradient that reaches
        the node (output.Grad), and that is all a local backward needs. Composite operations get their
        gradients from the nodes they are made of, as libtorch's SubBackward and DivBackward do in one step.
        """;

    public override IReadOnlyList<ExerciseCheck> Checks =>
    [
        new("a * b: its value, its inputs and the gradients it sends agree with libtorch's at a=2, b=-3", code => Operation(code, g => g.Binary("*", g.Leaf(2, "a"), g.Leaf(-3, "b")))),
        new("-a and a - b agree with libtorch's at a=2, b=-3", code =>
        {
            Operation(code, g => g.Negate(g.Leaf(2, "a")));
            Operation(code, g => g.Binary("-", g.Leaf(2, "a"), g.Leaf(-3, "b")));
        }),
        new("a / b agrees with libtorch's at a=2, b=-3", code => Operation(code, g => g.Binary("/", g.Leaf(2, "a"), g.Leaf(-3, "b")))),
        new("Pow(3), Pow(-1), Tanh, Exp and Relu agree with libtorch's at 0.7 and -0.7", code =>
        {
            foreach (double x in new[] { 0.7, -0.7 })
            {
                Operation(code, g => g.Pow(g.Leaf(x, "a"), 3));
                Operation(code, g => g.Pow(g.Leaf(x, "a"), -1));
                foreach (string op in new[] { "Tanh", "Exp", "Relu" }) Operation(code, g => g.Unary(op, g.Leaf(x, "a")));
            }
        }),
        new("local backwards add to Grad (+=): in w * w, w gets both shares, 2w", code =>
        {
            var engine = new LearnerEngine(code);
            object w = engine.Leaf(3);
            object square = engine.Operator("op_Multiply", w, w);
            engine.ReferenceBackward(square);
            double got = engine.Grad(w);
            Expect.That(!TwinGraph.Agree(got, 3), "w.Grad is 3 where d(w·w)/dw = 2w = 6: the local backward assigned Grad (=) where it must add (+=); a value used twice gets both shares");
            Expect.That(TwinGraph.Agree(got, 6), $"w.Grad after w * w at w = 3 is {Expect.Number(got)}, expected 2w = 6");
        }),
        new($"{RandomExpressions} random expressions (seed 26): every value and every gradient agree with libtorch's to 1e-12", code =>
            RandomExpressionsAgree(code, 26, (engine, root) => engine.ReferenceBackward(root))),
    ];

    static void Operation(LearnerCode code, Func<TwinGraph, TwinNode> build)
    {
        var graph = new TwinGraph(new LearnerEngine(code));
        TwinNode root = build(graph);
        foreach (TwinNode node in graph.Nodes.Take(2).Where(n => n != root))
            Expect.That(Reaches(graph.Engine, root.Mine, node.Mine), $"{root.Text} does not record {node.Text} among its Inputs: pass the operands to the new Value");
        graph.CompareGradients(root, node => graph.Engine.ReferenceBackward(node));
    }

    static bool Reaches(LearnerEngine engine, object from, object target) =>
        ReferenceEquals(from, target) || engine.Inputs(from).Any(i => Reaches(engine, i, target));
}

/// <summary>Step 2: the topological order.</summary>
public sealed class EngineTopologicalOrderExercise : EngineExercise
{
    public override string Id => "engine-topological-order";
    public override string LessonId => "static-and-dynamic-graphs";
    public override int StepInChapter => 2;
    public override string Task => "the topological order of a Value's graph";

    public override IReadOnlyList<string> Hints =>
    [
        "A node may be added only once all of its Inputs are in the list. Which traversal adds a node after visiting everything below it?",
        "A depth-first search: visit a node's Inputs first, then add the node; remember the nodes visited (by reference) so a value used twice is added once.",
        "var order = new List<Value>(); var visited = new HashSet<Value>(ReferenceEqualityComparer.Instance); void Visit(Value n) { if (!visited.Add(n)) return; foreach (var i in n.Inputs) Visit(i); order.Add(n); } Visit(this); return order;",
    ];

    public override string WhyItWorks => """
        A depth-first search adds a node only after it has returned from every input, so each input comes
        first; the visited set makes a node used twice (w) appear once. Read backwards, the list is an order
        in which every node is reached after all the nodes that use it: the order backward needs.
        """;

    public override IReadOnlyList<ExerciseCheck> Checks =>
    [
        new("y = (w + x) * (w + 1): six nodes, each once, each after its inputs, y last", code =>
        {
            var engine = new LearnerEngine(code);
            object w = engine.Leaf(1), x = engine.Leaf(2);
            object y = engine.Operator("op_Multiply", engine.Operator("op_Addition", w, x), engine.Operator("op_Addition", w, engine.Leaf(1)));
            Valid(engine, y, "y");
        }),
        new($"{RandomExpressions} random graphs (seed 9) with shared nodes: every order valid", code =>
        {
            var engine = new LearnerEngine(code);
            var random = new Random(9);
            for (int i = 0; i < RandomExpressions; i++)
            {
                using var scope = NewDisposeScope();
                TwinNode root = TwinGraph.RandomExpression(new TwinGraph(engine), random, operations: 1 + random.Next(10));
                Valid(engine, root.Mine, root.Text);
            }
        }),
    ];

    static void Valid(LearnerEngine engine, object root, string name)
    {
        IReadOnlyList<object> order = engine.TopologicalOrder(root);
        var reachable = new HashSet<object>(ReferenceEqualityComparer.Instance);
        void Walk(object node)
        {
            if (reachable.Add(node)) foreach (object input in engine.Inputs(node)) Walk(input);
        }
        Walk(root);
        var seen = new HashSet<object>(ReferenceEqualityComparer.Instance);
        foreach (object node in order)
        {
            Expect.That(seen.Add(node), $"in the order of {name}, the node {engine.Data(node):G6} appears twice: a node used twice is visited once (keep a set of the nodes visited)");
            foreach (object input in engine.Inputs(node))
                Expect.That(seen.Contains(input), $"in the order of {name}, a node comes before its input {engine.Data(input):G6}: add a node only after all its inputs");
        }
        Expect.That(seen.Count == reachable.Count, $"the order of {name} has {seen.Count} nodes, but {reachable.Count} are reachable from it: every node it depends on belongs in it");
        Expect.That(order.Count > 0 && ReferenceEquals(order[^1], root), $"the order of {name} does not end with {name} itself");
    }
}

/// <summary>Step 3: Backward, with accumulation.</summary>
public sealed class EngineBackwardExercise : EngineExercise
{
    public override string Id => "engine-backward";
    public override string LessonId => "grad-accumulation";
    public override int StepInChapter => 3;
    public override string Task => "Backward(): the output's gradient, sent back through every node";

    /// <summary>001 §1: print(w.grad) # tensor([5.]) and the gradients line "tensor([5.]) tensor([2.])" for w and x.</summary>
    public const double TutorialWGrad = 5, TutorialXGrad = 2;

    public override IReadOnlyList<string> Hints =>
    [
        "What is dy/dy? And in which order must the nodes send their shares, so that each has received everything before it passes it on?",
        "Set Grad = 1 on this node, then call LocalBackward on the nodes of TopologicalOrder() in reverse: from the output back to the leaves.",
        "Grad = 1; List<Value> order = TopologicalOrder(); for (int i = order.Count - 1; i >= 0; i--) order[i].LocalBackward();",
    ];

    public override string WhyItWorks => """
        Reversed, the topological order visits a node only after every node that uses it, so its Grad is
        complete (the sum of all its users' shares) when it sends it on. That is backward's accumulation: w
        gets (w + 1) from one use and (w + x) from the other, 5 in all, as the tutorial prints.
        """;

    public override IReadOnlyList<ExerciseCheck> Checks =>
    [
        new("y = (w + x) * (w + 1) at w=1, x=2: w.grad = 5 and x.grad = 2, as tutorial 001 §1 prints, and as libtorch's", code =>
        {
            var engine = new LearnerEngine(code);
            var graph = new TwinGraph(engine);
            TwinNode w = graph.Leaf(1, "w"), x = graph.Leaf(2, "x");
            TwinNode y = graph.Binary("*", graph.Binary("+", w, x), graph.Binary("+", w, graph.Leaf(1, "1")));
            engine.Backward(y.Mine);
            double wGrad = engine.Grad(w.Mine), xGrad = engine.Grad(x.Mine);
            Expect.That(!(wGrad == 0 && xGrad == 0 && engine.Grad(y.Mine) == 0), "after Backward every Grad is 0: seed the output's Grad with 1 (dy/dy = 1) first");
            Expect.That(!(wGrad == 0 && xGrad == 0), "y.Grad is 1 but w.Grad and x.Grad stayed 0, where the tutorial has 5 and 2: the nodes sent their shares inputs-first, before they had any; "
                + "call LocalBackward from the output back (the topological order, reversed)");
            Expect.That(!TwinGraph.Agree(wGrad, 2) && !TwinGraph.Agree(wGrad, 3),
                $"w.Grad is {Expect.Number(wGrad)}, one use's share only, where the tutorial has 5: w is used twice and gets both shares; call each LocalBackward once, after every node that uses it (reverse topological order)");
            Expect.That(TwinGraph.Agree(wGrad, TutorialWGrad) && TwinGraph.Agree(xGrad, TutorialXGrad),
                $"w.Grad = {Expect.Number(wGrad)} and x.Grad = {Expect.Number(xGrad)}, where the tutorial prints tensor([5.]) and tensor([2.]): are the nodes visited from the output back (the topological order, reversed)?");
            foreach (TwinNode node in graph.Nodes) engine.SetGrad(node.Mine, 0);
            graph.CompareGradients(y, engine.Backward);
        }),
        new("tutorial 002's chain rule: dy2/dw1 = 2 at x=1, w1=2, b1=1, w2=2, b2=1, as libtorch's", code =>
        {
            var engine = new LearnerEngine(code);
            var graph = new TwinGraph(engine);
            TwinNode x = graph.Leaf(1, "x"), w1 = graph.Leaf(2, "w1"), b1 = graph.Leaf(1, "b1"), w2 = graph.Leaf(2, "w2"), b2 = graph.Leaf(1, "b2");
            TwinNode y2 = graph.Binary("+", graph.Binary("*", graph.Binary("+", graph.Binary("*", x, w1), b1), w2), b2);
            graph.CompareGradients(y2, engine.Backward);
            Expect.That(TwinGraph.Agree(engine.Grad(w1.Mine), ChainRuleExercise.TutorialL), $"w1.Grad is {Expect.Number(engine.Grad(w1.Mine))}; the tutorial's l is tensor(2.)");
        }),
        new($"{RandomExpressions} random expressions (seed 3): every gradient agrees with libtorch's to 1e-12", code =>
            RandomExpressionsAgree(code, 3, (engine, root) => engine.Backward(root))),
    ];
}

/// <summary>The learner's MLP, reached by reflection, and the same network in libtorch from its very weights.</summary>
internal sealed class TwinNetwork
{
    readonly LearnerEngine engine;
    public object Model { get; }
    public IReadOnlyList<object> Parameters { get; }
    public int[] Widths { get; }

    public TwinNetwork(LearnerCode code, int inputs, int[] sizes, int seed)
    {
        engine = new LearnerEngine(code);
        Type mlp = code.Class("MLP");
        Model = (mlp.GetConstructor([typeof(int), typeof(int[]), typeof(Random)])
            ?? throw new CheckFailedException($"{code.Path}: MLP should have `public MLP(int inputs, int[] sizes, Random random)`, as in the stub")).Invoke([inputs, sizes, new Random(seed)]);
        Parameters = ((System.Collections.IEnumerable)mlp.GetMethod("Parameters")!.Invoke(Model, [])!).Cast<object>().ToList();
        Widths = [inputs, .. sizes];
    }

    public LearnerEngine Engine => engine;

    public object[] Call(double[] x)
    {
        object[] values = [.. x.Select(engine.Leaf)];
        Type valueArray = engine.ValueType.MakeArrayType();
        var typed = Array.CreateInstance(engine.ValueType, values.Length);
        for (int i = 0; i < values.Length; i++) typed.SetValue(values[i], i);
        MethodInfo call = Model.GetType().GetMethod("Call")!;
        try
        {
            return ((Array)call.Invoke(Model, [typed])!).Cast<object>().ToArray();
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerException).Throw();
            throw;
        }
    }

    /// <summary>libtorch's layers from the learner's parameters (per neuron: its weights, then its bias), as leaves that require grad.</summary>
    public List<(Tensor W, Tensor B)> TorchLayers()
    {
        var layers = new List<(Tensor, Tensor)>();
        int k = 0;
        for (int l = 0; l + 1 < Widths.Length; l++)
        {
            int fanIn = Widths[l], outputs = Widths[l + 1];
            var w = new double[outputs * fanIn];
            var b = new double[outputs];
            for (int n = 0; n < outputs; n++)
            {
                for (int i = 0; i < fanIn; i++) w[n * fanIn + i] = engine.Data(Parameters[k++]);
                b[n] = engine.Data(Parameters[k++]);
            }
            layers.Add((torch.tensor(w, float64).reshape(outputs, fanIn).requires_grad_(), torch.tensor(b, float64).requires_grad_()));
        }
        return layers;
    }

    public static Tensor Forward(List<(Tensor W, Tensor B)> layers, Tensor x)
    {
        for (int l = 0; l < layers.Count; l++)
        {
            x = x.matmul(layers[l].W.t()) + layers[l].B;
            if (l < layers.Count - 1) x = x.tanh();
        }
        return x;
    }

    /// <summary>Where parameter k is: "layer 2, neuron 3, weight 1" or "... bias".</summary>
    public string Name(int k)
    {
        for (int l = 0; l + 1 < Widths.Length; l++)
        {
            int per = Widths[l] + 1, count = per * Widths[l + 1];
            if (k < count) return $"layer {l + 1}, neuron {k / per + 1}, " + (k % per == Widths[l] ? "bias" : $"weight {k % per + 1}");
            k -= count;
        }
        return "?";
    }
}

/// <summary>Step 4: Neuron, Layer, MLP.</summary>
public sealed class EngineMlpExercise : EngineExercise
{
    public override string Id => "engine-mlp";
    public override string LessonId => "four-class-module";
    public override int StepInChapter => 4;
    public override string Task => "a Neuron, a Layer and an MLP made of your Values";

    public override IReadOnlyList<string> Hints =>
    [
        "A neuron is the tutorial's weighted sum plus a bias, then an activation; a layer is several neurons on the same inputs; an MLP chains layers.",
        "Neuron: start from Bias and add Weights[i] * x[i] for each i; tanh unless Linear. Layer: one output per neuron. MLP: each layer's outputs are the next one's inputs.",
        "Neuron.Call: Value sum = Bias; for (int i = 0; i < Weights.Length; i++) sum = sum + Weights[i] * x[i]; return Linear ? sum : sum.Tanh();  Layer.Call: return Neurons.Select(n => n.Call(x)).ToArray();  MLP.Call: Value[] v = x.ToArray(); foreach (var l in Layers) v = l.Call(v); return v;",
    ];

    public override string WhyItWorks => """
        The network is only more nodes: every weight is a leaf Value, every neuron a few multiplications,
        additions and a tanh, so the same Backward gives every parameter's gradient, exactly as libtorch's
        matrix products do for the same weights (x W^T + b, row by row).
        """;

    public override IReadOnlyList<ExerciseCheck> Checks =>
    [
        new("MLP(3, [4, 4, 1]) (Random(1)): its output equals libtorch's x W^T + b with tanh, from the same weights", code => Compare(code, gradients: false)),
        new("every parameter's gradient of that output agrees with libtorch's to 1e-12", code => Compare(code, gradients: true)),
    ];

    static void Compare(LearnerCode code, bool gradients)
    {
        var net = new TwinNetwork(code, 3, [4, 4, 1], seed: 1);
        double[] x = [2.0, 3.0, -1.0];
        object[] outputs = net.Call(x);
        Expect.That(outputs.Length == 1, $"MLP(3, [4, 4, 1]) gave {outputs.Length} outputs; the last layer has 1 neuron");
        var layers = net.TorchLayers();
        Tensor theirs = TwinNetwork.Forward(layers, torch.tensor(x, float64).reshape(1, 3)).reshape(-1);
        double mine = net.Engine.Data(outputs[0]), expected = theirs[0].item<double>();
        Expect.That(TwinGraph.Agree(mine, expected), $"the MLP's output differs from libtorch's: expected {Expect.Number(expected)}, got {Expect.Number(mine)}"
            + (TwinGraph.Agree(Math.Tanh(mine), Math.Tanh(expected)) ? "" : " (is the last layer linear, and every other neuron a tanh of w · x + b?)"));
        if (!gradients) return;
        net.Engine.Backward(outputs[0]);
        theirs[0].backward();
        var expectedGrads = layers.SelectMany(l => Enumerable.Range(0, (int)l.W.shape[0])
            .SelectMany(n => Enumerable.Range(0, (int)l.W.shape[1]).Select(i => l.W.grad![n, i].item<double>()).Append(l.B.grad![n].item<double>()))).ToList();
        for (int k = 0; k < net.Parameters.Count; k++)
        {
            double got = net.Engine.Grad(net.Parameters[k]);
            Expect.That(TwinGraph.Agree(got, expectedGrads[k]), $"the gradient of {net.Name(k)} differs from libtorch's: expected {Expect.Number(expectedGrads[k])}, got {Expect.Number(got)}");
        }
    }
}

/// <summary>Step 5: a training loop, step by step beside libtorch's.</summary>
public sealed class EngineTrainingExercise : EngineExercise
{
    public override string Id => "engine-training";
    public override string LessonId => "two-layer-autograd";
    public override int StepInChapter => 5;
    public override string Task => "train an MLP with your engine: the loss, zeroed gradients, Backward, the step";

    public const int Steps = 20;
    public const double LearningRate = 0.05;

    // micrograd's four points: three inputs, a target of ±1 each.
    static readonly double[][] Inputs = [[2.0, 3.0, -1.0], [3.0, -1.0, 0.5], [0.5, 1.0, 1.0], [1.0, 1.0, -1.0]];
    static readonly double[] Targets = [1.0, -1.0, -1.0, 1.0];

    public override IReadOnlyList<string> Hints =>
    [
        "One step is what the tutorials' loops do: forward, loss, zero the gradients, backward, update. Which of these does your engine not do by itself?",
        "loss = the sum over the points of (model.Call(x)[0] - y)^2, built from Values; set every parameter's Grad to 0 (they accumulate), loss.Backward(), then p.Data -= learningRate * p.Grad for each parameter; add loss.Data to the list.",
        "Value loss = 0.0; for (int i = 0; i < inputs.Length; i++) { Value e = model.Call(inputs[i].Select(v => new Value(v)).ToArray())[0] - targets[i]; loss = loss + e * e; } foreach (var p in model.Parameters()) p.Grad = 0; loss.Backward(); foreach (var p in model.Parameters()) p.Data -= learningRate * p.Grad; losses.Add(loss.Data);",
    ];

    public override string WhyItWorks => """
        Your engine and libtorch compute the same function of the same weights, and the same derivatives of
        it, so one step of gradient descent moves both to the same new weights, and so on, step after step:
        the loss curves agree. Zeroing first matters because Backward adds, as libtorch's does.
        """;

    public override IReadOnlyList<ExerciseCheck> Checks =>
    [
        new($"MLP(3, [4, 4, 1]) on micrograd's four points, {Steps} steps at lr {LearningRate}: your losses equal libtorch's from the same weights, step by step", code =>
        {
            var net = new TwinNetwork(code, 3, [4, 4, 1], seed: 2);
            var layers = net.TorchLayers();
            List<double> expected = TorchLosses(layers, zeroGrads: true);
            List<double> withoutZero = TorchLosses(net.TorchLayers(), zeroGrads: false);
            MethodInfo train = code.Class("Training").GetMethod("Train")
                ?? throw new CheckFailedException($"{code.Path}: Training.Train should be `public static List<double> Train(MLP model, double[][] inputs, double[] targets, int steps, double learningRate)`, as in the stub");
            List<double> got;
            try
            {
                got = (List<double>)train.Invoke(null, [net.Model, Inputs, Targets, Steps, LearningRate])!;
            }
            catch (TargetInvocationException e) when (e.InnerException is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerException).Throw();
                throw;
            }
            // The first steps are enough to recognise it (later ones drift apart: a growing step is chaotic).
            if (got is not null && got.Count == Steps && got.Zip(withoutZero).Take(4).All(p => Math.Abs(p.First - p.Second) <= 1e-9 * Math.Max(1, Math.Abs(p.Second)))
                && !TwinGraph.Agree(got[2], expected[2])) // the losses part at step 2: the first step is the same either way
                throw new CheckFailedException("the losses are libtorch's without zeroing the gradients: each Backward adds to Grad, so set every parameter's Grad to 0 before it");
            Expect.Close("your loss at each step", got, expected, "libtorch's loss from the same weights", rtol: 1e-10, atol: 1e-12);
        }),
    ];

    static List<double> TorchLosses(List<(Tensor W, Tensor B)> layers, bool zeroGrads)
    {
        Tensor x = torch.tensor(Inputs.SelectMany(r => r).ToArray(), float64).reshape(Inputs.Length, 3);
        Tensor y = torch.tensor(Targets, float64);
        var losses = new List<double>();
        for (int step = 0; step < Steps; step++)
        {
            Tensor loss = (TwinNetwork.Forward(layers, x).reshape(-1) - y).pow(2).sum();
            losses.Add(loss.item<double>());
            loss.backward();
            using (torch.no_grad())
                foreach (var (w, b) in layers)
                {
                    w.sub_(w.grad! * LearningRate);
                    b.sub_(b.grad! * LearningRate);
                    if (zeroGrads)
                    {
                        w.grad!.zero_();
                        b.grad!.zero_();
                    }
                }
        }
        return losses;
    }
}
