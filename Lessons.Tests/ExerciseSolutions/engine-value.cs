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
        var output = new Value(a.Data * b.Data, [a, b], "*");
        output.LocalBackward = () =>
        {
            a.Grad += b.Data * output.Grad;
            b.Grad += a.Data * output.Grad;
        };
        return output;
    }

    public static Value operator -(Value a)
    {
        return a * -1;
    }

    public static Value operator -(Value a, Value b)
    {
        return a + (-b);
    }

    public static Value operator /(Value a, Value b)
    {
        return a * b.Pow(-1);
    }

    public Value Pow(double exponent)
    {
        var output = new Value(Math.Pow(Data, exponent), [this], "pow");
        output.LocalBackward = () => Grad += exponent * Math.Pow(Data, exponent - 1) * output.Grad;
        return output;
    }

    public Value Tanh()
    {
        double t = Math.Tanh(Data);
        var output = new Value(t, [this], "tanh");
        output.LocalBackward = () => Grad += (1 - t * t) * output.Grad;
        return output;
    }

    public Value Exp()
    {
        var output = new Value(Math.Exp(Data), [this], "exp");
        output.LocalBackward = () => Grad += output.Data * output.Grad;
        return output;
    }

    public Value Relu()
    {
        var output = new Value(Data > 0 ? Data : 0, [this], "relu");
        output.LocalBackward = () => Grad += (Data > 0 ? 1 : 0) * output.Grad;
        return output;
    }

    public override string ToString() => $"Value(data={Data}, grad={Grad})";
}
