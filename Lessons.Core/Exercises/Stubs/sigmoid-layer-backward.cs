// Exercise sigmoid-layer-backward: the chapter's loss, and one sigmoid layer's backward by hand.
//
// From tutorial 004 "只用PyTorch求梯度" (In[5]-In[7]): the 2-3-3-4 network is three layers
// A = sigmoid(X W + b), trained on the loss of In[6], binary cross-entropy summed and divided by
// the number of points. Autograd finds the gradients in the tutorial; here one layer's are
// written by hand.
//
// Task 1: Loss(pred, target) is In[6]'s loss for pred and one-hot target, both [N, K]:
//   sum(-target * log(pred) - (1 - target) * log(1 - pred)) / N, a 0-dim tensor.
// Task 2: Backward gets one layer's input X [N, n_in], its W [n_in, n_out] and b [1, n_out], and
// gradA = dL/dA for its output A = sigmoid(X W + b) [N, n_out]. Return (dL/dW, dL/db), by hand,
// with the shapes of W and b. Recall sigmoid'(z) = A (1 - A).
//
// Check it: `lessons check sigmoid-layer-backward`; stuck? `lessons hint sigmoid-layer-backward` (ask again for more).
using System;
using TorchSharp;
using static TorchSharp.torch;

namespace Exercises;

public static class SigmoidLayer
{
    public static Tensor Loss(Tensor pred, Tensor target)
    {
        // TODO: In[6]'s loss.
        throw new NotImplementedException();
        // END TODO
    }

    public static (Tensor GradW, Tensor GradB) Backward(Tensor X, Tensor W, Tensor b, Tensor gradA)
    {
        var A = torch.sigmoid(torch.matmul(X, W) + b);

        // TODO: dL/dW and dL/db from gradA, through the sigmoid and the weighted sum.
        throw new NotImplementedException();
        // END TODO
    }
}
