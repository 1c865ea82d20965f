using System.Collections;
using System.Globalization;
using System.Reflection;
using TorchSharp;
using static TorchSharp.torch;

namespace Lessons.Core.Exercises.OwnEngine;

/// <summary>
/// The learner's scalar engine (their <c>Value</c> class), reached by reflection: its members are
/// the stub's (Data, Grad, Inputs, LocalBackward, the operators, Pow, Tanh, Exp, Relu,
/// TopologicalOrder, Backward). A member that is missing fails the check with what the stub has.
/// </summary>
public sealed class LearnerEngine
{
    readonly LearnerCode code;
    readonly Type value;

    public LearnerEngine(LearnerCode code)
    {
        this.code = code;
        value = code.Class("Value");
    }

    public Type ValueType => value;

    public object Leaf(double data) =>
        (value.GetConstructor([typeof(double)]) ?? throw new CheckFailedException($"{code.Path}: Value should have `public Value(double data)`, as in the stub")).Invoke([data]);

    public object Operator(string name, params object[] operands)
    {
        MethodInfo method = value.GetMethod(name, BindingFlags.Public | BindingFlags.Static, [.. operands.Select(_ => value)])
            ?? throw new CheckFailedException($"{code.Path}: Value has no {name}; keep the stub's operators");
        return Invoke(method, null, operands);
    }

    public object Method(object node, string name, params object[] arguments)
    {
        MethodInfo method = value.GetMethod(name, BindingFlags.Public | BindingFlags.Instance, [.. arguments.Select(a => a.GetType())])
            ?? throw new CheckFailedException($"{code.Path}: Value has no method {name}; keep the stub's");
        return Invoke(method, node, arguments);
    }

    // The learner's exception as itself, so the checker names their line.
    static object Invoke(MethodInfo method, object? target, object[] arguments)
    {
        try
        {
            return method.Invoke(target, arguments)!;
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerException).Throw();
            throw;
        }
    }

    public double Data(object node) => (double)Field("Data").GetValue(node)!;

    public double Grad(object node) => (double)Field("Grad").GetValue(node)!;

    public void SetGrad(object node, double grad) => Field("Grad").SetValue(node, grad);

    public IReadOnlyList<object> Inputs(object node) => ((IEnumerable?)Field("Inputs").GetValue(node))?.Cast<object>().ToList() ?? [];

    public void LocalBackward(object node)
    {
        var action = (Action?)Field("LocalBackward").GetValue(node) ?? throw new CheckFailedException("a Value's LocalBackward is null; give every node one (a leaf's does nothing)");
        action();
    }

    public IReadOnlyList<object> TopologicalOrder(object node) =>
        ((IEnumerable?)Method(node, "TopologicalOrder"))?.Cast<object>().ToList() ?? throw new CheckFailedException("TopologicalOrder returned null; return the list");

    public void Backward(object node) => Method(node, "Backward");

    FieldInfo Field(string name) =>
        value.GetField(name, BindingFlags.Public | BindingFlags.Instance) ?? throw new CheckFailedException($"{code.Path}: Value has no public field {name}; keep the stub's fields");

    /// <summary>The check's own backward over the learner's local backwards (before their Backward exists): the output seeded with 1, every node after all that use it.</summary>
    public void ReferenceBackward(object root)
    {
        var order = new List<object>();
        var seen = new HashSet<object>(ReferenceEqualityComparer.Instance);
        void Visit(object node)
        {
            if (!seen.Add(node)) return;
            foreach (object input in Inputs(node)) Visit(input);
            order.Add(node);
        }
        Visit(root);
        SetGrad(root, 1);
        for (int i = order.Count - 1; i >= 0; i--) LocalBackward(order[i]);
    }
}

/// <summary>One node built twice, in the learner's engine and in libtorch (a float64 scalar that keeps its grad), with how it reads.</summary>
public sealed record TwinNode(object Mine, Tensor Theirs, string Text);

/// <summary>
/// Expressions built in both engines at once, node by node, and compared: every value, then every
/// gradient, to 1e-12. A gradient that differs names the node, the value expected and the value that came.
/// </summary>
public sealed class TwinGraph(LearnerEngine engine)
{
    public const double Tolerance = 1e-12;

    readonly List<TwinNode> nodes = [];

    public IReadOnlyList<TwinNode> Nodes => nodes;

    public LearnerEngine Engine => engine;

    public TwinNode Leaf(double data, string name)
    {
        var node = new TwinNode(engine.Leaf(data), torch.tensor(data, float64, requires_grad: true), name);
        nodes.Add(node);
        return node;
    }

    public TwinNode Binary(string op, TwinNode a, TwinNode b)
    {
        var (name, theirs) = op switch
        {
            "+" => ("op_Addition", a.Theirs + b.Theirs),
            "*" => ("op_Multiply", a.Theirs * b.Theirs),
            "-" => ("op_Subtraction", a.Theirs - b.Theirs),
            "/" => ("op_Division", a.Theirs / b.Theirs),
            _ => throw new ArgumentException(op),
        };
        return Add(new TwinNode(engine.Operator(name, a.Mine, b.Mine), theirs, $"({a.Text} {op} {b.Text})"));
    }

    public TwinNode Negate(TwinNode a) => Add(new TwinNode(engine.Operator("op_UnaryNegation", a.Mine), -a.Theirs, $"-{a.Text}"));

    public TwinNode Pow(TwinNode a, double exponent) =>
        Add(new TwinNode(engine.Method(a.Mine, "Pow", exponent), a.Theirs.pow(exponent), $"{a.Text}.Pow({exponent.ToString(CultureInfo.InvariantCulture)})"));

    public TwinNode Unary(string op, TwinNode a) => Add(new TwinNode(engine.Method(a.Mine, op), op switch
    {
        "Tanh" => a.Theirs.tanh(),
        "Exp" => a.Theirs.exp(),
        "Relu" => a.Theirs.relu(),
        _ => throw new ArgumentException(op),
    }, $"{a.Text}.{op}()"));

    TwinNode Add(TwinNode node)
    {
        node.Theirs.retain_grad();
        CompareValue(node);
        nodes.Add(node);
        return node;
    }

    void CompareValue(TwinNode node)
    {
        double mine = engine.Data(node.Mine), theirs = node.Theirs.item<double>();
        if (!Agree(mine, theirs))
            throw new CheckFailedException($"the value of {node.Text} differs from libtorch's: expected {Expect.Number(theirs)}, got {Expect.Number(mine)}");
    }

    public static bool Agree(double mine, double theirs) => Math.Abs(mine - theirs) <= Tolerance * Math.Max(1, Math.Abs(theirs));

    /// <summary>libtorch's backward from <paramref name="root"/>, then every node's gradient compared, nearest the root first (the first wrong one points at its user's local backward).</summary>
    public void CompareGradients(TwinNode root, Action<object> learnersBackward)
    {
        learnersBackward(root.Mine);
        root.Theirs.backward();
        foreach (TwinNode node in Enumerable.Reverse(nodes))
        {
            double theirs = node.Theirs.grad is { } g ? g.item<double>() : 0;
            double mine = engine.Grad(node.Mine);
            if (Agree(mine, theirs)) continue;
            string users = string.Join(", ", nodes.Where(n => engine.Inputs(n.Mine).Any(i => ReferenceEquals(i, node.Mine))).Select(n => n.Text).Take(2));
            throw new CheckFailedException($"the gradient of {root.Text} with respect to {node.Text} differs from libtorch's: expected {Expect.Number(theirs)}, got {Expect.Number(mine)}"
                + (users.Length > 0 ? $" (sent by the local backward of {users})" : ""));
        }
    }

    /// <summary>A random expression over three leaves, from a seeded generator: every operation of the engine, values kept where each is defined and finite.</summary>
    public static TwinNode RandomExpression(TwinGraph graph, Random random, int operations)
    {
        var pool = new List<TwinNode>();
        foreach (string name in new[] { "a", "b", "c" })
        {
            double v = (random.NextDouble() * 2.4 + 0.3) * (random.Next(2) == 0 ? -1 : 1);
            pool.Add(graph.Leaf(Math.Round(v, 3), name));
        }
        TwinNode Pick() => pool[random.Next(pool.Count)];
        TwinNode last = pool[^1];
        for (int i = 0; i < operations; i++)
        {
            TwinNode a = Pick(), b = Pick();
            last = random.Next(9) switch
            {
                0 => graph.Binary("+", a, b),
                1 => graph.Binary("*", a, b),
                2 => graph.Binary("-", a, b),
                3 => graph.Binary("/", a, graph.Binary("+", graph.Pow(b, 2), graph.Leaf(1, "1"))), // never 0
                4 => graph.Pow(a, random.Next(2) == 0 ? 2 : 3),
                5 => graph.Unary("Tanh", a),
                6 => graph.Unary("Exp", graph.Unary("Tanh", a)), // bounded
                7 => graph.Unary("Relu", a),
                _ => graph.Negate(a),
            };
            // Keep the numbers moderate, so 1e-12 is a fair tolerance.
            if (Math.Abs(graph.Engine.Data(last.Mine)) > 50) last = graph.Unary("Tanh", last);
            pool.Add(last);
        }
        return last;
    }
}
