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

    /// <summary>
    /// The TorchSharp release whose behaviour on each platform the advice below and README
    /// "Platforms" describe. A test compares it with Directory.Packages.props, so moving to another
    /// release fails the suite until both are reviewed.
    /// </summary>
    public const string ReviewedTorchSharpVersion = "0.107.0";

    /// <summary>The TorchSharp release this program runs with, as major.minor.patch.</summary>
    public static string RunningTorchSharpVersion =>
        typeof(torch).Assembly.GetName().Version is { } v ? $"{v.Major}.{v.Minor}.{v.Build}" : "unknown";

    internal static string Explain(string loaderError) =>
        Explain(loaderError, HostPlatforms.Current, RunningTorchSharpVersion);

    /// <summary>
    /// The one-line message for a failed load: the loader's own words, then what to do. A pure
    /// function of the loader's text, the platform and the TorchSharp release, so each branch is
    /// tested on any machine.
    /// </summary>
    public static string Explain(string loaderError, HostPlatform platform, string torchSharpVersion)
    {
        string detail = loaderError.ReplaceLineEndings(" ").Trim();
        // .NET's wording around dlerror's text adds nothing for the reader.
        const string dotnetAdvice = "If you're using glibc, consider setting the LD_DEBUG environment variable:";
        int noise = detail.IndexOf(dotnetAdvice, StringComparison.Ordinal);
        if (noise >= 0) detail = detail[(noise + dotnetAdvice.Length)..].Trim();
        return $"libtorch failed to load: {detail} -- {Advice(detail, platform, torchSharpVersion)}";
    }

    static string Advice(string detail, HostPlatform platform, string torchSharpVersion)
    {
        if (platform is HostPlatform.WindowsX64 or HostPlatform.WindowsArm64)
            return WindowsAdvice(detail, platform, torchSharpVersion);
        if (detail.Contains("GLIBCXX_", StringComparison.Ordinal))
            return "this system's libstdc++ is older than the one libtorch was built with; build with 'dotnet build' "
                + "(the build patches libLibTorchSharp.so for this, see README 'Platforms') or install a newer libstdc++";
        if (detail.Contains("cuda", StringComparison.OrdinalIgnoreCase))
            return "the CUDA build needs an NVIDIA driver and CUDA runtime; use the default CPU build otherwise";
        return "build with 'dotnet build' so the natives are copied beside the program; README 'Platforms' says what each system needs";
    }

    // Windows: TorchSharp 0.107.0 is reported not to load there at all (dotnet/TorchSharp#1567), so
    // a rebuild is no advice; the way that works is Linux under WSL2 (x64 only: TorchSharp ships no
    // linux-arm64 natives, so an ARM64 machine has no working way yet).
    static string WindowsAdvice(string detail, HostPlatform platform, string torchSharpVersion)
    {
        string way = platform == HostPlatform.WindowsArm64
            ? "TorchSharp ships no Linux ARM64 libtorch either, so on an ARM64 PC no way is known yet: use an x64 machine (WSL2 there), see README 'Platforms'"
            : "rebuilding does not help: run the lessons in WSL2 (Ubuntu or Debian), see README 'Platforms'";
        bool missingModule = detail.Contains("0x8007007E", StringComparison.OrdinalIgnoreCase)
            || detail.Contains("module could not be found", StringComparison.OrdinalIgnoreCase);
        if (torchSharpVersion != ReviewedTorchSharpVersion)
            return missingModule
                ? "torch_cpu.dll needs the Microsoft Visual C++ Redistributable (MSVCP140.dll, VCRUNTIME140_1.dll); install it, or run the lessons in WSL2, see README 'Platforms'"
                : $"TorchSharp {torchSharpVersion} on Windows is not yet described by this project; README 'Platforms' says what is known, and WSL2 (Ubuntu or Debian) is the measured way";
        string known = $"TorchSharp {ReviewedTorchSharpVersion}'s LibTorchSharp.dll is reported not to load with the libtorch 2.10.0 it ships "
            + "(upstream mismatch, dotnet/TorchSharp#1567, open)";
        return missingModule
            ? $"torch_cpu.dll needs the Microsoft Visual C++ Redistributable (MSVCP140.dll, VCRUNTIME140_1.dll); even with it, {known}; {way}"
            : $"{known}; {way}";
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

/// <summary>The platforms README "Platforms" describes, as the loader's advice tells them apart.</summary>
public enum HostPlatform
{
    LinuxX64,
    WindowsX64,
    WindowsArm64,
    MacOsArm64,
    Other,
}

/// <summary>The platform this process runs on.</summary>
public static class HostPlatforms
{
    public static HostPlatform Current => (RuntimeInformation.OSArchitecture, OperatingSystem.IsWindows(), OperatingSystem.IsLinux(), OperatingSystem.IsMacOS()) switch
    {
        (Architecture.X64, true, _, _) => HostPlatform.WindowsX64,
        (Architecture.Arm64, true, _, _) => HostPlatform.WindowsArm64,
        (Architecture.X64, _, true, _) => HostPlatform.LinuxX64,
        (Architecture.Arm64, _, _, true) => HostPlatform.MacOsArm64,
        _ => HostPlatform.Other,
    };
}
