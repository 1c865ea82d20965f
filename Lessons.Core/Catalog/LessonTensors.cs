using System.Runtime.CompilerServices;
using TorchSharp;
using static TorchSharp.torch;

namespace Lessons.Core.Catalog;

/// <summary>What a training step watches: an animation's frames, taken by <see cref="LessonContext.Steps"/>.</summary>
public interface IStepObserver
{
    /// <summary>Step <paramref name="step"/> is about to train.</summary>
    void Step(long step);

    /// <summary>The loop ended: record what was taken.</summary>
    void End();
}

/// <summary>Python's tensor methods that a lesson's loop reads its loss with.</summary>
public static class LessonTensors
{
    /// <summary>
    /// <c>L.item()</c>: the one value as a Python float. Where the loss is read the divergence is
    /// checked: inside a lesson's training loop a value that is no longer finite stops the lesson
    /// with one line naming it (<c>L</c>, as the lesson writes it), the step and the lesson's hint.
    /// </summary>
    public static double item(this Tensor tensor, [CallerArgumentExpression(nameof(tensor))] string name = "")
    {
        double value = tensor.dtype switch
        {
            ScalarType.Float32 => tensor.item<float>(),
            ScalarType.Float64 => tensor.item<double>(),
            _ => tensor.to_type(ScalarType.Float64).item<double>(),
        };
        if (!double.IsFinite(value) && LessonContext.Current is { Step: long step } context)
            context.EnsureFinite(value, name, step, context.DivergenceHint);
        return value;
    }
}
