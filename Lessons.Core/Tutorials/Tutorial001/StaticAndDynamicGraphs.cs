using Lessons.Core.Catalog;
using Lessons.Core.Python;
using TorchSharp;
using static TorchSharp.torch;

namespace Lessons.Core.Tutorials.Tutorial001;

/// <summary>
/// 001 §2 in one line: a static graph is built before it runs, a dynamic one as it runs. One
/// function with a loop whose length depends on the input (square x until it reaches a limit),
/// run eagerly on two inputs, records two different autograd graphs; the same function compiled
/// once with TorchScript is one graph, run on both. The gradients agree with a hand derivation.
/// </summary>
public sealed class StaticAndDynamicGraphs : Lesson
{
    public override string Id => "static-and-dynamic-graphs";
    public override string Title => "静态图和动态图: a graph built as it runs, or compiled before";
    public override LessonSource Source => new("001_527ed903e0dd4563.txt", 2, "2. 静态图和动态图");
    public override bool RecordsGraphs => true;

    public override void Run(LessonContext context)
    {
        double[] inputs = [context.Get(FirstX), context.Get(SecondX)];
        double limit = context.Get(Limit);

        context.Print("dynamic (eager): the loop runs as C# runs it, and autograd records each operation as it happens");
        var eager = new List<(long Squarings, int Nodes, double Y, double Gradient)>();
        foreach (double value in inputs)
        {
            var x = torch.tensor(new[] { (float)value }, requires_grad: true, device: context.Device);
            var y = x;
            long squarings = 0;
            while (y.lt(limit).item<bool>())
            {
                y = y * y;
                squarings++;
            }
            var graph = context.RecordGraph($"eager, x = {Py.Str(value)}: {squarings} squarings", y, ("x", x), ("y", y));
            y.backward();
            context.Print($"  x = {Py.Str(value)}: {squarings} squarings, y = {Py.Str(y)}, " +
                          $"a graph of {GraphSize(graph)}, dy/dx = {Py.Str(x.grad)}");
            eager.Add((squarings, graph.Nodes.Count, Py.ToList(y)[0], Py.ToList(x.grad!)[0]));
        }

        context.Print("static (TorchScript): compiled once by torch.jit.compile before it runs, then run on each input");
        var compiled = torch.jit.compile(Script + "\n"); // the parser wants a final newline
        var scripted = new List<(long Squarings, double Y, double Gradient)>();
        foreach (double value in inputs)
        {
            var x = torch.tensor(new[] { (float)value }, device: context.Device);
            var (y, dydx, squarings) = compiled.invoke<(Tensor, Tensor, Tensor)>("square_until", x, limit);
            context.Print($"  x = {Py.Str(value)}: {squarings.item<long>()} squarings, y = {Py.Str(y)}, dy/dx = {Py.Str(dydx)}");
            scripted.Add((squarings.item<long>(), Py.ToList(y)[0], Py.ToList(dydx)[0]));
        }
        context.Print("  one compiled graph ran both: its while loop is a single loop node whose trip count is decided as it runs.");
        context.Print("  (TorchSharp does not expose the graph text that Python prints as square_until.graph; the source it compiled:)");
        foreach (string line in Script.Split('\n')) context.Print("    " + line);

        context.Print("by hand: n squarings make y = x^(2^n), so dy/dx = 2^n * x^(2^n - 1)");
        foreach (var ((squarings, _, _, _), value) in eager.Zip(inputs))
            context.Print($"  x = {Py.Str(value)}: 2^{squarings} * x^{(1L << (int)squarings) - 1} = {Py.Str(HandDerivative(value, squarings))}");

        RecordRuns(context, inputs, eager, scripted);
    }

    static readonly Func<double, string?> GrowsWhenSquared =
        v => double.IsFinite(v) && (float)v > 1 ? null : "must be a finite number greater than 1, so that squaring grows it";

    static readonly LessonOption<double> FirstX = new("x1", 1.5, "the first input", GrowsWhenSquared);
    static readonly LessonOption<double> SecondX = new("x2", 3.0, "the second input", GrowsWhenSquared);
    static readonly LessonOption<double> Limit = new("limit", 10.0, "square x until it reaches this", Check.Finite);

    public override IReadOnlyList<LessonOption> Options => [FirstX, SecondX, Limit];

    /// <summary>The same function as TorchScript: compiled once, its gradient taken inside the script.</summary>
    public const string Script = """
        def square_until(x: Tensor, limit: float) -> Tuple[Tensor, Tensor, Tensor]:
            x_leaf = x.detach().requires_grad_(True)
            y = x_leaf
            squarings = 0
            while bool(y < limit):
                y = y * y
                squarings += 1
            grads = torch.autograd.grad([y], [x_leaf])
            dy_dx = grads[0]
            assert dy_dx is not None
            return y.detach(), dy_dx, torch.tensor(squarings)
        """;

    /// <summary>Both runs' numbers, by input, for the tests and the docs.</summary>
    static void RecordRuns(LessonContext context, double[] inputs,
        List<(long Squarings, int Nodes, double Y, double Gradient)> eager, List<(long Squarings, double Y, double Gradient)> scripted)
    {
        context.Record("inputs", inputs);
        context.Record("eager squarings", eager.Select(e => e.Squarings).ToList());
        context.Record("eager graph nodes", eager.Select(e => (long)e.Nodes).ToList());
        context.Record("eager y", eager.Select(e => e.Y).ToList());
        context.Record("eager dy/dx", eager.Select(e => e.Gradient).ToList());
        context.Record("script squarings", scripted.Select(s => s.Squarings).ToList());
        context.Record("script y", scripted.Select(s => s.Y).ToList());
        context.Record("script dy/dx", scripted.Select(s => s.Gradient).ToList());
    }

    /// <summary>d/dx of x^(2^n): 2^n x^(2^n - 1), in double precision.</summary>
    public static double HandDerivative(double x, long squarings)
    {
        double power = Math.Pow(2, squarings);
        return power * Math.Pow((float)x, power - 1);
    }

    static string GraphSize(Autograd.AutogradGraph graph) =>
        graph.IsAvailable ? $"{graph.Nodes.Count} nodes" : $"unknown size (graph unavailable: {graph.Unavailable})";
}
