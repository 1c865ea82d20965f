using Lessons.Core.Catalog;

namespace Lessons.Core.Tutorials.Tutorial001;

/// <summary>A tensor computed from a leaf that requires grad requires grad itself.</summary>
public sealed class RequiresGradPropagation : Lesson
{
    public override string Id => "requires-grad-propagation";
    public override string Title => "依赖叶子节点的节点,requires_grad默认为True";
    public override LessonSource Source => new("001_527ed903e0dd4563.txt", 3, "2. 依赖叶子节点的节点,requires_grad默认为True", Position: 5);

    public override void Run(LessonContext context)
    {
        var (_, _, a, b, y) = WxGraph.Build(context.Device);
        context.Print(a.requires_grad, b.requires_grad, y.requires_grad);
        context.Record("requires_grad", new[] { a.requires_grad, b.requires_grad, y.requires_grad });
    }
}
