using Lessons.Core.Catalog;
using Lessons.Core.Python;
using TorchSharp;
using static TorchSharp.torch;

namespace Lessons.Core.Tutorials.Tutorial004;

/// <summary>
/// The network from PyTorch's own modules: for each pair of layer sizes a torch.nn.Linear (the
/// weighted sum with bias) and a torch.nn.Sigmoid, in one Sequential.
/// </summary>
public sealed class FourClassLinearSigmoid : Lesson
{
    public override string Id => "four-class-linear-sigmoid";
    public override string Title => "代码的灵活性: nn.Sequential of Linear and Sigmoid modules";
    public override LessonSource Source => new("004_a20ad3c675e1883c.txt", 6, "In[27] 代码的灵活性", Position: 3, Numbered: false);
    public override long? Seed => 0;
    public override IReadOnlyList<LessonOption> Options => [.. FourClassTraining.Options, Topology.Option];

    public override double EstimateBytes(OptionValues options) =>
        FourClassTraining.EstimateBytes(options, Topology.Parse(options.Get(Topology.Option)));

    public override void Run(LessonContext context)
    {
        var data = FourClassData.Build(context);
        var topology = Topology.Parse(context.Get(Topology.Option));

        // In[27]: Linear + Sigmoid for each layer (unseeded in the tutorial).
        context.ManualSeed();
        var net = nn.Sequential();
        for (int i = 0; i < topology.Count - 1; i++)
        {
            var linear = nn.Linear(topology[i], topology[i + 1]);
            net.append($"{i}-th MAC", linear);
            net.append($"{i}-th ACT", nn.Sigmoid());
        }
        net.to(context.Device);
        string description = ModuleText.Format(net);
        context.Print(description);
        context.Record("net", description);

        // Not in the text: trained as every other stage is.
        FourClassTraining.TrainModule(context, data, net);
    }
}
