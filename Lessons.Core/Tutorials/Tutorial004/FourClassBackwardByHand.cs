using Lessons.Core.Catalog;
using TorchSharp;
using TorchSharp.Modules;
using static Lessons.Core.Tutorials.Tutorial004.FourClass;
using static TorchSharp.torch;

namespace Lessons.Core.Tutorials.Tutorial004;

/// <summary>
/// This port's addition: In[11]'s network trained with loss.backward() and optimizer.step()
/// written out, each gradient as the chain rule gives it, then compared with four-class-optimizer's
/// training, loss for loss and parameter for parameter.
/// </summary>
public sealed class FourClassBackwardByHand : Lesson
{
    public override string Id => "four-class-backward-by-hand";
    public override string Title => "this port's addition: In[11]'s network with the backward pass written by hand";
    public override LessonSource Source => new("004_a20ad3c675e1883c.txt", 3, "In[10]-In[11] optimizer", Position: 1, Numbered: false);
    public override long? Seed => 0;

    public override void Run(LessonContext context)
    {
        // In[2]: the chapter's data; In[4]: alpha.
        var (X, y, Y) = FourClassData.Build(context);
        double alpha = context.Get(FourClassTraining.Alpha);
        int iterations = context.Get(FourClassTraining.Iterations);
        var device = context.Device;

        // In[10]: the parameters after manual_seed(0).
        context.ManualSeed();
        var W1 = new Parameter((torch.randn(2, 3) * 0.01).to(device), requires_grad: true);
        var b1 = new Parameter((torch.randn(1, 3) * 0.01).to(device), requires_grad: true);
        var W2 = new Parameter((torch.randn(3, 3) * 0.01).to(device), requires_grad: true);
        var b2 = new Parameter((torch.randn(1, 3) * 0.01).to(device), requires_grad: true);
        var W3 = new Parameter((torch.randn(3, 4) * 0.01).to(device), requires_grad: true);
        var b3 = new Parameter((torch.randn(1, 4) * 0.01).to(device), requires_grad: true);

        // In[11]'s loop with L.backward() and optimizer.step() written out. Under no_grad: autograd
        // records nothing, every gradient below is computed here. The loss is a sum over the points
        // divided by their number E: each output's share of it.
        float share = 1f / X.shape[0];
        var Loss = new List<double>();
        context.Observe(new StageRecord(context, X => forward(X, W1, W2, W3, b1, b2, b3), [W1, W2, W3, b1, b2, b3], X, y));
        using (torch.no_grad())
        {
            foreach (int i in context.Steps(iterations, "by hand"))
            {
                // Forward (In[5]), keeping each layer's output for the backward pass.
                var A1 = torch.sigmoid(torch.matmul(X, W1) + b1);
                var A2 = torch.sigmoid(torch.matmul(A1, W2) + b2);
                var A3 = torch.sigmoid(torch.matmul(A2, W3) + b3);
                var L = loss(A3, Y);
                Loss.Add(L.item());

                // The loss's gradient: d/dA of -Y·log A - (1 - Y)·log(1 - A), times the share.
                var dA3 = -Y * share / A3 + (1 - Y) * share / (1 - A3);

                // Layer 3: sigmoid's derivative is (1 - A)·A; Z3 = A2·W3 + b3.
                var dZ3 = dA3 * (1 - A3) * A3;
                var dW3 = torch.matmul(A2.t(), dZ3);
                var db3 = dZ3.sum(0, keepdim: true);
                var dA2 = torch.matmul(dZ3, W3.t());

                // Layer 2.
                var dZ2 = dA2 * (1 - A2) * A2;
                var dW2 = torch.matmul(A1.t(), dZ2);
                var db2 = dZ2.sum(0, keepdim: true);
                var dA1 = torch.matmul(dZ2, W2.t());

                // Layer 1: X needs no gradient.
                var dZ1 = dA1 * (1 - A1) * A1;
                var dW1 = torch.matmul(X.t(), dZ1);
                var db1 = dZ1.sum(0, keepdim: true);

                // SGD's step: W ← W - alpha·dW.
                W1.add_(dW1, alpha: -alpha);
                W2.add_(dW2, alpha: -alpha);
                W3.add_(dW3, alpha: -alpha);
                b1.add_(db1, alpha: -alpha);
                b2.add_(db2, alpha: -alpha);
                b3.add_(db3, alpha: -alpha);
            }
        }

        // four-class-optimizer's In[10] and In[11]: the same draw, trained with L.backward() and torch.optim.SGD.
        context.ManualSeed();
        var R1 = new Parameter((torch.randn(2, 3) * 0.01).to(device), requires_grad: true);
        var c1 = new Parameter((torch.randn(1, 3) * 0.01).to(device), requires_grad: true);
        var R2 = new Parameter((torch.randn(3, 3) * 0.01).to(device), requires_grad: true);
        var c2 = new Parameter((torch.randn(1, 3) * 0.01).to(device), requires_grad: true);
        var R3 = new Parameter((torch.randn(3, 4) * 0.01).to(device), requires_grad: true);
        var c3 = new Parameter((torch.randn(1, 4) * 0.01).to(device), requires_grad: true);
        var optimizer = torch.optim.SGD([R1, R2, R3, c1, c2, c3], alpha);   // lr=alpha
        var ReferenceLoss = new List<double>();
        foreach (int i in context.Steps(iterations, "with backward()"))
        {
            var pred = forward(X, R1, R2, R3, c1, c2, c3);
            var L = loss(pred, Y);
            optimizer.zero_grad();
            L.backward();
            ReferenceLoss.Add(L.item());
            optimizer.step();
        }

        // The two trainings compared, loss for loss and parameter for parameter.
        if (Loss.Count > 0) context.Print("Loss[0] =", Loss[0], "Loss[-1] =", Loss[^1]);
        int equalLosses = Loss.Zip(ReferenceLoss).Count(pair => BitConverter.DoubleToInt64Bits(pair.First) == BitConverter.DoubleToInt64Bits(pair.Second));
        context.Print($"losses equal to backward() and optimizer.step()'s, bit for bit: {equalLosses} of {Loss.Count}");
        string[] names = ["W1", "W2", "W3", "b1", "b2", "b3"];
        var identical = new[] { (W1, R1), (W2, R2), (W3, R3), (b1, c1), (b2, c2), (b3, c3) }.Select(pair => BitEqual(pair.Item1, pair.Item2));
        context.Print("final parameters equal, bit for bit:", string.Join(", ", names.Zip(identical).Select(p => $"{p.First} {(p.Second ? "yes" : "no")}")));

        var accuracy = (torch.argmax(forward(X, W1, W2, W3, b1, b2, b3), dim: 1) == y).sum() / y.numel();
        context.Print("accuracy:", accuracy);
        context.Record(FourClassResults.Loss, Loss);
    }

    public override IReadOnlyList<LessonOption> Options => FourClassTraining.Options;

    public override string DivergenceHint => FourClassTraining.DivergenceHint;

    /// <summary>Two trainings of the tutorial's network: twice the recorded losses.</summary>
    public override double EstimateBytes(OptionValues options) =>
        FourClassTraining.EstimateBytes(options, FourClassTraining.TutorialLayers, 2.0 * options.Get(FourClassTraining.Iterations));

    static bool BitEqual(Tensor a, Tensor b) =>
        a.cpu().data<float>().ToArray().Select(BitConverter.SingleToInt32Bits)
            .SequenceEqual(b.cpu().data<float>().ToArray().Select(BitConverter.SingleToInt32Bits));
}
