using Lessons.Core.Catalog;
using TorchSharp;
using static TorchSharp.torch;

namespace Lessons.Core.Tutorials.Tutorial000;

/// <summary>
/// Linear regression y = w·x by gradient descent with the gradient of the mean squared error
/// written by hand, as the tutorial's numpy program does; w approaches 2.
/// </summary>
public sealed class LinearRegressionManual : Lesson
{
    public override string Id => "linear-regression-manual";
    public override string Title => "numpy和pytorch实现线性回归: gradient descent by hand (numpy)";
    public override LessonSource Source => new("000_a37f91e8c941d689.txt", 5, "5.numpy和pytorch实现线性回归 (numpy)", Position: 1);

    public override void Run(LessonContext context)
    {
        int epochs = context.Get(Epochs);
        double lr = context.Get(LearningRate);
        using var noAutograd = torch.no_grad();

        var xData = torch.tensor(new double[] { 1, 2, 3 }, device: context.Device);
        var yData = torch.tensor(new double[] { 2, 4, 6 }, device: context.Device);
        double w = 0;
        var cost = new List<double>();
        var trajectory = new List<double> { w };

        foreach (int epoch in context.Steps(epochs))
        {
            var yhat = xData * w;
            double loss = (yhat - yData).pow(2).mean().item();
            cost.Add(loss);
            // d/dw of mean((w x - y)^2) = -2 (y - w x) . x / n
            double dw = torch.dot((yData - yhat) * -2.0, xData).item<double>() / xData.shape[0];
            w = w - lr * dw;
            trajectory.Add(w);
        }
        context.Print(w);
        context.Record("cost", cost);
        context.Record("w by epoch", trajectory);
    }

    static readonly LessonOption<int> Epochs = new("epochs", 10, "gradient-descent epochs", Check.AtLeast(1));
    static readonly LessonOption<double> LearningRate = new("lr", 0.1, "learning rate", Check.Positive);

    public override IReadOnlyList<LessonOption> Options => [Epochs, LearningRate];

    // Three points: only the two recorded numbers of each epoch (cost, w) grow.
    public override double EstimateBytes(OptionValues options) =>
        2.0 * options.Get(Epochs) * MemoryEstimate.RecordedNumber;
}
