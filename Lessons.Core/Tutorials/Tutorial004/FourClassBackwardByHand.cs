using Lessons.Core.Catalog;
using TorchSharp;
using TorchSharp.Modules;
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
    public override IReadOnlyList<LessonOption> Options => FourClassTraining.Options;

    /// <summary>Two trainings of the tutorial's network: twice the recorded losses.</summary>
    public override double EstimateBytes(OptionValues options) =>
        FourClassTraining.EstimateBytes(options, FourClassTraining.TutorialLayers, 2.0 * options.Get(FourClassTraining.Iterations));

    public override void Run(LessonContext context)
    {
        var data = FourClassData.Build(context);

        // In[10]: the parameters after manual_seed(0), trained with the backward pass written out.
        context.ManualSeed();
        var (W1, b1, W2, b2, W3, b3) = FourClassRaw.DrawParameters(context.Device);
        Parameter[] parameters = [W1, W2, W3, b1, b2, b3];
        var losses = TrainByHand(context, data, W1, W2, W3, b1, b2, b3);

        // four-class-optimizer: the same draw, trained with loss.backward() and torch.optim.SGD.
        context.ManualSeed();
        var (R1, c1, R2, c2, R3, c3) = FourClassRaw.DrawParameters(context.Device);
        Parameter[] reference = [R1, R2, R3, c1, c2, c3];
        var referenceLosses = FourClassTraining.Train(context, "with backward()", X => FourClassRaw.Forward(X, R1, R2, R3, c1, c2, c3), reference, data);

        if (losses.Count > 0)
            context.Print("Loss[0] =", losses[0], "Loss[-1] =", losses[^1]);
        int equalLosses = losses.Zip(referenceLosses).Count(pair => BitConverter.DoubleToInt64Bits(pair.First) == BitConverter.DoubleToInt64Bits(pair.Second));
        context.Print($"losses equal to backward() and optimizer.step()'s, bit for bit: {equalLosses} of {losses.Count}");
        string[] names = ["W1", "W2", "W3", "b1", "b2", "b3"];
        var identical = parameters.Zip(reference).Select(pair => BitEqual(pair.First, pair.Second)).ToList();
        context.Print("final parameters equal, bit for bit:", string.Join(", ", names.Zip(identical).Select(p => $"{p.First} {(p.Second ? "yes" : "no")}")));

        var accuracy = FourClassTraining.Accuracy(FourClassRaw.Forward(data.X, W1, W2, W3, b1, b2, b3), data.Labels);
        context.Print("accuracy:", accuracy);
        context.Record("loss", losses);
        context.Record("loss with backward()", referenceLosses);
        context.Record("losses equal", equalLosses);
        context.Record("parameters equal", identical);
        context.Record("accuracy", accuracy);
        context.Record("final parameters", parameters.ToList());
    }

    /// <summary>
    /// In[11]'s loop with backward() and the optimizer's step written out. Under no_grad: autograd
    /// records nothing, every gradient below is computed here.
    /// </summary>
    static List<double> TrainByHand(LessonContext context, FourClassData data,
        Parameter W1, Parameter W2, Parameter W3, Parameter b1, Parameter b2, Parameter b3)
    {
        double alpha = context.Get(FourClassTraining.Alpha);
        int iterations = context.Get(FourClassTraining.Iterations);
        Tensor X = data.X, Y = data.OneHot;
        // The loss is a sum over the points divided by their number E: each output's share of it.
        float share = 1f / X.shape[0];
        var losses = new List<double>(iterations);
        using var noGrad = torch.no_grad();
        for (int i = 0; i < iterations; i++)
        {
            using var step = context.StepScope("by hand", i, iterations);

            // Forward (In[5]), keeping each layer's output for the backward pass.
            var A1 = torch.sigmoid(torch.matmul(X, W1) + b1);
            var A2 = torch.sigmoid(torch.matmul(A1, W2) + b2);
            var A3 = torch.sigmoid(torch.matmul(A2, W3) + b3);
            var loss = FourClassTraining.Loss(A3, Y);
            losses.Add(FourClassTraining.LossItem(context, loss, i));

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
            foreach (var (parameter, gradient) in new[] { (W1, dW1), (W2, dW2), (W3, dW3), (b1, db1), (b2, db2), (b3, db3) })
                parameter.add_(gradient, alpha: -alpha);
        }
        return losses;
    }

    static bool BitEqual(Tensor a, Tensor b) =>
        a.cpu().data<float>().ToArray().Select(BitConverter.SingleToInt32Bits)
            .SequenceEqual(b.cpu().data<float>().ToArray().Select(BitConverter.SingleToInt32Bits));
}
