namespace Lessons.Core.Torch;

/// <summary>libtorch's error text as PyTorch shows it: without the C++ backtrace libtorch appends.</summary>
public static class TorchErrors
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
}
