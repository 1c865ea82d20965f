using Lessons.Core.Catalog;
using TorchSharp;
using static TorchSharp.torch;

namespace Lessons.Core.Tutorials.Tutorial002;

/// <summary>
/// The chain rule through an intermediate node: for y1 = x·w1 + b1 and y2 = y1·w2 + b2,
/// dy2/dy1 · dy1/dw1 equals dy2/dw1 (both 2 at the tutorial's values).
/// </summary>
public sealed class ChainRule : Lesson
{
    public override string Id => "chain-rule";
    public override string Title => "取中间层将不能直接求导的,间接形成链子进行求导: the chain rule";
    public override LessonSource Source => new("002_33d8818b87178235.txt", 3, "取中间层将不能直接求导的,间接形成链子进行求导", Numbered: false);
    public override bool RecordsGraphs => true;

    public override void Run(LessonContext context)
    {
        var x = torch.tensor((float)context.Get(X), device: context.Device);
        var w1 = torch.tensor((float)context.Get(W1), requires_grad: true, device: context.Device);
        var b1 = torch.tensor((float)context.Get(B1), device: context.Device);
        var w2 = torch.tensor((float)context.Get(W2), requires_grad: true, device: context.Device);
        var b2 = torch.tensor((float)context.Get(B2), device: context.Device);
        var y1 = x * w1 + b1;
        var y2 = y1 * w2 + b2;
        context.RecordGraph("y2", y2, ("w1", w1), ("w2", w2), ("y1", y1), ("y2", y2));
        var dy2_dy1 = torch.autograd.grad([y2], [y1], retain_graph: true)[0];
        var dy1_dw1 = torch.autograd.grad([y1], [w1], retain_graph: true)[0];   // [0] takes it out of the tuple
        var dy2_dw1 = torch.autograd.grad([y2], [w1], retain_graph: true)[0];
        var l = dy2_dy1 * dy1_dw1;   // 链式法则等同于dy2_dw1: the chain rule
        var o = dy2_dw1;             // 直接求导: differentiated directly
        context.Print(l);
        context.Print(o);
        context.Keep(dy2_dy1, dy1_dw1, dy2_dw1);
    }

    static readonly LessonOption<double> X = new("x", 1.0, "the input x", Check.Finite);
    static readonly LessonOption<double> W1 = new("w1", 2.0, "the first weight", Check.Finite);
    static readonly LessonOption<double> B1 = new("b1", 1.0, "the first bias", Check.Finite);
    static readonly LessonOption<double> W2 = new("w2", 2.0, "the second weight", Check.Finite);
    static readonly LessonOption<double> B2 = new("b2", 1.0, "the second bias", Check.Finite);

    public override IReadOnlyList<LessonOption> Options => [X, W1, B1, W2, B2];
}
