using Lessons.Core.Catalog;
using TorchSharp;
using static TorchSharp.torch;

namespace Lessons.Core.Tutorials.Tutorial004;

/// <summary>
/// The chapter's data: four noisy clusters, one per quadrant, labelled 0-3, shuffled and
/// one-hot encoded. Every later stage trains on exactly these points.
/// </summary>
public sealed class FourClassDataLesson : Lesson
{
    public override string Id => "four-class-data";
    public override string Title => "准备数据: four clusters, shuffled, one-hot";
    public override LessonSource Source => new("004_a20ad3c675e1883c.txt", 1, "In[2] 准备数据", Numbered: false);
    public override long? Seed => 0;
    public override IReadOnlyList<LessonOption> Options => FourClassData.Options;

    // The data, and its one-hot Y recorded too (16 numbers a cluster point).
    public override double EstimateBytes(OptionValues options) =>
        FourClassData.EstimateBytes(options) + 16.0 * options.Get(FourClassData.PointsPerClass) * MemoryEstimate.RecordedNumber;

    public override void Run(LessonContext context)
    {
        var data = FourClassData.Build(context);
        context.Print("X:", new Size(data.X.shape), "y:", new Size(data.Labels.shape), "Y:", new Size(data.OneHot.shape));
        context.Print("X[:3] =", data.X[..3]);
        context.Print("y[:3] =", data.Labels[..3]);
        context.Print("Y[:3] =", data.OneHot[..3]);
        var perClass = torch.bincount(data.Labels.to_type(ScalarType.Int64), minlength: FourClassData.Classes);
        context.Print("points per class:", perClass);

        // What plt.scatter(X[:,0], X[:,1], c=y) needs.
        FourClassTraining.RecordPoints(context, data);
        context.Record("Y", data.OneHot);
        context.Record("points per class", perClass);
    }
}
