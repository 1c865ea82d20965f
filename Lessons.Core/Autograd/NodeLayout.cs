using System.Runtime.InteropServices;

namespace Lessons.Core.Autograd;

/// <summary>
/// Where libtorch keeps a node's edges, and an <c>AccumulateGrad</c>'s tensor, inside its C++
/// objects. libtorch exports <c>Node::name()</c> but not <c>next_edges()</c> (inline), so the graph
/// walker reads the members itself; their offsets are a fact of one libtorch build, fixed by the
/// pinned package version, and checked at run time on a graph of known shape before any use
/// (<see cref="AutogradGraphs"/>).
/// </summary>
/// <param name="SequenceNr">Offset of <c>Node::sequence_nr_</c> (uint64).</param>
/// <param name="TopologicalNr">Offset of <c>Node::topological_nr_</c> (uint64).</param>
/// <param name="NextEdges">Offset of <c>Node::next_edges_</c>, a <c>std::vector&lt;Edge&gt;</c> (begin, end, capacity pointers).</param>
/// <param name="EdgeSize">sizeof(Edge): <c>std::shared_ptr&lt;Node&gt; function</c> (node pointer, control block) then <c>uint32_t input_nr</c>.</param>
/// <param name="EdgeInputNr">Offset of <c>Edge::input_nr</c>.</param>
/// <param name="AccumulateGradVariable">Offset of <c>AccumulateGrad::variable</c>, an at::Tensor whose first word is its TensorImpl*.</param>
internal sealed record NodeLayout(
    string Platform,
    int SequenceNr,
    int TopologicalNr,
    int NextEdges,
    int EdgeSize,
    int EdgeInputNr,
    int AccumulateGradVariable)
{
    /// <summary>
    /// libtorch 2.10, Linux x86-64 (libstdc++, glibc). From torch/csrc/autograd/function.h:
    /// <c>struct Node : std::enable_shared_from_this&lt;Node&gt;</c> puts the vtable pointer at 0 and the
    /// base's weak_ptr at 8 (16 bytes); then <c>sequence_nr_</c> 0x18, <c>topological_nr_</c> 0x20,
    /// <c>has_parent_</c> 0x28, <c>thread_id_</c> 0x30, <c>std::mutex mutex_</c> 0x38 (40 bytes with
    /// glibc), <c>next_edges_</c> 0x60. <c>AccumulateGrad</c> (functions/accumulate_grad.h) adds one
    /// member, <c>Variable variable</c>, right after Node, whose size is 0x1d8. Checked against the
    /// shipped binary: the constructor <c>AccumulateGrad::AccumulateGrad(at::Tensor)</c> in
    /// libtorch_cpu.so stores UINT64_MAX and 0 at 0x18/0x20, the thread id at 0x30, zeroes the
    /// vector at 0x60-0x70, walks edges with a stride of 0x18, and moves the tensor's impl into 0x1d8.
    /// <c>sequence_nr_</c> (the engine's order) is checked on its own on the known graph: a, b and y,
    /// made one after another, read three consecutive numbers and the AccumulateGrads UINT64_MAX;
    /// where that fails only the order is reported unavailable.
    /// </summary>
    public static readonly NodeLayout LibTorch210LinuxX64 = new("libtorch 2.10 on Linux x86-64",
        SequenceNr: 0x18, TopologicalNr: 0x20, NextEdges: 0x60, EdgeSize: 0x18, EdgeInputNr: 0x10,
        AccumulateGradVariable: 0x1d8);

    /// <summary>The layout for this process's platform, or null where none has been checked.</summary>
    public static NodeLayout? ForThisPlatform() =>
        RuntimeInformation.IsOSPlatform(OSPlatform.Linux) && RuntimeInformation.ProcessArchitecture == Architecture.X64
            ? LibTorch210LinuxX64
            : null;
}
