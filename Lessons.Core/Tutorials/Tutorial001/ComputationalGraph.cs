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
    public override string Notes => """
        PyTorch records every operation on tensors that require grad as a graph: the leaves are
        the tensors you created (w, x), the other nodes are computed (a = w + x, b = w + 1,
        y = a * b). y.backward() walks the graph back from y and leaves dy/dw = 5 and dy/dx = 2
        in the leaves' .grad; the intermediate gradients are freed unless a node asks to keep
        them with retain_grad(). Each computed tensor remembers the backward node that made it
        (grad_fn), and each node its inputs (next_functions: a node and its input_nr, or None for
        an input that needs no gradient, like the 1 of w + 1); the lesson prints y's and b's
        next_functions beyond what the tutorial prints, and --graph or --plots show the whole
        graph. Section 1 of the tutorial. Porting notes: TorchSharp has no grad_fn, so this
        project reads the nodes libtorch recorded (their C++ class names and edges); and torch.add(w, 1) in C#
        calls libtorch's scalar overload, whose node is AddBackward1, while Python wraps the 1 in
        a tensor (AddBackward0), so the lesson passes a 0-dim tensor as Python does.

        思考, answered: the two main concepts of a computational graph are its nodes, the data
        (tensors: here w, x, a, b, y), and its edges, the operations that make one tensor from
        others (add, mul), which is where backward finds each local derivative to chain. A
        static graph (TensorFlow 1, the static-graph lesson) is built once, before any data
        flows, and then run many times; a dynamic graph (PyTorch) is recorded anew as the
        operations execute, so ordinary control flow (loops, ifs that depend on the data)
        shapes each step's graph, and the graph can be inspected while it is being built.
        """;

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
