using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Lessons.Core.Tutorials.Tutorial004;

/// <summary>
/// In[20]: a layer that is a weighted sum with its bias folded into the weights ([X 1]·W) and its
/// sigmoid activation built in. Its parameter W ([N_in + 1, N_out]) is randn · 0.01, drawn when the
/// layer is made. The type name is what print(module) shows: <c>MyLayer()</c>.
/// </summary>
public sealed class MyLayer : nn.Module<Tensor, Tensor>
{
    readonly Parameter W;

    public MyLayer(long inputs, long outputs) : base(nameof(MyLayer))
    {
        W = new Parameter(torch.randn(inputs + 1, outputs) * 0.01, requires_grad: true);
        RegisterComponents();
    }

    public override Tensor forward(Tensor X)
    {
        var extended = torch.hstack(X, torch.ones(X.shape[0], 1, device: X.device));
        var Z = torch.matmul(extended, W);
        return torch.sigmoid(Z);
    }
}
