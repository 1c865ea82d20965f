using Lessons.Core.Catalog;
using TorchSharp;
using static Lessons.Core.Tutorials.Tutorial004.FourClass;

namespace Lessons.Core.Tutorials.Tutorial004;

/// <summary>The network from PyTorch's own modules: a torch.nn.Linear and a torch.nn.Sigmoid per layer, in one Sequential.</summary>
public sealed class FourClassLinearSigmoid : Lesson
{
    public override string Id => "four-class-linear-sigmoid";
    public override string Title => "代码的灵活性: nn.Sequential of Linear and Sigmoid modules";
    public override LessonSource Source => new("004_a20ad3c675e1883c.txt", 6, "In[27] 代码的灵活性", Position: 3, Numbered: false);
    public override long? Seed => 0;

    public override void Run(LessonContext context)
    {
        // In[2]: the chapter's data; In[4]: alpha; In[23]'s topology.
        var (X, y, Y) = FourClassData.Build(context);
        double alpha = context.Get(FourClassTraining.Alpha);
        var topology = Topology.Parse(context.Get(Topology.Option));

        // In[27] (unseeded in the tutorial)
        context.ManualSeed();
        var net = torch.nn.Sequential();
        for (int i = 0; i < topology.Count - 1; i++)
        {
            net.append($"{i}-th MAC", torch.nn.Linear(topology[i], topology[i + 1]));
            net.append($"{i}-th ACT", torch.nn.Sigmoid());
        }
        net.to(context.Device);
        context.Print(net);

        // Not in the text: trained as In[23] trains its net.
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

        var accuracy = (torch.argmax(net.call(X), dim: 1) == y).sum() / y.numel();
        if (Loss.Count > 0) context.Print("Loss[0] =", Loss[0], "Loss[-1] =", Loss[^1]);
        context.Print("accuracy:", accuracy);
    }

    public override IReadOnlyList<LessonOption> Options => [.. FourClassTraining.Options, Topology.Option];

    public override string DivergenceHint => FourClassTraining.DivergenceHint;

    public override double EstimateBytes(OptionValues options) =>
        FourClassTraining.EstimateBytes(options, Topology.Parse(options.Get(Topology.Option)));
}
