using Lessons.Core.Catalog;

namespace Lessons.Core.Tutorials.Tutorial000;

/// <summary>The sizes and training settings of the two-layer net, read from a lesson's options.</summary>
public sealed record TwoLayerSettings(int N, int DIn, int H, int DOut, double LearningRate, int Steps);

/// <summary>
/// The two-layer net that 000 §1 and every program of 003 train: x (N×D_in) → mm w1 → ReLU →
/// mm w2 → y_pred (N×D_out), with the sum of squared errors as the loss and plain gradient
/// descent. Its options are shared by the lessons that train it, with the tutorials' values.
/// </summary>
public static class TwoLayerNet
{
    public static readonly LessonOption<int> BatchSize = new("N", 64, "batch size", Check.AtLeast(1));
    public static readonly LessonOption<int> InputSize = new("D_in", 1000, "input dimension", Check.AtLeast(1));
    public static readonly LessonOption<int> HiddenSize = new("H", 100, "hidden dimension", Check.AtLeast(1));
    public static readonly LessonOption<int> OutputSize = new("D_out", 10, "output dimension", Check.AtLeast(1));
    public static readonly LessonOption<double> LearningRate = new("lr", 1e-6, "gradient-descent learning rate", Check.Positive);
    public static readonly LessonOption<int> Steps = new("steps", 500, "gradient-descent steps", Check.AtLeast(1));

    public static IReadOnlyList<LessonOption> Options { get; } =
        [BatchSize, InputSize, HiddenSize, OutputSize, LearningRate, Steps];

    public static TwoLayerSettings Read(LessonContext context) => new(
        context.Get(BatchSize), context.Get(InputSize), context.Get(HiddenSize), context.Get(OutputSize),
        context.Get(LearningRate), context.Get(Steps));

    /// <summary>
    /// The memory of the two-layer lessons: x (N×D_in) and y (N×D_out); w1 (D_in×H) and w2
    /// (H×D_out), each with its gradient and its lr-scaled copy; one step's activations and their
    /// gradients, about five N×H and five N×D_out (freed at the step's end); and a transcript line
    /// and a recorded loss per step. <paramref name="extraInputBytes"/> adds per element of x and y
    /// for a second copy (static-graph feeds float64 data into float32 placeholders).
    /// </summary>
    public static double EstimateBytes(OptionValues options, double elementBytes, double extraInputBytes = 0)
    {
        double n = options.Get(BatchSize), dIn = options.Get(InputSize), h = options.Get(HiddenSize), dOut = options.Get(OutputSize);
        double data = n * dIn + n * dOut;
        double weights = 3 * (dIn * h + h * dOut);
        double step = 5 * n * h + 5 * n * dOut;
        return elementBytes * (data + weights + step) + extraInputBytes * data
            + options.Get(Steps) * (MemoryEstimate.PrintedLine + MemoryEstimate.RecordedNumber);
    }

    /// <summary>Orders of magnitude the loss fell from its first to its last value (log10 of their ratio).</summary>
    public static double OrdersFallen(IReadOnlyList<double> losses) => Math.Log10(losses[0] / losses[^1]);
}
