using System.Runtime.InteropServices;

namespace Lessons.Core.Torch;

/// <summary>
/// The C library's environment, the one native code's getenv reads. .NET's
/// Environment.SetEnvironmentVariable keeps its own copy on Linux, which libtorch and MKL never see.
/// </summary>
internal static class NativeEnvironment
{
    /// <summary>Sets a variable (overwriting it) where native code sees it; false where the C library refuses or has no setenv.</summary>
    public static bool TrySet(string name, string value)
    {
        try
        {
            return SetEnvironment(name, value, 1) == 0;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false; // Windows: no libc
        }
    }

    [DllImport("libc", EntryPoint = "setenv")]
    static extern int SetEnvironment(string name, string value, int overwrite);
}
