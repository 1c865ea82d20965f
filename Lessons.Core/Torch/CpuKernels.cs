using System.Runtime.InteropServices;

namespace Lessons.Core.Torch;

/// <summary>Which CPU kernels libtorch runs: the pinned set that prints the tutorials' digits everywhere, or the host's fastest.</summary>
public enum KernelChoice
{
    /// <summary>ATen's non-vectorised kernels and MKL's compatible branch in strict mode: the same digits on every x86-64 machine.</summary>
    Pinned,

    /// <summary>Whatever libtorch and MKL pick for this CPU (AVX2, AVX-512…): faster, but last digits depend on the machine.</summary>
    Native,
}

/// <summary>What libtorch reports it runs, read back from libtorch itself after it loaded.</summary>
/// <param name="Choice">pinned or native, as asked for.</param>
/// <param name="AtenCapability">ATen's CPU capability (DEFAULT, AVX2, AVX512…), or "unknown" where it cannot be read.</param>
/// <param name="MklBranch">MKL's code branch as MKL reports it (for example "COMPATIBLE,STRICT" or "OFF"), or "none" without MKL.</param>
/// <param name="Settings">Where each variable came from: "ATEN_CPU_CAPABILITY=default (pinned)", "… (yours)".</param>
public sealed record CpuKernelInfo(string Choice, string AtenCapability, string MklBranch, IReadOnlyList<string> Settings)
{
    /// <summary>
    /// True when this process runs the kernel set docs/lessons.md and data/expected were made with:
    /// ATen's DEFAULT kernels and MKL's strict compatible branch. Only then are digits compared exactly.
    /// </summary>
    public bool IsReference =>
        AtenCapability == "DEFAULT" && MklBranch == CpuKernels.PinnedMklBranch;

    public override string ToString() => $"{Choice} (ATen {AtenCapability}, MKL {MklBranch})";
}

/// <summary>
/// Pins libtorch's CPU kernels so a lesson prints the same digits on every machine. libtorch picks
/// its vectorised kernels by the host's capability (AVX2, AVX-512), and MKL, linked into
/// libtorch_cpu, picks its BLAS code the same way; each rounds a little differently, so the last
/// digits of a long training run depend on the CPU. ATen reads <c>ATEN_CPU_CAPABILITY</c> and MKL
/// reads <c>MKL_CBWR</c> with the C library's getenv when their first kernel runs, so both are set
/// here, through libc's setenv, before libtorch does any work. (.NET's
/// Environment.SetEnvironmentVariable keeps its own copy on Linux; native getenv never sees it.)
/// </summary>
public static class CpuKernels
{
    /// <summary>ATen's portable kernels: available on every CPU, and the ones the tutorials' PyTorch ran (see himmelblau).</summary>
    public const string PinnedCapability = "default";

    /// <summary>
    /// MKL's conditional numerical reproducibility branch. COMPATIBLE is the one branch MKL honours on
    /// every x86-64 CPU, Intel's and AMD's alike: asked for AVX2 (or AVX512) on an AMD EPYC, MKL reads
    /// the request back as AUTO, so only COMPATIBLE gives one result on both vendors. STRICT makes the
    /// results independent of how the matrices happen to be aligned in memory. The cost is in the
    /// larger float64 products (see README, "Same digits on every machine").
    /// </summary>
    public const string PinnedMklBranch = "COMPATIBLE,STRICT";

    const string AtenVariable = "ATEN_CPU_CAPABILITY";
    const string MklVariable = "MKL_CBWR";

    static readonly Lock gate = new();
    static KernelChoice? chosen;
    static readonly List<string> settings = [];
    static readonly List<string> notices = [];
    static int noticesTaken;
    static CpuKernelInfo? info;

    /// <summary>The choice in effect, or null before any was made.</summary>
    public static KernelChoice? Chosen { get { lock (gate) return chosen; } }

    /// <summary>
    /// Chooses the kernels for this process. Call it before the first tensor operation; the first call
    /// wins (libtorch fixes its kernels at first use), a later different choice only adds a notice.
    /// A variable the user set keeps the user's value.
    /// </summary>
    public static void Choose(KernelChoice choice)
    {
        lock (gate)
        {
            if (chosen is KernelChoice earlier)
            {
                if (earlier != choice)
                    notices.Add($"--kernels {Name(choice)} has no effect here: this process already chose {Name(earlier)} kernels before libtorch started");
                return;
            }
            chosen = choice;
            if (choice == KernelChoice.Native)
            {
                notices.Add("native kernels: libtorch and MKL use this CPU's fastest code, so last digits may differ from the tutorials' and from docs/lessons.md");
                return;
            }
            if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
            {
                notices.Add($"CPU kernels cannot be pinned on {RuntimeInformation.OSDescription} (only on Linux and macOS): last digits may differ from the tutorials'");
                return;
            }
            Pin(AtenVariable, PinnedCapability);
            // MKL exists only in x86-64 builds of libtorch; elsewhere the variable is harmless.
            Pin(MklVariable, PinnedMklBranch);
        }
    }

    static void Pin(string name, string value)
    {
        string? users = Environment.GetEnvironmentVariable(name);
        if (!string.IsNullOrEmpty(users))
        {
            // The user's own setting wins; it is passed on unchanged (native code already sees it).
            settings.Add($"{name}={users} (yours)");
            return;
        }
        if (SetNativeEnvironment(name, value) != 0)
        {
            notices.Add($"could not set {name} for libtorch: last digits may differ from the tutorials'");
            return;
        }
        settings.Add($"{name}={value} (pinned)");
    }

    /// <summary>
    /// Reads back what libtorch runs, once libtorch is loaded, and adds a notice when pinned kernels
    /// were asked for but are not in effect (libtorch ran a kernel before the pin, say).
    /// </summary>
    public static CpuKernelInfo Describe()
    {
        lock (gate)
        {
            if (info is not null) return info;
            string capability = ReadAtenCapability();
            string branch = ReadMklBranch();
            info = new CpuKernelInfo(Name(chosen ?? KernelChoice.Native), capability, branch, settings.ToList());
            bool pinningAsked = chosen == KernelChoice.Pinned && settings.All(s => s.EndsWith("(pinned)", StringComparison.Ordinal));
            if (pinningAsked && capability is not ("DEFAULT" or "unknown"))
                notices.Add($"pinned kernels did not take effect (libtorch started before the pin and runs {capability} kernels): last digits may differ from the tutorials'");
            return info;
        }
    }

    /// <summary>Notices not yet shown (each is one line; the caller prints them once).</summary>
    public static IReadOnlyList<string> TakeNotices()
    {
        lock (gate)
        {
            var fresh = notices.Skip(noticesTaken).ToList();
            noticesTaken = notices.Count;
            return fresh;
        }
    }

    public static string Name(KernelChoice choice) => choice == KernelChoice.Pinned ? "pinned" : "native";

    public static bool TryParse(string text, out KernelChoice choice)
    {
        choice = text.Trim().ToLowerInvariant() switch
        {
            "pinned" => KernelChoice.Pinned,
            "native" => KernelChoice.Native,
            _ => (KernelChoice)(-1),
        };
        return Enum.IsDefined(choice);
    }

    /// <summary>Sets a variable where native code's getenv sees it (libc's setenv, overwriting); 0 on success.</summary>
    internal static int SetNativeEnvironment(string name, string value) => SetEnvironment(name, value, 1);

    [DllImport("libc", EntryPoint = "setenv")]
    static extern int SetEnvironment(string name, string value, int overwrite);

    // at::get_cpu_capability() returns a std::string: on x86-64 System V a class with a non-trivial
    // destructor comes back through a hidden pointer in the first argument register. Only read where
    // that holds (Linux x64, libstdc++'s layout: data pointer, then length).
    static unsafe string ReadAtenCapability()
    {
        if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture != Architecture.X64) return "unknown";
        if (!TryExport("libtorch_cpu.so", "_ZN2at18get_cpu_capabilityB5cxx11Ev", out nint function)) return "unknown";
        byte* text = stackalloc byte[32];
        ((delegate* unmanaged<byte*, byte*>)function)(text);
        byte* data = *(byte**)text;
        long length = *(long*)(text + 8);
        if (data is null || length is < 0 or > 64) return "unknown";
        // Names of capabilities are short, so libstdc++ keeps them inside the string (no heap block to free).
        return Marshal.PtrToStringUTF8((nint)data, (int)length);
    }

    // MKL's cbwr_get(MKL_CBWR_ALL) gives the branch in the low bits and the strict flag.
    static unsafe string ReadMklBranch()
    {
        string library = OperatingSystem.IsMacOS() ? "libtorch_cpu.dylib" : "libtorch_cpu.so";
        if (!TryExport(library, "mkl_serv_cbwr_get", out nint function)) return "none";
        int value = ((delegate* unmanaged<int, int>)function)(-1);
        const int strict = 0x10000;
        string branch = (value & 0xFFFF) switch
        {
            1 => "OFF",
            2 => "AUTO",
            3 => "COMPATIBLE",
            4 => "SSE2",
            6 => "SSSE3",
            7 => "SSE4_1",
            8 => "SSE4_2",
            9 => "AVX",
            10 => "AVX2",
            12 => "AVX512",
            14 => "AVX512_E1",
            16 => "AVX512_E2",
            int other => $"branch {other}",
        };
        return (value & strict) != 0 ? branch + ",STRICT" : branch;
    }

    static bool TryExport(string library, string symbol, out nint address)
    {
        address = 0;
        return NativeLibrary.TryLoad(library, typeof(CpuKernels).Assembly, null, out nint handle)
            && NativeLibrary.TryGetExport(handle, symbol, out address);
    }
}
