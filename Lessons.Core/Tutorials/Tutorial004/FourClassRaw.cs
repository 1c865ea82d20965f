using Lessons.Core.Catalog;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Lessons.Core.Tutorials.Tutorial004;

/// <summary>
/// The 2-3-3-4 sigmoid network from raw tensors: six parameters, a hand-written forward pass and
/// loss, autograd for the gradients, and a hand-written gradient-descent update.
/// </summary>
public sealed class FourClassRaw : Lesson
{
    public override string Id => "four-class-raw";
    public override string Title => "只用PyTorch求梯度: the 2-3-3-4 network from raw tensors";
    public override LessonSource Source => new("004_a20ad3c675e1883c.txt", 2, "In[4]-In[9] 只用PyTorch求梯度", Numbered: false);
    public override long? Seed => 0;
    public override IReadOnlyList<LessonOption> Options => FourClassTraining.Options;

    public override double EstimateBytes(OptionValues options) =>
        FourClassTraining.EstimateBytes(options, FourClassTraining.TutorialLayers);

    public override void Run(LessonContext context)
    {
        var data = FourClassData.Build(context);

        // In[4]: small random parameters, drawn after a fresh manual_seed(0).
        context.ManualSeed();
        var (W1, b1, W2, b2, W3, b3) = DrawParameters(context.Device);
        Parameter[] parameters = [W1, W2, W3, b1, b2, b3];
        context.Record("initial parameters", parameters.ToList());

        // In[7]: autograd's gradients, the update written by hand.
        var losses = TrainByHand(context, data, W1, W2, W3, b1, b2, b3);

        // In[9]: the share of points whose largest output is their class.
        var yhat = Forward(data.X, W1, W2, W3, b1, b2, b3);
        var accuracy = FourClassTraining.Accuracy(yhat, data.Labels);
        FourClassTraining.Report(context, data, losses, accuracy, parameters, X => Forward(X, W1, W2, W3, b1, b2, b3));
        context.Print(accuracy);
    }

    /// <summary>In[7]: forward, loss, backward, record, update by hand, clear the gradients.</summary>
    static List<double> TrainByHand(LessonContext context, FourClassData data,
        Parameter W1, Parameter W2, Parameter W3, Parameter b1, Parameter b2, Parameter b3)
    {
        double alpha = context.Get(FourClassTraining.Alpha);
        int iterations = context.Get(FourClassTraining.Iterations);
        Parameter[] parameters = [W1, W2, W3, b1, b2, b3];
        var losses = new List<double>(iterations);
        var snapshots = new FourClassTraining.RegionSnapshots(context);   // for the animation
        for (int i = 0; i < iterations; i++)
        {
            using var step = context.StepScope("training", i, iterations);
            snapshots.Take(i, X => Forward(X, W1, W2, W3, b1, b2, b3));
            var pred = Forward(data.X, W1, W2, W3, b1, b2, b3);
            var loss = FourClassTraining.Loss(pred, data.OneHot);
            loss.backward();
            losses.Add(FourClassTraining.LossItem(context, loss, i));
            using (torch.no_grad())
            {
                foreach (var parameter in parameters)
                    parameter.sub_(alpha * parameter.grad!);
            }
            foreach (var parameter in parameters)
                parameter.grad!.zero_();
        }
        snapshots.Record();
        return losses;
    }

    /// <summary>
    /// In[4] (and In[10]): W1, b1, W2, b2, W3, b3 in that order, each randn · 0.01, drawn on the
    /// CPU generator (the tutorial's numbers) and then moved to the lesson's device.
    /// </summary>
    public static (Parameter W1, Parameter b1, Parameter W2, Parameter b2, Parameter W3, Parameter b3) DrawParameters(Device device)
    {
        Parameter Draw(int rows, int columns) => new((torch.randn(rows, columns) * 0.01).to(device), requires_grad: true);
        return (Draw(2, 3), Draw(1, 3), Draw(3, 3), Draw(1, 3), Draw(3, 4), Draw(1, 4));
    }

    /// <summary>In[5] (and In[10]): three layers of sigmoid(A·W + b).</summary>
    public static Tensor Forward(Tensor X, Tensor W1, Tensor W2, Tensor W3, Tensor b1, Tensor b2, Tensor b3)
    {
        var A0 = X;
        var Z1 = torch.matmul(A0, W1) + b1;
        var A1 = torch.sigmoid(Z1);
        var Z2 = torch.matmul(A1, W2) + b2;
        var A2 = torch.sigmoid(Z2);
        var Z3 = torch.matmul(A2, W3) + b3;
        var A3 = torch.sigmoid(Z3);
        return A3;
    }
}
