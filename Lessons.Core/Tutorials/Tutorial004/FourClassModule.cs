using Lessons.Core.Catalog;
using TorchSharp;
using TorchSharp.Modules;
using static Lessons.Core.Tutorials.Tutorial004.FourClass;
using static TorchSharp.torch;

namespace Lessons.Core.Tutorials.Tutorial004;

/// <summary>The network as an nn.Module that owns its parameters, each bias folded into its weights: [X 1]·[W; b].</summary>
public sealed class FourClassModule : Lesson
{
    public override string Id => "four-class-module";
    public override string Title => "引入class: the network as an nn.Module with bias-augmented weights";
    public override LessonSource Source => new("004_a20ad3c675e1883c.txt", 4, "In[13]-In[16] 引入class", Numbered: false);
    public override long? Seed => 0;

    public override void Run(LessonContext context)
    {
        // In[2]: the chapter's data; In[4]: alpha.
        var (X, y, Y) = FourClassData.Build(context);
        double alpha = context.Get(FourClassTraining.Alpha);

        // In[15]
        context.ManualSeed();
        // 生成网络
        var net = new MyNet();
        net.to(context.Device);
        // 定义optimizer
        var optimizer = torch.optim.SGD(net.parameters(), alpha);   // lr=alpha
        // 训练网络
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

        // In[16]
        context.plt.plot(Loss);
        context.plt.xlabel("epoch", fontsize: 20);
        context.plt.ylabel("loss", fontsize: 20);

        // This port's: the loss curve's ends, and In[9]'s accuracy, "similar to before".
        var accuracy = (torch.argmax(net.call(X), dim: 1) == y).sum() / y.numel();
        if (Loss.Count > 0) context.Print("Loss[0] =", Loss[0], "Loss[-1] =", Loss[^1]);
        context.Print("accuracy:", accuracy);
    }

    /// <summary>In[13]: three bias-augmented weight matrices and a sigmoid after each layer.</summary>
    sealed class MyNet : nn.Module<Tensor, Tensor>
    {
        readonly Parameter W1;
        readonly Parameter W2;
        readonly Parameter W3;

        public MyNet() : base(nameof(MyNet))
        {
            // 定义可学习参数: one extra row per matrix, which plays the role of b.
            W1 = new Parameter(torch.randn(2 + 1, 3) * 0.01, requires_grad: true);
            W2 = new Parameter(torch.randn(3 + 1, 3) * 0.01, requires_grad: true);
            W3 = new Parameter(torch.randn(3 + 1, 4) * 0.01, requires_grad: true);
            RegisterComponents();
        }

        static Tensor act(Tensor X) => torch.sigmoid(X);

        public override Tensor forward(Tensor X)
        {
            // 扩展出一列1
            var A0 = torch.hstack(X, torch.ones(X.shape[0], 1, device: X.device));
            var Z1 = torch.matmul(A0, W1);
            var A1 = act(Z1);
            A1 = torch.hstack(A1, torch.ones(A1.shape[0], 1, device: A1.device));
            var Z2 = torch.matmul(A1, W2);
            var A2 = act(Z2);
            A2 = torch.hstack(A2, torch.ones(A2.shape[0], 1, device: A2.device));
            var Z3 = torch.matmul(A2, W3);
            var A3 = act(Z3);
            return A3;
        }
    }

    public override IReadOnlyList<LessonOption> Options => FourClassTraining.Options;

    public override string DivergenceHint => FourClassTraining.DivergenceHint;

    public override double EstimateBytes(OptionValues options) =>
        FourClassTraining.EstimateBytes(options, FourClassTraining.TutorialLayers);
}
