using Lessons.Core.Catalog;
using TorchSharp;

namespace Lessons.Core.Tutorials.Tutorial000;

/// <summary>y = w·x + b at x = 1, w = 2, b = 3: dy/dx = w = 2, dy/dw = x = 1, dy/db = 1.</summary>
public sealed class SimpleGrad : Lesson
{
    public override string Id => "simple-grad";
    public override string Title => "求取梯度: gradients of y = w*x + b";
    public override LessonSource Source => new("000_a37f91e8c941d689.txt", 3, "3.求取梯度", Position: 1);

    public override void Run(LessonContext context)
    {
        var x = torch.tensor(new[] { 1f }, requires_grad: true, device: context.Device);
        var w = torch.tensor(new[] { 2f }, requires_grad: true, device: context.Device);
        var b = torch.tensor(new[] { 3f }, requires_grad: true, device: context.Device);

        var y = w * x + b;
        y.backward();
        context.Print(x.grad);
        context.Print(w.grad);
        context.Print(b.grad);
    }
}
