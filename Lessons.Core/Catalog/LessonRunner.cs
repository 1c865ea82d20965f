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
}

public static class LessonRunner
{
    // libtorch's generator is process-global: lessons never run concurrently, or their draws interleave.
    static readonly Lock globalTorchState = new();

    public static LessonRun Run(string id, LessonSettings settings) => Run(LessonCatalog.Get(id), settings);

    public static LessonRun Run(Lesson lesson, LessonSettings settings)
    {
        IReadOnlyDictionary<string, object> options = ParseOptions(lesson, settings.Assignments);
        DeviceChoice choice = DeviceChoice.Parse(settings.Device);
        lock (globalTorchState)
        {
            TorchNative.EnsureLoaded();
            // One CPU thread: libtorch splits large reductions across threads, which changes the
            // last bits with the core count; single-threaded, a lesson prints the same digits on
            // every machine (the tutorials' reference runs were single-threaded too), and the
            // small tensors of these lessons run faster without thread hand-offs.
            torch.set_num_threads(1);
            Device device = choice.Resolve();
            long? seed = settings.Seed ?? lesson.Seed;
            var context = new LessonContext(device, seed, options, settings.OnLine, settings.Progress);
            using (torch.set_grad_enabled(true))
            using (NewDisposeScope())
            {
                lesson.Run(context);
            }
            return new LessonRun(lesson, choice.ToString(), seed, options, context.Transcript, context.Results, CpuKernels.Describe()) { Graphs = context.Graphs };
        }
    }

    /// <summary>Parses <c>name=value</c> assignments against the lesson's options; every error names the option.</summary>
    public static IReadOnlyDictionary<string, object> ParseOptions(Lesson lesson, IEnumerable<string> assignments)
    {
        var values = new SortedDictionary<string, object>(StringComparer.Ordinal);
        foreach (var option in lesson.Options) values[option.Name] = option.DefaultValue;
        foreach (string assignment in assignments)
        {
            int equals = assignment.IndexOf('=');
            if (equals <= 0)
                throw new LessonUsageException($"--set takes name=value, got '{assignment}'");
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
