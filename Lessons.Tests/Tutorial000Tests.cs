using Lessons.Core.Catalog;
using Lessons.Core.Numpy;
using Lessons.Core.Tutorials.Tutorial000;
using TorchSharp;
using static TorchSharp.torch;
using static Lessons.Tests.LessonResults;

namespace Lessons.Tests;

/// <summary>
/// Tutorial 000's lessons against independent computations: autograd for the hand-written
/// gradients, closed forms of the regressions' updates, hand-written training loops on the
/// same draws, and the analytic variance of activations through deep stacks.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class Tutorial000Tests
{
    // ---- two-layer-manual -------------------------------------------------------------------

    [Fact]
    public void Hand_written_gradients_equal_autograds_on_the_same_weights()
    {
        using var scope = NewDisposeScope();
        torch.manual_seed(123);
        var x = torch.randn(8, 30, float64);
        var y = torch.randn(8, 4, float64);
        var w1 = torch.randn(30, 12, float64);
        var w2 = torch.randn(12, 4, float64);

        TwoLayerManual.HandPass hand;
        using (torch.no_grad()) hand = TwoLayerManual.ForwardBackward(x, y, w1, w2);

        var w1Leaf = w1.clone().requires_grad_();
        var w2Leaf = w2.clone().requires_grad_();
        var loss = (torch.nn.functional.relu(x.mm(w1Leaf)).mm(w2Leaf) - y).pow(2).sum();
        loss.backward();

        Assert.True(x.mm(w1).lt(0).any().item<bool>() && x.mm(w1).gt(0).any().item<bool>(), "ReLU must be on and off somewhere");
        Assert.Equal(loss.item<double>(), hand.Loss.item<double>(), 1e-9);
        Assert.True(torch.allclose(hand.GradW1, w1Leaf.grad!, rtol: 1e-12, atol: 1e-12), "grad_w1 differs from autograd's");
        Assert.True(torch.allclose(hand.GradW2, w2Leaf.grad!, rtol: 1e-12, atol: 1e-12), "grad_w2 differs from autograd's");
    }

    [Fact]
    public void Hand_written_descent_follows_an_autograd_descent_from_the_same_draws()
    {
        double[] losses = Numbers(CachedRuns.Get("two-layer-manual"), "loss");
        Assert.Equal(500, losses.Length);

        // The lesson's draws (np.random.seed(0); float64 x, y, w1, w2 in numpy's order), trained
        // for all 500 steps with autograd's gradients instead of the hand-written ones.
        using var scope = NewDisposeScope();
        var numpy = new NumpyRandomState(0);
        var x = numpy.RandnTensor(64, 1000);
        var y = numpy.RandnTensor(64, 10);
        var w1 = numpy.RandnTensor(1000, 100).requires_grad_();
        var w2 = numpy.RandnTensor(100, 10).requires_grad_();
        var replay = new List<double>();
        for (int t = 0; t < 500; t++)
        {
            using var step = NewDisposeScope();
            var loss = (torch.nn.functional.relu(x.mm(w1)).mm(w2) - y).pow(2).sum();
            replay.Add(loss.item<double>());
            loss.backward();
            using (torch.no_grad())
            {
                w1.sub_(w1.grad! * 1e-6);
                w2.sub_(w2.grad! * 1e-6);
                w1.grad!.zero_();
                w2.grad!.zero_();
            }
        }
        // The same float64 operations in the same order: equal in practice to the last bit.
        double worst = losses.Zip(replay, (lesson, byAutograd) => Math.Abs(lesson - byAutograd) / byAutograd).Max();
        Assert.True(worst <= 1e-9, $"largest relative difference {worst}");
        // The replay's own fall backs the expected bound (data/expected/two-layer-manual.json).
        Assert.True(Math.Log10(replay[0] / replay[^1]) >= 6, $"the replay fell from {replay[0]} to {replay[^1]} only");
    }

    [Theory]
    [InlineData(0L, 1.764052345967664)]  // np.random.seed(0); np.random.randn()
    [InlineData(42L, 0.4967141530112327)] // np.random.seed(42); np.random.randn()
    public void Hand_written_lesson_starts_from_numpys_draws_for_its_seed(long seed, double numpysFirstDraw)
    {
        LessonRun run = LessonRunner.Run("two-layer-manual", new LessonSettings { Seed = seed, Assignments = ["steps=1"] });
        double lessonFirstLoss = Numbers(run, "loss")[0];

        // The tutorial's x, y, w1, w2 from numpy's stream, and the first loss computed in plain
        // float64 loops, without libtorch: np.square(relu(x w1) w2 - y).sum().
        const int n = 64, dIn = 1000, h = 100, dOut = 10;
        var numpy = new NumpyRandomState((uint)seed);
        double[] x = numpy.Randn(n, dIn), y = numpy.Randn(n, dOut), w1 = numpy.Randn(dIn, h), w2 = numpy.Randn(h, dOut);
        Assert.Equal(numpysFirstDraw, x[0]);
        double loss = 0;
        var hidden = new double[h];
        for (int row = 0; row < n; row++)
        {
            Array.Clear(hidden);
            for (int k = 0; k < dIn; k++)
                for (int j = 0; j < h; j++) hidden[j] += x[row * dIn + k] * w1[k * h + j];
            for (int o = 0; o < dOut; o++)
            {
                double prediction = 0;
                for (int j = 0; j < h; j++) prediction += Math.Max(hidden[j], 0) * w2[j * dOut + o];
                loss += Math.Pow(prediction - y[row * dOut + o], 2);
            }
        }
        // Only the summation order differs (far below 1e-10 relative); other draws would change the
        // loss of about 3e7 in its leading digits.
        Assert.Equal(loss, lessonFirstLoss, 1e-10 * loss);
    }

    [Fact]
    public void Hand_written_lesson_refuses_a_seed_numpy_refuses()
    {
        var error = Assert.ThrowsAny<LessonUsageException>(() =>
            LessonRunner.Run("two-layer-manual", new LessonSettings { Seed = -1, Assignments = ["steps=1"] }));
        Assert.Contains("2**32 - 1", error.Message);
    }

    // ---- two-layer-autograd -----------------------------------------------------------------

    [Fact]
    public void Autograd_training_follows_a_hand_written_float64_descent_from_the_same_draws()
    {
        double[] lessonLosses = Numbers(CachedRuns.Get("two-layer-autograd"), "loss");
        Assert.Equal(500, lessonLosses.Length);

        // The same draws (seed 0; x, y, w1, w2 in the tutorial's order), trained by hand in float64
        // for the tutorial's 500 steps.
        using var scope = NewDisposeScope();
        torch.manual_seed(0);
        var x = torch.randn(64, 1000).to_type(float64);
        var y = torch.randn(64, 10).to_type(float64);
        var w1 = torch.randn(1000, 100).to_type(float64);
        var w2 = torch.randn(100, 10).to_type(float64);
        var replay = new List<double>();
        for (int t = 0; t < 500; t++)
        {
            using var step = NewDisposeScope();
            var h = x.mm(w1);
            var hRelu = h.clamp(min: 0);
            var error = hRelu.mm(w2) - y;
            replay.Add(error.pow(2).sum().item<double>());
            var gradOut = error * 2.0;
            var gradW2 = hRelu.t().mm(gradOut);
            var gradH = gradOut.mm(w2.t()) * h.gt(0).to_type(float64);
            var gradW1 = x.t().mm(gradH);
            w1.sub_(gradW1 * 1e-6);
            w2.sub_(gradW2 * 1e-6);
        }
        // float32 follows the exact descent closely while the loss is large (to 1e-3 through step
        // 250, loss 0.1: 8.5 orders of magnitude below the start); below that float32 rounding
        // takes over and the lesson's loss levels off near 3e-5 while float64 goes on falling.
        const int tracked = 250;
        for (int t = 0; t < tracked; t++)
            Assert.True(Math.Abs(lessonLosses[t] - replay[t]) <= 1e-3 * replay[t], $"step {t}: lesson {lessonLosses[t]}, float64 by hand {replay[t]}");
        // What backs the expected bound (data/expected/two-layer-autograd.json): the exact descent
        // falls six orders of magnitude within the steps the lesson tracks.
        Assert.True(Math.Log10(replay[0] / replay[tracked - 1]) >= 6, $"the replay fell to {replay[tracked - 1]} only");
    }

    [Fact]
    public void Autograd_lesson_draws_y_with_the_batch_size_not_the_hidden_size()
    {
        LessonRun run = Run("two-layer-autograd", "steps=1", "N=7", "H=5");
        Assert.Equal([7L, 10L], (IEnumerable<object?>)run.Results["y shape"]!);
        Assert.Contains(run.Transcript, line => line.StartsWith("note: y = torch.randn(N, D_out)", StringComparison.Ordinal));
    }

    // ---- weight-init ------------------------------------------------------------------------

    [Fact]
    public void Activation_spread_follows_the_analytic_variance_of_each_initialisation()
    {
        LessonRun run = CachedRuns.Get("weight-init");
        const int layers = 10, width = 500;

        // A ReLU layer with weights of variance g/fan_in multiplies the activations' variance by
        // g/2 (half the inputs are zeroed): Xavier (g = 1) halves it, He (g = 2) keeps it.
        Assert.Equal(Math.Pow(2, -(layers - 1) / 2.0), Number(run, "relu Xavier std last/first"), 0.25 * Math.Pow(2, -(layers - 1) / 2.0));
        Assert.Equal(1.0, Number(run, "relu He std last/first"), 0.25);
        // Small weights keep tanh in its linear part: each layer scales the std by 0.01 sqrt(width).
        double tanhSmall = Math.Pow(0.01 * Math.Sqrt(width), layers - 1);
        Assert.InRange(Number(run, "tanh small random std last/first"), 0.75 * tanhSmall, 1.25 * tanhSmall);

        // The tutorial's claims, each with its threshold.
        Assert.All(Numbers(run, "tanh zeros std").Concat(Numbers(run, "relu zeros std")), s => Assert.Equal(0.0, s));
        Assert.True(Numbers(run, "tanh small random std")[^1] < 1e-5, "small random + tanh: deep layers collapse toward 0");
        Assert.True(Numbers(run, "tanh Xavier std")[^1] > 0.1, "Xavier keeps tanh alive");
        Assert.True(Number(run, "relu Xavier std last/first") < 0.1, "Xavier fades with ReLU");
        Assert.InRange(Number(run, "relu He std last/first"), 0.5, 2.0); // He keeps ReLU's scale
    }

    [Fact]
    public void Hidden_units_started_from_zeros_stay_identical_and_fit_worse()
    {
        LessonRun run = CachedRuns.Get("weight-init");
        double[] units = Numbers(run, "zeros init hidden units"); // 4 units × (2 weights, bias, outgoing weight)
        for (int unit = 1; unit < 4; unit++)
            for (int k = 0; k < 4; k++)
                Assert.True(Math.Abs(units[unit * 4 + k] - units[k]) <= 1e-6, $"unit {unit} differs from unit 0 at {k}");
        Assert.True(Number(run, "zeros init largest weight") > 0.1, "the zero-initialised units must have learned something");
        Assert.True(Number(run, "random init unit spread") > 0.1, "random initialisation breaks the symmetry");
        Assert.True(Number(run, "zeros init final loss") > 10 * Number(run, "random init final loss"),
            "identical units cannot fit |x1|, distinct ones can");
    }

    [Theory]
    [InlineData("tanh")]
    [InlineData("relu")]
    public void From_zeros_a_tanh_or_relu_net_moves_only_its_output_bias(string activation)
    {
        // The notes' reason for a sigmoid net: with an activation that is 0 at 0, the hidden
        // layer outputs 0, so no gradient reaches the outgoing or the hidden weights.
        using var scope = NewDisposeScope();
        torch.manual_seed(0);
        var data = torch.randn(64, 2);
        var target = data[.., 0].abs().unsqueeze(1);
        var hidden = torch.nn.Linear(2, 4);
        var output = torch.nn.Linear(4, 1);
        var parameters = hidden.parameters().Concat(output.parameters()).ToList();
        using (torch.no_grad())
            foreach (var p in parameters) torch.nn.init.zeros_(p);
        Func<Tensor, Tensor> act = activation == "tanh" ? t => t.tanh() : t => t.relu();
        var optimizer = torch.optim.SGD(parameters, 0.5);
        for (int t = 0; t < 50; t++)
        {
            using var step = NewDisposeScope();
            var loss = torch.nn.functional.mse_loss(output.forward(act(hidden.forward(data))), target);
            optimizer.zero_grad();
            loss.backward();
            optimizer.step();
        }
        Assert.Equal(0f, hidden.weight!.abs().max().item<float>());
        Assert.Equal(0f, hidden.bias!.abs().max().item<float>());
        Assert.Equal(0f, output.weight!.abs().max().item<float>());
        // The output bias descends toward the mean target (0.5 lr, MSE: b <- b - (b - mean)).
        Assert.Equal(target.mean().item<float>(), output.bias!.item<float>(), 1e-5f);
    }

    // ---- linear-regression-manual -----------------------------------------------------------

    [Theory]
    [InlineData(0.1, 10)]
    [InlineData(0.05, 25)]
    public void Hand_written_regression_follows_the_closed_form_of_its_update(double lr, int epochs)
    {
        LessonRun run = Run("linear-regression-manual", $"lr={lr.ToString(System.Globalization.CultureInfo.InvariantCulture)}", $"epochs={epochs}");
        double[] w = Numbers(run, "w by epoch");
        double[] cost = Numbers(run, "cost");
        // dw = -(2/3)(28 - 14 w), so w_k - 2 = (1 - 28 lr/3)^k (w_0 - 2) with w_0 = 0,
        // and the mean squared error is (1 + 4 + 9)/3 (w - 2)^2.
        double factor = 1 - 28 * lr / 3;
        for (int k = 0; k <= epochs; k++)
            Assert.Equal(2 - 2 * Math.Pow(factor, k), w[k], 1e-12);
        for (int k = 0; k < epochs; k++)
            Assert.Equal(14.0 / 3 * Math.Pow(w[k] - 2, 2), cost[k], 1e-11);
        Assert.Equal(w[^1], Number(run, "w"));
    }

    // ---- curve-fit-net ----------------------------------------------------------------------

    [Fact]
    public void Curve_fit_losses_match_a_hand_written_net_on_the_same_draws()
    {
        double[] lessonLosses = Numbers(CachedRuns.Get("curve-fit-net"), "loss");

        // manual_seed(1); the noise; then each Linear's weight and bias, which PyTorch draws
        // uniformly in ±1/sqrt(fan_in) (kaiming_uniform with a = sqrt(5), and the bias's bound).
        using var scope = NewDisposeScope();
        torch.manual_seed(1);
        var x = torch.linspace(-1, 1, 100).unsqueeze(1);
        var y = x.pow(2) + torch.rand(100, 1) * 0.2;
        var w1 = torch.empty(10, 1).uniform_(-1, 1).requires_grad_();
        var b1 = torch.empty(10).uniform_(-1, 1).requires_grad_();
        double bound2 = 1 / Math.Sqrt(10);
        var w2 = torch.empty(1, 10).uniform_(-bound2, bound2).requires_grad_();
        var b2 = torch.empty(1).uniform_(-bound2, bound2).requires_grad_();
        Tensor[] parameters = [w1, b1, w2, b2];
        double replayLoss = double.NaN;
        for (int t = 0; t < 100; t++)
        {
            using var step = NewDisposeScope();
            var hidden = (x.mm(w1.t()) + b1).clamp(min: 0);
            var loss = (hidden.mm(w2.t()) + b2 - y).pow(2).mean();
            replayLoss = loss.item<float>();
            Assert.Equal(replayLoss, lessonLosses[t], 1e-5);
            loss.backward();
            using (torch.no_grad())
            {
                foreach (var p in parameters)
                {
                    p.sub_(p.grad! * 0.2);
                    p.grad!.zero_();
                }
            }
        }
        // The replay's last loss (0.0101) backs the expected bound (data/expected/curve-fit-net.json):
        // far below a constant prediction's 0.09 (the variance of x^2 + noise), near the noise's 0.0033.
        Assert.True(replayLoss <= 0.0105, $"the replay ended at {replayLoss}");
        Assert.True(replayLoss < 0.2 * y.var(unbiased: false).item<float>(), "the replay did not fit the curve");
    }

    // ---- simple-linear-model ----------------------------------------------------------------

    [Fact]
    public void One_weight_model_follows_the_closed_form_of_sgd_on_the_summed_error()
    {
        LessonRun run = CachedRuns.Get("simple-linear-model");

        // nn.Linear(1, 1) draws its weight uniformly in ±1/sqrt(1), right after manual_seed(2).
        double w0;
        using (NewDisposeScope())
        {
            torch.manual_seed(2);
            w0 = torch.empty(1, 1).uniform_(-1, 1).item<float>();
        }
        Assert.Equal(w0, Number(run, "initial weight"));

        // loss = sum (w x - y)^2 = 14 (w - 2)^2, gradient 28 (w - 2): w_k - 2 = (1 - 28 lr)^k (w_0 - 2).
        double[] weights = Numbers(run, "weight by epoch");
        double[] cost = Numbers(run, "cost");
        Assert.Equal(20, cost.Length);
        for (int k = 0; k < 20; k++)
        {
            double before = 2 + Math.Pow(0.72, k) * (w0 - 2);
            Assert.Equal(14 * Math.Pow(before - 2, 2), cost[k], 1e-4 * cost[k] + 1e-6);
            Assert.Equal(2 + Math.Pow(0.72, k + 1) * (w0 - 2), weights[k], 1e-5);
        }
        for (int k = 1; k < 20; k++) Assert.True(cost[k] < cost[k - 1], $"cost rose at epoch {k}");
        // The bound in data/expected/simple-linear-model.json: |w0 - 2| <= 3 for any w0 in [-1, 1],
        // so |w20 - 2| <= 3 * 0.72^20 = 0.0042 whatever the seed.
        Assert.InRange(w0, -1, 1);
        Assert.InRange(Number(run, "weight"), 2 - 3 * Math.Pow(0.72, 20), 2 + 3 * Math.Pow(0.72, 20));
    }

    [Fact]
    public void A_diverging_learning_rate_stops_with_one_line_naming_the_step()
    {
        var result = CliRun.Run("lesson", "two-layer-autograd", "--quiet", "--set", "lr=0.01", "--set", "steps=50");
        string error = CliRun.AssertOneLineError(result, Lessons.Cli.ExitCodes.Diverged);
        Assert.Matches(@"^error: loss became (inf|nan) at step \d+: training diverged; lower lr$", error);
        Assert.DoesNotContain("nan", result.Out); // no screen of NaN before the message
    }

    // ---- simple-grad --------------------------------------------------------------------------

    [Fact]
    public void Simple_grad_prints_the_partial_derivatives_of_w_x_plus_b()
    {
        LessonRun run = CachedRuns.Get("simple-grad");
        // d(wx + b)/dx = w = 2, d/dw = x = 1, d/db = 1.
        Assert.Equal(["tensor([2.])", "tensor([1.])", "tensor([1.])"], run.Transcript);
    }
}
