using Lessons.Core.Autograd;
using Lessons.Core.Catalog;
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
        context.ManualSeed(); // as the tutorial does; this example draws nothing at random

        var kept = WxGraph.Build(context.Device);
        kept.Y.backward(retain_graph: true);
        context.Print(kept.W.grad);
        context.Record("w.grad after first backward", kept.W.grad);
        kept.Y.backward(); // allowed: the graph was kept; the gradient accumulates
        context.Print("second backward with the graph retained, w.grad:", kept.W.grad);
        context.Record("w.grad after two backwards", kept.W.grad);

        // Without retain_graph the second backward fails, as in PyTorch.
        var freed = WxGraph.Build(context.Device);
        context.RecordGraph("y before backward()", freed.Y, freed.Named);
        freed.Y.backward();
        // backward freed the values the nodes saved for it (MulBackward0 kept a and b), not the
        // nodes and edges: the graph reads the same, but cannot run again.
        // Its edge gradients cannot be read now: libtorch would have to run what backward freed.
        context.RecordGraph("y after backward(): same nodes, saved values freed", freed.Y, BackwardStart.AlreadyFreed, freed.Named);
        string error;
        try
        {
            freed.Y.backward();
            error = "";
        }
        catch (Exception e)
        {
            error = TorchErrors.Message(e);
        }
        context.Print("without retain_graph, the second backward raises:");
        context.Print("RuntimeError: " + error);
        context.Record("second backward error", error);
    }
}
