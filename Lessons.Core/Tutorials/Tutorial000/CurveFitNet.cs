using Lessons.Core.Catalog;
using Lessons.Core.Python;
using TorchSharp;
using static TorchSharp.torch;

namespace Lessons.Core.Tutorials.Tutorial000;

/// <summary>
/// A 1-10-1 ReLU net fits y = x² plus noise on 100 points in [-1, 1] with SGD, the tutorial's
/// PyTorch regression; the loss it draws on its plot every 10 steps is printed.
/// </summary>
public sealed class CurveFitNet : Lesson
{
    public override string Id => "curve-fit-net";
    public override string Title => "numpy和pytorch实现线性回归: a 1-10-1 net fits y = x² (pytorch)";
    public override LessonSource Source => new("000_a37f91e8c941d689.txt", 5, "5.numpy和pytorch实现线性回归 (pytorch)", Position: 2);
    public override long? Seed => 1;

    public override void Run(LessonContext context)
    {
        int points = context.Get(Points);
        int steps = context.Get(Steps);
        int logEvery = context.Get(LogEvery);

        // Drawn on the CPU generator (the tutorial's numbers on any device), then moved.
        context.ManualSeed();
        var x = torch.linspace(-1, 1, points).unsqueeze(1);
        var y = x.pow(2) + torch.rand(x.size()) * 0.2;
        context.plt.scatter(x, y);
        x = x.to(context.Device);
        y = y.to(context.Device);

        var net = new Net(nFeature: 1, nHidden: context.Get(Hidden), nOutput: 1).to(context.Device);
        context.Print(net);
        var optimizer = torch.optim.SGD(net.parameters(), context.Get(LearningRate));
        var loss_func = nn.MSELoss();

        var losses = new List<double>();
        var loggedSteps = new List<long>();
        var loggedLosses = new List<double>();
        var loggedPredictions = new List<object>();
        foreach (int t in context.Steps(steps))
        {
            var prediction = net.call(x);
            var loss = loss_func.call(prediction, y);
            double lossValue = loss.item();
            losses.Add(lossValue);

            optimizer.zero_grad();
            loss.backward();
            optimizer.step();
            if (t % logEvery == 0)
            {
                // The tutorial's plot caption for this prediction.
                context.Print("Loss=" + PyFloat.Fixed(lossValue, 4));
                loggedSteps.Add(t);
                loggedLosses.Add(lossValue);
                loggedPredictions.Add(Py.ToList(prediction));
            }
        }

        context.Record(("loss", losses), ("final loss", losses[^1]), ("logged steps", loggedSteps), ("logged loss", loggedLosses), ("logged predictions", loggedPredictions));
    }

    static readonly LessonOption<int> Points = new("points", 100, "points in [-1, 1]", Check.AtLeast(2));
    static readonly LessonOption<int> Hidden = new("n_hidden", 10, "hidden units", Check.AtLeast(1));
    static readonly LessonOption<double> LearningRate = new("lr", 0.2, "SGD learning rate", Check.Positive);
    static readonly LessonOption<int> Steps = new("steps", 100, "training steps", Check.AtLeast(1));
    static readonly LessonOption<int> LogEvery = new("log_every", 10, "draw (print) the loss every this many steps", Check.AtLeast(1));

    public override IReadOnlyList<LessonOption> Options => [Points, Hidden, LearningRate, Steps, LogEvery];

    /// <summary>
    /// The data (x, y and the noise: five points-long tensors), the net's 3·n_hidden + 1
    /// parameters with their gradients, one step's points×n_hidden activations and gradients (about
    /// five); recorded: a loss per step, and per logged step a line and the whole prediction.
    /// </summary>
    public override double EstimateBytes(OptionValues options)
    {
        double points = options.Get(Points), hidden = options.Get(Hidden), steps = options.Get(Steps);
        double logged = Math.Floor(steps / options.Get(LogEvery)) + 1;
        return MemoryEstimate.Float32 * (10 * points + 2 * (3 * hidden + 1) + 5 * points * hidden)
            + steps * MemoryEstimate.RecordedNumber
            + logged * (MemoryEstimate.PrintedLine + points * MemoryEstimate.RecordedNumber)
            + 2 * points * MemoryEstimate.RecordedNumber;
    }

    /// <summary>The tutorial's Net: a hidden Linear layer with ReLU, then a Linear prediction layer.</summary>
    public sealed class Net : nn.Module<Tensor, Tensor>
    {
        readonly nn.Module<Tensor, Tensor> hidden;
        readonly nn.Module<Tensor, Tensor> predict;

        /// <summary>Builds the layers on the CPU, where nn.Linear draws its initial weights; move the net with <c>to(device)</c>.</summary>
        public Net(int nFeature, int nHidden, int nOutput) : base(nameof(Net))
        {
            hidden = nn.Linear(nFeature, nHidden);
            predict = nn.Linear(nHidden, nOutput);
            RegisterComponents();
        }

        public override Tensor forward(Tensor x)
        {
            x = nn.functional.relu(hidden.call(x));
            x = predict.call(x);
            return x;
        }
    }
}
