// Exercise inplace-leaf: update a leaf in place, legally.
//
// From tutorial 001 §3 "3. 叶子节点不能in-place操作": autograd refuses an in-place change of a leaf
// that requires grad ("a leaf Variable that requires grad is being used in an in-place
// operation"). In C#, `w -= ...` is no way out either: it makes a new tensor and leaves the
// caller's w as it was.
//
// Task: Step gets a leaf w that requires grad, whose w.grad backward has filled, and makes one
// gradient-descent step, w <- w - learningRate * w.grad, in place: the caller's w must change (the
// same tensor, the same memory), stay a leaf that requires grad, and the update must not become
// part of any graph. Careful: in C#, `w -= ...` or `w = w - ...` makes a new tensor.
//
// Check it: `lessons check inplace-leaf`; stuck? `lessons hint inplace-leaf` (ask again for more).
using System;
using TorchSharp;
using static TorchSharp.torch;

namespace Exercises;

public static class InplaceLeaf
{
    public static void Step(Tensor w, double learningRate)
    {
        // TODO: w <- w - learningRate * w.grad, in place, without autograd's error.
        throw new NotImplementedException();
        // END TODO
    }
}
