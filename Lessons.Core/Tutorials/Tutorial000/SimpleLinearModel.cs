using Lessons.Core.Catalog;
using Lessons.Core.Python;
using TorchSharp;
using static TorchSharp.torch;

namespace Lessons.Core.Tutorials.Tutorial000;

/// <summary>
/// A one-weight model, Linear(1, 1, bias=False), learns y = 2x on three points with SGD on the
/// summed squared error: the cost falls every epoch and the weight ends near 2.
/// </summary>
public sealed class SimpleLinearModel : Lesson
{
    public override string Id => "simple-linear-model";
    public override string Title => "pytorch实现一个简单的神经网络: Linear(1, 1, bias=False) learns y = 2x";
    public override LessonSource Source => new("000_a37f91e8c941d689.txt", 6, "6.pytorch实现一个简单的神经网络", Position: 1);
    public override long? Seed => 2;

    public override void Run(LessonContext context)
    {
        int epochs = context.Get(Epochs);

        context.ManualSeed();
        var xData = torch.tensor(new float[,] { { 1 }, { 2 }, { 3 } }, device: context.Device);
        var yData = torch.tensor(new float[,] { { 2 }, { 4 }, { 6 } }, device: context.Device);

        var model = new Model().to(context.Device); // drawn on the CPU generator, then moved
        var weight = model.parameters().Single();
        context.Record("initial weight", weight.item<float>());
        var criterion = nn.MSELoss(nn.Reduction.Sum);
        var optimizer = torch.optim.SGD(model.parameters(), context.Get(LearningRate));

        var cost = new List<double>();
        var weights = new List<double>();
        foreach (int epoch in context.Steps(epochs))
        {
            var y_pred = model.call(xData);
            var loss = criterion.call(y_pred, yData);
            double lossValue = loss.item();
            cost.Add(lossValue);
            optimizer.zero_grad();
            loss.backward();
            optimizer.step();
            weights.Add(weight.item<float>());
            context.Print($"epoch {epoch}: cost {Py.Str(lossValue)}");
        }

        // list(model.parameters()), as the notebook displays it.
        context.Print(Py.Repr(model.parameters().Select(p => new PyParameter(p)).ToList()));

        context.Record(("cost", cost), ("weight by epoch", weights), ("weight", weight.item<float>()));
    }

    static readonly LessonOption<double> LearningRate = new("lr", 0.01, "SGD learning rate", Check.Positive);
    static readonly LessonOption<int> Epochs = new("epochs", 20, "training epochs", Check.AtLeast(1));

    public override IReadOnlyList<LessonOption> Options => [LearningRate, Epochs];

    // Three points: only the transcript line and the two recorded numbers of each epoch grow.
    public override double EstimateBytes(OptionValues options) =>
        options.Get(Epochs) * (MemoryEstimate.PrintedLine + 2 * MemoryEstimate.RecordedNumber);

    /// <summary>The tutorial's Model: one Linear layer without bias.</summary>
    public sealed class Model : nn.Module<Tensor, Tensor>
    {
        readonly nn.Module<Tensor, Tensor> linear;

        /// <summary>Builds the layer on the CPU, where nn.Linear draws its initial weight; move the model with <c>to(device)</c>.</summary>
        public Model() : base(nameof(Model))
        {
            linear = nn.Linear(1, 1, hasBias: false);
            RegisterComponents();
        }

        public override Tensor forward(Tensor x)
        {
            var y_pred = linear.call(x);
            return y_pred;
        }
    }
}
