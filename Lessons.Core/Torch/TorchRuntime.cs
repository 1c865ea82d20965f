using Lessons.Core.Catalog;

namespace Lessons.Core.Torch;

/// <summary>What libtorch runs in this process, fixed when it started.</summary>
/// <param name="Choice">The kernels it started with (the first <see cref="TorchRuntime.Start"/> decides).</param>
/// <param name="Kernels">The kernels read back from libtorch and MKL.</param>
/// <param name="Notices">One line each: why last digits may differ from the tutorials' here.</param>
public sealed record TorchRuntimeInfo(KernelChoice Choice, CpuKernelInfo Kernels, IReadOnlyList<string> Notices);

/// <summary>
/// The one door to libtorch: every host (the command line, the test host) and every part of Core
/// that needs libtorch goes through <see cref="Start"/>, which picks the CPU kernels before libtorch
/// loads (its kernels are fixed at their first use) and then loads it. Nothing else loads libtorch.
/// </summary>
public static class TorchRuntime
{
    static readonly Lock gate = new();
    static TorchRuntimeInfo? started;
    static string? loadFailure;

    /// <summary>What libtorch runs, or null before <see cref="Start"/> succeeded.</summary>
    public static TorchRuntimeInfo? Started { get { lock (gate) return started; } }

    /// <summary>
    /// Pins the kernels for <paramref name="choice"/>, loads libtorch and reads back what runs. The
    /// first call decides: later calls return what is in effect, whose <see cref="TorchRuntimeInfo.Choice"/>
    /// may differ from theirs. Throws <see cref="TorchNativeLoadException"/> (with the loader's real
    /// error) when libtorch cannot load, now and on every later call.
    /// </summary>
    public static TorchRuntimeInfo Start(KernelChoice choice)
    {
        lock (gate)
        {
            if (started is not null) return started;
            if (loadFailure is not null) throw new TorchNativeLoadException(loadFailure);
            KernelPin pin = CpuKernels.Pin(choice);
            try
            {
                TorchNative.Load();
            }
            catch (TorchNativeLoadException e)
            {
                loadFailure = e.Message;
                throw;
            }
            var (kernels, notice) = CpuKernels.ReadBack(choice, pin);
            started = new TorchRuntimeInfo(choice, kernels, notice is null ? pin.Notices : [.. pin.Notices, notice]);
            return started;
        }
    }

    /// <summary>What libtorch runs; for code that needs libtorch already started by its host.</summary>
    public static TorchRuntimeInfo Require() =>
        Started ?? throw new InvalidOperationException("libtorch has not been started: the host calls TorchRuntime.Start first");
}
