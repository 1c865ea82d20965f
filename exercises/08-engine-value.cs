// Exercise engine-value: build your own autograd engine, step 1 of 5: a scalar Value.
//
// Builds on tutorial 001 §1 "1. 计算图": autograd records, for every result, the inputs it came
// from and how to send a gradient back to them (grad_fn). Here you write that record yourself,
// for one number at a time, as karpathy's micrograd does.
//
// Task: each operation returns a new Value whose Inputs are its operands and whose LocalBackward
// adds to each input's Grad its share of this node's Grad: input.Grad += Grad * d(this)/d(input).
// Add (+=), never assign: a value used twice (the tutorials' w) gets both contributions. `+` is
// written as the example; write *, unary and binary -, /, Pow, Tanh, Exp and Relu.
//
// Check it: `lessons check engine-value`; stuck? `lessons hint engine-value` (ask again for more).
using System;
using System.Collections.Generic;

namespace Exercises;

public sealed partial class Value
{
    public double Data;
    public double Grad;
    public readonly Value[] Inputs;
    public readonly string Op;
    public Action LocalBackward = () => { };

    public Value(double data) : this(data, [], "") { }

    Value(double data, Value[] inputs, string op)
    {
        Data = data;
        Inputs = inputs;
        Op = op;
    }

    public static implicit operator Value(double data) => new(data);

    public static Value operator +(Value a, Value b)
    {
        var output = new Value(a.Data + b.Data, [a, b], "+");
        output.LocalBackward = () =>
        {
            a.Grad += output.Grad;
            b.Grad += output.Grad;
        };
        return output;
    }

    public static Value operator *(Value a, Value b)
    {
        // TODO: a * b, and its local backward.
        throw new NotImplementedException();
        // END TODO
    }

    public static Value operator -(Value a)
    {
        // TODO: -a (from the operations you have).
        throw new NotImplementedException();
        // END TODO
    }

    public static Value operator -(Value a, Value b)
    {
        // TODO: a - b.
        throw new NotImplementedException();
        // END TODO
    }

    public static Value operator /(Value a, Value b)
    {
        // TODO: a / b.
        throw new NotImplementedException();
        // END TODO
    }

    public Value Pow(double exponent)
    {
        // TODO: this^exponent, and its local backward.
        throw new NotImplementedException();
        // END TODO
    }

    public Value Tanh()
    {
        // TODO: tanh(this), and its local backward.
        throw new NotImplementedException();
        // END TODO
    }

    public Value Exp()
    {
        // TODO: exp(this), and its local backward.
        throw new NotImplementedException();
        // END TODO
    }

    public Value Relu()
    {
        // TODO: max(0, this), and its local backward.
        throw new NotImplementedException();
        // END TODO
    }

    public override string ToString() => $"Value(data={Data}, grad={Grad})";
}
