using Lessons.Core.Catalog;
using TorchSharp;
using static TorchSharp.torch;

namespace Lessons.Core.Tutorials.Tutorial004;

/// <summary>The chapter's data: four noisy clusters, one per quadrant, labelled 0-3, shuffled and one-hot encoded.</summary>
public sealed class FourClassDataLesson : Lesson
{
    public override string Id => "four-class-data";
    public override string Title => "准备数据: four clusters, shuffled, one-hot";
    public override LessonSource Source => new("004_a20ad3c675e1883c.txt", 1, "In[2] 准备数据", Numbered: false);
    public override long? Seed => 0;

    public override void Run(LessonContext context)
    {
        // In[2]: N = 200, var = 0.5, manual_seed(0), the four clusters stacked and shuffled, Y = OneHot(y, 4).
        var (X, y, Y) = FourClassData.Build(context);
        context.Print("X:", new Size(X.shape), "y:", new Size(y.shape), "Y:", new Size(Y.shape));
        context.Print("X[:3] =", X[..3]);
        context.Print("y[:3] =", y[..3]);
        context.Print("Y[:3] =", Y[..3]);
        var perClass = torch.bincount(y.to_type(ScalarType.Int64), minlength: FourClassData.Classes);
        context.Print("points per class:", perClass);
        context.Record("Y", Y);

        // plt.scatter(X.numpy()[:,0], X.numpy()[:,1], c=y.numpy())
        context.plt.scatter(X[.., 0], X[.., 1], c: y);
    }

    public override IReadOnlyList<LessonOption> Options => FourClassData.Options;

    // The data, and its one-hot Y recorded too (16 numbers a cluster point).
    public override double EstimateBytes(OptionValues options) =>
        FourClassData.EstimateBytes(options) + 16.0 * options.Get(FourClassData.PointsPerClass) * MemoryEstimate.RecordedNumber;
}
