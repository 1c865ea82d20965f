// Exercise engine-backward: build your own autograd engine, step 3 of 5: Backward().
//
// Builds on tutorial 001 §3 "1. 梯度不自动清零": backward adds to .grad, which is how w, used
// twice in y = (w + x) * (w + 1), gets dy/dw = (w + 1) + (w + x) = 5 (001 §1 prints tensor([5.])
// and x.grad tensor([2.])). Tutorial 002's chain rule gives dy2/dw1 = 2 through y1.
//
// Task: Backward sets this Value's Grad to 1 (dy/dy) and calls every node's LocalBackward, from
// this one back to the leaves: each node only after every node that uses it has sent its share.
// Your steps 1 and 2 (08-engine-value.cs, 09-engine-topological-order.cs) are compiled with this file.
//
// Check it: `lessons check engine-backward`; stuck? `lessons hint engine-backward` (ask again for more).
using System;
using System.Collections.Generic;

namespace Exercises;

public sealed partial class Value
{
    public void Backward()
    {
        // TODO: seed this node's gradient, then each node's local backward, from the output back.
        throw new NotImplementedException();
        // END TODO
    }
}
