using System.Collections;
using Lessons.Cli;
using Lessons.Core.Catalog;
using Lessons.Core.Tutorials.Tutorial004;
using TorchSharp;
using static Lessons.Tests.LessonResults;

namespace Lessons.Tests;

/// <summary>
/// Tutorial 004's four-class classifier, checked against computations written here: the data's
/// statistics, and every trained stage against backpropagation worked out by hand in double
/// precision (no autograd) from parameters this test draws itself.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class FourClassTests
{
    static double[] Result(LessonRun run, string name) => Numbers(run.Results[name]);

    /// <summary>The lesson's data set (four-class-data at its defaults) as double matrices.</summary>
    static (double[,] X, double[,] Y, double[] Labels) Data(params string[] assignments)
    {
        LessonRun run = Run("four-class-data", assignments);
        double[] first = Result(run, FourClassResults.FirstCoordinate), second = Result(run, FourClassResults.SecondCoordinate), oneHot = Result(run, "Y");
        var x = new double[first.Length, 2];
        var y = new double[first.Length, 4];
        for (int i = 0; i < first.Length; i++)
        {
            x[i, 0] = first[i];
            x[i, 1] = second[i];
            for (int k = 0; k < 4; k++) y[i, k] = oneHot[i * 4 + k];
        }
        return (x, y, Result(run, FourClassResults.Labels));
    }

    // ---- the data ---------------------------------------------------------------------------

    [Fact]
    public void Data_is_four_shuffled_clusters_around_the_quadrant_centres()
    {
        var (x, y, labels) = Data();
        int points = labels.Length;
        Assert.Equal(800, points);
        double[][] centres = [[1, 1], [-1, 1], [-1, -1], [1, -1]];   // labels 0-3 by quadrant
        for (int k = 0; k < 4; k++)
        {
            var members = Enumerable.Range(0, points).Where(i => labels[i] == k).ToList();
            Assert.Equal(200, members.Count);
            for (int c = 0; c < 2; c++)
            {
                double mean = members.Average(i => x[i, c]);
                double std = Math.Sqrt(members.Sum(i => (x[i, c] - mean) * (x[i, c] - mean)) / (members.Count - 1));
                // The mean of 200 draws has sd 0.5/sqrt(200) = 0.035; the sample sd has sd about 0.025.
                Assert.InRange(mean, centres[k][c] - 0.12, centres[k][c] + 0.12);
                Assert.InRange(std, 0.4, 0.6);
            }
        }
        // One-hot: a single 1 per row, at the label.
        for (int i = 0; i < points; i++)
            for (int k = 0; k < 4; k++)
                Assert.Equal(labels[i] == k ? 1.0 : 0.0, y[i, k]);

        // A point stays in its quadrant with probability Phi(1/0.5)^2 = Phi(2)^2 (about 0.9545).
        double phi2 = StandardNormalCdf(2);
        double inQuadrant = Enumerable.Range(0, points).Count(i => Quadrant(x[i, 0], x[i, 1]) == labels[i]) / (double)points;
        Assert.InRange(inQuadrant, phi2 * phi2 - 0.025, phi2 * phi2 + 0.025);

        // Shuffled: consecutive points mostly differ in label (3/4 of the time for a random order).
        int changes = Enumerable.Range(1, points - 1).Count(i => labels[i] != labels[i - 1]);
        Assert.True(changes > 500, $"only {changes} label changes between consecutive points: not shuffled?");
    }

    [Fact]
    public void Data_options_change_the_cluster_size_and_spread()
    {
        var (x, _, labels) = Data("n=50", "var=0.1");
        Assert.Equal(200, labels.Length);
        Assert.All(Enumerable.Range(0, 4), k => Assert.Equal(50, labels.Count(l => l == k)));
        // With a spread of 0.1 a point would need a 10-sigma draw to leave its quadrant.
        Assert.All(Enumerable.Range(0, labels.Length), i => Assert.Equal(labels[i], Quadrant(x[i, 0], x[i, 1])));
    }

    static double Quadrant(double first, double second) =>
        first > 0 ? (second > 0 ? 0 : 3) : (second > 0 ? 1 : 2);

    /// <summary>Phi(z) = 1/2 + integral of the normal density from 0 to z (Simpson's rule).</summary>
    static double StandardNormalCdf(double z)
    {
        const int intervals = 1000;
        double h = z / intervals, sum = 0;
        for (int i = 0; i <= intervals; i++)
        {
            double t = i * h;
            double weight = i == 0 || i == intervals ? 1 : i % 2 == 1 ? 4 : 2;
            sum += weight * Math.Exp(-t * t / 2) / Math.Sqrt(2 * Math.PI);
        }
        return 0.5 + sum * h / 3;
    }

    // ---- training, against backpropagation by hand ----------------------------------------------

    const int Steps = 300;

    [Fact]
    public void Raw_stage_trains_as_hand_written_backpropagation()
    {
        var (x, y, _) = Data();
        torch.manual_seed(0);   // In[4]: W1, b1, W2, b2, W3, b3, each randn * 0.01
        var w1 = Draw(2, 3); var b1 = Draw(1, 3); var w2 = Draw(3, 3); var b2 = Draw(1, 3); var w3 = Draw(3, 4); var b3 = Draw(1, 4);
        HandLayer[] layers = [new(w1, b1.Row(0)), new(w2, b2.Row(0)), new(w3, b3.Row(0))];
        // The lesson records its parameters in its optimizer's order: W1, W2, W3, b1, b2, b3.
        static double[] InLessonOrder(HandLayer[] l) => Flatten([.. l.Select(layer => layer.W), .. l.Select(layer => ToMatrix(layer.B))]);
        AssertTrainsAsByHand(Run("four-class-raw", $"iterations={Steps}"), x, y, layers, softmax: false, InLessonOrder);
    }

    [Fact]
    public void Optimizer_stage_is_identical_to_the_manual_update()
    {
        // 004 In[12]: "结果和之前是一样的". Plain SGD computes W - lr * grad, as In[7] does by hand.
        LessonRun manual = Run("four-class-raw", "iterations=600");
        LessonRun sgd = Run("four-class-optimizer", "iterations=600");
        Assert.Equal(Result(manual, FourClassResults.Loss), Result(sgd, FourClassResults.Loss));
        Assert.Equal(Result(manual, FourClassResults.FinalParameters), Result(sgd, FourClassResults.FinalParameters));
    }

    [Fact]
    public void Backward_by_hand_equals_the_optimizer_stage_bit_for_bit_over_all_10000_iterations()
    {
        // Two separate runs at the tutorial's settings: the hand-written backward pass, and
        // four-class-optimizer's loss.backward() with torch.optim.SGD.
        LessonRun byHand = CachedRuns.Get("four-class-backward-by-hand");
        LessonRun optimizer = CachedRuns.Get("four-class-optimizer");
        double[] handLosses = Result(byHand, FourClassResults.Loss), optimizerLosses = Result(optimizer, FourClassResults.Loss);
        Assert.Equal(10000, handLosses.Length);
        Assert.Equal(optimizerLosses.Select(BitConverter.DoubleToInt64Bits), handLosses.Select(BitConverter.DoubleToInt64Bits));
        Assert.Equal(Result(optimizer, FourClassResults.FinalParameters).Select(BitConverter.DoubleToInt64Bits),
            Result(byHand, FourClassResults.FinalParameters).Select(BitConverter.DoubleToInt64Bits));
        Assert.NotEqual(handLosses[0], handLosses[^1]);   // it trained
    }

    [Fact]
    public void Frames_for_the_animation_are_recorded_only_when_asked_for_and_change_nothing_else()
    {
        LessonRun framed = Run("four-class-raw", "iterations=600");
        LessonRun plain = LessonRunner.Run("four-class-raw", new LessonSettings { Assignments = ["iterations=600"], RecordFrames = false });
        Assert.Equal(framed.Transcript, plain.Transcript);
        string[] frames = [FourClassResults.SnapshotIterations, FourClassResults.Snapshots];
        Assert.Equal([0.0, 250, 500], Result(framed, frames[0]));
        Assert.All(frames, name => Assert.False(plain.Results.ContainsKey(name)));
        Assert.Equal(framed.Results.Keys.Except(frames).Order(), plain.Results.Keys.Order());
        foreach (var (name, value) in plain.Results)
            Assert.Equal(framed.Results[name], value);
    }

    [Fact]
    public void Backward_by_hand_agrees_with_backward_at_other_settings_too()
    {
        // Other data, learning rate and length: the agreement is not a property of one run.
        LessonRun byHand = Run("four-class-backward-by-hand", "iterations=700", "alpha=2", "n=50", "var=0.8");
        LessonRun optimizer = Run("four-class-optimizer", "iterations=700", "alpha=2", "n=50", "var=0.8");
        Assert.Equal(Result(optimizer, FourClassResults.Loss), Result(byHand, FourClassResults.Loss));
        Assert.Equal(Result(optimizer, FourClassResults.FinalParameters), Result(byHand, FourClassResults.FinalParameters));
        Assert.Contains("losses equal to backward() and optimizer.step()'s, bit for bit: 700 of 700", byHand.Transcript);
    }

    [Fact]
    public void Module_stage_trains_as_hand_written_backpropagation_with_bias_rows()
    {
        var (x, y, _) = Data();
        torch.manual_seed(0);   // In[15]: MyNet() draws W1 [3,3], W2 [4,3], W3 [4,4]; the last row is the bias
        HandLayer[] layers = [BiasRow(Draw(3, 3)), BiasRow(Draw(4, 3)), BiasRow(Draw(4, 4))];
        AssertTrainsAsByHand(Run("four-class-module", $"iterations={Steps}"), x, y, layers, softmax: false, Augmented);
    }

    [Fact]
    public void Weighted_sum_stage_trains_exactly_as_the_module_stage()
    {
        // The same draws in the same shapes and the same arithmetic: identical, loss for loss.
        LessonRun module = Run("four-class-module", $"iterations={Steps}");
        LessonRun weightedSum = Run("four-class-weighted-sum", $"iterations={Steps}");
        Assert.Equal(Result(module, FourClassResults.InitialParameters), Result(weightedSum, FourClassResults.InitialParameters));
        Assert.Equal(Result(module, FourClassResults.Loss), Result(weightedSum, FourClassResults.Loss));
        Assert.Equal(Result(module, FourClassResults.FinalParameters), Result(weightedSum, FourClassResults.FinalParameters));
    }

    [Fact]
    public void My_layer_stage_trains_as_hand_written_backpropagation_through_softmax()
    {
        var (x, y, _) = Data();
        torch.manual_seed(0);   // layer1..3 = MyLayer(2,3), (3,3), (3,4)
        HandLayer[] layers = [BiasRow(Draw(3, 3)), BiasRow(Draw(4, 3)), BiasRow(Draw(4, 4))];
        LessonRun run = Run("four-class-my-layer", $"iterations={Steps}");
        AssertTrainsAsByHand(run, x, y, layers, softmax: true, Augmented);
        AssertClose(HandNetwork.Forward(x, layers, softmax: true).Take(12).ToArray(), Result(run, "output[:3]"), 1e-5);
    }

    [Fact]
    public void Sequential_stage_trains_as_hand_written_backpropagation()
    {
        var (x, y, _) = Data();
        torch.manual_seed(0);   // topology [2, 10, 4]: MyLayer(2, 10), MyLayer(10, 4)
        HandLayer[] layers = [BiasRow(Draw(3, 10)), BiasRow(Draw(11, 4))];
        LessonRun run = Run("four-class-sequential", $"iterations={Steps}");
        AssertTrainsAsByHand(run, x, y, layers, softmax: false, Augmented);
        double[] output = HandNetwork.Forward(x, layers, softmax: false);
        AssertClose(output.Take(12).ToArray(), Result(run, "net.model.forward(X)[:3]"), 1e-4);
        AssertClose(output.TakeLast(12).ToArray(), Result(run, "net.model.forward(X)[-3:]"), 1e-4);
    }

    [Fact]
    public void Sequential_of_topology_2_3_3_4_is_the_module_stage_again()
    {
        // MyLayer(2,3), (3,3), (3,4) draw and compute exactly what In[13]'s MyNet does.
        LessonRun module = Run("four-class-module", "iterations=200");
        LessonRun sequential = Run("four-class-sequential", "iterations=200", "topology=[2, 3, 3, 4]");
        Assert.Equal(Result(module, FourClassResults.Loss), Result(sequential, FourClassResults.Loss));
    }

    [Fact]
    public void Bare_sequential_computes_the_untrained_network()
    {
        var (x, _, _) = Data();
        torch.manual_seed(0);
        HandLayer[] layers = [BiasRow(Draw(3, 10)), BiasRow(Draw(11, 4))];
        LessonRun run = Run("four-class-sequential-only");
        Assert.Equal(Augmented(layers), Result(run, "parameters"));
        AssertClose(HandNetwork.Forward(x, layers, softmax: false).Take(12).ToArray(), Result(run, "net(X)[:3]"), 1e-6);
    }

    [Fact]
    public void Linear_sigmoid_stage_starts_from_pytorchs_default_init_and_trains_as_by_hand()
    {
        var (x, y, _) = Data();
        // nn.Linear(in, out): weight ~ U(-1/sqrt(in), 1/sqrt(in)) (kaiming_uniform with a = sqrt(5)),
        // then bias ~ U(-1/sqrt(in), 1/sqrt(in)); y = x W^T + b.
        torch.manual_seed(0);
        var (w1, b1) = LinearInit(2, 10);
        var (w2, b2) = LinearInit(10, 4);
        HandLayer[] layers = [new(Transpose(w1), b1), new(Transpose(w2), b2)];
        // Recorded as PyTorch stores them: weight [out, in], then bias, per layer.
        static double[] InLessonOrder(HandLayer[] l) => Flatten([.. l.SelectMany(layer => new[] { Transpose(layer.W), ToMatrix(layer.B) })]);
        AssertTrainsAsByHand(Run("four-class-linear-sigmoid", $"iterations={Steps}"), x, y, layers, softmax: false, InLessonOrder);
    }

    /// <summary>
    /// The lesson starts from the parameters drawn here, its losses match the hand-computed ones,
    /// and its parameters moved as gradient descent by hand moved them (the updates, not just the
    /// values, so that small gradients are checked too).
    /// </summary>
    static void AssertTrainsAsByHand(LessonRun run, double[,] x, double[,] y, HandLayer[] layers, bool softmax,
        Func<HandLayer[], double[]> inLessonOrder)
    {
        double[] initial = inLessonOrder(layers);
        AssertClose(initial, Result(run, FourClassResults.InitialParameters), 1e-6);
        double[] losses = HandNetwork.Train(x, y, layers, softmax, alpha: 0.5, Steps);
        AssertClose(losses, Result(run, FourClassResults.Loss), 1e-5);

        double[] handUpdate = inLessonOrder(layers).Zip(initial, (after, before) => after - before).ToArray();
        double[] lessonUpdate = Result(run, FourClassResults.FinalParameters).Zip(Result(run, FourClassResults.InitialParameters), (after, before) => after - before).ToArray();
        double largest = handUpdate.Max(Math.Abs);
        Assert.True(largest > 0, "the parameters did not move");
        for (int i = 0; i < handUpdate.Length; i++)
            Assert.True(Math.Abs(handUpdate[i] - lessonUpdate[i]) <= 1e-4 * largest,
                $"parameter {i} moved by {lessonUpdate[i]:R}, by hand {handUpdate[i]:R} (largest move {largest:R})");
    }

    /// <summary>Each layer as its bias-augmented weight [in + 1, out]: the rows of W, then b.</summary>
    static double[] Augmented(HandLayer[] layers) =>
        Flatten([.. layers.Select(layer => Stack(layer.W, ToMatrix(layer.B)))]);

    static double[,] Stack(double[,] top, double[,] bottom)
    {
        int columns = top.GetLength(1);
        var stacked = new double[top.GetLength(0) + bottom.GetLength(0), columns];
        for (int i = 0; i < stacked.GetLength(0); i++)
            for (int j = 0; j < columns; j++)
                stacked[i, j] = i < top.GetLength(0) ? top[i, j] : bottom[i - top.GetLength(0), j];
        return stacked;
    }

    static (double[,] Weight, double[] Bias) LinearInit(int inputs, int outputs)
    {
        double bound = 1 / Math.Sqrt(inputs);
        var weight = ToDouble(torch.empty(outputs, inputs).uniform_(-bound, bound));
        var bias = ToDouble(torch.empty(1, outputs).uniform_(-bound, bound)).Row(0);
        return (weight, bias);
    }

    // ---- the command line -------------------------------------------------------------------

    [Fact]
    public void A_learning_rate_that_diverges_stops_with_exit_code_4()
    {
        var result = CliRun.Run("lesson", "four-class-raw", "--set", "alpha=10000", "--set", "iterations=50");
        string error = CliRun.AssertOneLineError(result, ExitCodes.Diverged, "lower alpha");
        Assert.StartsWith("error: L became", error);   // L = loss(pred, Y), read by L.item()
    }

    [Theory]
    [InlineData("topology=[3,10,4]")]
    [InlineData("topology=[2,10,5]")]
    [InlineData("topology=[2,0,4]")]
    [InlineData("topology=two")]
    public void A_topology_that_cannot_classify_the_data_is_a_usage_error(string assignment)
    {
        var error = Assert.Throws<LessonUsageException>(() => Run("four-class-sequential", assignment, "iterations=1"));
        Assert.Contains("'topology'", error.Message);
    }

    // ---- helpers: parameters as double matrices, and a network by hand ------------------------

    static double[,] Draw(int rows, int columns) => ToDouble(torch.randn(rows, columns) * 0.01);

    static double[,] ToDouble(torch.Tensor tensor)
    {
        long rows = tensor.shape[0], columns = tensor.shape[1];
        double[] values = tensor.to_type(torch.ScalarType.Float64).data<double>().ToArray();
        var matrix = new double[rows, columns];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < columns; j++)
                matrix[i, j] = values[i * columns + j];
        return matrix;
    }

    /// <summary>A bias-augmented weight [in + 1, out] as a weight [in, out] and its last row, the bias.</summary>
    static HandLayer BiasRow(double[,] augmented)
    {
        int inputs = augmented.GetLength(0) - 1, outputs = augmented.GetLength(1);
        var weight = new double[inputs, outputs];
        for (int i = 0; i < inputs; i++)
            for (int j = 0; j < outputs; j++)
                weight[i, j] = augmented[i, j];
        return new HandLayer(weight, augmented.Row(inputs));
    }

    static double[,] ToMatrix(double[] row)
    {
        var matrix = new double[1, row.Length];
        for (int j = 0; j < row.Length; j++) matrix[0, j] = row[j];
        return matrix;
    }

    static double[,] Transpose(double[,] m)
    {
        var t = new double[m.GetLength(1), m.GetLength(0)];
        for (int i = 0; i < m.GetLength(0); i++)
            for (int j = 0; j < m.GetLength(1); j++)
                t[j, i] = m[i, j];
        return t;
    }

    static double[] Flatten(params double[][,] matrices) => matrices.SelectMany(m => m.Cast<double>()).ToArray();

    static void AssertClose(double[] expected, double[] actual, double relative)
    {
        Assert.Equal(expected.Length, actual.Length);
        double scale = expected.Max(Math.Abs);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= relative * Math.Max(Math.Abs(expected[i]), scale * 1e-3),
                $"element {i}: expected {expected[i]:R}, got {actual[i]:R} (relative tolerance {relative})");
    }
}

/// <summary>One sigmoid layer by hand: a = sigmoid(x·W + b), W [in, out].</summary>
sealed record HandLayer(double[,] W, double[] B);

static class MatrixRows
{
    public static double[] Row(this double[,] m, int row) =>
        Enumerable.Range(0, m.GetLength(1)).Select(j => m[row, j]).ToArray();
}

/// <summary>
/// The chapter's network and loss worked out by hand in double precision: forward through
/// sigmoid layers (and an optional softmax), the loss sum(-t log p - (1-t) log(1-p)) / E, its
/// gradient by the chain rule, and plain gradient descent. No autograd anywhere.
/// </summary>
static class HandNetwork
{
    static double Sigmoid(double z) => 1 / (1 + Math.Exp(-z));

    static List<double[,]> Activations(double[,] x, HandLayer[] layers)
    {
        var activations = new List<double[,]> { x };
        foreach (var layer in layers)
        {
            var input = activations[^1];
            int points = input.GetLength(0), inputs = layer.W.GetLength(0), outputs = layer.W.GetLength(1);
            var a = new double[points, outputs];
            for (int i = 0; i < points; i++)
                for (int j = 0; j < outputs; j++)
                {
                    double z = layer.B[j];
                    for (int k = 0; k < inputs; k++) z += input[i, k] * layer.W[k, j];
                    a[i, j] = Sigmoid(z);
                }
            activations.Add(a);
        }
        return activations;
    }

    static double[,] Softmax(double[,] a)
    {
        int points = a.GetLength(0), classes = a.GetLength(1);
        var p = new double[points, classes];
        for (int i = 0; i < points; i++)
        {
            double total = 0;
            for (int j = 0; j < classes; j++) total += Math.Exp(a[i, j]);
            for (int j = 0; j < classes; j++) p[i, j] = Math.Exp(a[i, j]) / total;
        }
        return p;
    }

    /// <summary>The network's output, row after row, flattened.</summary>
    public static double[] Forward(double[,] x, HandLayer[] layers, bool softmax)
    {
        var output = Activations(x, layers)[^1];
        return (softmax ? Softmax(output) : output).Cast<double>().ToArray();
    }

    /// <summary>Trains the layers in place; returns the loss before each step.</summary>
    public static double[] Train(double[,] x, double[,] target, HandLayer[] layers, bool softmax, double alpha, int iterations)
    {
        int points = x.GetLength(0), classes = target.GetLength(1);
        var losses = new double[iterations];
        for (int step = 0; step < iterations; step++)
        {
            var activations = Activations(x, layers);
            var output = activations[^1];
            var p = softmax ? Softmax(output) : output;

            // dL/dp for L = sum(-t log p - (1 - t) log(1 - p)) / E.
            double loss = 0;
            var delta = new double[points, classes];
            for (int i = 0; i < points; i++)
                for (int j = 0; j < classes; j++)
                {
                    double t = target[i, j], q = p[i, j];
                    loss += -t * Math.Log(q) - (1 - t) * Math.Log(1 - q);
                    delta[i, j] = (-t / q + (1 - t) / (1 - q)) / points;
                }
            losses[step] = loss / points;

            // Through the softmax: da_j = p_j (dp_j - sum_k p_k dp_k).
            if (softmax)
            {
                for (int i = 0; i < points; i++)
                {
                    double weighted = 0;
                    for (int k = 0; k < classes; k++) weighted += p[i, k] * delta[i, k];
                    for (int j = 0; j < classes; j++) delta[i, j] = p[i, j] * (delta[i, j] - weighted);
                }
            }

            // Back through each layer: dz = da * a (1 - a); dW = input^T dz; db = sum dz; d input = dz W^T.
            var gradients = new (double[,] W, double[] B)[layers.Length];
            for (int l = layers.Length - 1; l >= 0; l--)
            {
                var a = activations[l + 1];
                var input = activations[l];
                int inputs = layers[l].W.GetLength(0), outputs = layers[l].W.GetLength(1);
                var dz = new double[points, outputs];
                for (int i = 0; i < points; i++)
                    for (int j = 0; j < outputs; j++)
                        dz[i, j] = delta[i, j] * a[i, j] * (1 - a[i, j]);
                var dW = new double[inputs, outputs];
                var dB = new double[outputs];
                var dInput = new double[points, inputs];
                for (int i = 0; i < points; i++)
                    for (int j = 0; j < outputs; j++)
                    {
                        dB[j] += dz[i, j];
                        for (int k = 0; k < inputs; k++)
                        {
                            dW[k, j] += input[i, k] * dz[i, j];
                            dInput[i, k] += dz[i, j] * layers[l].W[k, j];
                        }
                    }
                gradients[l] = (dW, dB);
                delta = dInput;
            }

            for (int l = 0; l < layers.Length; l++)
            {
                var (dW, dB) = gradients[l];
                for (int k = 0; k < dW.GetLength(0); k++)
                    for (int j = 0; j < dW.GetLength(1); j++)
                        layers[l].W[k, j] -= alpha * dW[k, j];
                for (int j = 0; j < dB.Length; j++) layers[l].B[j] -= alpha * dB[j];
            }
        }
        return losses;
    }
}
