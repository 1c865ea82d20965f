using System.Globalization;
using Lessons.Core.Catalog;
using Lessons.Core.Python;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Lessons.Core.Tutorials.Tutorial002;

/// <summary>
/// Gradient descent with Adam on Himmelblau's function f(x, y) = (x² + y − 11)² + (x + y² − 7)²,
/// which has four minima (all f = 0); where the descent ends depends on where it starts.
/// </summary>
public sealed class Himmelblau : Lesson
{
    public override string Id => "himmelblau";
    public override string Title => "梯度下降法: Himmelblau's function minimised with Adam";
    public override LessonSource Source => new("002_33d8818b87178235.txt", 4, "梯度下降法简单来说就是一种寻找目标函数最小化的方法", Numbered: false);

    /// <summary>The four minima of Himmelblau's function (f = 0 at each; six decimals), to name where a run lands.</summary>
    internal static readonly (double X, double Y)[] KnownMinima =
    [
        (3.0, 2.0),
        (-2.805118, 3.131312),
        (-3.779310, -3.283186),
        (3.584428, -1.848126),
    ];

    internal const int TraceEvery = 100;

    static readonly LessonOption<double> LearningRate = new("lr", 1e-3, "Adam's learning rate", Check.Positive);
    static readonly LessonOption<int> Steps = new("steps", 20000, "optimisation steps from each starting point", Check.AtLeast(1));
    static readonly LessonOption<int> LogEvery = new("log_every", 2000, "print x and f(x) every this many steps", Check.AtLeast(1));
    internal static readonly LessonOption<string> Starts = new("starts", "0,0",
        "starting points x,y separated by ';', each descended in turn (the tutorial's [0,0]; its commented starts are 1,0, -4,0 and 4,0)",
        text => ParseStarts(text) is null ? "must be points x,y separated by ';', e.g. 0,0;4,0" : null);

    public override IReadOnlyList<LessonOption> Options => [LearningRate, Steps, LogEvery, Starts];

    /// <summary>
    /// Per start: the trajectory, a point every 100 steps (a float32 tensor, then recorded as [x, y]
    /// lists, about 6 recorded numbers' worth a point), and per logged step a line and four
    /// numbers. The surface (120×120 float64, recorded) is fixed; a step's tensors are freed.
    /// </summary>
    public override double EstimateBytes(OptionValues options)
    {
        double steps = options.Get(Steps), starts = ParseStarts(options.Get(Starts))?.Count ?? 1;
        double traced = Math.Floor(steps / TraceEvery) + 1, logged = Math.Floor(steps / options.Get(LogEvery)) + 1;
        return starts * traced * (2 * MemoryEstimate.Float32 + 6 * MemoryEstimate.RecordedNumber)
            + starts * logged * (MemoryEstimate.PrintedLine + 4 * MemoryEstimate.RecordedNumber)
            + 120 * 120 * (3 * MemoryEstimate.Float64 + MemoryEstimate.RecordedNumber);
    }

    public override void Run(LessonContext context)
    {
        double lr = context.Get(LearningRate);
        int steps = context.Get(Steps);
        int logEvery = context.Get(LogEvery);
        List<(double X, double Y)> starts = ParseStarts(context.Get(Starts))!;

        // The constants as Scalars made once: an implicit conversion would allocate one per use.
        using Scalar two = 2, eleven = 11, seven = 7;
        Tensor Himmelblau(Tensor x, Tensor y) =>
            (x.pow(two) + y - eleven).pow(two) + (x + y.pow(two) - seven).pow(two);

        // The tutorial's surface (the plot itself is omitted): a 0.1 grid over [-6, 6), float64 as numpy's.
        var axis = torch.arange(-6.0, 6.0, 0.1, dtype: ScalarType.Float64, device: context.Device);
        context.Print("x,y range:", Shape(axis), Shape(axis));
        var grid = torch.meshgrid([axis, axis], indexing: "xy");
        context.Print("x,y maps:", Shape(grid[0]), Shape(grid[1]));
        var surface = Himmelblau(grid[0], grid[1]);
        context.Record("surface axis", axis);
        context.Record("surface f (row: y = axis[i], column: x = axis[j])", Rows(surface));

        // The tutorial's loop, once per starting point.
        var descents = starts.Select(start => Descend(context, start, lr, steps, logEvery, Himmelblau)).ToList();

        var endPoints = new List<List<double>>();
        var endValues = new List<double>();
        foreach (var (start, descent) in starts.Zip(descents))
        {
            string label = Label(start);
            context.Print($"start {label}:");
            foreach (var (step, position, value) in descent.Logged)
                context.Print(string.Create(CultureInfo.InvariantCulture, $"step{step}:x={Py.Repr(position)},f(x)={Py.Repr(value)}"));

            List<double> end = descent.End;
            double endValue = descent.EndValue;
            (double X, double Y) nearest = NearestMinimum((end[0], end[1]));
            context.Print($"start {label} ends at x={Py.Repr(end)}, f(x)={Py.Repr(endValue)}; nearest minimum "
                + $"({Py.Repr(nearest.X)}, {Py.Repr(nearest.Y)}), {PyFloat.Scientific(Distance(nearest, (end[0], end[1])), 2)} away");

            string prefix = $"start {label}";
            context.Record(prefix + " logged steps", descent.Logged.Select(l => l.Step).ToList());
            context.Record(prefix + " logged x", descent.Logged.Select(l => l.X).ToList());
            context.Record(prefix + " logged f(x)", descent.Logged.Select(l => l.F).ToList());
            context.Record(prefix + " trajectory (every 100 steps)", descent.Trajectory);
            context.Record(prefix + " end x", end);
            context.Record(prefix + " end f(x)", endValue);
            endPoints.Add(end);
            endValues.Add(endValue);
        }
        context.Record("starts", starts.Select(s => new List<double> { s.X, s.Y }).ToList());
        context.Record("end points", endPoints);
        context.Record("end values", endValues);
    }

    /// <summary>One descent: the logged lines' values, the path every 100 steps, and where it ends.</summary>
    sealed record Descent(List<(long Step, List<double> X, double F)> Logged, List<List<double>> Trajectory, List<double> End, double EndValue);

    /// <summary>The tutorial's loop for one starting point, with torch.optim.Adam.</summary>
    static Descent Descend(LessonContext context, (double X, double Y) start, double lr, int steps, int logEvery, Func<Tensor, Tensor, Tensor> f)
    {
        string label = Label(start);
        var x = new Parameter(torch.tensor(new[] { (float)start.X, (float)start.Y }, device: context.Device));
        using var optimizer = torch.optim.Adam([x], lr: lr);
        // The start and every 100th position in one tensor, read back once after the loop.
        var trajectory = torch.empty(steps / TraceEvery + 1, 2, device: context.Device);
        trajectory[0].copy_(x.detach());
        var logged = new List<(long, List<double>, double)>();
        for (int step = 0; step < steps; step++)
        {
            using var scope = context.StepScope(label, step, steps);
            var pred = f(x[0], x[1]);
            optimizer.zero_grad();
            pred.backward();
            optimizer.step();
            if ((step + 1) % TraceEvery == 0)
            {
                trajectory[(step + 1) / TraceEvery].copy_(x.detach());
            }
            if (step % logEvery == 0)
            {
                // As the tutorial's print follows the step: x after it, f(x) from before it.
                double value = Py.Item(pred);
                context.EnsureFinite(value, "f(x)", step, "lower lr");
                logged.Add((step, Py.ToList(x), value));
            }
        }
        double endValue;
        using (torch.no_grad())
            endValue = Py.Item(f(x[0], x[1]));
        context.EnsureFinite(endValue, "f(x)", steps, "lower lr");
        return new Descent(logged, Rows(trajectory), Py.ToList(x), endValue);
    }

    static string Label((double X, double Y) start) => "[" + Py.Repr(start.X) + ", " + Py.Repr(start.Y) + "]";

    /// <summary>The known minimum closest to <paramref name="point"/>: where a descent that ends there has landed.</summary>
    internal static (double X, double Y) NearestMinimum((double X, double Y) point) => KnownMinima.MinBy(m => Distance(m, point));

    static double Distance((double X, double Y) a, (double X, double Y) b) => Math.Sqrt(Math.Pow(a.X - b.X, 2) + Math.Pow(a.Y - b.Y, 2));

    /// <summary>A 2-d tensor as a list of rows (a trajectory's [x, y] points, a surface's rows).</summary>
    static List<List<double>> Rows(Tensor matrix)
    {
        List<double> flat = Py.ToList(matrix);
        int width = (int)matrix.shape[1];
        return Enumerable.Range(0, flat.Count / width).Select(i => flat.GetRange(i * width, width)).ToList();
    }

    static PyTuple Shape(Tensor t) => new([.. t.shape.Cast<object?>()]);

    static List<(double X, double Y)>? ParseStarts(string text)
    {
        var points = new List<(double, double)>();
        foreach (string part in text.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            string[] xy = part.Split(',', StringSplitOptions.TrimEntries);
            if (xy.Length != 2
                || !double.TryParse(xy[0], NumberStyles.Float, CultureInfo.InvariantCulture, out double x)
                || !double.TryParse(xy[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double y)
                || !double.IsFinite(x) || !double.IsFinite(y))
                return null;
            points.Add((x, y));
        }
        return points.Count == 0 ? null : points;
    }
}
