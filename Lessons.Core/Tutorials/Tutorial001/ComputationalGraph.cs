using Lessons.Core.Autograd;
using Lessons.Core.Catalog;

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
        var graph = WxGraph.Build(context.Device);
        var (w, x, a, b, y) = graph;
        context.RecordGraph("y", y, graph.Named);
        y.backward();
        context.Print(w.grad);

        // Leaves are the tensors we created; a, b and y were computed.
        context.Print("is_leaf:\n", w.is_leaf, x.is_leaf, a.is_leaf, b.is_leaf, y.is_leaf);
        // Only leaves keep .grad: the intermediate gradients were freed during backward
        // (libtorch warns on stderr when a non-leaf's .grad is read, as PyTorch does).
        var gradients = new[] { w.grad, x.grad, a.grad, b.grad, y.grad };
        context.Print(["gradient:\n", .. gradients]);
        // grad_fn: the backward node libtorch recorded for each tensor (None for leaves).
        context.Print("grad_fn:\n", GradFn.Describe(w), GradFn.Describe(x), GradFn.Describe(a), GradFn.Describe(b), GradFn.Describe(y));
        // Not in the tutorial: each grad_fn's next_functions, the graph's edges, which it invites
        // exploring: (node, input_nr) pairs, None where an input needs no gradient (the 1 of w + 1).
        context.Print("# not in the tutorial: print(y.grad_fn.next_functions), print(b.grad_fn.next_functions)");
        context.Print(AutogradGraphs.NextFunctions(y));
        context.Print(AutogradGraphs.NextFunctions(b));

        context.Record("w.grad", w.grad);
        context.Record("is_leaf", new[] { w.is_leaf, x.is_leaf, a.is_leaf, b.is_leaf, y.is_leaf });
        context.Record("gradient", gradients);
        context.Record("grad_fn", new[] { w, x, a, b, y }.Select(GradFn.NameOf).ToArray());

        // The tutorial's comment "# retain_grad()": ask a non-leaf to keep its gradient.
        var retained = WxGraph.Build(context.Device);
        retained.A.retain_grad();
        retained.Y.backward();
        context.Print("with a.retain_grad(), a.grad:", retained.A.grad);
        context.Record("a.grad with retain_grad", retained.A.grad);
    }
}
