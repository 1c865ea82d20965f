using Lessons.Core.Autograd;
using Lessons.Core.Catalog;
using Lessons.Core.Python;
using Lessons.Core.Tutorials.Tutorial000;
using TorchSharp;
using static TorchSharp.torch;

namespace Lessons.Core.Tutorials.Tutorial003;

/// <summary>
/// ReLU as a custom autograd Function: forward clamps and saves its input, backward zeroes the
/// incoming gradient where that input was negative. The two-layer net trains with it.
/// </summary>
public sealed class CustomReluFunction : Lesson
{
    public override string Id => "custom-relu-function";
    public override string Title => "PyTorch:Defining new autograd functions: MyReLU";
    public override LessonSource Source => new("003_70fc5fa5f084adce.txt", 2, "PyTorch:Defining new autograd functions", Position: 1, Numbered: false);
    public override bool RecordsGraphs => true;
    public override long? Seed => 0;

    public override void Run(LessonContext context)
    {
        TwoLayerSettings s = TwoLayerNet.Read(context);

        // Drawn on the CPU generator (the same numbers on any device), then moved.
        context.ManualSeed();
        var x = torch.randn(s.N, s.DIn, float32).to(context.Device);
        var y = torch.randn(s.N, s.DOut, float32).to(context.Device);
        var w1 = torch.randn(s.DIn, s.H, float32).to(context.Device).requires_grad_();
        var w2 = torch.randn(s.H, s.DOut, float32).to(context.Device).requires_grad_();

        var losses = new List<double>();
        string? reluNode = null;
        foreach (int t in context.Steps(s.Steps))
        {
            // Forward pass, with ReLU computed by our own autograd operation.
            var h_relu = MyReLU.apply(x.mm(w1));
            var y_pred = h_relu.mm(w2);
            reluNode ??= GradFn.NameOf(h_relu);

            var loss = (y_pred - y).pow(2).sum();
            if (t == 0) context.RecordGraph("loss, step 0", loss, ("w1", w1), ("w2", w2), ("h_relu", h_relu), ("y_pred", y_pred), ("loss", loss));
            context.Print(t, loss.item());
            losses.Add(loss.item());

            loss.backward();

            using (torch.no_grad())
            {
                w1.sub_(w1.grad! * s.LearningRate);
                w2.sub_(w2.grad! * s.LearningRate);
                w1.grad!.zero_();
                w2.grad!.zero_();
            }
        }

        context.Print($"relu(x.mm(w1)).grad_fn is libtorch's {reluNode} node, which calls {nameof(MyReLU)}.backward (PyTorch: MyReLUBackward)");

        // Not in the tutorial: MyReLU's hand-written backward checked against central differences.
        // The points keep away from 0, where ReLU has no derivative: a difference across the kink
        // measures the two slopes' average, 0.5, where MyReLU's backward gives 1, and would fail.
        context.Print("# not in the tutorial: gradcheck(MyReLU.apply, x) in float64 at x = -1.5, -0.3, 0.2, 1.1, 2.4 (away from 0, where ReLU has no derivative)");
        var points = torch.tensor(new[] { -1.5, -0.3, 0.2, 1.1, 2.4 }, float64, device: context.Device, requires_grad: true);
        GradCheckReport check = GradCheck.Run(inputs => MyReLU.apply(inputs[0]), [points]);
        context.Print(check.Verdict);
        context.Record(("relu grad_fn", reluNode), ("gradcheck passed", check.Passed), ("loss", losses), ("loss orders of magnitude fallen", TwoLayerNet.OrdersFallen(losses)));
    }

    public override IReadOnlyList<LessonOption> Options => TwoLayerNet.Options;

    public override double EstimateBytes(OptionValues options) => TwoLayerNet.EstimateBytes(options, MemoryEstimate.Float32);

    /// <summary>ReLU with a hand-written backward.</summary>
    public sealed class MyReLU : torch.autograd.SingleTensorFunction<MyReLU>
    {
        public override string Name => nameof(MyReLU);

        public override Tensor forward(torch.autograd.AutogradContext ctx, params object[] vars)
        {
            var input = (Tensor)vars[0];
            ctx.save_for_backward([input]);
            return input.clamp(min: 0);
        }

        public override List<Tensor> backward(torch.autograd.AutogradContext ctx, Tensor grad_output)
        {
            Tensor input = ctx.get_saved_variables()[0];
            var gradInput = grad_output.clone();
            gradInput.masked_fill_(input.lt(0), 0);
            return [gradInput];
        }
    }
}
