using Lessons.Core.Catalog;
using Lessons.Core.Python;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Lessons.Core.Tutorials.Tutorial004;

/// <summary>
/// A network of any depth: MyNet builds an nn.Sequential of MyLayers from a list of layer sizes
/// (the topology), here [2, 10, 4].
/// </summary>
public sealed class FourClassSequential : Lesson
{
    public override string Id => "four-class-sequential";
    public override string Title => "代码的灵活性: nn.Sequential built from a topology list";
    public override LessonSource Source => new("004_a20ad3c675e1883c.txt", 6, "In[22]-In[25] 代码的灵活性", Position: 1, Numbered: false);
    public override long? Seed => 0;
    public override IReadOnlyList<LessonOption> Options => [.. FourClassTraining.Options, Topology.Option];

    public override double EstimateBytes(OptionValues options) =>
        FourClassTraining.EstimateBytes(options, Topology.Parse(options.Get(Topology.Option)));

    /// <summary>In[22]: one MyLayer per pair of consecutive sizes, in a Sequential.</summary>
    sealed class MyNet : nn.Module<Tensor, Tensor>
    {
        public readonly Sequential model;

        public MyNet(IReadOnlyList<int> topology) : base(nameof(MyNet))
        {
            model = nn.Sequential();
            for (int i = 0; i < topology.Count - 1; i++)
                model.append($"{i}-th layer", new MyLayer(topology[i], topology[i + 1]));
            RegisterComponents();
        }

        public override Tensor forward(Tensor X) => model.call(X);
    }

    public override void Run(LessonContext context)
    {
        var data = FourClassData.Build(context);

        // In[23]: a topology, manual_seed(0), the net, SGD over net.parameters(), In[11]'s loop.
        var topology = Topology.Parse(context.Get(Topology.Option));
        context.ManualSeed();
        var net = new MyNet(topology);
        net.to(context.Device);
        context.Record("initial parameters", net.parameters().ToList());
        var losses = FourClassTraining.Train(context, "training", net.call, net.parameters(), data);

        // In[24]: print(net).
        string description = ModuleText.Format(net);
        context.Print(description);
        context.Record("print(net)", description);

        // In[25]: the inner Sequential called directly gives the network's output.
        var output = net.model.forward(data.X);
        context.Print(output);
        context.Record("net.model.forward(X)[:3]", output[..3]);
        context.Record("net.model.forward(X)[-3:]", output[^3..]);

        var accuracy = FourClassTraining.Accuracy(output, data.Labels);
        FourClassTraining.Report(context, data, losses, accuracy, net.parameters(), net.call);
        context.Print("accuracy:", accuracy);
    }
}
