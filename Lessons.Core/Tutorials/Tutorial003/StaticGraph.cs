using Lessons.Core.Catalog;
using Lessons.Core.Numpy;
using Lessons.Core.Python;
using Lessons.Core.Tutorials.Tutorial000;
using TorchSharp;
using static TorchSharp.torch;

namespace Lessons.Core.Tutorials.Tutorial003;

/// <summary>
/// TensorFlow 1's static graph in libtorch terms: one TorchScript unit holding the forward pass,
/// the loss, the gradients and the weight update, compiled once and run many times with the data
/// fed in; then what a dynamic graph can do that a static one cannot.
/// </summary>
public sealed class StaticGraph : Lesson
{
    public override string Id => "static-graph";
    public override string Title => "TensorFlow:Static Graphs: define the graph once, run it many times";
    public override LessonSource Source => new("003_70fc5fa5f084adce.txt", 3, "TensorFlow:Static Graphs", Position: 1, Numbered: false);
    public override long? Seed => 0;

    public override void Run(LessonContext context)
    {
        TwoLayerSettings s = TwoLayerNet.Read(context);

        // First we set up the computational graph, once.
        var graph = torch.jit.compile(GraphScript + "\n"); // the parser wants a final newline

        // The variables' initialiser runs first in the session (tf.random_normal, here torch's
        // generator), then numpy draws the data with its own generator. All on the CPU (the same
        // numbers on any device), then moved.
        context.ManualSeed();
        var w1 = torch.randn(s.DIn, s.H, float32).to(context.Device);
        var w2 = torch.randn(s.H, s.DOut, float32).to(context.Device);
        NumpyRandomState numpy = context.NumpySeed();
        var xValue = numpy.RandnTensor(s.N, s.DIn);
        var yValue = numpy.RandnTensor(s.N, s.DOut);
        // The placeholders are float32: feeding rounds numpy's float64 values to float32.
        var x = xValue.to_type(float32).to(context.Device);
        var y = yValue.to_type(float32).to(context.Device);

        var losses = new List<double>();
        foreach (int t in context.Steps(s.Steps))
        {
            // Execute the same graph again, feeding x and y; it returns the loss and updates w1, w2.
            var loss = graph.invoke<Tensor>("train_step", x, y, w1, w2, s.LearningRate);
            float lossValue = (float)loss.item();
            context.Print(NumpyScalar.Float32(lossValue));
            losses.Add(lossValue);
        }
        context.Record(("loss", losses), ("loss orders of magnitude fallen", TwoLayerNet.OrdersFallen(losses)));

        context.Print("");
        context.Print("static graph: compiled once (torch.jit.compile), then run " + s.Steps + " times with the data fed in.");
        context.Print("Because the whole graph is known before it runs, it can be optimised once: operations fused,");
        context.Print("memory planned, work placed on several devices, and that cost is shared by every run.");
        context.Print("A dynamic graph is recorded anew at each forward pass, so ordinary control flow may depend on");
        context.Print("the data; a static graph needs such loops built into it (tf.while_loop, tf.scan).");
        context.Print("A data-dependent loop: Newton's iteration for sqrt(v), run until it converges, then backward:");
        DataDependentLoop(context);
    }

    public override IReadOnlyList<LessonOption> Options => TwoLayerNet.Options;

    // float32 weights and placeholders, and the float64 arrays numpy drew x and y into.
    public override double EstimateBytes(OptionValues options) =>
        TwoLayerNet.EstimateBytes(options, MemoryEstimate.Float32, extraInputBytes: MemoryEstimate.Float64);

    /// <summary>
    /// The whole TensorFlow graph as one TorchScript function. TensorFlow's variables are the
    /// tensors w1 and w2 passed in, updated in place by the graph as assign does.
    /// </summary>
    public const string GraphScript = """
        def train_step(x: Tensor, y: Tensor, w1: Tensor, w2: Tensor, learning_rate: float) -> Tensor:
            w1_leaf = w1.detach().requires_grad_(True)
            w2_leaf = w2.detach().requires_grad_(True)
            h = torch.mm(x, w1_leaf)
            h_relu = torch.maximum(h, torch.zeros(1, dtype=h.dtype, device=h.device))
            y_pred = torch.mm(h_relu, w2_leaf)
            loss = torch.sum((y - y_pred) ** 2.0)
            grads = torch.autograd.grad([loss], [w1_leaf, w2_leaf])
            grad_w1 = grads[0]
            grad_w2 = grads[1]
            assert grad_w1 is not None
            assert grad_w2 is not None
            w1.sub_(learning_rate * grad_w1)
            w2.sub_(learning_rate * grad_w2)
            return loss.detach()
        """;

    // The number of iterations, hence the graph, differs for each v; backward follows whatever ran.
    static void DataDependentLoop(LessonContext context)
    {
        var iterations = new List<long>();
        var roots = new List<double>();
        var gradients = new List<double>();
        foreach (double v in NewtonInputs)
        {
            var value = torch.tensor(v, float64, context.Device, requires_grad: true);
            var root = torch.ones_like(value);
            long count = 0;
            while (count < 100)
            {
                var next = (root + value / root) * 0.5;
                count++;
                bool converged = (next - root).abs().item<double>() <= 1e-12 * next.item<double>();
                root = next;
                if (converged) break;
            }
            root.backward();
            double gradient = value.grad!.item<double>();
            context.Print($"  v = {Py.Str(v)}: {count} iterations, sqrt(v) = {Py.Str(root.item<double>())}, " +
                          $"d sqrt(v)/dv by backward = {Py.Str(gradient)} (1/(2 sqrt(v)) = {Py.Str(0.5 / Math.Sqrt(v))})");
            iterations.Add(count);
            roots.Add(root.item<double>());
            gradients.Add(gradient);
        }
        context.Record("newton inputs", NewtonInputs);
        context.Record("newton iterations", iterations);
        context.Record("newton sqrt", roots);
        context.Record("newton d sqrt/dv", gradients);
    }

    static readonly double[] NewtonInputs = [0.25, 2.0, 100.0, 1e6];
}
