// Exercise grad-accumulation: a fresh gradient at every step.
//
// From tutorial 001 §3 "1. 梯度不自动清零": backward adds to .grad instead of replacing it, so
// without zeroing, w.grad grows 5, 10, 15, 20 over four passes, as the tutorial prints
// ("若未清零").
//
// Task: GradientEachStep runs `steps` backward passes of y = (w + x) * (w + 1) at w = 1, x = 2 and
// returns w.grad after each one. Complete the loop so that every pass sees its own gradient,
// dy/dw = 2w + x + 1 = 5, and not the sum of all passes so far.
//
// Check it: `lessons check grad-accumulation`; stuck? `lessons hint grad-accumulation` (ask again for more).
using System;
using System.Collections.Generic;
using TorchSharp;
using static TorchSharp.torch;

namespace Exercises;

public static class GradAccumulation
{
    public static List<double> GradientEachStep(int steps)
    {
        var w = torch.tensor(new[] { 1f }, requires_grad: true);
        var x = torch.tensor(new[] { 2f }, requires_grad: true);
        var seen = new List<double>();
        for (int i = 0; i < steps; i++)
        {
            var y = torch.mul(torch.add(w, x), torch.add(w, 1));
            y.backward();
            seen.Add(w.grad!.item<float>());

            // TODO: make the next pass's gradient fresh.
            throw new NotImplementedException();
            // END TODO
        }
        return seen;
    }
}
