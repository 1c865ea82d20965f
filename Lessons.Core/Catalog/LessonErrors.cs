namespace Lessons.Core.Catalog;

// Core's errors carry what went wrong as data and say it without naming commands or flags: a host
// (the command line) words them for its users and maps each kind to its exit code.

/// <summary>Bad input from the user: an unknown lesson or option, or a bad value. One line.</summary>
public class LessonUsageException(string message) : Exception(message);

/// <summary>No lesson has this id; <see cref="Closest"/> are the nearest ids.</summary>
public sealed class UnknownLessonException(string id, IReadOnlyList<string> closest)
    : LessonUsageException($"unknown lesson '{id}'; closest: {string.Join(", ", closest)}")
{
    public string Id { get; } = id;
    public IReadOnlyList<string> Closest { get; } = closest;
}

/// <summary>A shell-style pattern that matches no lesson.</summary>
public sealed class NoLessonMatchesException(string pattern) : LessonUsageException($"no lesson matches '{pattern}'")
{
    public string Pattern { get; } = pattern;
}

/// <summary>An option assignment without the <c>name=value</c> form.</summary>
public sealed class BadAssignmentException(string assignment) : LessonUsageException($"an option takes name=value, got '{assignment}'")
{
    public string Assignment { get; } = assignment;
}

/// <summary>A device name that is not cpu, cuda or cuda:N.</summary>
public sealed class BadDeviceException(string text) : LessonUsageException($"bad device '{text}': use cpu, cuda or cuda:N (N a GPU index such as 0)")
{
    public string Text { get; } = text;
}

/// <summary>A seed the lesson's generator cannot take (numpy's must fit in 32 bits).</summary>
public sealed class SeedOutOfRangeException(long seed, string? lessonId = null)
    : LessonUsageException($"seed {seed}: {(lessonId is null ? "this lesson" : $"lesson '{lessonId}'")} draws with numpy, whose seed must be between 0 and 2**32 - 1")
{
    public long Seed { get; } = seed;

    /// <summary>The lesson, where the check knew it (before the lesson ran).</summary>
    public string? LessonId { get; } = lessonId;
}

/// <summary>The device asked for cannot be used here (CUDA in a CPU build, no GPU, index out of range).</summary>
public sealed class DeviceUnavailableException(string message) : Exception(message);

/// <summary>libtorch's native library failed to load; the message carries the loader's real error.</summary>
public sealed class TorchNativeLoadException(string message) : Exception(message);

/// <summary>Training produced NaN or infinity: the settings make it diverge.</summary>
public sealed class LessonDivergedException(string message) : Exception(message);

/// <summary>The run was stopped on request (Ctrl-C) at a step boundary; the message says where.</summary>
public sealed class LessonInterruptedException(string message) : Exception(message);

/// <summary>Memory ran out while the lesson ran (libtorch or .NET could not allocate); the message says what was estimated and available.</summary>
public sealed class LessonOutOfMemoryException(string message) : Exception(message);

/// <summary>A seed given to a lesson that draws nothing at random: it would change nothing.</summary>
public sealed class SeedWithoutDrawsException(string lessonId, long seed)
    : LessonUsageException($"seed {seed}: lesson '{lessonId}' draws nothing at random, so a seed has no effect")
{
    public string LessonId { get; } = lessonId;
    public long Seed { get; } = seed;
}
