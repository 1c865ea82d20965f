using Lessons.Core.Catalog;
using TorchSharp;

namespace Lessons.Core.Tutorials.Tutorial001;

/// <summary>A tensor computed from a leaf that requires grad requires grad itself.</summary>
public sealed class RequiresGradPropagation : Lesson
{
    public override string Id => "requires-grad-propagation";
    public override string Title => "依赖叶子节点的节点,requires_grad默认为True";
    public override LessonSource Source => new("001_527ed903e0dd4563.txt", 3, "2. 依赖叶子节点的节点,requires_grad默认为True", Position: 5);

    public override void Run(LessonContext context)
    {
        var w = torch.tensor(new[] { 1f }, requires_grad: true, device: context.Device);
        var x = torch.tensor(new[] { 2f }, requires_grad: true, device: context.Device);
        var a = torch.add(w, x);
        var b = torch.add(w, torch.tensor(1f));   // the 1 as Python passes it, a tensor
        var y = torch.mul(a, b);
        context.Print(a.requires_grad, b.requires_grad, y.requires_grad);   // True True True
        context.Record("requires_grad", new[] { a.requires_grad, b.requires_grad, y.requires_grad });
    }
}
