// Exercise engine-topological-order: build your own autograd engine, step 2 of 5: the order of the nodes.
//
// Builds on tutorial 001 §2 "2. 静态图和动态图": PyTorch's graph is built as the code runs, and
// backward walks it from the output back to the leaves. To walk it, the nodes must be in an order
// where every node comes after all the nodes it was computed from: a topological order.
//
// Task: TopologicalOrder returns every node this Value depends on (itself included), each once,
// every node after all of its Inputs, this Value last. In y = (w + x) * (w + 1), w is an input of
// two nodes, but appears once. Your Value from step 1 (08-engine-value.cs) is compiled with this file.
//
// Check it: `lessons check engine-topological-order`; stuck? `lessons hint engine-topological-order` (ask again for more).
using System;
using System.Collections.Generic;

namespace Exercises;

public sealed partial class Value
{
    public List<Value> TopologicalOrder()
    {
        // TODO: every node once, inputs before the nodes made from them, this one last.
        throw new NotImplementedException();
        // END TODO
    }
}
