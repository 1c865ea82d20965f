using Lessons.Core.Autograd;
using Lessons.Core.Catalog;
using TorchSharp;
using static TorchSharp.torch;

namespace Lessons.Core.Tutorials.Tutorial001;

/// <summary>
/// backward of a non-scalar output needs weights for its elements (grad_tensors): the result is
/// the weighted sum of each element's gradient. Here 1·dy0/dw + 2·dy1/dw = 1·5 + 2·2 = 9.
/// </summary>
public sealed class GradTensors : Lesson
{
    public override string Id => "grad-tensors";
    public override string Title => "autograd 自动求导: grad_tensors, weights for a vector's backward";
    public override LessonSource Source => new("001_527ed903e0dd4563.txt", 3, "grad_tensors的使用", Position: 2);
    public override bool RecordsGraphs => true;

    public override void Run(LessonContext context)
    {
        var w = torch.tensor(new[] { 1f }, requires_grad: true, device: context.Device);
        var x = torch.tensor(new[] { 2f }, requires_grad: true, device: context.Device);
        var a = torch.add(w, x);   // retain_grad()
        var b = torch.add(w, torch.tensor(1f));   // the 1 as Python passes it, a tensor (AddBackward0)
        var y0 = torch.mul(a, b);   // y0 = (x+w) * (w+1)
        var y1 = torch.add(a, b);   // y1 = (x+w) + (w+1), dy1/dw = 2
        var loss = torch.cat([y0, y1], dim: 0);   // [y0, y1]
        context.Print(loss);   // tensor([6., 5.], grad_fn=<CatBackward0>)
        var grad_tensors = torch.tensor(new[] { 1f, 2f }, device: context.Device);
        // Not a tree: a and b each feed both y0 and y1, and w feeds both a and b. Recorded with the
        // weights backward starts from, so each edge shows what it carries in this backward.
        context.RecordGraph("loss", loss, BackwardStart.With(grad_tensors), ("w", w), ("x", x), ("a", a), ("b", b), ("y0", y0), ("y1", y1), ("loss", loss));
        loss.backward([grad_tensors]);   // gradient=grad_tensors
        context.Print(w.grad);   // tensor([9.])
        context.Record("loss.grad_fn", GradFn.NameOf(loss));
    }
}
