using System.Text.RegularExpressions;
using Lessons.Cli;
using Lessons.Core.Catalog;
using Lessons.Core.Python;
using static Lessons.Tests.LessonResults;

namespace Lessons.Tests;

/// <summary>
/// Tutorial 002: the perceptrons' gradients against the hand derivation computed here, the chain
/// rule at other values, and Himmelblau's descents against the function's known minima.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed partial class Tutorial002Tests
{
    static LessonRun Run(string id, params string[] assignments) =>
        LessonRunner.Run(id, new LessonSettings { Assignments = assignments });

    static double Sigmoid(double z) => 1 / (1 + Math.Exp(-z));

    [Theory]
    [InlineData(null, 10)]
    [InlineData(3L, 5)]
    public void Single_output_gradient_is_the_hand_derivation(long? seed, int features)
    {
        LessonRun run = LessonRunner.Run("perceptron-single", new LessonSettings { Seed = seed, Assignments = [$"features={features}"] });
        double[] x = Numbers(run.Results["x"]), w = Numbers(run.Results["w"]), grad = Numbers(run.Results["w.grad"]);
        Assert.Equal(features, x.Length);

        // L = (1 - o)^2, o = sigmoid(x·w): dL/dw_i = -2 (1 - o) o (1 - o) x_i.
        double o = Sigmoid(x.Zip(w, (a, b) => a * b).Sum());
        Assert.Equal(o, Numbers(run.Results["o"])[0], 1e-6);
        Assert.Equal((1 - o) * (1 - o), (double)run.Results["loss"]!, 1e-6);
        for (int i = 0; i < features; i++)
            Assert.Equal(-2 * (1 - o) * o * (1 - o) * x[i], grad[i], 1e-6);

        Assert.Equal("torch.Size([])", run.Transcript[0]);
        Assert.Equal([1.0, features], Numbers(run.Results["w.grad shape"]));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void Multi_output_gradient_is_the_hand_derivation(int outputs)
    {
        LessonRun run = Run("perceptron-multi", $"outputs={outputs}");
        double[] x = Numbers(run.Results["x"]), w = Numbers(run.Results["w"]), grad = Numbers(run.Results["w.grad"]);
        int features = x.Length;
        Assert.Equal(outputs * features, grad.Length);

        // L = mean_k (1 - o_k)^2: row k of dL/dw is -(2 / K) (1 - o_k) o_k (1 - o_k) x.
        double loss = 0;
        for (int k = 0; k < outputs; k++)
        {
            double o = Sigmoid(Enumerable.Range(0, features).Sum(i => x[i] * w[k * features + i]));
            loss += (1 - o) * (1 - o) / outputs;
            for (int i = 0; i < features; i++)
                Assert.Equal(-2.0 / outputs * (1 - o) * o * (1 - o) * x[i], grad[k * features + i], 1e-6);
        }
        double recorded = (double)run.Results["loss"]!;
        Assert.Equal(loss, recorded, 1e-6);

        // print(loss): a 0-dim tensor with its backward node, as the tutorial shows it.
        Assert.Matches(LossLine(), run.Transcript[0]);
        Assert.Equal($"tensor({PyFloat.Fixed(recorded, 4)}, grad_fn=<MseLossBackward0>)", run.Transcript[0]);
    }

    [GeneratedRegex(@"^tensor\(\d\.\d{4}, grad_fn=<MseLossBackward0>\)$")]
    private static partial Regex LossLine();

    [Theory]
    [InlineData(3.0, -1.0, 0.5, 5.0, 2.0)]
    [InlineData(-2.0, 0.25, -4.0, 1.5, 0.0)]
    public void Chain_rule_product_equals_the_direct_derivative(double x, double w1, double b1, double w2, double b2)
    {
        LessonRun run = Run("chain-rule", $"x={x}", $"w1={w1}", $"b1={b1}", $"w2={w2}", $"b2={b2}");
        // y2 = (x w1 + b1) w2 + b2: dy2/dy1 = w2, dy1/dw1 = x, dy2/dw1 = x w2.
        Assert.Equal(w2, (double)run.Results["dy2_dy1"]!);
        Assert.Equal(x, (double)run.Results["dy1_dw1"]!);
        Assert.Equal(x * w2, (double)run.Results["dy2_dw1"]!);
        Assert.Equal(x * w2, (double)run.Results["l"]!);
        Assert.Equal(x * w2, (double)run.Results["o"]!);
    }

    // Himmelblau's four minima to 12 digits (the roots of its gradient), checked below.
    static readonly (double X, double Y)[] Minima =
    [
        (3.0, 2.0),
        (-2.805118086953, 3.131312518250),
        (-3.779310253378, -3.283185991286),
        (3.584428340330, -1.848126526964),
    ];

    static double F(double x, double y) => Math.Pow(x * x + y - 11, 2) + Math.Pow(x + y * y - 7, 2);

    static (double X, double Y) Gradient(double x, double y) =>
        (4 * x * (x * x + y - 11) + 2 * (x + y * y - 7), 2 * (x * x + y - 11) + 4 * y * (x + y * y - 7));

    [Fact]
    public void Known_minima_are_zeros_of_the_function_and_its_gradient()
    {
        foreach (var (x, y) in Minima)
        {
            Assert.True(F(x, y) < 1e-20, $"f({x}, {y}) = {F(x, y)}");
            var (gx, gy) = Gradient(x, y);
            Assert.True(Math.Abs(gx) < 1e-9 && Math.Abs(gy) < 1e-9, $"gradient at ({x}, {y}) = ({gx}, {gy})");
        }
    }

    [Fact]
    public void Every_starting_point_descends_into_a_known_minimum()
    {
        // 8000 steps from each of the tutorial's four starts, its own and its three commented ones
        // (20000 in the lesson; the parity test runs [0, 0], the course page the others).
        LessonRun run = Run("himmelblau", "steps=8000", "starts=0,0;1,0;-4,0;4,0");
        double[][] starts = Points(run.Results["starts"]);
        Assert.Equal([[0.0, 0.0], [1.0, 0.0], [-4.0, 0.0], [4.0, 0.0]], starts);
        const double lr = 1e-3;

        foreach (double[] start in starts)
        {
            string prefix = $"start [{Py.Repr(start[0])}, {Py.Repr(start[1])}]";
            double[] end = Numbers(run.Results[prefix + " end x"]);
            double distance = Minima.Min(m => Math.Sqrt(Math.Pow(end[0] - m.X, 2) + Math.Pow(end[1] - m.Y, 2)));
            Assert.True(distance < 1e-4, $"{prefix} ends at ({end[0]}, {end[1]}), {distance} from the nearest minimum");
            Assert.True(F(end[0], end[1]) < 1e-6);
            Assert.True((double)run.Results[prefix + " end f(x)"]! < 1e-6);

            // Step 0 prints f at the start, and x after Adam's first step: a move of lr against
            // the gradient's sign in each coordinate (m / sqrt(v) = g / |g| after bias correction).
            double[] logged0 = Points(run.Results[prefix + " logged x"])[0];
            Assert.Equal(F(start[0], start[1]), Numbers(run.Results[prefix + " logged f(x)"])[0], 1e-4);
            var (gx, gy) = Gradient(start[0], start[1]);
            Assert.Equal(start[0] - lr * Math.Sign(gx), logged0[0], 1e-6);
            Assert.Equal(start[1] - lr * Math.Sign(gy), logged0[1], 1e-6);

            // The trajectory for a plot: the start, then every 100 steps, ending at the end point.
            double[][] trajectory = Points(run.Results[prefix + " trajectory (every 100 steps)"]);
            Assert.Equal(8000 / 100 + 1, trajectory.Length);
            Assert.Equal(start, trajectory[0]);
            Assert.Equal(end, trajectory[^1]);
        }
        Assert.Equal([0.0, 2000, 4000, 6000], Numbers(run.Results["start [4.0, 0.0] logged steps"]));
    }

    [Fact]
    public void Surface_is_the_function_on_the_tutorials_grid()
    {
        LessonRun run = Run("himmelblau", "steps=1", "starts=0,0");
        double[] axis = Numbers(run.Results["surface axis"]);
        double[][] surface = Points(run.Results["surface f (row: y = axis[i], column: x = axis[j])"]);
        Assert.Equal(120, axis.Length); // np.arange(-6, 6, 0.1)
        Assert.Equal(120, surface.Length);
        for (int i = 0; i < 120; i++)
        {
            Assert.Equal(-6 + 0.1 * i, axis[i], 1e-12);
            Assert.Equal(120, surface[i].Length);
            for (int j = 0; j < 120; j += 7)
                Assert.Equal(F(axis[j], axis[i]), surface[i][j], 1e-9);
        }
    }

    [Fact]
    public void Divergent_learning_rate_stops_with_exit_code_4()
    {
        var result = CliRun.Run("lesson", "himmelblau", "--set", "lr=1e20", "--set", "steps=10", "--set", "starts=0,0");
        string error = CliRun.AssertOneLineError(result, ExitCodes.Diverged, "diverged", "lower lr");
        Assert.StartsWith("error: f(x) became ", error);
        Assert.DoesNotContain("nan", result.Out); // no screens of NaN before the error
    }

    [Fact]
    public void Bad_starting_points_are_a_usage_error()
    {
        CliRun.AssertOneLineError(CliRun.Run("lesson", "himmelblau", "--set", "starts=1;2"), ExitCodes.Usage, "'starts'");
    }
}
