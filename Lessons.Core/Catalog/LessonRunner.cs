using Lessons.Core.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace Lessons.Core.Catalog;

/// <summary>What one run of a lesson produced, as plain data.</summary>
public sealed record LessonRun(
    Lesson Lesson,
    string Device,
    long? Seed,
    IReadOnlyDictionary<string, object> Options,
    IReadOnlyList<string> Transcript,
    IReadOnlyDictionary<string, object?> Results,
    CpuKernelInfo Kernels)
{
    /// <summary>The autograd graphs the lesson recorded (<see cref="LessonContext.RecordGraph"/>).</summary>
    public IReadOnlyList<Autograd.AutogradGraph> Graphs { get; init; } = [];
}

/// <summary>How to run a lesson: the device (<c>cpu</c>, <c>cuda</c>, <c>cuda:N</c>), a seed override and option assignments.</summary>
public sealed record LessonSettings
{
    public string Device { get; init; } = "cpu";
    public long? Seed { get; init; }
    public IReadOnlyList<string> Assignments { get; init; } = [];
    public Action<string>? OnLine { get; init; }
    public IProgress<LessonProgress>? Progress { get; init; }

    /// <summary>The CPU kernels to start libtorch with, if it has not started yet (<see cref="TorchRuntime.Start"/>).</summary>
    public KernelChoice Kernels { get; init; } = KernelChoice.Pinned;

    /// <summary>Stops the lesson at its next step (<see cref="LessonInterruptedException"/>) once cancelled: the CLI's Ctrl-C.</summary>
    public CancellationToken Interrupt { get; init; }

    /// <summary>Refuse sizes whose memory estimate exceeds what is available (on by default; off only to test libtorch's own failure).</summary>
    public bool CheckMemory { get; init; } = true;

    /// <summary>
    /// Whether autograd records graphs while the lesson runs (on; off only for the test that a lesson
    /// which trains with backward() cannot train without autograd).
    /// </summary>
    public bool GradEnabled { get; init; } = true;

    /// <summary>
    /// Whether lessons record the extra states their animations are drawn from (on; the CLI turns it
    /// off when it will draw nothing, without --plots). What a lesson computes is the same either way:
    /// only those records are missing from its results.
    /// </summary>
    public bool RecordFrames { get; init; } = true;
}

public static class LessonRunner
{
    // libtorch's generator is process-global: lessons never run concurrently, or their draws interleave.
    static readonly Lock globalTorchState = new();

    public static LessonRun Run(string id, LessonSettings settings) => Run(LessonCatalog.Get(id), settings);

    public static LessonRun Run(Lesson lesson, LessonSettings settings)
    {
        var (options, choice) = Prepare(lesson, settings);
        lock (globalTorchState)
        {
            TorchRuntimeInfo runtime = TorchRuntime.Start(settings.Kernels);
            // One CPU thread: libtorch splits large reductions across threads, which changes the
            // last bits with the core count; single-threaded, a lesson prints the same digits on
            // every machine (the tutorials' reference runs were single-threaded too), and the
            // small tensors of these lessons run faster without thread hand-offs.
            torch.set_num_threads(1);
            Device device = choice.Resolve();
            long? seed = settings.Seed ?? lesson.Seed;
            var context = new LessonContext(device, seed, options, settings.OnLine, settings.Progress, settings.Interrupt, settings.RecordFrames)
            {
                DivergenceHint = lesson.DivergenceHint,
            };
            using (torch.set_grad_enabled(settings.GradEnabled))
            using (context.Enter())
            using (NewDisposeScope())
            {
                try
                {
                    lesson.Run(context);
                }
                catch (Exception e) when (TorchErrors.AllocationFailure(e) is string size)
                {
                    throw OutOfMemory(lesson, options, $"libtorch could not allocate {size}");
                }
                catch (OutOfMemoryException)
                {
                    throw OutOfMemory(lesson, options, ".NET could not allocate memory");
                }
                catch (LessonDivergedException e) when (Diverged(lesson, options, settings.Assignments, e) is { } named)
                {
                    throw named;
                }
            }
            return new LessonRun(lesson, choice.ToString(), seed, options, context.Transcript, context.Results, runtime.Kernels) { Graphs = context.Graphs };
        }
    }

    /// <summary>
    /// What can be checked before a lesson starts, without running it: the options, the device
    /// (loading libtorch to resolve it), and whether the sizes fit in the memory available.
    /// Throws the same exceptions <see cref="Run(Lesson, LessonSettings)"/> would, before any output.
    /// Without <paramref name="resolveDevice"/> it only names the device: no libtorch, a few milliseconds.
    /// </summary>
    public static void Check(Lesson lesson, LessonSettings settings, bool resolveDevice = true)
    {
        var (_, choice) = Prepare(lesson, settings);
        if (!resolveDevice) return;
        lock (globalTorchState)
        {
            TorchRuntime.Start(settings.Kernels);
            choice.Resolve();
        }
    }

    static (IReadOnlyDictionary<string, object> Options, DeviceChoice Choice) Prepare(Lesson lesson, LessonSettings settings)
    {
        IReadOnlyDictionary<string, object> options = ParseOptions(lesson, settings.Assignments);
        LessonSeeds.Check(lesson, settings.Seed);
        DeviceChoice choice = DeviceChoice.Parse(settings.Device);
        if (settings.CheckMemory)
            CheckMemory(lesson, options, AssignedNames(settings.Assignments), SystemMemory.AvailableBytes());
        return (options, choice);
    }

    /// <summary>
    /// A divergence the user's settings of other numbers caused: a lesson's advice names the option
    /// it expects to be the cause (its learning rate: "lower lr"), but data or a start set far from
    /// the tutorial's (mean_value=1e30) overflows whatever the rate. Then the line names those
    /// settings and their defaults instead; null when no such setting was made (the lesson's advice stands).
    /// </summary>
    static LessonDivergedException? Diverged(Lesson lesson, IReadOnlyDictionary<string, object> options, IReadOnlyList<string> assignments, LessonDivergedException e)
    {
        const string separator = "; ";
        int split = e.Message.IndexOf(separator, StringComparison.Ordinal);
        string stop = split < 0 ? e.Message : e.Message[..split];
        string advice = split < 0 ? "" : e.Message[(split + separator.Length)..];
        bool NamedInAdvice(LessonOption option) => System.Text.RegularExpressions.Regex.IsMatch(advice, $@"\b{System.Text.RegularExpressions.Regex.Escape(option.Name)}\b");
        var set = AssignedNames(assignments).Select(name => lesson.Options.First(o => o.Name == name)).ToList();
        // Numbers only: a count (steps, sizes) changes how long training runs, not whether its numbers overflow.
        var others = set.Where(o => o.DefaultValue is double && !NamedInAdvice(o) && !Equals(options[o.Name], o.DefaultValue)).ToList();
        if (others.Count == 0) return null;
        string settings = string.Join(", ", others.Select(o => $"{o.Name}={LessonOption.Format(options[o.Name])} (the tutorial's is {o.DefaultText})"));
        string also = set.Any(NamedInAdvice) && advice.Length > 0 ? $", or {advice}" : "";
        return new LessonDivergedException(
            $"{stop} with {settings}: {(others.Count == 1 ? "that value is" : "those values are")} too far from the tutorial's for the numbers to stay finite; try {(others.Count == 1 ? "a value" : "values")} nearer the tutorial's{also}");
    }

    // The estimate missed (or was skipped): still one line, with what was estimated and what is free.
    static LessonOutOfMemoryException OutOfMemory(Lesson lesson, IReadOnlyDictionary<string, object> options, string what)
    {
        double estimate = lesson.EstimateBytes(new OptionValues(options));
        string estimated = estimate > 0 ? $"its estimate was {MemoryEstimate.Format(estimate)}, " : "";
        return new LessonOutOfMemoryException(
            $"not enough memory: {what} for lesson '{lesson.Id}' ({estimated}{MemoryEstimate.Format(SystemMemory.AvailableBytes())} is available)");
    }

    /// <summary>
    /// Refuses option values whose estimated allocations (<see cref="Lesson.EstimateBytes"/>) do not
    /// fit in <paramref name="availableBytes"/> less <see cref="MemoryEstimate.Reserve"/>: a usage
    /// error that says what would be allocated, what is available, and for each integer option the
    /// user set, the largest value that fits with the others as set.
    /// </summary>
    public static void CheckMemory(Lesson lesson, IReadOnlyDictionary<string, object> options, IReadOnlyList<string> assigned, double availableBytes)
    {
        double budget = availableBytes - MemoryEstimate.Reserve;
        double needed = lesson.EstimateBytes(new OptionValues(options));
        if (needed <= budget) return;

        var largest = new List<string>();
        foreach (string name in assigned)
        {
            LessonOption option = lesson.Options.First(o => o.Name == name);
            if (LargestThatFits(lesson, options, option, budget) is long fits) largest.Add($"{name}={fits}");
        }
        string with = assigned.Count == 0
            ? "with its default options"
            : "with " + string.Join(" ", assigned.Select(name => $"{name}={LessonOption.Format(options[name])}"));
        string advice = largest.Count switch
        {
            0 when assigned.Count == 0 => "this machine has too little memory for it",
            0 => "lower its sizes",
            1 => $"the largest {largest[0].Replace("=", " that fits is ", StringComparison.Ordinal)}",
            _ => "the largest values that fit, each with the others as set: " + string.Join(", ", largest),
        };
        throw new LessonUsageException(
            $"lesson '{lesson.Id}' {with} would allocate about {MemoryEstimate.Format(needed)}, but {MemoryEstimate.Format(availableBytes)} is available; {advice}");
    }

    // Binary search over [1, current value]: every estimate grows with each size, so the values
    // that fit are a prefix. Null when even 1 does not fit, or the largest that fits is not valid.
    static long? LargestThatFits(Lesson lesson, IReadOnlyDictionary<string, object> options, LessonOption option, double budget)
    {
        object value = options[option.Name];
        if (value is not (int or long)) return null;
        long current = Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture);
        var trial = new Dictionary<string, object>(options);
        bool Fits(long candidate)
        {
            trial[option.Name] = value is int ? (object)(int)candidate : candidate;
            return lesson.EstimateBytes(new OptionValues(trial)) <= budget;
        }
        if (current <= 1 || !Fits(1)) return null;
        long low = 1, high = current; // Fits(low), !Fits(high)
        while (high - low > 1)
        {
            long middle = low + (high - low) / 2;
            if (Fits(middle)) low = middle;
            else high = middle;
        }
        return option.TryParse(low.ToString(System.Globalization.CultureInfo.InvariantCulture), out _, out _) ? low : null;
    }

    /// <summary>The option names of <c>name=value</c> assignments, each once, in the order given.</summary>
    static IReadOnlyList<string> AssignedNames(IEnumerable<string> assignments) =>
        assignments.Select(a => a[..Math.Max(0, a.IndexOf('='))].Trim()).Where(n => n.Length > 0).Distinct().ToList();

    /// <summary>Parses <c>name=value</c> assignments against the lesson's options; every error names the option.</summary>
    public static IReadOnlyDictionary<string, object> ParseOptions(Lesson lesson, IEnumerable<string> assignments)
    {
        var values = new SortedDictionary<string, object>(StringComparer.Ordinal);
        foreach (var option in lesson.Options) values[option.Name] = option.DefaultValue;
        foreach (string assignment in assignments)
        {
            int equals = assignment.IndexOf('=');
            if (equals <= 0)
                throw new BadAssignmentException(assignment);
            string name = assignment[..equals].Trim();
            string text = assignment[(equals + 1)..].Trim();
            LessonOption? option = lesson.Options.FirstOrDefault(o => o.Name == name);
            if (option is null)
            {
                string valid = lesson.Options.Count == 0
                    ? "it has no options"
                    : "valid options: " + string.Join(", ", lesson.Options.Select(o => o.Name));
                throw new LessonUsageException($"lesson '{lesson.Id}' has no option '{name}'; {valid}");
            }
            if (!option.TryParse(text, out object? value, out string error))
                throw new LessonUsageException(error);
            values[name] = value!;
        }
        return values;
    }
}
