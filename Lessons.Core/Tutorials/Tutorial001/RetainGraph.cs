using Lessons.Core.Autograd;
using Lessons.Core.Catalog;
using TorchSharp;
using Lessons.Core.Torch;

namespace Lessons.Core.Tutorials.Tutorial001;

/// <summary>
/// backward frees the graph's saved values; a second backward through the same graph needs
/// <c>retain_graph=True</c> on the first.
/// </summary>
public sealed class RetainGraph : Lesson
{
    public override string Id => "retain-graph";
    public override string Title => "autograd 自动求导: backward twice with retain_graph";
    public override LessonSource Source => new("001_527ed903e0dd4563.txt", 3, "3. autograd 自动求导", Position: 1);
    public override bool RecordsGraphs => true;
    public override long? Seed => 10;

    public override void Run(LessonContext context)
    {
        context.ManualSeed();   // torch.manual_seed(10), as the tutorial does; this example draws nothing at random
        // 非叶子节点默认不保存梯度,除非显式指定
        var w = torch.tensor(new[] { 1f }, requires_grad: true, device: context.Device);
        var x = torch.tensor(new[] { 2f }, requires_grad: true, device: context.Device);
        var a = torch.add(w, x);
        var b = torch.add(w, torch.tensor(1f));   // the 1 as Python passes it, a tensor
        var y = torch.mul(a, b);
        // 如果不保存图,那么不能执行第二次
        y.backward(retain_graph: true);
        context.Print(w.grad);   // tensor([5.])
        context.Record("w.grad after first backward", w.grad);
        y.backward();   // allowed: the graph was kept; the gradient accumulates
        context.Print("second backward with the graph retained, w.grad:", w.grad);

        // Not in the tutorial: without retain_graph the second backward fails, as in PyTorch.
        var w2 = torch.tensor(new[] { 1f }, requires_grad: true, device: context.Device);
        var x2 = torch.tensor(new[] { 2f }, requires_grad: true, device: context.Device);
        var a2 = torch.add(w2, x2);
        var b2 = torch.add(w2, torch.tensor(1f));
        var y2 = torch.mul(a2, b2);
        (string, torch.Tensor)[] named = [("w", w2), ("x", x2), ("a", a2), ("b", b2), ("y", y2)];
        context.RecordGraph("y before backward()", y2, named);
        y2.backward();
        // backward freed the values the nodes saved for it (MulBackward0 kept a and b), not the
        // nodes and edges: the graph reads the same, but cannot run again, and its edge gradients
        // cannot be read now (libtorch would have to run what backward freed).
        context.RecordGraph("y after backward(): same nodes, saved values freed", y2, BackwardStart.AlreadyFreed, named);
        string error = "";
        try
        {
            y2.backward();
        }
        catch (Exception e)
        {
            error = TorchErrors.Message(e);
        }
        context.Print("without retain_graph, the second backward raises:");
        context.Print("RuntimeError:", error);
    }
}
