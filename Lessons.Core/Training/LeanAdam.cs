using TorchSharp;
using static TorchSharp.torch;

namespace Lessons.Core.Training;

/// <summary>
/// Adam for one tensor, with the arithmetic of <c>torch.optim.Adam</c> operation for operation
/// (the same in-place updates in the same order, so the same bits), but without its per-step
/// costs: no optimizer state lookups, no conj view, and the constant Scalars made once.
/// A fast path for long loops; tests check it against torch.optim.Adam bit for bit.
/// </summary>
public sealed class LeanAdam : IDisposable
{
    readonly Tensor parameter, expAvg, expAvgSq;
    readonly double learningRate, beta1, beta2;
    readonly Scalar beta1Scalar, oneMinusBeta1, beta2Scalar, oneMinusBeta2, epsilon;
    long step;

    public LeanAdam(Tensor parameter, double learningRate, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8)
    {
        this.parameter = parameter;
        this.learningRate = learningRate;
        this.beta1 = beta1;
        this.beta2 = beta2;
        using (torch.no_grad())
        {
            expAvg = torch.zeros_like(parameter).DetachFromDisposeScope();
            expAvgSq = torch.zeros_like(parameter).DetachFromDisposeScope();
        }
        beta1Scalar = beta1;
        oneMinusBeta1 = 1 - beta1;
        beta2Scalar = beta2;
        oneMinusBeta2 = 1 - beta2;
        epsilon = eps;
    }

    /// <summary>One update from <c>parameter.grad</c>.</summary>
    public void Step()
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        Tensor grad = parameter.grad ?? throw new InvalidOperationException("LeanAdam.Step: the parameter has no gradient");
        step++;
        double biasCorrection1 = 1 - Math.Pow(beta1, step);
        double biasCorrection2 = 1 - Math.Pow(beta2, step);
        expAvg.mul_(beta1Scalar).add_(grad, alpha: oneMinusBeta1);
        expAvgSq.mul_(beta2Scalar).addcmul_(grad, grad, value: oneMinusBeta2);
        using Scalar root = Math.Sqrt(biasCorrection2), stepSize = -(learningRate / biasCorrection1);
        Tensor denominator = (expAvgSq.sqrt() / root).add_(epsilon);
        parameter.addcdiv_(expAvg, denominator, value: stepSize);
    }

    public void Dispose()
    {
        expAvg.Dispose();
        expAvgSq.Dispose();
        foreach (Scalar s in new[] { beta1Scalar, oneMinusBeta1, beta2Scalar, oneMinusBeta2, epsilon }) s.Dispose();
    }
}
