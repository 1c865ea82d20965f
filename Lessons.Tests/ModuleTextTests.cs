using Lessons.Core.Python;
using TorchSharp;
using static TorchSharp.torch;

namespace Lessons.Tests;

/// <summary>print(module) as PyTorch prints it; expected texts are the ones the tutorials show.</summary>
[Collection(TorchCollection.Name)]
public sealed class ModuleTextTests
{
    sealed class Net : nn.Module<Tensor, Tensor>
    {
        readonly nn.Module<Tensor, Tensor> hidden = nn.Linear(1, 10);
        readonly nn.Module<Tensor, Tensor> predict = nn.Linear(10, 1);

        public Net() : base(nameof(Net)) => RegisterComponents();

        public override Tensor forward(Tensor x) => predict.forward(nn.functional.relu(hidden.forward(x)));
    }

    [Fact]
    public void A_module_lists_its_children_with_their_extra_repr() =>
        // 000_a37f91e8c941d689.txt §5: print(net) for Net(n_feature=1, n_hidden=10, n_output=1), as PyTorch prints it.
        Assert.Equal(
            "Net(\n" +
            "  (hidden): Linear(in_features=1, out_features=10, bias=True)\n" +
            "  (predict): Linear(in_features=10, out_features=1, bias=True)\n" +
            ")",
            ModuleText.Format(new Net()));

    [Fact]
    public void Sequential_with_named_layers_prints_as_in_the_tutorial()
    {
        // 004_a20ad3c675e1883c.txt In[27]: topology [2, 10, 4] with Linear and Sigmoid modules.
        var net = nn.Sequential(
            ("0-th MAC", nn.Linear(2, 10)), ("0-th ACT", nn.Sigmoid()),
            ("1-th MAC", nn.Linear(10, 4)), ("1-th ACT", nn.Sigmoid()));
        Assert.Equal(
            "Sequential(\n" +
            "  (0-th MAC): Linear(in_features=2, out_features=10, bias=True)\n" +
            "  (0-th ACT): Sigmoid()\n" +
            "  (1-th MAC): Linear(in_features=10, out_features=4, bias=True)\n" +
            "  (1-th ACT): Sigmoid()\n" +
            ")",
            ModuleText.Format(net));
    }

    [Fact]
    public void Nested_modules_are_indented_per_level()
    {
        var inner = nn.Sequential(("0", nn.Linear(1, 1, hasBias: false)));
        var outer = nn.Sequential(("model", inner));
        Assert.Equal(
            "Sequential(\n" +
            "  (model): Sequential(\n" +
            "    (0): Linear(in_features=1, out_features=1, bias=False)\n" +
            "  )\n" +
            ")",
            ModuleText.Format(outer));
    }
}
