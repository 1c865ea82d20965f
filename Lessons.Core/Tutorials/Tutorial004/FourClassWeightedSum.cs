using Lessons.Core.Catalog;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Lessons.Core.Tutorials.Tutorial004;

/// <summary>
/// The network built from a reusable layer: a weighted-sum module made three times, with the
/// activation applied by the network between layers.
/// </summary>
public sealed class FourClassWeightedSum : Lesson
{
    public override string Id => "four-class-weighted-sum";
    public override string Title => "可复用性: a reusable weighted-sum layer";
    public override LessonSource Source => new("004_a20ad3c675e1883c.txt", 5, "In[17]-In[19] 可复用性", Position: 1, Numbered: false);
    public override long? Seed => 0;
    public override IReadOnlyList<LessonOption> Options => FourClassTraining.Options;

    public override double EstimateBytes(OptionValues options) =>
        FourClassTraining.EstimateBytes(options, FourClassTraining.TutorialLayers);

    /// <summary>In[17]: the weighted sum [X 1]·W, with W of shape [N_in + 1, N_out].</summary>
    sealed class WeightedSum : nn.Module<Tensor, Tensor>
    {
        readonly Parameter W;

        public WeightedSum(long inputs, long outputs) : base(nameof(WeightedSum))
        {
            W = new Parameter(torch.randn(inputs + 1, outputs) * 0.01, requires_grad: true);
            RegisterComponents();
        }

        public override Tensor forward(Tensor X)
        {
            var extended = torch.hstack(X, torch.ones(X.shape[0], 1, device: X.device));
            return torch.matmul(extended, W);
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

        static Tensor Act(Tensor X) => torch.sigmoid(X);

        public override Tensor forward(Tensor X)
        {
            var A1 = Act(MAC1.call(X));
            var A2 = Act(MAC2.call(A1));
            var A3 = Act(MAC3.call(A2));
            return A3;
        }
    }

    public override void Run(LessonContext context)
    {
        var data = FourClassData.Build(context);

        // In[19]: manual_seed(0), the net, SGD over net.parameters(), In[11]'s loop.
        context.ManualSeed();
        var net = new MyNet();
        net.to(context.Device);
        FourClassTraining.TrainModule(context, data, net);
    }
}
