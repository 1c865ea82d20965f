using Lessons.Core.Catalog;
using TorchSharp;
using TorchSharp.Modules;
using static Lessons.Core.Tutorials.Tutorial004.FourClass;

namespace Lessons.Core.Tutorials.Tutorial004;

/// <summary>four-class-raw's network and parameters, trained with torch.optim.SGD: the results are identical.</summary>
public sealed class FourClassOptimizer : Lesson
{
    public override string Id => "four-class-optimizer";
    public override string Title => "optimizer: the same network trained with torch.optim.SGD";
    public override LessonSource Source => new("004_a20ad3c675e1883c.txt", 3, "In[10]-In[12] optimizer", Numbered: false);
    public override long? Seed => 0;

    public override void Run(LessonContext context)
    {
        // In[2]: the chapter's data; In[4]: alpha.
        var (X, y, Y) = FourClassData.Build(context);
        double alpha = context.Get(FourClassTraining.Alpha);
        var device = context.Device;

        // In[10]
        context.ManualSeed();
        var W1 = new Parameter((torch.randn(2, 3) * 0.01).to(device), requires_grad: true);
        var b1 = new Parameter((torch.randn(1, 3) * 0.01).to(device), requires_grad: true);
        var W2 = new Parameter((torch.randn(3, 3) * 0.01).to(device), requires_grad: true);
        var b2 = new Parameter((torch.randn(1, 3) * 0.01).to(device), requires_grad: true);
        var W3 = new Parameter((torch.randn(3, 4) * 0.01).to(device), requires_grad: true);
        var b3 = new Parameter((torch.randn(1, 4) * 0.01).to(device), requires_grad: true);

        // In[11]: 定义optimizer
        var optimizer = torch.optim.SGD([W1, W2, W3, b1, b2, b3], alpha);   // lr=alpha
        var Loss = new List<double>();
        context.Observe(new StageRecord(context, X => forward(X, W1, W2, W3, b1, b2, b3), [W1, W2, W3, b1, b2, b3], X, y));
        foreach (int i in context.Steps(context.Get(FourClassTraining.Iterations)))
        {
            var pred = forward(X, W1, W2, W3, b1, b2, b3);
            var L = loss(pred, Y);
            // 清除梯度
            optimizer.zero_grad();
            // 反向传播
            L.backward();
            // 记录下loss
            Loss.Add(L.item());
            // 参数更新
            optimizer.step();
        }

        // In[12]
        context.plt.plot(Loss);
        context.plt.xlabel("epoch", fontsize: 20);
        context.plt.ylabel("loss", fontsize: 20);

        // This port's: the loss curve's ends, and In[9]'s accuracy, "the same as before".
        var yhat = forward(X, W1, W2, W3, b1, b2, b3);
        var accuracy = (torch.argmax(yhat, dim: 1) == y).sum() / y.numel();
        if (Loss.Count > 0) context.Print("Loss[0] =", Loss[0], "Loss[-1] =", Loss[^1]);
        context.Print("accuracy:", accuracy);
    }

    public override IReadOnlyList<LessonOption> Options => FourClassTraining.Options;

    public override string DivergenceHint => FourClassTraining.DivergenceHint;

    public override double EstimateBytes(OptionValues options) =>
        FourClassTraining.EstimateBytes(options, FourClassTraining.TutorialLayers);
}
