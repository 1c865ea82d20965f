using Lessons.Core.Catalog;
using TorchSharp;
using static TorchSharp.torch;

namespace Lessons.Core.Tutorials.Tutorial004;

/// <summary>
/// What the tutorial defines once and every stage of the chapter uses: In[5]'s <c>forward</c> and
/// In[6]'s <c>loss</c>, under the tutorial's names (a lesson imports them with <c>using static</c>).
/// </summary>
public static class FourClass
{
    /// <summary>In[5] (and In[10]): three layers of sigmoid(A·W + b).</summary>
    public static Tensor forward(Tensor X, Tensor W1, Tensor W2, Tensor W3, Tensor b1, Tensor b2, Tensor b3)
    {
        var A0 = X;
        var Z1 = torch.matmul(A0, W1) + b1;
        var A1 = torch.sigmoid(Z1);
        var Z2 = torch.matmul(A1, W2) + b2;
        var A2 = torch.sigmoid(Z2);
        var Z3 = torch.matmul(A2, W3) + b3;
        var A3 = torch.sigmoid(Z3);
        return A3;
    }

    /// <summary>
    /// In[6]: binary cross-entropy of every output against the one-hot target, summed over
    /// outputs and points and divided by the number of points E (not by E·K as BCELoss would).
    /// </summary>
    public static Tensor loss(Tensor pred, Tensor target)
    {
        long E = pred.shape[0];
        return (-target * torch.log(pred) - (1 - target) * torch.log(1 - pred)).sum() / E;
    }
}

/// <summary>
/// The names under which a stage's results are read, by the stage's figures, its variants and the
/// tests: each is what the lesson prints or plots (<c>plt.plot(Loss)</c> keeps <c>Loss</c>), or what
/// <see cref="StageRecord"/> keeps for the pictures.
/// </summary>
public static class FourClassResults
{
    public const string Loss = "Loss";
    public const string Accuracy = "accuracy";
    public const string InitialParameters = "initial parameters";
    public const string FinalParameters = "final parameters";
    public const string RegionsAxis = "decision regions axis";
    public const string Regions = "decision regions";
    public const string SnapshotIterations = "region snapshot iterations";
    public const string Snapshots = "region snapshots";
    public const string FirstCoordinate = "X[.., 0]";
    public const string SecondCoordinate = "X[.., 1]";
    public const string Labels = "y";
}

/// <summary>
/// The options and memory estimates the training stages share: the learning rate and iteration count
/// (In[4], In[7]) with the tutorial's values as defaults.
/// </summary>
public static class FourClassTraining
{
    public static readonly LessonOption<double> Alpha =
        new("alpha", 0.5, "learning rate (the tutorial's alpha)", Check.Positive);

    public static readonly LessonOption<int> Iterations =
        new("iterations", 10000, "training iterations", v => v is >= 0 and <= 1_000_000 ? null : "must lie in [0, 1000000]");

    /// <summary>The options of a training stage: the data's, then alpha and iterations.</summary>
    public static IReadOnlyList<LessonOption> Options => [.. FourClassData.Options, Alpha, Iterations];

    /// <summary>What a diverging stage's one line says to change.</summary>
    public const string DivergenceHint = "lower alpha (e.g. --set alpha=0.5)";

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
        double points = 4.0 * options.Get(FourClassData.PointsPerClass), grid = StageRecord.RegionGrid * StageRecord.RegionGrid;
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
}
