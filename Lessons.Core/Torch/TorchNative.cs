using System.Runtime.InteropServices;
using Lessons.Core.Catalog;
using TorchSharp;
using static TorchSharp.torch;

namespace Lessons.Core.Torch;

/// <summary>
/// Loads libtorch through TorchSharp, and when that fails, finds the loader's real error (TorchSharp's
/// own message, "doesn't contain a reference to libtorch-cpu-…", hides it) and says what to do.
/// </summary>
public static class TorchNative
{
    /// <summary>True when the CUDA build of libtorch is present beside the program.</summary>
    public static bool IsCudaBuild => NativeFiles(CudaLibraryName).Any();

    static string CudaLibraryName => OperatingSystem.IsWindows() ? "torch_cuda.dll" : "libtorch_cuda.so";

    static string BridgeLibraryName =>
        OperatingSystem.IsWindows() ? "LibTorchSharp.dll"
        : OperatingSystem.IsMacOS() ? "libLibTorchSharp.dylib"
        : "libLibTorchSharp.so";

    /// <summary>
    /// Loads libtorch, or throws <see cref="TorchNativeLoadException"/> with the loader's real error.
    /// Only <see cref="TorchRuntime.Start"/> calls it, after pinning the kernels. The natives beside
    /// the program are tried first, directly: when they fail, TorchSharp would otherwise copy about
    /// 480 MB of libraries into a cpu/ folder, retry, and print pages of trace.
    /// </summary>
    internal static void Load()
    {
        if (PreloadBesideProgram() is string error) throw new TorchNativeLoadException(Explain(error));
        try
        {
            torch.InitializeDeviceType(DeviceType.CPU);
            QuietCppWarnings();
        }
        catch (Exception e) when (e is TypeInitializationException or DllNotFoundException or NotSupportedException or EntryPointNotFoundException)
        {
            throw new TorchNativeLoadException(Diagnose(e));
        }
    }

    // Loads libtorch_cpu and the bridge from the output folder, as TorchSharp would; returns the loader's error.
    static string? PreloadBesideProgram()
    {
        string? bridge = NativeFiles(BridgeLibraryName).FirstOrDefault();
        if (bridge is null) return null; // an unusual layout: let TorchSharp search
        string folder = Path.GetDirectoryName(bridge)!;
        string torchCpu = Path.Combine(folder, OperatingSystem.IsWindows() ? "torch_cpu.dll" : OperatingSystem.IsMacOS() ? "libtorch_cpu.dylib" : "libtorch_cpu.so");
        try
        {
            if (File.Exists(torchCpu)) NativeLibrary.Load(torchCpu);
            NativeLibrary.Load(bridge);
            return null;
        }
        catch (DllNotFoundException e)
        {
            return e.Message;
        }
    }

    /// <summary>
    /// libtorch's C++ warnings (for one, reading .grad of a non-leaf) go to stderr at every call,
    /// where Python shows a warning once; they are hidden unless the user sets TORCH_CPP_LOG_LEVEL.
    /// libtorch reads that variable only in c10::initLogging(), which Python calls and plain
    /// libtorch does not, so we call it, with ERROR as the default level.
    /// </summary>
    static unsafe void QuietCppWarnings()
    {
        if (OperatingSystem.IsWindows()) return;
        string c10 = OperatingSystem.IsMacOS() ? "libc10.dylib" : "libc10.so";
        try
        {
            if (!NativeLibrary.TryLoad(c10, out nint library)
                || !NativeLibrary.TryGetExport(library, "_ZN3c1011initLoggingEv", out nint initLogging)) return;
            NativeEnvironment.TrySet("TORCH_CPP_LOG_LEVEL", Environment.GetEnvironmentVariable("TORCH_CPP_LOG_LEVEL") ?? "ERROR");
            ((delegate* unmanaged<void>)initLogging)();
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { }
    }

    /// <summary>One message: the real loader error for TorchSharp's bridge library, and the fix.</summary>
    public static string Diagnose(Exception failure)
    {
        string? loaderError = null;
        string? path = NativeFiles(BridgeLibraryName).FirstOrDefault();
        if (path is null)
            loaderError = $"{BridgeLibraryName} is not beside the program in {AppContext.BaseDirectory}";
        else
        {
            try { NativeLibrary.Free(NativeLibrary.Load(path)); }
            catch (Exception e) { loaderError = e.Message; }
        }
        return Explain(loaderError ?? FirstLine(Innermost(failure).Message));
    }

    internal static string Explain(string loaderError)
    {
        string detail = loaderError.ReplaceLineEndings(" ").Trim();
        // .NET's wording around dlerror's text adds nothing for the reader.
        const string dotnetAdvice = "If you're using glibc, consider setting the LD_DEBUG environment variable:";
        int noise = detail.IndexOf(dotnetAdvice, StringComparison.Ordinal);
        if (noise >= 0) detail = detail[(noise + dotnetAdvice.Length)..].Trim();
        string advice = detail.Contains("GLIBCXX_", StringComparison.Ordinal)
            ? "this system's libstdc++ is older than the one libtorch was built with; build with 'dotnet build' "
              + "(the build patches libLibTorchSharp.so for this, see README 'Debian 12') or install a newer libstdc++"
            : detail.Contains("cuda", StringComparison.OrdinalIgnoreCase)
                ? "the CUDA build needs an NVIDIA driver and CUDA runtime; use the default CPU build otherwise"
                : "rebuild with 'dotnet build' so the natives are copied beside the program, and see README 'Troubleshooting'";
        return $"libtorch failed to load: {detail} -- {advice}";
    }

    static string FirstLine(string text) => text.Split('\n', 2)[0];

    static Exception Innermost(Exception e)
    {
        while (e.InnerException is not null) e = e.InnerException;
        return e;
    }

    static IEnumerable<string> NativeFiles(string fileName)
    {
        string folder = AppContext.BaseDirectory;
        if (!Directory.Exists(folder)) return [];
        return Directory.EnumerateFiles(folder, fileName, SearchOption.AllDirectories);
    }
}
