using Lessons.Core.Catalog;
using TorchSharp;

namespace Lessons.Core.Tutorials.Tutorial001;

/// <summary>
/// Gradients accumulate: each backward adds to .grad, so a training loop must zero it
/// (w.grad.zero_()) or each step sees the sum of all earlier gradients.
/// </summary>
public sealed class GradAccumulation : Lesson
{
    public override string Id => "grad-accumulation";
    public override string Title => "梯度不自动清零: gradients accumulate unless zeroed";
    public override LessonSource Source => new("001_527ed903e0dd4563.txt", 3, "1. 梯度不自动清零", Position: 4);

    static readonly LessonOption<int> Iterations = new("iterations", 4, "backward passes in each loop", Check.AtLeast(1));

    public override IReadOnlyList<LessonOption> Options => [Iterations];

    // Two loops, each printing w.grad and recording one number per iteration.
    public override double EstimateBytes(OptionValues options) =>
        2.0 * options.Get(Iterations) * (MemoryEstimate.PrintedLine + MemoryEstimate.RecordedNumber);

    public override void Run(LessonContext context)
    {
        int iterations = context.Get(Iterations);
        context.Print("without w.grad.zero_():");
        context.Record("w.grad without zero_", Loop(context, iterations, zeroGrad: false));
        context.Print("with w.grad.zero_():");
        context.Record("w.grad with zero_", Loop(context, iterations, zeroGrad: true));
    }

    static List<double> Loop(LessonContext context, int iterations, bool zeroGrad)
    {
        var w = torch.tensor(new[] { 1f }, requires_grad: true, device: context.Device);
        var x = torch.tensor(new[] { 2f }, requires_grad: true, device: context.Device);
        var seen = new List<double>();
        for (int i = 0; i < iterations; i++)
        {
            using var step = torch.NewDisposeScope();
            var a = torch.add(w, x);
            var b = WxGraph.AddOne(w);
            var y = torch.mul(a, b);
            y.backward();
            context.Print(w.grad);
            seen.Add(w.grad!.item<float>());
            if (zeroGrad) w.grad.zero_();
        }
        return seen;
    }
}
