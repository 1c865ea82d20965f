using System.Runtime.CompilerServices;
using Lessons.Core.Catalog;
using Lessons.Core.Torch;

namespace Lessons.Tests;

/// <summary>
/// The test host starts libtorch through its one door with the pinned kernels before any test can
/// touch a tensor: the documented digits are compared exactly only under the pinned kernels.
/// </summary>
static class PinnedKernels
{
    [ModuleInitializer]
    internal static void StartBeforeAnyTensor()
    {
        try
        {
            TorchRuntime.Start(KernelChoice.Pinned);
        }
        catch (TorchNativeLoadException)
        {
            // Each test that needs libtorch fails with the loader's error (Start repeats it); the others still run.
        }
    }
}
