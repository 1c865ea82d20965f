// Exercise perceptron-gradient: the single-output perceptron's gradient, derived by hand.
//
// From tutorial 002 "单输出感知机的梯度推导": o = sigmoid(x w^T) with x and w of shape [1, n], and
// the loss (1 - o)^2 (MSE against the target 1). The tutorial writes the derivation out and
// compares it with autograd's w.grad; here you write it.
//
// Task: Gradient returns dloss/dw, of w's shape [1, n], computed by the chain rule by hand: no
// backward, no autograd.grad. Recall sigmoid'(z) = sigmoid(z) (1 - sigmoid(z)).
//
// Check it: `lessons check perceptron-gradient`; stuck? `lessons hint perceptron-gradient` (ask again for more).
using System;
using TorchSharp;
using static TorchSharp.torch;

namespace Exercises;

public static class PerceptronGradient
{
    public static Tensor Gradient(Tensor x, Tensor w)
    {
        var o = torch.sigmoid(x.matmul(w.t()));   // [1, 1]
        var loss = (1 - o).pow(2).sum();

        // TODO: dloss/dw by the chain rule: dloss/do, do/d(x w^T), d(x w^T)/dw.
        throw new NotImplementedException();
        // END TODO
    }
}
