using Lessons.Core.Numpy;
using Lessons.Core.Autograd;
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
    readonly List<AutogradGraph> graphs = [];
    readonly CancellationToken interrupt;
    LessonProgress? lastStep;

    internal LessonContext(Device device, long? seed, IReadOnlyDictionary<string, object> options,
        Action<string>? onLine, IProgress<LessonProgress>? progress, CancellationToken interrupt = default, bool recordsFrames = true)
    {
        Device = device;
        RecordsFrames = recordsFrames;
        Seed = seed;
        this.options = options;
        this.onLine = onLine;
        this.progress = progress;
        this.interrupt = interrupt;
    }

    public Device Device { get; }

    /// <summary>
    /// Whether to record what only an animation draws, such as a net's decision regions every few
    /// hundred iterations (see <see cref="LessonSettings.RecordFrames"/>). Training never depends on it.
    /// </summary>
    public bool RecordsFrames { get; }

    /// <summary>The seed in force: the tutorial's (or 0 where it has none), unless <c>--seed</c> overrides it.</summary>
    public long? Seed { get; }

    public IReadOnlyList<string> Transcript => transcript;
    public IReadOnlyDictionary<string, object?> Results => results;

    /// <summary>The autograd graphs the lesson recorded, in order.</summary>
    public IReadOnlyList<AutogradGraph> Graphs => graphs;

    public T Get<T>(LessonOption<T> option) where T : notnull =>
        options.TryGetValue(option.Name, out object? value) ? (T)value : option.Default;

    /// <summary><c>torch.manual_seed(seed)</c> with the seed in force, where the tutorial seeds (or draws unseeded).</summary>
    public void ManualSeed() =>
        torch.manual_seed(Seed ?? throw new InvalidOperationException("this lesson declares no seed"));

    /// <summary>
    /// <c>np.random.seed(seed)</c> with the seed in force, for lessons whose tutorial draws with
    /// numpy: a fresh legacy numpy generator. numpy takes only seeds in [0, 2**32 - 1], so
    /// another <c>--seed</c> is a usage error here, as it is a ValueError in Python.
    /// </summary>
    public NumpyRandomState NumpySeed()
    {
        long seed = Seed ?? throw new InvalidOperationException("this lesson declares no seed");
        if (seed is < 0 or > uint.MaxValue)
            throw new SeedOutOfRangeException(seed);
        return new NumpyRandomState((uint)seed);
    }

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

    /// <summary>
    /// Records the autograd graph behind <paramref name="output"/> as it is now, read from
    /// libtorch's nodes and kept as plain data (the nodes may be gone when the CLI or docs draw it). <paramref name="tensors"/> name the leaves
    /// (<c>("w", w)</c>) and any computed tensors for the labels. The graph joins <see cref="Graphs"/>
    /// and, as nodes and edges, the results under <c>graph: name</c>.
    /// </summary>
    public AutogradGraph RecordGraph(string name, Tensor output, params (string Name, Tensor Tensor)[] tensors) =>
        RecordGraph(name, output, BackwardStart.Ones, tensors);

    /// <summary>
    /// As <see cref="RecordGraph(string, Tensor, (string Name, Tensor Tensor)[])"/>, for a backward
    /// that starts as <paramref name="backward"/> says (the tutorial's grad_tensors, or a graph whose
    /// backward already ran): each edge's gradient is read for that backward. Record before the
    /// backward, while the graph is whole.
    /// </summary>
    public AutogradGraph RecordGraph(string name, Tensor output, BackwardStart backward, params (string Name, Tensor Tensor)[] tensors)
    {
        if (results.ContainsKey(GraphResultName(name)))
            throw new InvalidOperationException($"a graph named '{name}' was recorded already; each needs its own name");
        AutogradGraph graph = AutogradGraphs.Read(name, output, backward, tensors);
        graphs.Add(graph);
        results[GraphResultName(name)] = graph.ToData();
        return graph;
    }

    public static string GraphResultName(string graphName) => "graph: " + graphName;

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
