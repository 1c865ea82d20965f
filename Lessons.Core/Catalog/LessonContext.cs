using Lessons.Core.Numpy;
using Lessons.Core.Autograd;
using Lessons.Core.Python;
using System.Runtime.CompilerServices;
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
    readonly HashSet<string> recorded = new(StringComparer.Ordinal);
    readonly List<AutogradGraph> graphs = [];
    readonly List<IStepObserver> observers = [];
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

    /// <summary>matplotlib's <c>plt</c>: what the lesson draws, kept for its figures (<see cref="Figures.Pyplot"/>).</summary>
    public Figures.Pyplot plt => field ??= new Figures.Pyplot(this);

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

    /// <summary>
    /// Python's <c>print(*values)</c>; each printed line joins the transcript. Each value that is not
    /// a literal is also kept as a result under the expression that printed it (<c>Print(w.grad)</c>
    /// keeps <c>w.grad</c>), so what parity, tests and figures read is what the lesson shows; a name
    /// printed again keeps its latest value, and a name recorded with <see cref="Record"/> keeps that.
    /// A label printed first (<c>Print("is_leaf:\n", w.is_leaf, x.is_leaf)</c>, <c>Print("X[:3] =", X[..3])</c>)
    /// names the values after it too: one value as itself, several as a list.
    /// Up to eight values name themselves; more go through <see cref="Print(object?[])"/>, which only prints.
    /// </summary>
    public void Print(object? a, Named _ = default, [CallerArgumentExpression(nameof(a))] string an = "") =>
        PrintNamed([a], [an]);

    /// <inheritdoc cref="Print(object?, Named, string)"/>
    public void Print(object? a, object? b, Named _ = default,
        [CallerArgumentExpression(nameof(a))] string an = "", [CallerArgumentExpression(nameof(b))] string bn = "") =>
        PrintNamed([a, b], [an, bn]);

    /// <inheritdoc cref="Print(object?, Named, string)"/>
    public void Print(object? a, object? b, object? c, Named _ = default,
        [CallerArgumentExpression(nameof(a))] string an = "", [CallerArgumentExpression(nameof(b))] string bn = "",
        [CallerArgumentExpression(nameof(c))] string cn = "") =>
        PrintNamed([a, b, c], [an, bn, cn]);

    /// <inheritdoc cref="Print(object?, Named, string)"/>
    public void Print(object? a, object? b, object? c, object? d, Named _ = default,
        [CallerArgumentExpression(nameof(a))] string an = "", [CallerArgumentExpression(nameof(b))] string bn = "",
        [CallerArgumentExpression(nameof(c))] string cn = "", [CallerArgumentExpression(nameof(d))] string dn = "") =>
        PrintNamed([a, b, c, d], [an, bn, cn, dn]);

    /// <inheritdoc cref="Print(object?, Named, string)"/>
    public void Print(object? a, object? b, object? c, object? d, object? e, Named _ = default,
        [CallerArgumentExpression(nameof(a))] string an = "", [CallerArgumentExpression(nameof(b))] string bn = "",
        [CallerArgumentExpression(nameof(c))] string cn = "", [CallerArgumentExpression(nameof(d))] string dn = "",
        [CallerArgumentExpression(nameof(e))] string en = "") =>
        PrintNamed([a, b, c, d, e], [an, bn, cn, dn, en]);

    /// <inheritdoc cref="Print(object?, Named, string)"/>
    public void Print(object? a, object? b, object? c, object? d, object? e, object? f, Named _ = default,
        [CallerArgumentExpression(nameof(a))] string an = "", [CallerArgumentExpression(nameof(b))] string bn = "",
        [CallerArgumentExpression(nameof(c))] string cn = "", [CallerArgumentExpression(nameof(d))] string dn = "",
        [CallerArgumentExpression(nameof(e))] string en = "", [CallerArgumentExpression(nameof(f))] string fn = "") =>
        PrintNamed([a, b, c, d, e, f], [an, bn, cn, dn, en, fn]);

    /// <summary>
    /// Keeps values the lesson computes but the tutorial does not print, each under the expression
    /// that names it (<c>Keep(dy2_dy1, dy1_dw1)</c>), as <see cref="Print(object?, Named, string)"/> keeps what it prints.
    /// </summary>
    public void Keep(object? a, Named _ = default, [CallerArgumentExpression(nameof(a))] string an = "") =>
        KeepNamed([a], [an]);

    /// <inheritdoc cref="Keep(object?, Named, string)"/>
    public void Keep(object? a, object? b, Named _ = default,
        [CallerArgumentExpression(nameof(a))] string an = "", [CallerArgumentExpression(nameof(b))] string bn = "") =>
        KeepNamed([a, b], [an, bn]);

    /// <inheritdoc cref="Keep(object?, Named, string)"/>
    public void Keep(object? a, object? b, object? c, Named _ = default,
        [CallerArgumentExpression(nameof(a))] string an = "", [CallerArgumentExpression(nameof(b))] string bn = "",
        [CallerArgumentExpression(nameof(c))] string cn = "") =>
        KeepNamed([a, b, c], [an, bn, cn]);

    /// <inheritdoc cref="Keep(object?, Named, string)"/>
    public void Keep(object? a, object? b, object? c, object? d, Named _ = default,
        [CallerArgumentExpression(nameof(a))] string an = "", [CallerArgumentExpression(nameof(b))] string bn = "",
        [CallerArgumentExpression(nameof(c))] string cn = "", [CallerArgumentExpression(nameof(d))] string dn = "") =>
        KeepNamed([a, b, c, d], [an, bn, cn, dn]);

    void KeepNamed(object?[] values, string[] expressions)
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (!IsName(expressions[i]))
                throw new ArgumentException($"Keep names each value by its expression; '{expressions[i]}' is not a name (use Record)");
            Record(expressions[i], values[i]);
        }
    }

    /// <summary>Python's <c>print(*values)</c> for any number of values: prints, keeps nothing.</summary>
    public void Print(params object?[] values) => PrintLines(values);

    /// <summary>
    /// Stands between a <see cref="Print(object?, Named, string)"/>'s values and the names the compiler
    /// fills in, so that a string among the values is never taken for a name. Never passed by hand.
    /// </summary>
    public readonly struct Named;

    void PrintNamed(object?[] values, string[] expressions)
    {
        PrintLines(values);
        for (int i = 0; i < values.Length; i++)
            if (IsName(expressions[i])) Keep(expressions[i], values[i]);
        // print("is_leaf:\n", w.is_leaf, x.is_leaf, ...): a label before the values names them all.
        if (values.Length > 1 && values[0] is string label && !expressions.Skip(1).Any(IsText) && Label(label) is string name)
            Keep(name, values.Length == 2 ? values[1] : values[1..]);
    }

    void Keep(string name, object? value)
    {
        if (!recorded.Contains(name)) results[name] = ResultValue.Normalize(value);
    }

    /// <summary>The name a printed label gives: <c>"is_leaf:\n"</c> → <c>is_leaf</c>, <c>"X[:3] ="</c> → <c>X[:3]</c>.</summary>
    static string? Label(string text)
    {
        string trimmed = text.Trim();
        if (trimmed.EndsWith(':')) trimmed = trimmed[..^1];
        else if (trimmed.EndsWith(" =", StringComparison.Ordinal)) trimmed = trimmed[..^2];
        else return null;
        trimmed = trimmed.TrimEnd();
        return trimmed.Length > 0 && char.IsLetter(trimmed[0]) && trimmed.All(c => char.IsLetterOrDigit(c) || c is '_' or ' ' or '.' or '[' or ']' or '(' or ')' or ':' or '-' or '|' or '+' or '#' or '=')
            ? trimmed : null;
    }

    void PrintLines(object?[] values)
    {
        // Short loops print every step without a StepScope: they stop here.
        ThrowIfInterrupted();
        foreach (string line in Py.Print(values).Split('\n'))
        {
            transcript.Add(line);
            onLine?.Invoke(line);
        }
    }

    /// <summary>Text written in the call: a literal or an interpolated string.</summary>
    static bool IsText(string expression) => expression.Length > 0 && expression[0] is '"' or '$' or '@';

    /// <summary>An expression worth keeping a value under: not a literal (text, a number, null, true).</summary>
    static bool IsName(string expression)
    {
        if (expression.Length == 0 || expression[0] is '"' or '$' or '@' or '\'' or '-' or '[' || char.IsDigit(expression[0])
            || expression is "null" or "true" or "false")
            return false;
        // A variable, a member, an index or a call on one (w.grad, X[.., 0], net.model.forward(X)); not a
        // computation (a + b, new ...) or a helper's call (GradFn.Describe(w)), whose text says less
        // than the lesson's names.
        if (char.IsUpper(expression[0]) && expression.EndsWith(')')) return false;
        int depth = 0;
        foreach (char c in expression)
        {
            if (c is '(' or '[') depth++;
            else if (c is ')' or ']') depth--;
            else if (depth == 0 && !(char.IsLetterOrDigit(c) || c is '_' or '.' or '!')) return false;
        }
        return true;
    }

    /// <summary>Records a named result; tensors are copied out, so they may be disposed afterwards.</summary>
    /// <summary>Records several named results at once (what a lesson adds beyond the tutorial, in one place).</summary>
    public void Record(params (string Name, object? Value)[] named)
    {
        foreach (var (name, value) in named) Record(name, value);
    }

    public void Record(string name, object? value)
    {
        recorded.Add(name);
        results[name] = ResultValue.Normalize(value);
    }

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

    /// <summary>
    /// <c>range(total)</c> for a training loop: each step runs in <see cref="StepScope"/> (its own
    /// dispose scope, progress, the periodic collection, Ctrl-C) and is shown to the observers
    /// (<see cref="Observe"/>), which take what an animation needs before the step trains; when the loop
    /// ends they record it. <see cref="Step"/> is the step in progress, for <see cref="LessonTensors.item"/>.
    /// </summary>
    public IEnumerable<int> Steps(long total, string stage = "training")
    {
        var watching = observers.ToList();
        observers.Clear();
        try
        {
            for (int i = 0; i < total; i++)
            {
                using var scope = StepScope(stage, i, total);
                Step = i;
                foreach (var observer in watching) observer.Step(i);
                yield return i;
            }
        }
        finally
        {
            // The loop ended, at its last step or at a break (the enumerator is disposed either way).
            Step = null;
            foreach (var observer in watching) observer.End();
        }
    }

    /// <summary>The step of <see cref="Steps"/> in progress, or null outside a training loop.</summary>
    public long? Step { get; private set; }

    /// <summary>Shows the steps of the next <see cref="Steps"/> loop to <paramref name="observer"/> (an animation's frames).</summary>
    public void Observe(IStepObserver observer) => observers.Add(observer);

    /// <summary>What the hint of a divergence says to change (the lesson's <see cref="Lesson.DivergenceHint"/>).</summary>
    public string DivergenceHint { get; init; } = "lower lr";

    static readonly AsyncLocal<LessonContext?> current = new();

    /// <summary>The context of the lesson running on this flow, for <see cref="LessonTensors.item"/>; null outside a lesson.</summary>
    public static LessonContext? Current => current.Value;

    internal IDisposable Enter()
    {
        var outer = current.Value;
        current.Value = this;
        return new Exit(() => current.Value = outer);
    }

    sealed class Exit(Action exit) : IDisposable
    {
        public void Dispose() => exit();
    }

    /// <summary>Stops the lesson with a clear message when a loss is no longer finite.</summary>
    public void EnsureFinite(double value, string what, long step, string hint)
    {
        if (!double.IsFinite(value))
            throw new LessonDivergedException($"{what} became {PyFloat.Repr(value)} at step {step}: training diverged; {hint}");
    }
}
