using Lessons.Core.Catalog;
using TorchSharp;
using static Lessons.Tests.LessonResults;

namespace Lessons.Tests;

/// <summary>
/// logistic-regression (001 §4), whose tutorial shows only figures: the draws are checked against
/// the tutorial's order of draws made again here, and training against a float64 replay written
/// here (analytic BCE gradient, SGD with momentum as PyTorch defines it).
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class LogisticRegressionTests
{
    static LessonRun Run(params string[] assignments) =>
        LessonRunner.Run("logistic-regression", new LessonSettings { Assignments = assignments });

    [Fact]
    public void Data_and_initial_weights_follow_the_tutorials_order_of_draws()
    {
        LessonRun run = Run("iterations=1");

        // manual_seed(10); normal(±1.7 * ones(100, 2), 1) + 1 twice; then Linear(2, 1) draws its
        // weight (kaiming_uniform, a = sqrt(5): bound 1/sqrt(2)) and its bias (bound 1/sqrt(fan_in)).
        torch.manual_seed(10);
        float[] noise0 = torch.randn(100, 2).data<float>().ToArray();
        float[] noise1 = torch.randn(100, 2).data<float>().ToArray();
        float[] weightUniform = torch.rand(1, 2).data<float>().ToArray();
        float[] biasUniform = torch.rand(1).data<float>().ToArray();
        double bound = 1 / Math.Sqrt(2);

        double[][] x0 = Points(run.Results["x0"]);
        double[][] x1 = Points(run.Results["x1"]);
        Assert.Equal(100, x0.Length);
        Assert.Equal(100, x1.Length);
        for (int i = 0; i < 100; i++)
        {
            for (int j = 0; j < 2; j++)
            {
                Assert.Equal((float)(noise0[2 * i + j] + 1.7f) + 1f, x0[i][j], 1e-6);
                Assert.Equal((float)(noise1[2 * i + j] - 1.7f) + 1f, x1[i][j], 1e-6);
            }
        }
        double[] weight = Numbers(run.Results["initial w"]);
        Assert.Equal((float)(weightUniform[0] * 2 * bound - bound), weight[0], 1e-6);
        Assert.Equal((float)(weightUniform[1] * 2 * bound - bound), weight[1], 1e-6);
        Assert.Equal((float)(biasUniform[0] * 2 * bound - bound), (double)run.Results["initial b"]!, 1e-6);
    }

    public static TheoryData<string[]> Settings => new()
    {
        Array.Empty<string>(),                                  // the tutorial's settings
        new[] { "mean_value=1", "iterations=200" },            // exercise: closer clusters
        new[] { "mean_value=5", "bias=-5" },                   // exercise: far clusters, another bias
        new[] { "lr=0.05", "momentum=0.5", "log_every=7" },
    };

    [Theory]
    [MemberData(nameof(Settings))]
    public void Training_matches_a_float64_replay(string[] assignments)
    {
        LessonRun run = Run(assignments);
        double lr = (double)run.Options["lr"], momentum = (double)run.Options["momentum"], stopAccuracy = (double)run.Options["stop_accuracy"];
        int iterations = (int)run.Options["iterations"], logEvery = (int)run.Options["log_every"];

        // The data and initial weights the lesson drew (checked against the draws above).
        double[][] points = [.. Points(run.Results["x0"]), .. Points(run.Results["x1"])];
        double[] labels = [.. Enumerable.Repeat(0.0, points.Length / 2), .. Enumerable.Repeat(1.0, points.Length / 2)];
        double[] w = Numbers(run.Results["initial w"]);
        double b = (double)run.Results["initial b"]!;

        var losses = new List<double>();
        var logged = new List<(long Iteration, double Loss, double W0, double W1, double B, double Accuracy)>();
        long? stoppedAt = null;
        double[] velocity = new double[3];
        for (int iteration = 0; iteration < iterations; iteration++)
        {
            // BCE of sigmoid(w·x + b); its gradient is mean((p - y) x) and mean(p - y).
            double loss = 0, gw0 = 0, gw1 = 0, gb = 0;
            int correct = 0;
            for (int i = 0; i < points.Length; i++)
            {
                double p = 1 / (1 + Math.Exp(-(w[0] * points[i][0] + w[1] * points[i][1] + b)));
                loss -= labels[i] * Math.Log(p) + (1 - labels[i]) * Math.Log(1 - p);
                gw0 += (p - labels[i]) * points[i][0];
                gw1 += (p - labels[i]) * points[i][1];
                gb += p - labels[i];
                if ((p >= 0.5 ? 1.0 : 0.0) == labels[i]) correct++;
            }
            int n = points.Length;
            double[] gradient = [gw0 / n, gw1 / n, gb / n];
            // torch.optim.SGD: the first step's buffer is the gradient, then buf = momentum * buf + grad.
            for (int k = 0; k < 3; k++)
                velocity[k] = iteration == 0 ? gradient[k] : momentum * velocity[k] + gradient[k];
            w[0] -= lr * velocity[0];
            w[1] -= lr * velocity[1];
            b -= lr * velocity[2];
            losses.Add(loss / n);

            if (iteration % logEvery == 0)
            {
                double accuracy = correct / (double)n;
                logged.Add((iteration, loss / n, w[0], w[1], b, accuracy));
                if (accuracy > stopAccuracy)
                {
                    stoppedAt = iteration;
                    break;
                }
            }
        }

        Assert.Equal(logged.Select(l => (double)l.Iteration), Numbers(run.Results["logged iterations"]));
        Assert.Equal(logged.Select(l => l.Accuracy), Numbers(run.Results["logged accuracy"]));
        Assert.Equal(stoppedAt, (long?)run.Results["stopped at iteration"]);
        Assert.Equal(stoppedAt is not null, (bool)run.Results["reached accuracy"]!);
        AssertClose(losses, Numbers(run.Results["loss history"]), 1e-4);
        AssertClose(logged.Select(l => l.Loss), Numbers(run.Results["logged loss"]), 1e-4);
        AssertClose(logged.Select(l => l.W0), Numbers(run.Results["logged w0"]), 1e-4);
        AssertClose(logged.Select(l => l.W1), Numbers(run.Results["logged w1"]), 1e-4);
        AssertClose(logged.Select(l => l.B), Numbers(run.Results["logged b"]), 1e-4);

        // What the plot shows, for the last logged iteration, and the plain closing line.
        var last = logged[^1];
        Assert.Contains($"Iteration: {last.Iteration}", run.Transcript);
        Assert.Contains(run.Transcript, line => line.StartsWith("w0:", StringComparison.Ordinal) && line.EndsWith($"accuracy:{last.Accuracy * 100:F2}%", StringComparison.Ordinal));
        string closing = run.Transcript[^1];
        if (stoppedAt is null)
            Assert.StartsWith($"accuracy never exceeded {stopAccuracy} in {iterations} iterations", closing);
        else
            Assert.EndsWith($"at iteration {stoppedAt}: training stops", closing);
    }

    [Fact]
    public void Close_clusters_never_reach_the_threshold_and_the_lesson_says_so()
    {
        // The exercise's mean_value = 1: the clusters overlap, so 99% is out of reach.
        LessonRun run = Run("mean_value=1", "iterations=100");
        Assert.False((bool)run.Results["reached accuracy"]!);
        Assert.Null(run.Results["stopped at iteration"]);
        Assert.StartsWith("accuracy never exceeded 0.99 in 100 iterations", run.Transcript[^1]);
    }

    static void AssertClose(IEnumerable<double> expected, double[] actual, double relative)
    {
        double[] want = expected.ToArray();
        Assert.Equal(want.Length, actual.Length);
        for (int i = 0; i < want.Length; i++)
            Assert.True(Math.Abs(actual[i] - want[i]) <= relative * Math.Max(1, Math.Abs(want[i])),
                $"element {i}: expected {want[i]:R}, got {actual[i]:R}");
    }
}
