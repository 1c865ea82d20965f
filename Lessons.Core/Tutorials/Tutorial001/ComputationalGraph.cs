using Lessons.Core.Autograd;
using Lessons.Core.Catalog;
using TorchSharp;

namespace Lessons.Core.Tutorials.Tutorial001;

/// <summary>
/// The computational graph: leaves (w, x) and the nodes computed from them (a, b, y). Only leaves
/// keep their gradient after backward; every non-leaf remembers the function that made it (grad_fn).
/// </summary>
public sealed class ComputationalGraph : Lesson
{
    public override string Id => "computational-graph";
    public override string Title => "计算图: leaves, gradients and grad_fn";
    public override LessonSource Source => new("001_527ed903e0dd4563.txt", 1, "1. 计算图");
    public override bool RecordsGraphs => true;

    public override void Run(LessonContext context)
    {
        var w = torch.tensor(new[] { 1f }, requires_grad: true, device: context.Device);
        var x = torch.tensor(new[] { 2f }, requires_grad: true, device: context.Device);
        var a = torch.add(w, x);   // retain_grad()
        var b = torch.add(w, torch.tensor(1f));   // the 1 as Python passes it, a tensor (AddBackward0)
        var y = torch.mul(a, b);
        context.RecordGraph("y", y, ("w", w), ("x", x), ("a", a), ("b", b), ("y", y));
        y.backward();
        context.Print(w.grad);   // tensor([5.])

        // 查看叶子结点: leaves are the tensors we created; a, b and y were computed.
        context.Print("is_leaf:\n", w.is_leaf, x.is_leaf, a.is_leaf, b.is_leaf, y.is_leaf);
        // 查看梯度: only leaves keep .grad, the intermediate gradients were freed during backward
        // (libtorch warns on stderr when a non-leaf's .grad is read, as PyTorch does).
        context.Print("gradient:\n", w.grad, x.grad, a.grad, b.grad, y.grad);
        // 查看 grad_fn: the backward node libtorch recorded for each tensor (None for leaves).
        context.Print("grad_fn:\n", GradFn.Describe(w), GradFn.Describe(x), GradFn.Describe(a), GradFn.Describe(b), GradFn.Describe(y));
        context.Record("grad_fn", new[] { w, x, a, b, y }.Select(GradFn.NameOf).ToArray());

        // Not in the tutorial: each grad_fn's next_functions, the graph's edges, which it invites
        // exploring: (node, input_nr) pairs, None where an input needs no gradient (the 1 of w + 1).
        context.Print("# not in the tutorial: print(y.grad_fn.next_functions), print(b.grad_fn.next_functions)");
        context.Print(AutogradGraphs.NextFunctions(y));
        context.Print(AutogradGraphs.NextFunctions(b));

        // The tutorial's comment "# retain_grad()" on a: a non-leaf asked to keep its gradient.
        var w2 = torch.tensor(new[] { 1f }, requires_grad: true, device: context.Device);
        var x2 = torch.tensor(new[] { 2f }, requires_grad: true, device: context.Device);
        var a2 = torch.add(w2, x2);
        a2.retain_grad();
        var y2 = torch.mul(a2, torch.add(w2, torch.tensor(1f)));
        y2.backward();
        context.Print("with a.retain_grad(), a.grad:", a2.grad);
        context.Record("a.grad with retain_grad", a2.grad);
    }
}
