// Exercise two-layer-backprop: the backward pass of a two-layer ReLU net, by hand.
//
// From tutorial 000 §1 "numpy和pytorch实现梯度下降法": the numpy program trains the net with every
// gradient written out, then the same net lets autograd do that work. Here you write the
// gradients yourself.
//
// Task: Gradients gets x [N, D_in], y [N, D_out], w1 [D_in, H] and w2 [H, D_out]. The forward pass
// and the loss, loss = sum((y_pred - y)^2), are written. Write grad_y_pred = dloss/dy_pred, then
// grad_w2 = dloss/dw2, then back through the ReLU to grad_h, then grad_w1 = dloss/dw1, with the
// chain rule, and return (grad_w1, grad_w2). No autograd: the tensors here do not require grad.
//
// Check it: `lessons check two-layer-backprop`; stuck? `lessons hint two-layer-backprop` (ask again for more).
using System;
using TorchSharp;
using static TorchSharp.torch;

namespace Exercises;

public static class TwoLayerBackprop
{
    public static (Tensor GradW1, Tensor GradW2) Gradients(Tensor x, Tensor y, Tensor w1, Tensor w2)
    {
        var h = x.mm(w1);              // [N, H]
        var hRelu = h.clamp(min: 0);   // ReLU
        var yPred = hRelu.mm(w2);      // [N, D_out]

        // TODO: the chain rule, from the loss back to w2 and w1.
        throw new NotImplementedException();
        // END TODO
    }
}
