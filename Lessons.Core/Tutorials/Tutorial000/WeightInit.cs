using Lessons.Core.Catalog;
using Lessons.Core.Python;
using TorchSharp;
using static TorchSharp.torch;

namespace Lessons.Core.Tutorials.Tutorial000;

/// <summary>
/// The four initialisations the tutorial describes (zeros, small random, Xavier, He), measured:
/// the spread of the activations layer by layer through a deep stack with tanh and with ReLU,
/// and a small net started from zeros whose hidden units stay identical through training.
/// </summary>
public sealed class WeightInit : Lesson
{
    public override string Id => "weight-init";
    public override string Title => "设定初始值: zeros, small random, Xavier and He initialisation, measured";
    public override LessonSource Source => new("000_a37f91e8c941d689.txt", 2, "2.设定初始值", Position: 1);
    public override long? Seed => 0;

    public override void Run(LessonContext context)
    {
        int layers = context.Get(Layers);
        int width = context.Get(Width);
        // The four initialisations through deep stacks of tanh and relu layers (what the text describes).
        var measured = DeepStacks(context, layers, width);
        // The tutorial's four claims, with the numbers just measured.
        string First(string label) => PyFloat.Scientific(measured[label][0], 2);
        string Last(string label) => PyFloat.Scientific(measured[label][^1], 2);
        context.Print($"zeros: every activation is 0 with tanh and relu (std {Last("tanh zeros")}, {Last("relu zeros")}): all units compute the same thing");
        context.Print($"small random + tanh: std {First("tanh small random")} at layer 1, {Last("tanh small random")} at layer {layers}: deep layers collapse toward 0");
        context.Print($"Xavier: tanh keeps std {Last("tanh Xavier")} at layer {layers}; relu fades from {First("relu Xavier")} to {Last("relu Xavier")}");
        context.Print($"He + relu: std {First("relu He")} at layer 1, {Last("relu He")} at layer {layers}: relu keeps its scale");

        context.Print("");
        context.Print("a 2-4-1 sigmoid net learns y = |x1|, from zeros and from nn.Linear's random initialisation:");
        var data = torch.randn(64, 2).to(context.Device);
        var target = data[.., 0].abs().unsqueeze(1); // needs units that differ: one sigmoid is monotone
        foreach (bool zeros in new[] { true, false })
        {
            // Built on the CPU, where nn.Linear draws its weights, then moved.
            var hidden = nn.Linear(2, 4).to(context.Device);
            var output = nn.Linear(4, 1).to(context.Device);
            var parameters = hidden.parameters().Concat(output.parameters()).ToList();
            if (zeros)
            {
                using var noGrad = torch.no_grad();
                foreach (var p in parameters) nn.init.zeros_(p);
            }
            // Each hidden unit is a row of the hidden weights, its bias and its outgoing weight.
            Tensor Units() => torch.cat([hidden.weight!, hidden.bias!.unsqueeze(1), output.weight!.t()], dim: 1).detach();
            static double Spread(Tensor units) => (units - units[0]).abs().max().item<float>();

            var optimizer = torch.optim.SGD(parameters, context.Get(LearningRate));
            int steps = context.Get(Steps);
            string stage = $"training from {(zeros ? "zeros" : "random")}";
            double lossValue = double.NaN, spread = 0;
            foreach (int t in context.Steps(steps, stage))
            {
                var prediction = output.call(torch.sigmoid(hidden.call(data)));
                var loss = nn.functional.mse_loss(prediction, target);
                lossValue = loss.item();
                optimizer.zero_grad();
                loss.backward();
                optimizer.step();
                spread = Math.Max(spread, Spread(Units())); // through training, not only at the end
            }
            var units = Units();
            double moved = units.abs().max().item<float>();
            string name = zeros ? "zeros" : "random";
            context.Print($"{name,-6} init: largest difference between hidden units during training {PyFloat.Scientific(spread, 2)}, " +
                          $"largest weight {PyFloat.Scientific(moved, 2)}, final loss {PyFloat.Fixed(lossValue, 4)}");
            context.Print("  hidden units (weights, bias, outgoing weight):");
            foreach (string line in TensorText.Format(units).Split('\n')) context.Print("  " + line);
            context.Record(($"{name} init hidden units", units), ($"{name} init unit spread", spread), ($"{name} init largest weight", moved), ($"{name} init final loss", lossValue));
        }
    }

    /// <summary>
    /// The std of the activations, layer by layer, for each activation and initialisation, after a
    /// seeded batch of inputs (outside the graph: nothing here trains); each printed and recorded.
    /// </summary>
    static Dictionary<string, List<double>> DeepStacks(LessonContext context, int layers, int width)
    {
        var measured = new Dictionary<string, List<double>>();
        using (torch.no_grad())
        {
            context.ManualSeed();
            var x = torch.randn(context.Get(Batch), width).to(context.Device);
            context.Print($"activation std by layer, 1 to {layers}: {context.Get(Batch)} inputs through {layers} layers of {width} units");
            var activations = new (string, Func<Tensor, Tensor>)[] { ("tanh", t => t.tanh()), ("relu", t => t.relu()) };
            var initialisations = Initialisations(context.Get(SmallScale));
            foreach (var (activationName, activation) in activations)
            {
                foreach (var (initName, draw) in initialisations)
                {
                    using var stack = torch.NewDisposeScope();
                    var stds = new List<double>();
                    var h = x;
                    for (int layer = 0; layer < layers; layer++)
                    {
                        h = activation(h.mm(draw(width, width, context.Device)));
                        stds.Add(h.std().item<float>());
                    }
                    string label = $"{activationName} {initName}";
                    context.Print(label.PadRight(18) + string.Join(" ", stds.Select(s => PyFloat.Scientific(s, 2))));
                    context.Record($"{label} std", stds);
                    if (stds[0] > 0) context.Record($"{label} std last/first", stds[^1] / stds[0]);
                    measured[label] = stds;
                }
            }
        }
        return measured;
    }

    static readonly LessonOption<int> Layers = new("layers", 10, "layers in the deep stack", Check.AtLeast(1));
    static readonly LessonOption<int> Width = new("width", 500, "units per layer of the deep stack", Check.AtLeast(1));
    static readonly LessonOption<int> Batch = new("batch", 1000, "inputs pushed through the deep stack", Check.AtLeast(2));
    static readonly LessonOption<double> SmallScale = new("small_scale", 0.01, "scale of the small random initialisation (scale * randn)", Check.InRange(1e-12, 1));
    static readonly LessonOption<int> Steps = new("steps", 1000, "training steps of the 2-4-1 net", Check.AtLeast(1));
    static readonly LessonOption<double> LearningRate = new("lr", 0.5, "SGD learning rate of the 2-4-1 net", Check.Positive);

    public override IReadOnlyList<LessonOption> Options => [Layers, Width, Batch, SmallScale, Steps, LearningRate];

    /// <summary>
    /// x (batch×width), then in each deep stack (freed after it) every layer's width×width weights
    /// and their scaled copy, and two batch×width activations; per stack a printed line and a
    /// recorded number per layer. The 2-4-1 net is a few KB whatever its steps.
    /// </summary>
    public override double EstimateBytes(OptionValues options)
    {
        double layers = options.Get(Layers), width = options.Get(Width), batch = options.Get(Batch);
        const int stacks = 8; // tanh and relu, four initialisations each
        return MemoryEstimate.Float32 * (batch * width + layers * (2 * width * width + 2 * batch * width))
            + stacks * layers * (MemoryEstimate.RecordedNumber + 20);
    }

    /// <summary>
    /// The initialisations: a name and the weight matrix (fan_in × fan_out) it draws, on the CPU
    /// generator (the same draws on any device) and then moved to the device.
    /// </summary>
    static IReadOnlyList<(string Name, Func<int, int, Device, Tensor> Draw)> Initialisations(double smallScale) =>
    [
        ("zeros", (fanIn, fanOut, device) => torch.zeros(fanIn, fanOut, device: device)),
        ("small random", (fanIn, fanOut, device) => (torch.randn(fanIn, fanOut) * smallScale).to(device)),
        ("Xavier", (fanIn, fanOut, device) => (torch.randn(fanIn, fanOut) * Math.Sqrt(2.0 / (fanIn + fanOut))).to(device)),
        ("He", (fanIn, fanOut, device) => (torch.randn(fanIn, fanOut) * Math.Sqrt(2.0 / fanIn)).to(device)),
    ];
}
