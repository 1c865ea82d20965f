using Lessons.Core.Autograd;
using Lessons.Core.Catalog;
using Lessons.Core.Python;
using TorchSharp;

namespace Lessons.Core.Tutorials.Tutorial001;

/// <summary>
/// torch.autograd.grad with create_graph=True records the derivative's own graph, so it can be
/// differentiated again: y = x², dy/dx = 2x = 6 at x = 3, d²y/dx² = 2.
/// </summary>
public sealed class SecondDerivative : Lesson
{
    public override string Id => "second-derivative";
    public override string Title => "autograd 自动求导: torch.autograd.grad and a second derivative";
    public override LessonSource Source => new("001_527ed903e0dd4563.txt", 3, "只有创建了导数的计算图,才能进行二阶求导", Position: 3);
    public override bool RecordsGraphs => true;

    public override void Run(LessonContext context)
    {
        var x = torch.tensor(new[] { 3f }, requires_grad: true, device: context.Device);
        var y = torch.pow(x, 2);   // y = x**2
        context.RecordGraph("y", y, ("x", x), ("y", y));

        // 只有创建了导数的计算图,才能进行二阶求导: only a derivative computed with its own graph can be differentiated again.
        var grad_1 = new PyTuple([.. torch.autograd.grad([y], [x], create_graph: true)]);   // grad_1 = dy/dx = 2x = 2 * 3 = 6
        context.Print(grad_1);   // (tensor([6.], grad_fn=<MulBackward0>),)
        var dydx = (torch.Tensor)grad_1.Items[0]!;
        // create_graph=True recorded the derivative 2x itself: the graph grad_2 differentiates.
        context.RecordGraph("grad_1[0] = dy/dx (create_graph=True)", dydx, ("x", x), ("grad_1[0]", dydx));
        context.Record("grad_1.grad_fn", GradFn.NameOf(dydx));
        var grad_2 = new PyTuple([.. torch.autograd.grad([dydx], [x])]);   // grad_2 = d(dy/dx)/dx = d(2x)/dx = 2,二阶导数
        context.Print(grad_2);   // (tensor([2.]),)
    }
}
