using System.Runtime.CompilerServices;
using Lessons.Core.Torch;

namespace Lessons.Tests;

/// <summary>
/// The test host pins libtorch's CPU kernels before any test can touch a tensor, as the CLI does
/// at its start: the documented digits are compared exactly only under the pinned kernels.
/// </summary>
static class PinnedKernels
{
    [ModuleInitializer]
    internal static void PinBeforeAnyTensor() => CpuKernels.Choose(KernelChoice.Pinned);
}
