// Exercise engine-training: build your own autograd engine, step 5 of 5: a training loop.
//
// Builds on tutorial 000 §1 "1.numpy和pytorch实现梯度下降法": forward, the loss, backward, then
// a step against the gradient with autograd's record left out of it, and the gradients zeroed
// before the next pass (001 §3: they accumulate otherwise).
//
// Task: Train runs `steps` steps of gradient descent on model and returns each step's loss:
// loss = the sum over the points of (model(x)[0] - y)^2; zero every parameter's Grad; Backward;
// then each parameter's Data -= learningRate * Grad. The check trains the same network in
// TorchSharp, from the same weights, and compares the losses step by step.
//
// Check it: `lessons check engine-training`; stuck? `lessons hint engine-training` (ask again for more).
using System;
using System.Collections.Generic;
using System.Linq;

namespace Exercises;

public static class Training
{
    public static List<double> Train(MLP model, double[][] inputs, double[] targets, int steps, double learningRate)
    {
        var losses = new List<double>();
        for (int step = 0; step < steps; step++)
        {
            // TODO: the loss, the gradients, the step; record loss.Data.
            throw new NotImplementedException();
            // END TODO
        }
        return losses;
    }
}
