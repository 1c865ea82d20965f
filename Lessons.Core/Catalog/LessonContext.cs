using Lessons.Core.Python;
using TorchSharp;
using static TorchSharp.torch;

namespace Lessons.Core.Catalog;

/// <summary>How far a long lesson has got, for progress displays.</summary>
public readonly record struct LessonProgress(string Stage, long Done, long Total);

/// <summary>
/// What a running lesson sees: the device to run on, its option values and seed, and the two
/// outputs, the transcript (what the tutorial prints) and named results (for tests and tools).
/// </summary>
public sealed class LessonContext
{
    readonly IReadOnlyDictionary<string, object> options;
    readonly Action<string>? onLine;
    readonly IProgress<LessonProgress>? progress;
    readonly List<string> transcript = [];
    readonly SortedDictionary<string, object?> results = new(StringComparer.Ordinal);
    readonly CancellationToken interrupt;
    LessonProgress? lastStep;

    internal LessonContext(Device device, long? seed, IReadOnlyDictionary<string, object> options,
        Action<string>? onLine, IProgress<LessonProgress>? progress, CancellationToken interrupt = default)
    {
        Device = device;
        Seed = seed;
        this.options = options;
        this.onLine = onLine;
        this.progress = progress;
        this.interrupt = interrupt;
    }

    public Device Device { get; }

    /// <summary>The seed in force: the tutorial's (or 0 where it has none), unless <c>--seed</c> overrides it.</summary>
    public long? Seed { get; }

    public IReadOnlyList<string> Transcript => transcript;
    public IReadOnlyDictionary<string, object?> Results => results;

    public T Get<T>(LessonOption<T> option) where T : notnull =>
        options.TryGetValue(option.Name, out object? value) ? (T)value : option.Default;

    /// <summary><c>torch.manual_seed(seed)</c> with the seed in force, where the tutorial seeds (or draws unseeded).</summary>
    public void ManualSeed() =>
        torch.manual_seed(Seed ?? throw new InvalidOperationException("this lesson declares no seed"));

    /// <summary>Python's <c>print(*values)</c>; each printed line joins the transcript.</summary>
    public void Print(params object?[] values)
    {
        // Short loops print every step without a StepScope: they stop here.
        ThrowIfInterrupted();
        foreach (string line in Py.Print(values).Split('\n'))
        {
            transcript.Add(line);
            onLine?.Invoke(line);
        }
    }

    /// <summary>Records a named result; tensors are copied out, so they may be disposed afterwards.</summary>
    public void Record(string name, object? value) => results[name] = ResultValue.Normalize(value);

    public void ReportProgress(string stage, long done, long total)
    {
        lastStep = new LessonProgress(stage, done, total);
        ThrowIfInterrupted();
        progress?.Report(lastStep.Value);
    }

    const int CollectEvery = 1024;

    /// <summary>
    /// The scope of one step of a long loop: a dispose scope that frees the step's tensors at its
    /// end, a progress report about every 1% of <paramref name="total"/>, and, every 1024 steps, a
    /// young-generation collection. The last keeps memory flat however long the loop runs:
    /// each step leaves a few KB of tensor wrappers behind, and left alone the .NET collector lets
    /// that garbage grow by tens of MB before it looks. It is also where an interrupt (Ctrl-C)
    /// stops the lesson: between steps, never inside libtorch.
    /// </summary>
    public DisposeScope StepScope(string stage, long step, long total)
    {
        lastStep = new LessonProgress(stage, step, total);
        ThrowIfInterrupted();
        if (step % Math.Max(1, total / 100) == 0) ReportProgress(stage, step, total);
        if (step > 0 && step % CollectEvery == 0) GC.Collect(0, GCCollectionMode.Forced, blocking: true);
        return torch.NewDisposeScope();
    }

    void ThrowIfInterrupted()
    {
        if (!interrupt.IsCancellationRequested) return;
        throw new LessonInterruptedException(lastStep is { } at
            ? $"interrupted at step {at.Done} of {at.Total} ({at.Stage})"
            : "interrupted before the lesson finished");
    }

    /// <summary>Stops the lesson with a clear message when a loss is no longer finite.</summary>
    public void EnsureFinite(double value, string what, long step, string hint)
    {
        if (!double.IsFinite(value))
            throw new LessonDivergedException($"{what} became {PyFloat.Repr(value)} at step {step}: training diverged; {hint}");
    }
}
