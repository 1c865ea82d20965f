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

    public override void Run(LessonContext context)
    {
        // The surface the tutorial plots in 3-d: a 0.1 grid over [-6, 6), float64 as numpy's.
        {
            var x = torch.arange(-6.0, 6.0, 0.1, dtype: ScalarType.Float64, device: context.Device);
            var y = torch.arange(-6.0, 6.0, 0.1, dtype: ScalarType.Float64, device: context.Device);
            context.Print("x,y range:", Shape(x), Shape(y));
            var XY = torch.meshgrid([x, y], indexing: "xy");
            var (X, Y) = (XY[0], XY[1]);
            context.Print("x,y maps:", Shape(X), Shape(Y));
            var Z = himmelblau([X, Y]);
            context.Record("surface axis", x);
            context.Record("surface f (row: y = axis[i], column: x = axis[j])", Rows(Z));
        }

        // 梯度下降, from each start (the tutorial's [0., 0.]; its commented starts [1.,0.],[-4.,0.],[4.,0.]).
        foreach (var start in ParseStarts(context.Get(Starts))!)
        {
            context.Print($"start {Label(start)}:");
            var x = new Parameter(torch.tensor(new[] { (float)start.X, (float)start.Y }, device: context.Device));
            var optimizer = torch.optim.Adam([x], lr: context.Get(LearningRate));   // 待优化参数,学习率
            context.Observe(new HimmelblauPath(context, start, x));
            foreach (int step in context.Steps(context.Get(Steps), Label(start)))
            {
                var pred = himmelblau(x);
                optimizer.zero_grad();   // 将模型参数梯度初始化为0
                pred.backward();         // 反向传播计算梯度
                optimizer.step();        // 更新所有参数
                if (step % context.Get(LogEvery) == 0)
                    context.Print(string.Create(CultureInfo.InvariantCulture, $"step{step}:x={Py.Repr(Py.ToList(x))},f(x)={Py.Repr(pred.item())}"));
            }

            // This port's: where the descent ended, and the known minimum nearest to it.
            var end = Py.ToList(x);
            var nearest = NearestMinimum((end[0], end[1]));
            using (torch.no_grad())
                context.Print($"start {Label(start)} ends at x={Py.Repr(end)}, f(x)={Py.Repr(himmelblau(x).item())}; nearest minimum "
                    + $"({Py.Repr(nearest.X)}, {Py.Repr(nearest.Y)}), {PyFloat.Scientific(Distance(nearest, (end[0], end[1])), 2)} away");
        }
    }

    // The constants as Scalars made once: an implicit conversion would allocate one per use.
    static readonly Scalar two = 2, eleven = 11, seven = 7;

    /// <summary>The tutorial's himmelblau(x): (x[0]**2 + x[1] - 11)**2 + (x[0] + x[1]**2 - 7)**2.</summary>
    internal static Tensor himmelblau(IList<Tensor> x) =>
        (x[0].pow(two) + x[1] - eleven).pow(two) + (x[0] + x[1].pow(two) - seven).pow(two);

    /// <summary>himmelblau of a point held in one tensor, as the tutorial calls it on its parameter.</summary>
    internal static Tensor himmelblau(Tensor x) => himmelblau([x[0], x[1]]);


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
    internal static readonly LessonOption<int> Steps = new("steps", 20000, "optimisation steps from each starting point", Check.AtLeast(1));
    internal static readonly LessonOption<int> LogEvery = new("log_every", 2000, "print x and f(x) every this many steps", Check.AtLeast(1));
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

    internal static string Label((double X, double Y) start) => "[" + Py.Repr(start.X) + ", " + Py.Repr(start.Y) + "]";

    /// <summary>The known minimum closest to <paramref name="point"/>: where a descent that ends there has landed.</summary>
    internal static (double X, double Y) NearestMinimum((double X, double Y) point) => KnownMinima.MinBy(m => Distance(m, point));

    internal static double Distance((double X, double Y) a, (double X, double Y) b) => Math.Sqrt(Math.Pow(a.X - b.X, 2) + Math.Pow(a.Y - b.Y, 2));

    /// <summary>A 2-d tensor as a list of rows (a trajectory's [x, y] points, a surface's rows).</summary>
    internal static List<List<double>> Rows(Tensor matrix)
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

/// <summary>
/// What himmelblau's pictures and tests read from one descent, taken by its loop
/// (<see cref="LessonContext.Steps"/> shows it every step): the path every 100 steps, each logged
/// step's x after the step and f(x) before it (what the tutorial's print shows), and where it ends,
/// f(x) there checked for divergence. Later starts append their start and end to the earlier ones'.
/// </summary>
sealed class HimmelblauPath(LessonContext context, (double X, double Y) start, Tensor x) : IStepObserver
{
    readonly List<List<double>> trajectory = [];
    readonly List<long> loggedSteps = [];
    readonly List<List<double>> loggedX = [];
    readonly List<double> loggedF = [];
    bool pending;

    public void Step(long step)
    {
        TakeLoggedX();
        if (step % Himmelblau.TraceEvery == 0) trajectory.Add(Py.ToList(x));
        if (step % context.Get(Himmelblau.LogEvery) == 0)
        {
            using var noGrad = torch.no_grad();
            loggedSteps.Add(step);
            loggedF.Add(Py.Item(Himmelblau.himmelblau(x)));
            pending = true;
        }
    }

    // As the tutorial's print follows the step: x after it.
    void TakeLoggedX()
    {
        if (!pending) return;
        loggedX.Add(Py.ToList(x));
        pending = false;
    }

    public void End()
    {
        TakeLoggedX();
        int steps = context.Get(Himmelblau.Steps);
        if (steps % Himmelblau.TraceEvery == 0) trajectory.Add(Py.ToList(x));
        double endValue;
        using (torch.no_grad())
            endValue = Py.Item(Himmelblau.himmelblau(x));
        context.EnsureFinite(endValue, "f(x)", steps, "lower lr");
        string prefix = $"start {Himmelblau.Label(start)}";
        context.Record(prefix + " logged steps", loggedSteps);
        context.Record(prefix + " logged x", loggedX);
        context.Record(prefix + " logged f(x)", loggedF);
        context.Record(prefix + " trajectory (every 100 steps)", trajectory);
        context.Record(prefix + " end x", Py.ToList(x));
        context.Record(prefix + " end f(x)", endValue);
        Append("starts", new List<double> { start.X, start.Y });
        Append("end points", Py.ToList(x));
        Append("end values", endValue);
    }

    void Append(string name, object value)
    {
        var list = context.Results.TryGetValue(name, out object? kept) ? ((System.Collections.IList)kept!).Cast<object?>().ToList() : [];
        list.Add(value);
        context.Record(name, list);
    }
}
