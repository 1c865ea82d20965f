using static TorchSharp.torch;

namespace Lessons.Core.Autograd;

/// <summary>
/// How the backward of a recorded graph starts, so that its edge gradients can be read for that
/// backward: from ones (<c>backward()</c> of a one-element tensor), from the lesson's
/// <c>grad_tensors</c>, or not at all, for a graph recorded after a backward freed what it saved.
/// The last must be said, not detected: asking libtorch about a freed graph raises in C++, and
/// TorchSharp 0.107's <c>autograd.grad</c> does not catch that (the process aborts).
/// </summary>
public sealed class BackwardStart
{
    BackwardStart(Tensor? gradient, string? notRead)
    {
        Gradient = gradient;
        NotRead = notRead;
    }

    /// <summary>The gradient backward starts from; null for ones.</summary>
    public Tensor? Gradient { get; }

    /// <summary>Why the edge gradients are not read; null when they are.</summary>
    public string? NotRead { get; }

    /// <summary><c>backward()</c> of a one-element tensor: the gradient starts as ones.</summary>
    public static BackwardStart Ones { get; } = new(null, null);

    /// <summary><c>backward(gradient)</c>: the tutorial's grad_tensors.</summary>
    public static BackwardStart With(Tensor gradient) => new(gradient, null);

    /// <summary>A graph whose backward already ran without retain_graph: its saved values are gone.</summary>
    public static BackwardStart AlreadyFreed { get; } = new(null,
        "backward() already ran through this graph and freed the values it saved, so libtorch cannot run it again");
}
