using System.Globalization;

namespace Lessons.Core.Catalog;

/// <summary>
/// A lesson's option values by name, read typed: what <see cref="Lesson.EstimateBytes"/> sees
/// (the same values <see cref="LessonContext.Get{T}"/> gives the running lesson).
/// </summary>
public sealed class OptionValues(IReadOnlyDictionary<string, object> values)
{
    public T Get<T>(LessonOption<T> option) where T : notnull =>
        values.TryGetValue(option.Name, out object? value) ? (T)value : option.Default;
}

/// <summary>
/// The building blocks of the lessons' memory estimates, in bytes. Sizes are doubles so that the
/// product of a few huge options cannot overflow; an estimate is an upper bound in round numbers,
/// good to a factor of about two, which is all that refusing "400 GB on a 24 GB machine" needs.
/// </summary>
public static class MemoryEstimate
{
    public const double Float32 = 4, Float64 = 8, Int64 = 8;

    /// <summary>
    /// One transcript line: the string (UTF-16, a few dozen characters), its slot in the
    /// transcript, and its copy in the <c>--json</c> output.
    /// </summary>
    public const double PrintedLine = 256;

    /// <summary>One recorded number: a boxed double in the results' list and the list it was built from.</summary>
    public const double RecordedNumber = 64;

    /// <summary>What a run needs besides its lesson's own allocations (runtime, libtorch's workspaces, figures).</summary>
    public const double Reserve = 256e6;

    /// <summary>Bytes in decimal units, as people read them: 400 GB, 1.5 GB, 12 MB.</summary>
    public static string Format(double bytes)
    {
        (double unit, string name) = bytes switch
        {
            >= 1e15 => (1e15, "PB"),
            >= 1e12 => (1e12, "TB"),
            >= 1e9 => (1e9, "GB"),
            >= 1e6 => (1e6, "MB"),
            >= 1e3 => (1e3, "kB"),
            _ => (1, "bytes"),
        };
        double value = bytes / unit;
        string digits = value >= 100 || unit == 1 ? value.ToString("F0", CultureInfo.InvariantCulture)
            : value.ToString("0.#", CultureInfo.InvariantCulture);
        return $"{digits} {name}";
    }
}

/// <summary>How much memory this machine can give a new allocation now.</summary>
public static class SystemMemory
{
    /// <summary>
    /// Linux: MemAvailable from /proc/meminfo, lowered to what the cgroup's limit leaves (containers
    /// see the host's meminfo). Elsewhere: the GC's view of total memory less its current load.
    /// </summary>
    public static double AvailableBytes()
    {
        if (OperatingSystem.IsLinux() && LinuxAvailable() is double linux) return linux;
        GC.Collect(0); // the GC's memory figures are those of its last collection
        GCMemoryInfo info = GC.GetGCMemoryInfo();
        return info.TotalAvailableMemoryBytes > 0
            ? Math.Max(0, info.TotalAvailableMemoryBytes - info.MemoryLoadBytes)
            : double.PositiveInfinity; // unknown: let libtorch's own check answer
    }

    static double? LinuxAvailable()
    {
        double? available = null;
        try
        {
            foreach (string line in File.ReadLines("/proc/meminfo"))
            {
                if (!line.StartsWith("MemAvailable:", StringComparison.Ordinal)) continue;
                string kilobytes = line["MemAvailable:".Length..].Replace("kB", "").Trim();
                if (double.TryParse(kilobytes, NumberStyles.Float, CultureInfo.InvariantCulture, out double kb))
                    available = kb * 1024;
                break;
            }
            // cgroup v2: memory.max is "max" or a byte count; the group's usage is memory.current.
            if (File.Exists("/sys/fs/cgroup/memory.max") && File.Exists("/sys/fs/cgroup/memory.current")
                && double.TryParse(File.ReadAllText("/sys/fs/cgroup/memory.max").Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double limit)
                && double.TryParse(File.ReadAllText("/sys/fs/cgroup/memory.current").Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double used))
            {
                double left = Math.Max(0, limit - used);
                available = available is double a ? Math.Min(a, left) : left;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        return available;
    }
}
