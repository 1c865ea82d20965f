using static TorchSharp.torch;

namespace Lessons.Core.Python;

/// <summary>
/// A module's parameter as Python shows it (nn.Parameter.__repr__): <c>Parameter containing:</c>,
/// then the tensor on the next line, e.g. in <c>list(model.parameters())</c>.
/// </summary>
public sealed record PyParameter(Tensor Tensor)
{
    public override string ToString() => "Parameter containing:\n" + TensorText.Format(Tensor);
}
