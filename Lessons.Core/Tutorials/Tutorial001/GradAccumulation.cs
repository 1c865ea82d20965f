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

    public override void Run(LessonContext context)
    {
        // 1. 梯度不自动清零: without w.grad.zero_(), each backward adds to w.grad.
        context.Print("without w.grad.zero_():");
        var w = torch.tensor(new[] { 1f }, requires_grad: true, device: context.Device);
        var x = torch.tensor(new[] { 2f }, requires_grad: true, device: context.Device);
        var accumulated = new List<double>();
        foreach (int i in context.Steps(context.Get(Iterations), "without zero_"))
        {
            var a = torch.add(w, x);
            var b = torch.add(w, torch.tensor(1f));   // the 1 as Python passes it, a tensor
            var y = torch.mul(a, b);
            y.backward();
            context.Print(w.grad);   // 若未清零,tensor([5.]) tensor([10.]) tensor([15.]) tensor([20.])
            accumulated.Add(w.grad!.item());
        }
        context.Record("w.grad without zero_", accumulated);

        // The tutorial's loop as written, with w.grad.zero_() after each print.
        context.Print("with w.grad.zero_():");
        var w2 = torch.tensor(new[] { 1f }, requires_grad: true, device: context.Device);
        var x2 = torch.tensor(new[] { 2f }, requires_grad: true, device: context.Device);
        var zeroed = new List<double>();
        foreach (int i in context.Steps(context.Get(Iterations), "with zero_"))
        {
            var a = torch.add(w2, x2);
            var b = torch.add(w2, torch.tensor(1f));
            var y = torch.mul(a, b);
            y.backward();
            context.Print(w2.grad);   // 若清零了,tensor([5.]) tensor([5.]) tensor([5.]) tensor([5.])
            zeroed.Add(w2.grad!.item());
            w2.grad!.zero_();
        }
        context.Record("w.grad with zero_", zeroed);
    }

    static readonly LessonOption<int> Iterations = new("iterations", 4, "backward passes in each loop", Check.AtLeast(1));

    public override IReadOnlyList<LessonOption> Options => [Iterations];

    // Two loops, each printing w.grad and recording one number per iteration.
    public override double EstimateBytes(OptionValues options) =>
        2.0 * options.Get(Iterations) * (MemoryEstimate.PrintedLine + MemoryEstimate.RecordedNumber);
}
