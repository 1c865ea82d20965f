using Lessons.Core.Catalog;
using Lessons.Core.Python;
using TorchSharp;
using static TorchSharp.torch;

namespace Lessons.Core.Tutorials.Tutorial000;

/// <summary>
/// The same two-layer net with autograd: the weights require grad, loss.backward() fills their
/// .grad, and the update runs under no_grad with the gradients zeroed afterwards.
/// </summary>
public sealed class TwoLayerAutograd : Lesson
{
    public override string Id => "two-layer-autograd";
    public override string Title => "numpy和pytorch实现梯度下降法: the two-layer net with autograd";
    public override LessonSource Source => new("000_a37f91e8c941d689.txt", 1, "1.numpy和pytorch实现梯度下降法 (torch)", Position: 2);
    public override bool RecordsGraphs => true;
    public override long? Seed => 0;

    public override void Run(LessonContext context)
    {
        TwoLayerSettings s = TwoLayerNet.Read(context);
        context.Print($"note: y = torch.randn(N, D_out) = randn({s.N}, {s.DOut}); the tutorial's randn(H, D_out) is a bug (y must have y_pred's shape)");

        // Drawn on the CPU generator (the same numbers on any device), then moved.
        context.ManualSeed();
        var x = torch.randn(s.N, s.DIn, float32).to(context.Device);
        var y = torch.randn(s.N, s.DOut, float32).to(context.Device);
        var w1 = torch.randn(s.DIn, s.H, float32).to(context.Device).requires_grad_();
        var w2 = torch.randn(s.H, s.DOut, float32).to(context.Device).requires_grad_();

        var losses = new List<double>();
        foreach (int t in context.Steps(s.Steps))
        {
            var y_pred = x.mm(w1).clamp(min: 0).mm(w2);
            var loss = (y_pred - y).pow(2).sum();
            if (t == 0) context.RecordGraph("loss, step 0", loss, ("w1", w1), ("w2", w2), ("y_pred", y_pred), ("loss", loss));
            context.Print(t, loss.item());
            losses.Add(loss.item());

            loss.backward();

            // The update is not part of the model: keep it out of the graph.
            using (torch.no_grad())
            {
                w1.sub_(w1.grad! * s.LearningRate);
                w2.sub_(w2.grad! * s.LearningRate);
                w1.grad!.zero_();
                w2.grad!.zero_();
            }
        }

        context.Record(("y shape", new List<long>(y.shape)), ("loss", losses), ("loss orders of magnitude fallen", TwoLayerNet.OrdersFallen(losses)));
    }

    public override IReadOnlyList<LessonOption> Options => TwoLayerNet.Options;

    public override double EstimateBytes(OptionValues options) => TwoLayerNet.EstimateBytes(options, MemoryEstimate.Float32);
}
