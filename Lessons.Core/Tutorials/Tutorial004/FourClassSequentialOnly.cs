using Lessons.Core.Catalog;
using TorchSharp;

namespace Lessons.Core.Tutorials.Tutorial004;

/// <summary>The wrapper class dropped: a MyNet that holds nothing but a Sequential is the Sequential itself.</summary>
public sealed class FourClassSequentialOnly : Lesson
{
    public override string Id => "four-class-sequential-only";
    public override string Title => "代码的灵活性: the network as a bare nn.Sequential of MyLayers";
    public override LessonSource Source => new("004_a20ad3c675e1883c.txt", 6, "In[26] 代码的灵活性", Position: 2, Numbered: false);
    public override long? Seed => 0;

    public override void Run(LessonContext context)
    {
        // In[2]: the chapter's data; In[23]'s topology.
        var (X, _, _) = FourClassData.Build(context);
        var topology = Topology.Parse(context.Get(Topology.Option));

        // In[26] (unseeded in the tutorial)
        context.ManualSeed();
        var net = torch.nn.Sequential();
        for (int i = 0; i < topology.Count - 1; i++)
            net.append($"{i}-th layer", new MyLayer(topology[i], topology[i + 1]));
        net.to(context.Device);
        context.Print(net);

        // Not in the text: it is a network like any other; its untrained output on X.
        var output = net.call(X);
        context.Print("net(X)[:3] =", output[..3]);
        context.Record("parameters", net.parameters());
    }

    public override IReadOnlyList<LessonOption> Options => [.. FourClassData.Options, Topology.Option];

    // No training: the data, the net and one forward pass (what a stage costs at zero iterations).
    public override double EstimateBytes(OptionValues options) =>
        FourClassTraining.EstimateBytes(options, Topology.Parse(options.Get(Topology.Option)), iterations: 0);
}
