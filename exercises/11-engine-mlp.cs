// Exercise engine-mlp: build your own autograd engine, step 4 of 5: a Neuron, a Layer and an MLP.
//
// Builds on tutorial 004 "引入class": the network as a module, whose layers compute weighted sums
// and whose parameters() an optimizer updates. Here they are made of your Values.
//
// Task: Neuron.Call returns tanh(w · x + b) (or w · x + b when the neuron is linear); Layer.Call
// gives each of its neurons the same inputs; MLP.Call feeds each layer's outputs to the next. The
// weights are drawn for you, uniform in [-1, 1); Parameters lists them. Your steps 1-3 are compiled
// with this file.
//
// Check it: `lessons check engine-mlp`; stuck? `lessons hint engine-mlp` (ask again for more).
using System;
using System.Collections.Generic;
using System.Linq;

namespace Exercises;

public sealed class Neuron
{
    public readonly Value[] Weights;
    public readonly Value Bias;
    public readonly bool Linear;

    public Neuron(int inputs, Random random, bool linear = false)
    {
        Weights = Enumerable.Range(0, inputs).Select(_ => new Value(random.NextDouble() * 2 - 1)).ToArray();
        Bias = new Value(random.NextDouble() * 2 - 1);
        Linear = linear;
    }

    public Value Call(IReadOnlyList<Value> x)
    {
        // TODO: the weighted sum of x plus the bias, then tanh unless the neuron is linear.
        throw new NotImplementedException();
        // END TODO
    }

    public IEnumerable<Value> Parameters() => Weights.Append(Bias);
}

public sealed class Layer
{
    public readonly Neuron[] Neurons;

    public Layer(int inputs, int outputs, Random random, bool linear = false) =>
        Neurons = Enumerable.Range(0, outputs).Select(_ => new Neuron(inputs, random, linear)).ToArray();

    public Value[] Call(IReadOnlyList<Value> x)
    {
        // TODO: each neuron's output, for the same x.
        throw new NotImplementedException();
        // END TODO
    }

    public IEnumerable<Value> Parameters() => Neurons.SelectMany(n => n.Parameters());
}

public sealed class MLP
{
    public readonly Layer[] Layers;

    /// <summary>Layers of the given sizes; the last is linear (a regression's output).</summary>
    public MLP(int inputs, int[] sizes, Random random)
    {
        int[] widths = [inputs, .. sizes];
        Layers = Enumerable.Range(0, sizes.Length).Select(i => new Layer(widths[i], widths[i + 1], random, linear: i == sizes.Length - 1)).ToArray();
    }

    public Value[] Call(IReadOnlyList<Value> x)
    {
        // TODO: each layer's outputs are the next layer's inputs.
        throw new NotImplementedException();
        // END TODO
    }

    public IEnumerable<Value> Parameters() => Layers.SelectMany(l => l.Parameters());
}
