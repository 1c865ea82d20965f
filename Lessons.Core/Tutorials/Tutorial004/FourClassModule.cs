using Lessons.Core.Catalog;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Lessons.Core.Tutorials.Tutorial004;

/// <summary>
/// The network as an nn.Module that owns its parameters, with each bias folded into its weight
/// matrix as an extra row: [X 1]·[W; b] = X·W + b.
/// </summary>
public sealed class FourClassModule : Lesson
{
    public override string Id => "four-class-module";
    public override string Title => "引入class: the network as an nn.Module with bias-augmented weights";
    public override LessonSource Source => new("004_a20ad3c675e1883c.txt", 4, "In[13]-In[16] 引入class", Numbered: false);
    public override long? Seed => 0;
    public override IReadOnlyList<LessonOption> Options => FourClassTraining.Options;

    public override double EstimateBytes(OptionValues options) =>
        FourClassTraining.EstimateBytes(options, FourClassTraining.TutorialLayers);

    /// <summary>In[13]: three bias-augmented weight matrices and a sigmoid after each layer.</summary>
    sealed class MyNet : nn.Module<Tensor, Tensor>
    {
        readonly Parameter W1;
        readonly Parameter W2;
        readonly Parameter W3;

        public MyNet() : base(nameof(MyNet))
        {
            // One extra row per matrix: it plays the role of b.
            W1 = new Parameter(torch.randn(2 + 1, 3) * 0.01, requires_grad: true);
            W2 = new Parameter(torch.randn(3 + 1, 3) * 0.01, requires_grad: true);
            W3 = new Parameter(torch.randn(3 + 1, 4) * 0.01, requires_grad: true);
            RegisterComponents();
        }

        static Tensor Act(Tensor X) => torch.sigmoid(X);

        static Tensor WithOnes(Tensor A) => torch.hstack(A, torch.ones(A.shape[0], 1, device: A.device));

        public override Tensor forward(Tensor X)
        {
            var A0 = WithOnes(X);   // one column of ones
            var Z1 = torch.matmul(A0, W1);
            var A1 = WithOnes(Act(Z1));
            var Z2 = torch.matmul(A1, W2);
            var A2 = WithOnes(Act(Z2));
            var Z3 = torch.matmul(A2, W3);
            var A3 = Act(Z3);
            return A3;
        }
    }

    public override void Run(LessonContext context)
    {
        var data = FourClassData.Build(context);

        // In[15]: manual_seed(0), the net, SGD over net.parameters(), In[11]'s loop.
        context.ManualSeed();
        var net = new MyNet();
        net.to(context.Device);
        FourClassTraining.TrainModule(context, data, net);
    }
}
