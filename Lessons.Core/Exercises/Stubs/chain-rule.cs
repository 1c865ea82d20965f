// Exercise chain-rule: dy2/dw1 through the intermediate y1, with autograd.grad.
//
// From tutorial 002 "取中间层将不能直接求导的,间接形成链子进行求导": for y1 = x*w1 + b1 and
// y2 = y1*w2 + b2, dy2/dw1 = dy2/dy1 * dy1/dw1, which is tensor(2.) at x = 1, w1 = 2, b1 = 1,
// w2 = 2, b2 = 1 (the tutorial's l).
//
// Task: Chained returns dy2/dy1 * dy1/dw1, each factor taken with torch.autograd.grad (which
// returns a list: [0] takes the gradient out).
//
// Check it: `lessons check chain-rule`; stuck? `lessons hint chain-rule` (ask again for more).
using System;
using TorchSharp;
using static TorchSharp.torch;

namespace Exercises;

public static class ChainRule
{
    public static Tensor Chained(Tensor x, Tensor w1, Tensor b1, Tensor w2, Tensor b2)
    {
        var y1 = x * w1 + b1;
        var y2 = y1 * w2 + b2;

        // TODO: dy2/dy1 and dy1/dw1 with torch.autograd.grad, and their product.
        throw new NotImplementedException();
        // END TODO
    }
}
