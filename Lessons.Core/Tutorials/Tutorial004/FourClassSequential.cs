using Lessons.Core.Catalog;
using TorchSharp;
using TorchSharp.Modules;
using static Lessons.Core.Tutorials.Tutorial004.FourClass;
using static TorchSharp.torch;

namespace Lessons.Core.Tutorials.Tutorial004;

/// <summary>A network of any depth: MyNet builds an nn.Sequential of MyLayers from a list of layer sizes, here [2, 10, 4].</summary>
public sealed class FourClassSequential : Lesson
{
    public override string Id => "four-class-sequential";
    public override string Title => "代码的灵活性: nn.Sequential built from a topology list";
    public override LessonSource Source => new("004_a20ad3c675e1883c.txt", 6, "In[22]-In[25] 代码的灵活性", Position: 1, Numbered: false);
    public override long? Seed => 0;

    public override void Run(LessonContext context)
    {
        // In[2]: the chapter's data; In[4]: alpha.
        var (X, y, Y) = FourClassData.Build(context);
        double alpha = context.Get(FourClassTraining.Alpha);

        // In[23]: 随便定义一个网络的结构
        var topology = Topology.Parse(context.Get(Topology.Option));
        context.ManualSeed();
        var net = new MyNet(topology);
        net.to(context.Device);
        var optimizer = torch.optim.SGD(net.parameters(), alpha);   // lr=alpha
        var Loss = new List<double>();
        context.Observe(new StageRecord(context, net, X, y));
        foreach (int i in context.Steps(context.Get(FourClassTraining.Iterations)))
        {
            var pred = net.call(X);
            var L = loss(pred, Y);
            optimizer.zero_grad();
            L.backward();
            Loss.Add(L.item());
            optimizer.step();
        }
        context.plt.plot(Loss);
        context.plt.xlabel("epoch", fontsize: 20);
        context.plt.ylabel("loss", fontsize: 20);

        // In[24]
        context.Print(net);

        // In[25]: the inner Sequential called directly gives the network's output.
        var output = net.model.forward(X);
        context.Print(output);
        context.Record("net.model.forward(X)[:3]", output[..3]);
        context.Record("net.model.forward(X)[-3:]", output[^3..]);

        // This port's: In[9]'s accuracy.
        var accuracy = (torch.argmax(output, dim: 1) == y).sum() / y.numel();
        if (Loss.Count > 0) context.Print("Loss[0] =", Loss[0], "Loss[-1] =", Loss[^1]);
        context.Print("accuracy:", accuracy);
    }

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

    public override IReadOnlyList<LessonOption> Options => [.. FourClassTraining.Options, Topology.Option];

    public override string DivergenceHint => FourClassTraining.DivergenceHint;

    public override double EstimateBytes(OptionValues options) =>
        FourClassTraining.EstimateBytes(options, Topology.Parse(options.Get(Topology.Option)));
}
