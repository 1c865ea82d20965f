using Lessons.Core.Catalog;
using Lessons.Core.Python;
using TorchSharp;
using static TorchSharp.torch;

namespace Lessons.Core.Tutorials.Tutorial001;

/// <summary>
/// The first exercise (思考) of tutorial 001: fit y = w·x + b to points drawn as
/// y = 2·x + (5 + randn(20, 1)) by gradient descent, autograd computing the gradients and the
/// updates written by hand, until the loss falls below a threshold or an iteration limit is hit.
/// </summary>
public sealed class LinearRegressionExercise : Lesson
{
    public override string Id => "linear-regression-exercise";
    public override string Title => "思考: a linear regression on y = 2·x + (5 + randn(20, 1)), trained until a stopping condition";
    public override LessonSource Source => new("001_527ed903e0dd4563.txt", 4, "思考", Position: 1);
    public override long? Seed => 0;

    static readonly LessonOption<double> Slope = new("slope", 2.0, "the slope in y = slope*x + (5 + randn(20, 1))", Check.Finite);
    static readonly LessonOption<int> Points = new("points", 20, "points drawn (the tutorial's 20)", Check.AtLeast(2));
    static readonly LessonOption<double> LearningRate = new("lr", 0.02, "gradient-descent step", Check.Positive);
    static readonly LessonOption<int> Iterations = new("iterations", 3000, "iteration limit: stop after this many updates", Check.AtLeast(1));
    static readonly LessonOption<double> LossThreshold = new("loss_threshold", 0.0, "stop once the loss falls below this (0: never, so the iteration limit stops)", Check.Finite);
    static readonly LessonOption<int> LogEvery = new("log_every", 200, "print the loss and the line every this many iterations", Check.AtLeast(1));

    public override IReadOnlyList<LessonOption> Options => [Slope, Points, LearningRate, Iterations, LossThreshold, LogEvery];

    /// <summary>
    /// x, y and a few temporaries of <c>points</c> floats each per step, the recorded data, the
    /// loss of every iteration, and a printed line and four numbers per logged iteration.
    /// </summary>
    public override double EstimateBytes(OptionValues options)
    {
        double points = options.Get(Points), iterations = options.Get(Iterations);
        double logged = Math.Floor(iterations / options.Get(LogEvery)) + 1;
        return MemoryEstimate.Float32 * 8 * points
            + 2 * points * MemoryEstimate.RecordedNumber
            + (iterations + 1) * MemoryEstimate.RecordedNumber
            + logged * (MemoryEstimate.PrintedLine + 4 * MemoryEstimate.RecordedNumber);
    }

    public override void Run(LessonContext context)
    {
        double slope = context.Get(Slope);
        int points = context.Get(Points);
        double lr = context.Get(LearningRate);
        int iterations = context.Get(Iterations);
        double lossThreshold = context.Get(LossThreshold);
        int logEvery = context.Get(LogEvery);
        Device device = context.Device;

        // The data, y = slope*x + (5 + noise), then the initial w: drawn on the CPU generator
        // (the same numbers on any device) and then moved to the device.
        context.ManualSeed();
        var x = torch.rand(points, 1) * 10;
        var y = slope * x + (5 + torch.randn(points, 1));
        var w = torch.randn(1).to(device).requires_grad_();
        var b = torch.zeros(1, device: device).requires_grad_();
        context.Record("x", Py.ToList(x));
        context.Record("y", Py.ToList(y));
        x = x.to(device);
        y = y.to(device);

        var lossHistory = new List<double>();
        var logged = new List<(long Iteration, double Loss, double W, double B)>();
        long? stoppedAt = null;
        double lossValue = double.NaN;
        for (int iteration = 0; iteration <= iterations; iteration++)
        {
            using var step = context.StepScope("training", iteration, iterations);
            var yPred = torch.add(torch.mul(w, x), b);
            var loss = (0.5 * (y - yPred).pow(2)).mean();
            lossValue = Py.Item(loss);
            context.EnsureFinite(lossValue, "loss", iteration, "lower lr (below about 2 / (1 + mean x^2))");
            lossHistory.Add(lossValue);

            bool last = iteration == iterations || lossValue < lossThreshold;
            if (iteration % logEvery == 0 || last)
            {
                double wValue = Py.Item(w), bValue = Py.Item(b);
                context.Print($"iteration {iteration}: loss={PyFloat.Fixed(lossValue, 6)} w={PyFloat.Fixed(wValue, 6)} b={PyFloat.Fixed(bValue, 6)}");
                logged.Add((iteration, lossValue, wValue, bValue));
            }
            if (lossValue < lossThreshold)
            {
                stoppedAt = iteration;
                break;
            }
            if (iteration == iterations) break;

            // Autograd computes the gradients; the descent step is written by hand, outside the graph.
            loss.backward();
            using (torch.no_grad())
            {
                w.sub_(lr * w.grad!);
                b.sub_(lr * b.grad!);
            }
            w.grad!.zero_();
            b.grad!.zero_();
        }

        double wFinal = Py.Item(w), bFinal = Py.Item(b);
        if (stoppedAt is long stop)
            context.Print($"stopped: the loss {PyFloat.Fixed(lossValue, 6)} fell below {Py.Repr(lossThreshold)} at iteration {stop}");
        else
            context.Print($"stopped: the iteration limit, {iterations} updates (the loss never fell below {Py.Repr(lossThreshold)})");
        context.Print($"fitted line: y = {PyFloat.Fixed(wFinal, 4)}*x + {PyFloat.Fixed(bFinal, 4)}");

        context.Record("w", wFinal);
        context.Record("b", bFinal);
        context.Record("final loss", lossValue);
        context.Record("updates", stoppedAt ?? iterations);
        context.Record("stopped at iteration", stoppedAt);
        context.Record("reached threshold", stoppedAt is not null);
        context.Record("loss history", lossHistory);
        context.Record("logged iterations", logged.Select(l => l.Iteration).ToList());
        context.Record("logged loss", logged.Select(l => l.Loss).ToList());
        context.Record("logged w", logged.Select(l => l.W).ToList());
        context.Record("logged b", logged.Select(l => l.B).ToList());
    }
}
