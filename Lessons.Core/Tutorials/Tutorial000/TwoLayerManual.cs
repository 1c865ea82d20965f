using Lessons.Core.Catalog;
using Lessons.Core.Numpy;
using TorchSharp;
using static TorchSharp.torch;

namespace Lessons.Core.Tutorials.Tutorial000;

/// <summary>
/// The two-layer net trained with every gradient written by hand, as the tutorial's numpy
/// program does: forward, loss, the chain rule backwards through mm and ReLU, and the update.
/// </summary>
public sealed class TwoLayerManual : Lesson
{
    public override string Id => "two-layer-manual";
    public override string Title => "numpy和pytorch实现梯度下降法: a two-layer net with hand-written gradients";
    public override LessonSource Source => new("000_a37f91e8c941d689.txt", 1, "1.numpy和pytorch实现梯度下降法 (numpy)", Position: 1);
    public override long? Seed => 0;

    public override void Run(LessonContext context)
    {
        TwoLayerSettings s = TwoLayerNet.Read(context);
        using var noAutograd = torch.no_grad(); // numpy has no autograd: nothing is recorded

        // np.random.seed(seed), then numpy's float64 randn draws in the tutorial's order.
        NumpyRandomState numpy = context.NumpySeed();
        var x = numpy.RandnTensor(s.N, s.DIn).to(context.Device);
        var y = numpy.RandnTensor(s.N, s.DOut).to(context.Device);
        var w1 = numpy.RandnTensor(s.DIn, s.H).to(context.Device);
        var w2 = numpy.RandnTensor(s.H, s.DOut).to(context.Device);

        var losses = new List<double>();
        foreach (int t in context.Steps(s.Steps))
        {
            HandPass pass = ForwardBackward(x, y, w1, w2);
            double loss = pass.Loss.item();
            context.Print(t, loss);
            losses.Add(loss);

            // w -= lr * grad, in place as numpy's -= is.
            w1.sub_(pass.GradW1 * s.LearningRate);
            w2.sub_(pass.GradW2 * s.LearningRate);
        }

        context.Record("loss", losses);
        context.Record("loss orders of magnitude fallen", TwoLayerNet.OrdersFallen(losses));
    }

    public override IReadOnlyList<LessonOption> Options => TwoLayerNet.Options;

    // numpy's float64 throughout.
    public override double EstimateBytes(OptionValues options) => TwoLayerNet.EstimateBytes(options, MemoryEstimate.Float64);

    /// <summary>One forward and hand-written backward pass: the loss and the weights' gradients.</summary>
    public sealed record HandPass(Tensor Loss, Tensor GradW1, Tensor GradW2);

    /// <summary>The forward pass and the chain rule by hand, line for line as the tutorial writes them.</summary>
    public static HandPass ForwardBackward(Tensor x, Tensor y, Tensor w1, Tensor w2)
    {
        var h = x.mm(w1);
        var hRelu = h.clamp(min: 0);
        var yPred = hRelu.mm(w2);
        var loss = (yPred - y).square().sum();

        var gradYPred = (yPred - y) * 2.0;
        var gradW2 = hRelu.t().mm(gradYPred);
        var gradHRelu = gradYPred.mm(w2.t());
        var gradH = gradHRelu.clone();
        gradH.masked_fill_(h.lt(0), 0); // grad_h[h < 0] = 0: ReLU passes no gradient where it was off
        var gradW1 = x.t().mm(gradH);
        return new HandPass(loss, gradW1, gradW2);
    }
}
