using Lessons.Core.Catalog;
using Lessons.Core.Parity;
using TorchSharp;
using static Lessons.Tests.LessonResults;

namespace Lessons.Tests;

/// <summary>
/// linear-regression-exercise (001 §4 思考), checked against an independent computation: the
/// closed-form least-squares line of its points, in float64, from the same seeded draws made
/// again here. Gradient descent on the convex 0.5·MSE converges to that line.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class LinearRegressionExerciseTests
{
    const string Id = "linear-regression-exercise";

    static LessonRun Run(params string[] assignments) =>
        LessonRunner.Run(Id, new LessonSettings { Assignments = assignments });

    /// <summary>The lesson's draws, made again: manual_seed, x = 10·rand(n, 1) (float32), then randn(n, 1).</summary>
    static (double[] X, double[] Noise) Draws(long seed, int points = 20)
    {
        torch.manual_seed(seed);
        float[] uniform = torch.rand(points, 1).data<float>().ToArray();
        float[] noise = torch.randn(points, 1).data<float>().ToArray();
        return (uniform.Select(u => (double)(u * 10f)).ToArray(), noise.Select(n => (double)n).ToArray());
    }

    /// <summary>The least-squares line of y = slope·x + (5 + noise), and its loss 0.5·mean(residual²), in float64.</summary>
    internal static (double W, double B, double Loss) LeastSquares(double[] x, double[] noise, double slope)
    {
        double[] y = x.Zip(noise, (xi, ni) => slope * xi + (5 + ni)).ToArray();
        double xMean = x.Average(), yMean = y.Average();
        double sxy = x.Zip(y, (xi, yi) => (xi - xMean) * (yi - yMean)).Sum();
        double sxx = x.Sum(xi => (xi - xMean) * (xi - xMean));
        double w = sxy / sxx, b = yMean - w * xMean;
        double loss = 0.5 * x.Zip(y, (xi, yi) => Math.Pow(yi - (w * xi + b), 2)).Average();
        return (w, b, loss);
    }

    [Fact]
    public void Expected_file_holds_the_closed_form_least_squares_line()
    {
        var (x, noise) = Draws(0);
        var (w, b, loss) = LeastSquares(x, noise, slope: 2);
        ExpectedFile expected = ExpectedFile.Load(ExpectedFile.PathFor(Id));
        double Value(string result) => (double)expected.Values.Single(v => v.Result == result).Expected!;
        Assert.Equal(w, Value("w"), 1e-12);
        Assert.Equal(b, Value("b"), 1e-12);
        Assert.Equal(loss, Value("final loss"), 1e-12);
    }

    [Fact]
    public void The_points_are_the_seeded_draws()
    {
        LessonRun run = Run("iterations=1");
        var (x, noise) = Draws(0);
        Assert.Equal(x, Numbers(run, "x"));
        double[] y = Numbers(run, "y");
        for (int i = 0; i < x.Length; i++)
            Assert.Equal(2 * x[i] + (5 + noise[i]), y[i], 1e-5);
    }

    [Theory]
    [InlineData(5.0, 0L)]
    [InlineData(-3.0, 0L)]
    [InlineData(2.0, 7L)]
    public void Descent_reaches_the_least_squares_line_for_other_slopes_and_seeds(double slope, long seed)
    {
        LessonRun run = LessonRunner.Run(Id, new LessonSettings { Seed = seed, Assignments = [$"slope={slope.ToString(System.Globalization.CultureInfo.InvariantCulture)}"] });
        var (x, noise) = Draws(seed);
        var (w, b, loss) = LeastSquares(x, noise, slope);
        Assert.Equal(w, (double)run.Results["w"]!, 1e-3);
        Assert.Equal(b, (double)run.Results["b"]!, 1e-3);
        Assert.Equal(loss, (double)run.Results["final loss"]!, 1e-4);
        Assert.False((bool)run.Results["reached threshold"]!);
    }

    [Fact]
    public void A_threshold_above_the_best_loss_stops_early_and_one_below_it_is_never_reached()
    {
        var (x, noise) = Draws(0);
        double best = LeastSquares(x, noise, slope: 2).Loss;

        LessonRun early = Run("loss_threshold=1");
        Assert.True((bool)early.Results["reached threshold"]!);
        double stopLoss = (double)early.Results["final loss"]!;
        Assert.InRange(stopLoss, best, 1);
        Assert.True((long)early.Results["updates"]! < 3000);
        Assert.StartsWith("stopped: the loss", early.Transcript[^2]);

        LessonRun never = Run($"loss_threshold={(best - 0.01).ToString(System.Globalization.CultureInfo.InvariantCulture)}");
        Assert.False((bool)never.Results["reached threshold"]!);
        Assert.Equal(3000L, (long)never.Results["updates"]!);
        Assert.StartsWith("stopped: the iteration limit, 3000 updates", never.Transcript[^2]);
    }

    [Fact]
    public void Too_large_a_step_diverges_with_a_clear_error()
    {
        // Above 2 / (largest eigenvalue of [[mean x², mean x], [mean x, 1]]), about 0.079 for these points.
        var error = Assert.Throws<LessonDivergedException>(() => Run("lr=0.1"));
        Assert.Contains("lower lr", error.Message);
    }
}
