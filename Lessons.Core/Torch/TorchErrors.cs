using System.Globalization;
using System.Text.RegularExpressions;
using Lessons.Core.Catalog;

namespace Lessons.Core.Torch;

/// <summary>libtorch's error text as PyTorch shows it: without the C++ backtrace libtorch appends.</summary>
public static partial class TorchErrors
{
    public static string Message(Exception e)
    {
        string text = e.Message;
        int backtrace = text.IndexOf("\nException raised from", StringComparison.Ordinal);
        if (backtrace >= 0) text = text[..backtrace];
        return text.Trim();
    }

    /// <summary>The line Python prints for an uncaught RuntimeError.</summary>
    public static string AsPythonRuntimeError(Exception e) => "RuntimeError: " + Message(e);

    /// <summary>
    /// An error for a one-line report: the message's first line, without the C++ frames libtorch
    /// appends (its "Exception raised from" tail, or "frame #0: …" lines after an enforce failure).
    /// </summary>
    public static string OneLine(Exception e)
    {
        string text = e.Message;
        Match frames = NativeFrames().Match(text);
        if (frames.Success) text = text[..frames.Index];
        string first = text.Split('\n').Select(line => line.Trim()).FirstOrDefault(line => line.Length > 0) ?? "";
        return first.Length > 0 ? first : e.GetType().Name;
    }

    /// <summary>
    /// When libtorch failed to allocate, how much it asked for ("400 GB", "2.00 GiB", or "memory"
    /// where its message gives no size); null for every other error.
    /// </summary>
    public static string? AllocationFailure(Exception e)
    {
        string text = e.Message;
        Match cpu = CpuAllocation().Match(text);
        if (cpu.Success && double.TryParse(cpu.Groups[1].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out double bytes))
            return MemoryEstimate.Format(bytes);
        Match cuda = CudaAllocation().Match(text);
        if (cuda.Success) return cuda.Groups[1].Value;
        return text.Contains("out of memory", StringComparison.OrdinalIgnoreCase)
            || text.Contains("can't allocate memory", StringComparison.Ordinal) ? "memory" : null;
    }

    [GeneratedRegex(@"(\r?\n|\s)(Exception raised from|frame #\d+:)")]
    private static partial Regex NativeFrames();

    // c10's DefaultCPUAllocator: "can't allocate memory: you tried to allocate 400000000000 bytes".
    [GeneratedRegex(@"can't allocate memory: you tried to allocate (\d+) bytes")]
    private static partial Regex CpuAllocation();

    // The CUDA caching allocator: "CUDA out of memory. Tried to allocate 2.00 GiB (GPU 0; …".
    [GeneratedRegex(@"out of memory\. Tried to allocate ([\d.]+ ?[KMGT]?i?B)", RegexOptions.IgnoreCase)]
    private static partial Regex CudaAllocation();
}
