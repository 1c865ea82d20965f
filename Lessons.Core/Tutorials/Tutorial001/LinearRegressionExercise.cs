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

    public override void Run(LessonContext context)
    {
        // The data, y = slope*x + (5 + torch.randn(20, 1)), then the initial w: drawn on the CPU
        // generator (the same numbers on any device) and then moved to the device.
        context.ManualSeed();
        var x = torch.rand(context.Get(Points), 1) * 10;
        var y = context.Get(Slope) * x + (5 + torch.randn(context.Get(Points), 1));
        context.plt.scatter(x, y);
        x = x.to(context.Device);
        y = y.to(context.Device);
        var w = torch.randn(1).to(context.Device).requires_grad_();
        var b = torch.zeros(1, device: context.Device).requires_grad_();
        double lr = context.Get(LearningRate);

        var log = new TrainingLog(context);
        foreach (int iteration in context.Steps(context.Get(Iterations) + 1))
        {
            var y_pred = torch.add(torch.mul(w, x), b);
            var loss = (0.5 * (y - y_pred).pow(2)).mean();
            // The stopping conditions: the loss threshold, or the iteration limit (no update after it).
            if (log.Log(iteration, loss.item(), w, b)) break;

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
        log.Conclude(w, b);
    }

    /// <summary>
    /// The run's log: every loss, a printed line and the line's numbers every log_every iterations
    /// (and at the last), whether a stopping condition holds, and the results at the end.
    /// </summary>
    sealed class TrainingLog(LessonContext context)
    {
        readonly List<double> lossHistory = [];
        readonly List<(long Iteration, double Loss, double W, double B)> logged = [];
        long? stoppedAt;
        double lossValue = double.NaN;

        /// <summary>Logs iteration <paramref name="iteration"/>; true when training stops here.</summary>
        public bool Log(long iteration, double loss, torch.Tensor w, torch.Tensor b)
        {
            lossValue = loss;
            lossHistory.Add(loss);
            int iterations = context.Get(Iterations);
            double threshold = context.Get(LossThreshold);
            bool last = iteration == iterations || loss < threshold;
            if (iteration % context.Get(LogEvery) == 0 || last)
            {
                double wValue = Py.Item(w), bValue = Py.Item(b);
                context.Print($"iteration {iteration}: loss={PyFloat.Fixed(loss, 6)} w={PyFloat.Fixed(wValue, 6)} b={PyFloat.Fixed(bValue, 6)}");
                logged.Add((iteration, loss, wValue, bValue));
            }
            if (loss < threshold) stoppedAt = iteration;
            return last;
        }

        public void Conclude(torch.Tensor w, torch.Tensor b)
        {
            int iterations = context.Get(Iterations);
            double threshold = context.Get(LossThreshold);
            double wFinal = Py.Item(w), bFinal = Py.Item(b);
            if (stoppedAt is long stop)
                context.Print($"stopped: the loss {PyFloat.Fixed(lossValue, 6)} fell below {Py.Repr(threshold)} at iteration {stop}");
            else
                context.Print($"stopped: the iteration limit, {iterations} updates (the loss never fell below {Py.Repr(threshold)})");
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

    public override string DivergenceHint => "lower lr (below about 2 / (1 + mean x^2))";

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
}
