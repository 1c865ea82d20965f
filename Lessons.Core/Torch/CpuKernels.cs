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

/// <summary>The kernel variables as set for this process: where each came from, and what could not be pinned.</summary>
/// <param name="Settings">Where each variable came from: "ATEN_CPU_CAPABILITY=default (pinned)", "… (yours)".</param>
/// <param name="Notices">One line each: why the digits may differ from the tutorials'.</param>
internal sealed record KernelPin(IReadOnlyList<string> Settings, IReadOnlyList<string> Notices);

/// <summary>
/// The kernel sets and how to pin one, so a lesson prints the same digits on every machine. libtorch
/// picks its vectorised kernels by the host's capability (AVX2, AVX-512), and MKL, linked into
/// libtorch_cpu, picks its BLAS code the same way; each rounds a little differently, so the last
/// digits of a long training run depend on the CPU. ATen reads <c>ATEN_CPU_CAPABILITY</c> and MKL
/// reads <c>MKL_CBWR</c> with the C library's getenv when their first kernel runs, so
/// <see cref="TorchRuntime.Start"/> sets both (<see cref="NativeEnvironment"/>) before libtorch loads.
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
    /// larger float64 products (see docs/guide/reproducibility.md).
    /// </summary>
    public const string PinnedMklBranch = "COMPATIBLE,STRICT";

    const string AtenVariable = "ATEN_CPU_CAPABILITY";
    const string MklVariable = "MKL_CBWR";

    /// <summary>Sets the variables for <paramref name="choice"/>; a variable the user set keeps the user's value.</summary>
    internal static KernelPin Pin(KernelChoice choice)
    {
        var settings = new List<string>();
        var notices = new List<string>();
        if (choice == KernelChoice.Native)
            notices.Add("native kernels: libtorch and MKL use this CPU's fastest code, so last digits may differ from the tutorials' and from docs/lessons.md");
        else if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
            notices.Add($"CPU kernels cannot be pinned on {RuntimeInformation.OSDescription} (only on Linux and macOS): last digits may differ from the tutorials'");
        else
        {
            Set(AtenVariable, PinnedCapability, settings, notices);
            // MKL exists only in x86-64 builds of libtorch; elsewhere the variable is harmless.
            Set(MklVariable, PinnedMklBranch, settings, notices);
        }
        return new KernelPin(settings, notices);
    }

    static void Set(string name, string value, List<string> settings, List<string> notices)
    {
        string? users = Environment.GetEnvironmentVariable(name);
        if (!string.IsNullOrEmpty(users))
        {
            // The user's own setting wins; it is passed on unchanged (native code already sees it).
            settings.Add($"{name}={users} (yours)");
            return;
        }
        if (!NativeEnvironment.TrySet(name, value))
        {
            notices.Add($"could not set {name} for libtorch: last digits may differ from the tutorials'");
            return;
        }
        settings.Add($"{name}={value} (pinned)");
    }

    /// <summary>
    /// What runs, read back from libtorch and MKL once libtorch is loaded, and a notice when pinned
    /// kernels were asked for but are not in effect (libtorch ran a kernel before the pin, say).
    /// </summary>
    internal static (CpuKernelInfo Info, string? Notice) ReadBack(KernelChoice choice, KernelPin pin)
    {
        string capability = AtenCapabilityProbe.Read();
        var info = new CpuKernelInfo(Name(choice), capability, MklBranchProbe.Read(), pin.Settings);
        bool pinned = choice == KernelChoice.Pinned && pin.Notices.Count == 0 && pin.Settings.All(s => s.EndsWith("(pinned)", StringComparison.Ordinal));
        return pinned && capability is not ("DEFAULT" or "unknown")
            ? (info, $"pinned kernels did not take effect (libtorch started before the pin and runs {capability} kernels): last digits may differ from the tutorials'")
            : (info, null);
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
}
