using Lessons.Core.Catalog;
using Lessons.Core.Python;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Lessons.Core.Tutorials.Tutorial001;

/// <summary>
/// Logistic regression: a linear layer followed by a sigmoid separates two Gaussian clusters,
/// trained with binary cross-entropy and SGD with momentum until the accuracy exceeds 0.99.
/// </summary>
public sealed class LogisticRegression : Lesson
{
    public override string Id => "logistic-regression";
    public override string Title => "4. 逻辑回归: logistic regression of two Gaussian clusters";
    public override LessonSource Source => new("001_527ed903e0dd4563.txt", 4, "4. 逻辑回归");
    public override long? Seed => 10;

    static readonly LessonOption<int> SampleNums = new("sample_nums", 100, "points in each class", Check.AtLeast(1));
    static readonly LessonOption<double> MeanValue = new("mean_value", 1.7, "class 0 is centred on (mean_value, mean_value) + bias, class 1 on (-mean_value, -mean_value) + bias", Check.Finite);
    static readonly LessonOption<double> Bias = new("bias", 1.0, "shift added to both classes", Check.Finite);
    static readonly LessonOption<double> LearningRate = new("lr", 0.01, "SGD learning rate", Check.Positive);
    static readonly LessonOption<double> Momentum = new("momentum", 0.9, "SGD momentum", Check.InRange(0, 1));
    static readonly LessonOption<int> Iterations = new("iterations", 1000, "iteration limit", Check.AtLeast(1));
    static readonly LessonOption<int> LogEvery = new("log_every", 20, "measure the accuracy and print every this many iterations", Check.AtLeast(1));
    static readonly LessonOption<double> StopAccuracy = new("stop_accuracy", 0.99, "stop once the accuracy exceeds this", Check.InRange(0, 1));

    public override IReadOnlyList<LessonOption> Options =>
        [SampleNums, MeanValue, Bias, LearningRate, Momentum, Iterations, LogEvery, StopAccuracy];

    /// <summary>
    /// The data, drawn on the CPU: for each class ones, std, mean·ones, the normal draw and its
    /// shift (sample_nums×2 each), the labels, and train_x, train_y: about 24·sample_nums floats;
    /// each iteration about 20·sample_nums more (prediction, BCE and its gradient, the accuracy
    /// mask). Managed: every point recorded as an [x, y] list (about 8 recorded numbers' worth with
    /// its JSON), a loss per iteration (the worst case: no early stop), three lines per log.
    /// </summary>
    public override double EstimateBytes(OptionValues options)
    {
        double samples = options.Get(SampleNums), iterations = options.Get(Iterations);
        double logged = Math.Floor(iterations / options.Get(LogEvery)) + 1;
        return MemoryEstimate.Float32 * 44 * samples
            + 2 * samples * 8 * MemoryEstimate.RecordedNumber
            + iterations * MemoryEstimate.RecordedNumber
            + logged * (3 * MemoryEstimate.PrintedLine + 6 * MemoryEstimate.RecordedNumber);
    }

    /// <summary>The tutorial's LR module: features = Linear(2, 1), then a sigmoid.</summary>
    sealed class LogisticRegressionModel : nn.Module<Tensor, Tensor>
    {
        public readonly Linear features = nn.Linear(2, 1);
        readonly Sigmoid sigmoid = nn.Sigmoid();

        public LogisticRegressionModel() : base("LR") => RegisterComponents();

        public override Tensor forward(Tensor x) => sigmoid.forward(features.forward(x));
    }

    public override void Run(LessonContext context)
    {
        int sampleNums = context.Get(SampleNums);
        double meanValue = context.Get(MeanValue);
        double bias = context.Get(Bias);
        double lr = context.Get(LearningRate);
        double momentum = context.Get(Momentum);
        int iterations = context.Get(Iterations);
        int logEvery = context.Get(LogEvery);
        double stopAccuracy = context.Get(StopAccuracy);
        Device device = context.Device;

        context.ManualSeed();

        // Step 1/5, the data: two clusters of normal points (std 1), shifted by bias, drawn on the
        // CPU generator (the tutorial's numbers on any device) and then moved to the device.
        var nData = torch.ones(sampleNums, 2);
        var std = torch.ones_like(nData);
        var x0 = torch.normal(meanValue * nData, std) + bias;   // class 0, shape (sample_nums, 2)
        var y0 = torch.zeros(sampleNums);
        var x1 = torch.normal(-meanValue * nData, std) + bias;  // class 1
        var y1 = torch.ones(sampleNums);
        var trainX = torch.cat([x0, x1], 0).to(device);
        var trainY = torch.cat([y0, y1], 0).to(device);

        // Steps 2-4: the model (its Linear draws its initial weight, then its bias, on the CPU;
        // then it moves to the device), BCE, SGD.
        var model = new LogisticRegressionModel().to(device);
        context.Record("initial w", model.features.weight![0]);
        context.Record("initial b", model.features.bias![0]);
        var lossFn = nn.BCELoss();
        using var optimizer = torch.optim.SGD(model.parameters(), lr, momentum: momentum);

        var lossHistory = new List<double>();
        var logged = new List<(long Iteration, double Loss, double W0, double W1, double B, double Accuracy)>();
        long? stoppedAt = null;

        // Step 5, training.
        for (int iteration = 0; iteration < iterations; iteration++)
        {
            using var step = context.StepScope("training", iteration, iterations);
            var yPred = model.forward(trainX);
            // Weights blown up by too large a step make the prediction NaN, which BCELoss rejects.
            context.EnsureFinite(Py.Item(yPred.sum()), "the prediction", iteration, "lower lr");
            var loss = lossFn.forward(yPred.squeeze(), trainY);
            loss.backward();
            optimizer.step();
            optimizer.zero_grad();

            double lossValue = Py.Item(loss);
            context.EnsureFinite(lossValue, "loss", iteration, "lower lr");
            lossHistory.Add(lossValue);

            if (iteration % logEvery == 0)
            {
                var mask = yPred.ge(0.5).@float().squeeze();   // classify at threshold 0.5
                long correct = mask.eq(trainY).sum().item<long>();
                double accuracy = correct / (double)trainY.size(0);
                var weight = model.features.weight![0];
                double w0 = Py.Item(weight[0]), w1 = Py.Item(weight[1]);
                double plotB = Py.Item(model.features.bias![0]);
                context.EnsureFinite(w0 + w1 + plotB, "a weight", iteration, "lower lr");

                // What the tutorial's plot shows: its title, then its loss text.
                context.Print($"Iteration: {iteration}");
                context.Print($"w0:{PyFloat.Fixed(w0, 2)} w1:{PyFloat.Fixed(w1, 2)} b: {PyFloat.Fixed(plotB, 2)} accuracy:{PyFloat.Fixed(accuracy * 100, 2)}%");
                context.Print($"Loss={PyFloat.Fixed(lossValue, 4)}");
                logged.Add((iteration, lossValue, w0, w1, plotB, accuracy));

                if (accuracy > stopAccuracy)
                {
                    stoppedAt = iteration;
                    break;
                }
            }
        }

        if (stoppedAt is long stop)
            context.Print($"accuracy {PyFloat.Fixed(logged[^1].Accuracy * 100, 2)}% exceeds {Py.Repr(stopAccuracy)} at iteration {stop}: training stops");
        else if (logged.Count > 0)
            context.Print($"accuracy never exceeded {Py.Repr(stopAccuracy)} in {iterations} iterations "
                + $"(last measured: {PyFloat.Fixed(logged[^1].Accuracy * 100, 2)}% at iteration {logged[^1].Iteration}, "
                + $"best: {PyFloat.Fixed(logged.Max(l => l.Accuracy) * 100, 2)}%)");

        context.Record("x0", Points(x0));
        context.Record("x1", Points(x1));
        context.Record("train_x shape", trainX.shape);
        context.Record("train_y shape", trainY.shape);
        context.Record("loss history", lossHistory);
        context.Record("logged iterations", logged.Select(l => l.Iteration).ToList());
        context.Record("logged loss", logged.Select(l => l.Loss).ToList());
        context.Record("logged w0", logged.Select(l => l.W0).ToList());
        context.Record("logged w1", logged.Select(l => l.W1).ToList());
        context.Record("logged b", logged.Select(l => l.B).ToList());
        context.Record("logged accuracy", logged.Select(l => l.Accuracy).ToList());
        context.Record("stopped at iteration", stoppedAt);
        context.Record("reached accuracy", stoppedAt is not null);
    }

    /// <summary>A (n, 2) tensor as a list of [x, y] points, for a scatter plot.</summary>
    static List<List<double>> Points(Tensor xy)
    {
        List<double> flat = Py.ToList(xy);
        return Enumerable.Range(0, flat.Count / 2).Select(i => new List<double> { flat[2 * i], flat[2 * i + 1] }).ToList();
    }
}
