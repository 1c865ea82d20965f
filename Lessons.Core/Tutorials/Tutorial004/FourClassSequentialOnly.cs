using Lessons.Core.Catalog;
using Lessons.Core.Python;
using TorchSharp;
using static TorchSharp.torch;

namespace Lessons.Core.Tutorials.Tutorial004;

/// <summary>
/// The wrapper class dropped: a MyNet that holds nothing but a Sequential is the Sequential
/// itself, so the network can be built as one directly.
/// </summary>
public sealed class FourClassSequentialOnly : Lesson
{
    public override string Id => "four-class-sequential-only";
    public override string Title => "代码的灵活性: the network as a bare nn.Sequential of MyLayers";
    public override LessonSource Source => new("004_a20ad3c675e1883c.txt", 6, "In[26] 代码的灵活性", Position: 2, Numbered: false);
    public override string Notes => """
        four-class-sequential's MyNet holds nothing but self.model, so it adds nothing: the
        network can be the torch.nn.Sequential itself, filled with add_module(f'{i}-th layer',
        MyLayer(...)) for the same topology [2, 10, 4]. The notebook echoes it (In[26]), showing
        Sequential with two MyLayer children. The tutorial neither seeds nor trains this network:
        in the notebook In[26] runs after In[23], so its layers would continue the generator
        where In[23]'s manual_seed(0) and MyNet(topology) left it, and the tutorial prints no
        number that depends on those draws. The lesson's manual_seed(0) before the layers draw
        is the project's, not the notebook's (the project seeds 0 before an unseeded example's
        first draw); only because of that reseed is this the same network as
        four-class-sequential's model before training. The lesson then shows that calling it on
        X works like net.model(X). Section "代码的灵活性", In[26]. Porting note: the reseed and
        the lines after the module's description are this port's.
        """;
    public override long? Seed => 0;
    public override IReadOnlyList<LessonOption> Options => [.. FourClassData.Options, Topology.Option];

    // No training: the data, the net and one forward pass (what a stage costs at zero iterations).
    public override double EstimateBytes(OptionValues options) =>
        FourClassTraining.EstimateBytes(options, Topology.Parse(options.Get(Topology.Option)), iterations: 0);

    public override void Run(LessonContext context)
    {
        var data = FourClassData.Build(context);
        var topology = Topology.Parse(context.Get(Topology.Option));

        // In[26]: the Sequential on its own (unseeded in the tutorial).
        context.ManualSeed();
        var net = nn.Sequential();
        for (int i = 0; i < topology.Count - 1; i++)
            net.append($"{i}-th layer", new MyLayer(topology[i], topology[i + 1]));
        net.to(context.Device);
        string description = ModuleText.Format(net);
        context.Print(description);
        context.Record("net", description);

        // Not in the text: it is a network like any other; its untrained output on X.
        var output = net.call(data.X);
        context.Print("net(X)[:3] =", output[..3]);
        context.Record("net(X)[:3]", output[..3]);
        context.Record("parameters", net.parameters().ToList());
    }
}
