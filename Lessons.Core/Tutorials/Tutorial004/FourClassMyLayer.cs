using Lessons.Core.Catalog;
using TorchSharp;
using static Lessons.Core.Tutorials.Tutorial004.FourClass;
using static TorchSharp.torch;

namespace Lessons.Core.Tutorials.Tutorial004;

/// <summary>A layer that includes its activation (MyLayer), three of them chained, and a softmax over the four outputs.</summary>
public sealed class FourClassMyLayer : Lesson
{
    public override string Id => "four-class-my-layer";
    public override string Title => "讨论: a layer that includes its activation, and a softmax output";
    public override LessonSource Source => new("004_a20ad3c675e1883c.txt", 5, "In[20]-In[21] 讨论", Position: 2, Numbered: false);
    public override long? Seed => 0;

    public override void Run(LessonContext context)
    {
        // In[2]: the chapter's data; In[4]: alpha.
        var (X, y, Y) = FourClassData.Build(context);
        double alpha = context.Get(FourClassTraining.Alpha);

        // Not in the text: In[21]'s net trained as In[19] trains its own, after manual_seed(0).
        context.ManualSeed();
        var net = new MyNet();
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

        var output = net.call(X);
        var accuracy = (torch.argmax(output, dim: 1) == y).sum() / y.numel();
        if (Loss.Count > 0) context.Print("Loss[0] =", Loss[0], "Loss[-1] =", Loss[^1]);
        context.Print("accuracy:", accuracy);
        if (Loss.Count > 0 && Loss[0] - Loss[^1] < 1e-3)
            context.Print("the loss has barely moved: still on the initial plateau (try --set alpha=2 --set iterations=60000)");

        // softmax(dim=1): every row of outputs sums to 1.
        var rowSums = output.sum(1);
        context.Print("output.sum(dim=1)[:3] =", rowSums[..3]);
        context.Record("max |row sum - 1|", (rowSums - 1).abs().max());
        context.Record("output[:3]", output[..3]);
    }

    /// <summary>In[21]: three MyLayers and a softmax over the classes.</summary>
    sealed class MyNet : nn.Module<Tensor, Tensor>
    {
        readonly MyLayer layer1;
        readonly MyLayer layer2;
        readonly MyLayer layer3;

        public MyNet() : base(nameof(MyNet))
        {
            layer1 = new MyLayer(2, 3);
            layer2 = new MyLayer(3, 3);
            layer3 = new MyLayer(3, 4);
            RegisterComponents();
        }

        public override Tensor forward(Tensor X)
        {
            var A1 = layer1.call(X);
            var A2 = layer2.call(A1);
            var A3 = layer3.call(A2);
            return torch.nn.functional.softmax(A3, dim: 1);
        }
    }

    public override IReadOnlyList<LessonOption> Options => FourClassTraining.Options;

    public override string DivergenceHint => FourClassTraining.DivergenceHint;

    public override double EstimateBytes(OptionValues options) =>
        FourClassTraining.EstimateBytes(options, FourClassTraining.TutorialLayers);
}
