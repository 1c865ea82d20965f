using Lessons.Core.Catalog;
using TorchSharp;
using static TorchSharp.torch;

namespace Lessons.Core.Tutorials.Tutorial004;

/// <summary>
/// The chapter's data set (004 In[2]), built once here for every stage: four clusters of N points
/// around (1, 1), (-1, 1), (-1, -1) and (1, -1), labelled 0, 1, 2, 3 by quadrant, stacked,
/// shuffled with <c>randperm</c>, and one-hot encoded.
/// </summary>
/// <param name="X">The points, [4N, 2], in shuffled order.</param>
/// <param name="y">The class of each point, [4N], float32 as in the tutorial (0., 1., 2., 3.).</param>
/// <param name="Y">The labels one-hot encoded, [4N, 4] (In[2]'s <c>Y = OneHot(y, 4)</c>).</param>
public sealed record FourClassData(Tensor X, Tensor y, Tensor Y)
{
    public const int Classes = 4;

    public static readonly LessonOption<int> PointsPerClass =
        new("n", 200, "points in each cluster (the tutorial's N)", Check.AtLeast(1));

    public static readonly LessonOption<double> Spread =
        new("var", 0.5, "scale of each cluster's noise (the tutorial's var: it multiplies randn, so it is a standard deviation)", Check.InRange(0, 10));

    /// <summary>The data options every stage of the chapter shares.</summary>
    public static IReadOnlyList<LessonOption> Options => [PointsPerClass, Spread];

    /// <summary>
    /// The data's memory for n points a cluster: the four clusters' draws, scaled and shifted (36n
    /// floats), the stacked and shuffled points and labels (32n), the randperm and the labels as
    /// int64 (8n), the one-hot made through int64 (16n int64, 16n float), and the points and labels
    /// recorded for the plots (12n numbers).
    /// </summary>
    public static double EstimateBytes(OptionValues options)
    {
        double n = options.Get(PointsPerClass);
        return n * (84 * MemoryEstimate.Float32 + 24 * MemoryEstimate.Int64 + 12 * MemoryEstimate.RecordedNumber);
    }

    /// <summary>
    /// <c>torch.manual_seed(0)</c> then the tutorial's draws, in its order: the cluster of label 0
    /// (x1, y1, l1), then labels 1 (x3, y3, l3), 2 (x4, y4, l4) and 3 (x2, y2, l2); the labels are
    /// drawn too (randn · 0 + k), so those draws must happen. The clusters are then stacked in the
    /// order x1, x2, x3, x4 (labels 0, 3, 1, 2) and shuffled with one randperm.
    /// </summary>
    public static FourClassData Build(LessonContext context)
    {
        int n = context.Get(PointsPerClass);
        double spread = context.Get(Spread);
        Device device = context.Device;

        context.ManualSeed();
        var c1 = Cluster(n, spread, 1, 1, label: 0);
        var c3 = Cluster(n, spread, -1, 1, label: 1);
        var c4 = Cluster(n, spread, -1, -1, label: 2);
        var c2 = Cluster(n, spread, 1, -1, label: 3);

        var firstCoordinate = torch.cat([c1.X, c2.X, c3.X, c4.X], dim: 0);
        var secondCoordinate = torch.cat([c1.Y, c2.Y, c3.Y, c4.Y], dim: 0);
        var points = torch.cat([firstCoordinate, secondCoordinate], dim: 1);
        var labels = torch.cat([c1.Label, c2.Label, c3.Label, c4.Label], dim: 0);

        var shuffle = torch.randperm(points.shape[0]);
        points = points.index_select(0, shuffle);   // X[idx, :]
        labels = labels.index_select(0, shuffle).flatten();
        var oneHot = OneHot(labels, Classes);
        return new FourClassData(points.to(device), labels.to(device), oneHot.to(device));
    }

    /// <summary>One cluster: x, y and the label, each a [N, 1] randn draw, in that order.</summary>
    static (Tensor X, Tensor Y, Tensor Label) Cluster(int n, double spread, double centreX, double centreY, int label)
    {
        var x = torch.randn(n, 1) * spread + centreX;
        var y = torch.randn(n, 1) * spread + centreY;
        var l = torch.randn(n, 1) * 0 + label;
        return (x, y, l);
    }

    /// <summary>
    /// The tutorial's OneHot(y, K): a [E, K] matrix of zeros with a 1 in each row at the label's
    /// column, float32. The tutorial fills it element by element; one_hot does it in one call.
    /// </summary>
    public static Tensor OneHot(Tensor labels, int classes) =>
        torch.nn.functional.one_hot(labels.flatten().to_type(ScalarType.Int64), classes).to_type(ScalarType.Float32);
}
