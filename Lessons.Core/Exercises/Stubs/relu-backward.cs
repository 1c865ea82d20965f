// Exercise relu-backward: MyReLU's backward.
//
// From tutorial 003 "PyTorch:Defining new autograd functions": a custom autograd Function is a
// forward, which computes the output from the input, and a backward, which turns the gradient of
// the loss with respect to the output into the gradient with respect to the input. The
// tutorial's MyReLU is the example: a ReLU written as such a Function.
//
// Task: forward is written: it saves its input and returns input.clamp(min: 0). Write backward:
// given grad_output = dloss/doutput, return [dloss/dinput]: the incoming gradient where the input
// was positive, 0 where it was negative. Leave grad_output itself unchanged.
//
// Check it: `lessons check relu-backward`; stuck? `lessons hint relu-backward` (ask again for more).
using System;
using System.Collections.Generic;
using TorchSharp;
using static TorchSharp.torch;

namespace Exercises;

public sealed class MyReLU : torch.autograd.SingleTensorFunction<MyReLU>
{
    public override string Name => nameof(MyReLU);

    public override Tensor forward(torch.autograd.AutogradContext ctx, params object[] vars)
    {
        var input = (Tensor)vars[0];
        ctx.save_for_backward([input]);
        return input.clamp(min: 0);
    }

    public override List<Tensor> backward(torch.autograd.AutogradContext ctx, Tensor grad_output)
    {
        Tensor input = ctx.get_saved_variables()[0];

        // TODO: the gradient with respect to the input.
        throw new NotImplementedException();
        // END TODO
    }
}
