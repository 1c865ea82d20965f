using Lessons.Core.Autograd;
using Lessons.Core.Catalog;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Lessons.Core.Tutorials.Tutorial002;

/// <summary>
/// The gradient of a multi-output perceptron, o = sigmoid(x·wᵀ) with w of shape [2, 10], under the
/// MSE loss against ones: row k of w.grad is −(2 / K) (1 − o_k) o_k (1 − o_k) x for K outputs.
/// </summary>
public sealed class PerceptronMulti : Lesson
{
    public override string Id => "perceptron-multi";
    public override string Title => "多输出感知机: the gradient of a multi-output perceptron";
    public override LessonSource Source => new("002_33d8818b87178235.txt", 2, "多输出感知机", Numbered: false);
    public override long? Seed => 0;

    public override void Run(LessonContext context)
    {
        // Drawn on the CPU generator (the same numbers on any device), then moved.
        context.ManualSeed();
        var x = torch.randn(1, context.Get(Features)).to(context.Device);
        var w = torch.randn(context.Get(Outputs), context.Get(Features)).to(context.Device).requires_grad_();
        var o = torch.sigmoid(x.matmul(w.t()));   // x@w.t()
        var loss = F.mse_loss(torch.ones(1, context.Get(Outputs), device: context.Device), o);
        loss.backward();
        context.Print(loss);
        context.Print(w.grad);

        // Not in the tutorial: row k is dL/do_k = -(2 / K) (1 - o_k), times o_k (1 - o_k), times x.
        Tensor byHand;
        using (torch.no_grad())
            byHand = (-2.0 / context.Get(Outputs) * (1 - o) * o * (1 - o)).t().matmul(x);
        context.Print("by hand, -(2/K) (1 - o) o (1 - o) x for each output:");
        context.Print(byHand);
        context.Keep(x, w, o);
        context.Record(("loss.shape", loss.shape), ("loss.grad_fn", GradFn.NameOf(loss)), ("w.grad shape", w.grad!.shape), ("w.grad by hand", byHand));
    }

    static readonly LessonOption<int> Features = new("features", 10, "inputs of the perceptron (length of x and of each row of w)", Check.AtLeast(1));
    static readonly LessonOption<int> Outputs = new("outputs", 2, "outputs of the perceptron (rows of w)", Check.AtLeast(1));

    public override IReadOnlyList<LessonOption> Options => [Features, Outputs];

    // w, w.grad and the hand-derived gradient (outputs×features) with their temporaries (about 6),
    // each recorded, and printing copies two of them out (8 bytes an element); x is features long.
    public override double EstimateBytes(OptionValues options)
    {
        double features = options.Get(Features), matrix = features * options.Get(Outputs);
        return matrix * (6 * MemoryEstimate.Float32 + 3 * MemoryEstimate.RecordedNumber + 2 * MemoryEstimate.Float64)
            + features * (2 * MemoryEstimate.Float32 + MemoryEstimate.RecordedNumber);
    }
}
