using Lessons.Core.Catalog;
using TorchSharp;
using TorchSharp.Modules;

namespace Lessons.Core.Tutorials.Tutorial004;

/// <summary>
/// The same network and parameters as four-class-raw, with torch.optim.SGD doing the update and
/// the clearing of gradients: the results are identical.
/// </summary>
public sealed class FourClassOptimizer : Lesson
{
    public override string Id => "four-class-optimizer";
    public override string Title => "optimizer: the same network trained with torch.optim.SGD";
    public override LessonSource Source => new("004_a20ad3c675e1883c.txt", 3, "In[10]-In[12] optimizer", Numbered: false);
    public override long? Seed => 0;
    public override IReadOnlyList<LessonOption> Options => FourClassTraining.Options;

    public override double EstimateBytes(OptionValues options) =>
        FourClassTraining.EstimateBytes(options, FourClassTraining.TutorialLayers);

    public override void Run(LessonContext context)
    {
        var data = FourClassData.Build(context);

        // In[10]: the parameters again, after a fresh manual_seed(0).
        context.ManualSeed();
        var (W1, b1, W2, b2, W3, b3) = FourClassRaw.DrawParameters(context.Device);

        // In[11]: optimizer = torch.optim.SGD([W1, W2, W3, b1, b2, b3], lr=alpha) and its loop.
        Parameter[] parameters = [W1, W2, W3, b1, b2, b3];
        var losses = FourClassTraining.Train(context, "training", X => FourClassRaw.Forward(X, W1, W2, W3, b1, b2, b3), parameters, data);

        var yhat = FourClassRaw.Forward(data.X, W1, W2, W3, b1, b2, b3);
        var accuracy = FourClassTraining.Accuracy(yhat, data.Labels);
        FourClassTraining.Report(context, data, losses, accuracy, parameters, X => FourClassRaw.Forward(X, W1, W2, W3, b1, b2, b3));
        context.Print("accuracy:", accuracy);
    }
}
