using Lessons.Core.Catalog;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Lessons.Core.Tutorials.Tutorial004;

/// <summary>
/// What every stage of the chapter shares: the learning rate and iteration count (In[4], In[7]),
/// the loss (In[6]), the accuracy (In[9]), and the optimizer loop that In[11] introduces and
/// every later stage repeats word for word.
/// </summary>
public static class FourClassTraining
{
    public static readonly LessonOption<double> Alpha =
        new("alpha", 0.5, "learning rate (the tutorial's alpha)", Check.Positive);

    public static readonly LessonOption<int> Iterations =
        new("iterations", 10000, "training iterations", v => v is >= 0 and <= 1_000_000 ? null : "must lie in [0, 1000000]");

    /// <summary>The options of a training stage: the data's, then alpha and iterations.</summary>
    public static IReadOnlyList<LessonOption> Options => [.. FourClassData.Options, Alpha, Iterations];

    /// <summary>The 2-3-3-4 network of every stage without a topology option.</summary>
    public static readonly IReadOnlyList<int> TutorialLayers = [2, 3, 3, 4];

    /// <summary>
    /// The memory of a stage that builds the data and a net with these layer sizes and trains it
    /// for <paramref name="iterations"/>: the data's (<see cref="FourClassData.EstimateBytes"/>); the
    /// (inputs + 1)×outputs weights of each layer, with their draw, gradient and copies, recorded
    /// before and after training; one step's activations on the 4n points, kept for backward (per
    /// layer the input with its ones column, the product and the sigmoid), the largest layer's
    /// gradients once more, and the loss's temporaries (ten [4n, 4]); the forward pass over the
    /// 121² decision-region grid, recorded; and a recorded loss per iteration.
    /// </summary>
    public static double EstimateBytes(OptionValues options, IReadOnlyList<int> layers, double iterations)
    {
        double points = 4.0 * options.Get(FourClassData.PointsPerClass), grid = RegionGrid * RegionGrid;
        double weights = 0, activations = 0, widest = 0;
        for (int i = 0; i + 1 < layers.Count; i++)
        {
            double inputs = layers[i] + 1, outputs = layers[i + 1];
            weights += inputs * outputs;
            activations += inputs + 2 * outputs;
            widest = Math.Max(widest, inputs + 2 * outputs);
        }
        return FourClassData.EstimateBytes(options)
            + weights * (4 * MemoryEstimate.Float32 + 2 * MemoryEstimate.RecordedNumber)
            + MemoryEstimate.Float32 * ((points + grid) * (activations + widest) + 10 * points * FourClassData.Classes)
            + grid * MemoryEstimate.RecordedNumber
            + iterations * MemoryEstimate.RecordedNumber;
    }

    /// <summary>The estimate of a training stage: its options' data, the given layers, its iterations.</summary>
    public static double EstimateBytes(OptionValues options, IReadOnlyList<int> layers) =>
        EstimateBytes(options, layers, options.Get(Iterations));

    /// <summary>
    /// In[6]: binary cross-entropy of every output against the one-hot target, summed over
    /// outputs and points and divided by the number of points E (not by E·K as BCELoss would).
    /// </summary>
    public static Tensor Loss(Tensor pred, Tensor target)
    {
        long points = pred.shape[0];
        return (-target * torch.log(pred) - (1 - target) * torch.log(1 - pred)).sum() / points;
    }

    /// <summary>In[9]: the share of points whose largest output is their class, a 0-dim float tensor.</summary>
    public static Tensor Accuracy(Tensor output, Tensor labels) =>
        (torch.argmax(output, dim: 1) == labels).sum() / labels.numel();

    /// <summary>
    /// In[11]'s loop: forward, loss, zero_grad, backward, record the loss, step, with
    /// <c>optimizer = torch.optim.SGD(parameters, lr=alpha)</c>. Returns the loss of every
    /// iteration (the tutorial's Loss list, which it plots).
    /// </summary>
    public static List<double> Train(LessonContext context, string stage, Func<Tensor, Tensor> forward,
        IEnumerable<Parameter> parameters, FourClassData data)
    {
        int iterations = context.Get(Iterations);
        using var optimizer = torch.optim.SGD(parameters, context.Get(Alpha));
        var losses = new List<double>(iterations);
        var snapshots = new RegionSnapshots(context);
        for (int i = 0; i < iterations; i++)
        {
            using var step = context.StepScope(stage, i, iterations);
            snapshots.Take(i, forward);
            var pred = forward(data.X);
            var loss = Loss(pred, data.OneHot);
            optimizer.zero_grad();
            loss.backward();
            losses.Add(LossItem(context, loss, i));
            optimizer.step();
        }
        snapshots.Record();
        return losses;
    }

    /// <summary>
    /// What every nn.Module stage does once its net is built: In[11]'s loop over
    /// net.parameters(), through the net's own forward (net(X)), In[9]'s accuracy, the records for
    /// the plots, and the accuracy printed.
    /// </summary>
    public static void TrainModule(LessonContext context, FourClassData data, nn.Module<Tensor, Tensor> net)
    {
        context.Record("initial parameters", net.parameters().ToList());
        var losses = Train(context, "training", net.call, net.parameters(), data);
        var accuracy = Accuracy(net.call(data.X), data.Labels);
        Report(context, data, losses, accuracy, net.parameters(), net.call);
        context.Print("accuracy:", accuracy);
    }

    /// <summary><c>L.item()</c>, stopping the lesson with a clear message once it is no longer finite.</summary>
    public static double LossItem(LessonContext context, Tensor loss, int iteration)
    {
        double value = loss.item<float>();
        context.EnsureFinite(value, "loss", iteration, "lower alpha (e.g. --set alpha=0.5)");
        return value;
    }

    /// <summary>
    /// Records what the chapter's plots and accuracy need: the loss of every iteration (the
    /// tutorial's plt.plot(Loss)), the accuracy (In[9]'s formula) and the trained parameters (enough
    /// to draw the decision regions later); prints the loss curve's ends.
    /// </summary>
    public static void Report(LessonContext context, FourClassData data, List<double> losses, Tensor accuracy,
        IEnumerable<Tensor> parameters, Func<Tensor, Tensor> trainedForward)
    {
        if (losses.Count > 0)
            context.Print("Loss[0] =", losses[0], "Loss[-1] =", losses[^1]);
        context.Record("loss", losses);
        context.Record("accuracy", accuracy);
        context.Record("final parameters", parameters.ToList());
        RecordDecisionRegions(context, trainedForward);
        RecordPoints(context, data);
    }

    /// <summary>The data as the scatter plots draw it: x, y and the class of each point.</summary>
    public static void RecordPoints(LessonContext context, FourClassData data)
    {
        context.Record("X[:,0]", data.X[.., 0]);
        context.Record("X[:,1]", data.X[.., 1]);
        context.Record("y", data.Labels);
    }

    /// <summary>Half the side of the square the decision regions are drawn over, and its grid size.</summary>
    public const double RegionExtent = 3.0;
    public const int RegionGrid = 121;

    /// <summary>
    /// The class the trained net picks at each point of a grid over [-3, 3]² (for the decision-region
    /// picture): row i is y = axis[i], column j is x = axis[j].
    /// </summary>
    static void RecordDecisionRegions(LessonContext context, Func<Tensor, Tensor> trainedForward)
    {
        using var scope = torch.NewDisposeScope();
        var (axis, points) = RegionGridPoints(context.Device);
        var classes = RegionClasses(points, trainedForward);
        context.Record("decision regions axis", axis);
        context.Record("decision regions", Enumerable.Range(0, RegionGrid).Select(i => classes[i]).ToList());
    }

    /// <summary>The grid's axis and its points, [RegionGrid², 2], x varying fastest.</summary>
    static (Tensor Axis, Tensor Points) RegionGridPoints(Device device)
    {
        var axis = torch.linspace(-RegionExtent, RegionExtent, RegionGrid, device: device);
        var grid = torch.meshgrid([axis, axis], indexing: "xy");
        return (axis, torch.stack([grid[0].reshape(-1), grid[1].reshape(-1)], dim: 1));
    }

    /// <summary>The class the net picks at each grid point, [RegionGrid, RegionGrid]; outside the graph.</summary>
    static Tensor RegionClasses(Tensor points, Func<Tensor, Tensor> forward)
    {
        using var noGrad = torch.no_grad();
        return torch.argmax(forward(points), dim: 1).reshape(RegionGrid, RegionGrid);
    }

    /// <summary>
    /// The decision regions every <see cref="SnapshotEvery"/> iterations while a net trains, for the
    /// animation of the regions as training goes. Each is kept as one string of class digits
    /// (row i is y = axis[i], as "decision regions"), so 40 grids cost little memory; the net is
    /// evaluated outside the graph, so training is unchanged. Taken only when something will draw
    /// them (<see cref="LessonContext.RecordsFrames"/>): they cost about 3% of a stage's time.
    /// </summary>
    public sealed class RegionSnapshots(LessonContext context)
    {
        public const int SnapshotEvery = 250;

        readonly Tensor points = RegionGridPoints(context.Device).Points;
        readonly List<long> iterations = [];
        readonly List<string> grids = [];

        public void Take(int iteration, Func<Tensor, Tensor> forward)
        {
            if (!context.RecordsFrames || iteration % SnapshotEvery != 0) return;
            long[] classes = RegionClasses(points, forward).cpu().data<long>().ToArray();
            iterations.Add(iteration);
            grids.Add(string.Concat(classes.Select(c => (char)('0' + c))));
        }

        public void Record()
        {
            if (!context.RecordsFrames) return;
            context.Record("region snapshot iterations", iterations);
            context.Record("region snapshots", grids);
        }
    }
}
