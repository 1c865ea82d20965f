using Lessons.Core.Autograd;
using Lessons.Core.Catalog;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Lessons.Core.Tutorials.Tutorial002;

/// <summary>
/// The gradient of a single-output perceptron, o = sigmoid(x·wᵀ), under the MSE loss against 1:
/// autograd's w.grad equals the hand derivation dL/dw = −2 (1 − o) o (1 − o) x.
/// </summary>
public sealed class PerceptronSingle : Lesson
{
    public override string Id => "perceptron-single";
    public override string Title => "单输出感知机的梯度推导: the gradient of a single-output perceptron";
    public override LessonSource Source => new("002_33d8818b87178235.txt", 1, "单输出感知机的梯度推导", Numbered: false);
    public override long? Seed => 0;

    public override void Run(LessonContext context)
    {
        // Drawn on the CPU generator (the same numbers on any device), then moved.
        context.ManualSeed();
        var x = torch.randn(1, context.Get(Features)).to(context.Device);
        var w = torch.randn(1, context.Get(Features)).to(context.Device).requires_grad_();
        var o = torch.sigmoid(x.matmul(w.t()));   // x@w.t()
        var loss = F.mse_loss(torch.ones(1, 1, device: context.Device), o);
        loss.backward();   // loss对W的偏导
        context.Print(new Size(loss.shape));   // 标量: torch.Size([])
        context.Print(w.grad);

        // Not in the tutorial, the derivation: dL/do = -2 (1 - o), do/d(xw^T) = o (1 - o), d(xw^T)/dw = x.
        Tensor byHand;
        using (torch.no_grad())
            byHand = -2 * (1 - o) * o * (1 - o) * x;
        context.Print("by hand, -2 (1 - o) o (1 - o) x:");
        context.Print(byHand);
        context.Keep(x, w, o, loss);
        context.Record(("loss.shape", loss.shape), ("loss.grad_fn", GradFn.NameOf(loss)), ("w.grad shape", w.grad!.shape), ("w.grad by hand", byHand));
    }

    static readonly LessonOption<int> Features = new("features", 10, "inputs of the perceptron (length of x and w)", Check.AtLeast(1));

    public override IReadOnlyList<LessonOption> Options => [Features];

    // x, w, w.grad and the hand-derived gradient, their temporaries (about 8 features-long float
    // tensors), each recorded (4 numbers a feature), and printing copies a tensor out (8 bytes each).
    public override double EstimateBytes(OptionValues options) =>
        options.Get(Features) * (8 * MemoryEstimate.Float32 + 4 * MemoryEstimate.RecordedNumber + 2 * MemoryEstimate.Float64);
}
