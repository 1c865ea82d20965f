namespace Lessons.Core.Autograd;

/// <summary>
/// The order in which libtorch's engine runs a graph's nodes in <c>backward()</c> of its root,
/// worked out from the nodes' own sequence numbers the way the engine itself decides
/// (torch/csrc/autograd/engine.cpp): every node counts its in-edges as dependencies; the root is
/// ready first; a node that has run hands a gradient to each of its next edges in order, and a
/// node whose last dependency arrives joins the ready queue. The ready queue is a
/// <c>std::priority_queue</c> ordered by <c>sequence_nr</c>, so among the ready nodes the one
/// created last runs first, and an <c>AccumulateGrad</c> (sequence_nr UINT64_MAX) runs as soon as
/// it is ready. Ties (two AccumulateGrads) come out as libstdc++'s heap gives them, so the heap is
/// the same algorithm (push_heap, pop_heap), not just any priority queue.
/// </summary>
public static class EngineOrder
{
    /// <summary>Node ids in execution order; every node of the graph appears once.</summary>
    public static IReadOnlyList<int> Of(AutogradGraph graph)
    {
        IReadOnlyList<GraphNode> nodes = graph.Nodes;
        if (nodes.Count == 0) return [];
        if (nodes.Any(n => n.SequenceNr is null))
            throw new InvalidOperationException("the graph's sequence numbers are unknown");
        var dependencies = new int[nodes.Count];
        foreach (GraphNode node in nodes)
            foreach (GraphInput input in node.Inputs)
                if (input.To is int to) dependencies[to]++;

        var heap = new List<int>();
        bool Before(int a, int b) => nodes[a].SequenceNr!.Value < nodes[b].SequenceNr!.Value; // CompareNodeTaskTime
        var order = new List<int>(nodes.Count);
        Push(heap, 0, Before);
        while (heap.Count > 0)
        {
            int running = Pop(heap, Before);
            order.Add(running);
            foreach (GraphInput input in nodes[running].Inputs)
            {
                if (input.To is not int next) continue; // None: no edge to hand a gradient to
                if (--dependencies[next] == 0) Push(heap, next, Before);
            }
        }
        return order;
    }

    // std::priority_queue::push: append, then sift up while the parent compares less (__push_heap).
    static void Push(List<int> heap, int value, Func<int, int, bool> less)
    {
        heap.Add(value);
        SiftUp(heap, heap.Count - 1, 0, value, less);
    }

    static void SiftUp(List<int> heap, int hole, int top, int value, Func<int, int, bool> less)
    {
        int parent = (hole - 1) / 2;
        while (hole > top && less(heap[parent], value))
        {
            heap[hole] = heap[parent];
            hole = parent;
            parent = (hole - 1) / 2;
        }
        heap[hole] = value;
    }

    // std::priority_queue::pop: pop_heap moves the last element into the hole the top leaves,
    // walking the hole down along the larger child (__adjust_heap), then pop_back.
    static int Pop(List<int> heap, Func<int, int, bool> less)
    {
        int top = heap[0];
        int length = heap.Count - 1;
        if (length > 0)
        {
            int value = heap[length];
            heap[length] = top;
            int hole = 0, child = 0;
            while (child < (length - 1) / 2)
            {
                child = 2 * (child + 1);
                if (less(heap[child], heap[child - 1])) child--;
                heap[hole] = heap[child];
                hole = child;
            }
            if ((length & 1) == 0 && child == (length - 2) / 2)
            {
                child = 2 * (child + 1);
                heap[hole] = heap[child - 1];
                hole = child - 1;
            }
            SiftUp(heap, hole, 0, value, less);
        }
        heap.RemoveAt(heap.Count - 1);
        return top;
    }
}
