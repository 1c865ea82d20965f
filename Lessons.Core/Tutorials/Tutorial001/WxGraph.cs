using TorchSharp;
using static TorchSharp.torch;

namespace Lessons.Core.Tutorials.Tutorial001;

/// <summary>
/// The graph every example of seed 001 starts from: y = (w + x) · (w + 1) at w = 1, x = 2,
/// so dy/dw = (w + 1) + (w + x) = 5 and dy/dx = w + 1 = 2.
/// </summary>
public sealed record WxGraph(Tensor W, Tensor X, Tensor A, Tensor B, Tensor Y)
{
    public static WxGraph Build(Device device)
    {
        var w = torch.tensor(new[] { 1f }, requires_grad: true, device: device);
        var x = torch.tensor(new[] { 2f }, requires_grad: true, device: device);
        var a = torch.add(w, x);
        var b = AddOne(w);
        var y = torch.mul(a, b);
        return new WxGraph(w, x, a, b, y);
    }

    /// <summary>The five tensors by their tutorial names, for <see cref="Catalog.LessonContext.RecordGraph"/>'s labels.</summary>
    public (string Name, Tensor Tensor)[] Named => [("w", W), ("x", X), ("a", A), ("b", B), ("y", Y)];

    /// <summary>
    /// <c>torch.add(w, 1)</c> as Python runs it: Python wraps the 1 in a 0-dim tensor and calls the
    /// tensor overload (node AddBackward0). TorchSharp's <c>torch.add(w, 1)</c> would call the
    /// scalar overload, which libtorch records as AddBackward1.
    /// </summary>
    public static Tensor AddOne(Tensor t) => torch.add(t, torch.tensor(1f));
}
