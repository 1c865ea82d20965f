using Lessons.Core.Catalog;
using TorchSharp;
using TorchSharp.Modules;
using static Lessons.Core.Tutorials.Tutorial004.FourClass;
using static TorchSharp.torch;

namespace Lessons.Core.Tutorials.Tutorial004;

/// <summary>The network built from a reusable layer: a weighted-sum module made three times, the activation between.</summary>
public sealed class FourClassWeightedSum : Lesson
{
    public override string Id => "four-class-weighted-sum";
    public override string Title => "可复用性: a reusable weighted-sum layer";
    public override LessonSource Source => new("004_a20ad3c675e1883c.txt", 5, "In[17]-In[19] 可复用性", Position: 1, Numbered: false);
    public override long? Seed => 0;

    public override void Run(LessonContext context)
    {
        // In[2]: the chapter's data; In[4]: alpha.
        var (X, y, Y) = FourClassData.Build(context);
        double alpha = context.Get(FourClassTraining.Alpha);

        // In[19]
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

        // This port's: the loss curve's ends, and In[9]'s accuracy.
        var accuracy = (torch.argmax(net.call(X), dim: 1) == y).sum() / y.numel();
        if (Loss.Count > 0) context.Print("Loss[0] =", Loss[0], "Loss[-1] =", Loss[^1]);
        context.Print("accuracy:", accuracy);
    }

    /// <summary>In[17]: the weighted sum [X 1]·W, with W of shape [N_in + 1, N_out].</summary>
    sealed class WeightedSum : nn.Module<Tensor, Tensor>
    {
        readonly Parameter W;

        public WeightedSum(long N_in, long N_out) : base(nameof(WeightedSum))
        {
            W = new Parameter(torch.randn(N_in + 1, N_out) * 0.01, requires_grad: true);
            RegisterComponents();
        }

        public override Tensor forward(Tensor X)
        {
            var X_extend = torch.hstack(X, torch.ones(X.shape[0], 1, device: X.device));
            var Z = torch.matmul(X_extend, W);
            return Z;
        }
    }

    /// <summary>In[18]: three weighted sums, a sigmoid after each.</summary>
    sealed class MyNet : nn.Module<Tensor, Tensor>
    {
        readonly WeightedSum MAC1;
        readonly WeightedSum MAC2;
        readonly WeightedSum MAC3;

        public MyNet() : base(nameof(MyNet))
        {
            MAC1 = new WeightedSum(2, 3);
            MAC2 = new WeightedSum(3, 3);
            MAC3 = new WeightedSum(3, 4);
            RegisterComponents();
        }

        static Tensor act(Tensor X) => torch.sigmoid(X);

        public override Tensor forward(Tensor X)
        {
            var Z1 = MAC1.call(X);
            var A1 = act(Z1);
            var Z2 = MAC2.call(A1);
            var A2 = act(Z2);
            var Z3 = MAC3.call(A2);
            var A3 = act(Z3);
            return A3;
        }
    }

    public override IReadOnlyList<LessonOption> Options => FourClassTraining.Options;

    public override string DivergenceHint => FourClassTraining.DivergenceHint;

    public override double EstimateBytes(OptionValues options) =>
        FourClassTraining.EstimateBytes(options, FourClassTraining.TutorialLayers);
}
