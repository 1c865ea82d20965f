using Lessons.Core.Catalog;
using TorchSharp;
using TorchSharp.Modules;
using static Lessons.Core.Tutorials.Tutorial004.FourClass;

namespace Lessons.Core.Tutorials.Tutorial004;

/// <summary>The 2-3-3-4 sigmoid network from raw tensors: autograd's gradients, the update by hand.</summary>
public sealed class FourClassRaw : Lesson
{
    public override string Id => "four-class-raw";
    public override string Title => "只用PyTorch求梯度: the 2-3-3-4 network from raw tensors";
    public override LessonSource Source => new("004_a20ad3c675e1883c.txt", 2, "In[4]-In[9] 只用PyTorch求梯度", Numbered: false);
    public override long? Seed => 0;

    public override void Run(LessonContext context)
    {
        // In[2]: the chapter's data.
        var (X, y, Y) = FourClassData.Build(context);
        var device = context.Device;

        // In[4]
        double alpha = context.Get(FourClassTraining.Alpha);
        context.ManualSeed();
        var W1 = new Parameter((torch.randn(2, 3) * 0.01).to(device), requires_grad: true);
        var b1 = new Parameter((torch.randn(1, 3) * 0.01).to(device), requires_grad: true);
        var W2 = new Parameter((torch.randn(3, 3) * 0.01).to(device), requires_grad: true);
        var b2 = new Parameter((torch.randn(1, 3) * 0.01).to(device), requires_grad: true);
        var W3 = new Parameter((torch.randn(3, 4) * 0.01).to(device), requires_grad: true);
        var b3 = new Parameter((torch.randn(1, 4) * 0.01).to(device), requires_grad: true);

        // In[7]
        var Loss = new List<double>();
        context.Observe(new StageRecord(context, X => forward(X, W1, W2, W3, b1, b2, b3), [W1, W2, W3, b1, b2, b3], X, y));
        foreach (int i in context.Steps(context.Get(FourClassTraining.Iterations)))
        {
            var pred = forward(X, W1, W2, W3, b1, b2, b3);
            var L = loss(pred, Y);
            // 反向传播
            L.backward();
            // 记录下loss
            Loss.Add(L.item());
            // 参数更新: W.data = W.data - alpha * W.grad, in place outside the graph
            using (torch.no_grad())
            {
                W1.sub_(alpha * W1.grad!);
                W2.sub_(alpha * W2.grad!);
                W3.sub_(alpha * W3.grad!);
                b1.sub_(alpha * b1.grad!);
                b2.sub_(alpha * b2.grad!);
                b3.sub_(alpha * b3.grad!);
            }
            // 清除之前的梯度
            W1.grad!.zero_();
            W2.grad!.zero_();
            W3.grad!.zero_();
            b1.grad!.zero_();
            b2.grad!.zero_();
            b3.grad!.zero_();
        }

        // In[8]
        context.plt.plot(Loss);
        context.plt.xlabel("epoch", fontsize: 20);
        context.plt.ylabel("loss", fontsize: 20);

        // In[9]
        var yhat = forward(X, W1, W2, W3, b1, b2, b3);
        var accuracy = (torch.argmax(yhat, dim: 1) == y).sum() / y.numel();
        if (Loss.Count > 0) context.Print("Loss[0] =", Loss[0], "Loss[-1] =", Loss[^1]);
        context.Print(accuracy);
    }

    public override IReadOnlyList<LessonOption> Options => FourClassTraining.Options;

    public override string DivergenceHint => FourClassTraining.DivergenceHint;

    public override double EstimateBytes(OptionValues options) =>
        FourClassTraining.EstimateBytes(options, FourClassTraining.TutorialLayers);
}
