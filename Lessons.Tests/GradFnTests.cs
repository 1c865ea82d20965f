using Lessons.Core.Autograd;
using TorchSharp;

namespace Lessons.Tests;

/// <summary>grad_fn read from libtorch's own graph nodes.</summary>
[Collection(TorchCollection.Name)]
public sealed class GradFnTests
{
    [Fact]
    public void Leaves_and_tensors_without_history_have_none()
    {
        var w = torch.tensor(new[] { 1f }, requires_grad: true);
        Assert.Null(GradFn.NameOf(w));
        Assert.Null(GradFn.NameOf(torch.ones(2)));
        Assert.Equal("None", GradFn.Describe(w));
    }

    [Fact]
    public void Nodes_are_named_as_PyTorch_names_them()
    {
        var w = torch.tensor(new[] { 1f }, requires_grad: true);
        var x = torch.tensor(new[] { 2f }, requires_grad: true);
        Assert.Equal("AddBackward0", GradFn.NameOf(torch.add(w, x)));
        Assert.Equal("MulBackward0", GradFn.NameOf(torch.mul(w, x)));
        Assert.Equal("PowBackward0", GradFn.NameOf(torch.pow(w, 2)));
        Assert.Equal("CatBackward0", GradFn.NameOf(torch.cat([w, x])));
        Assert.Equal("SumBackward0", GradFn.NameOf(w.sum()));
        // add(Tensor, Scalar) is a different libtorch overload with its own node.
        Assert.Equal("AddBackward1", GradFn.NameOf(torch.add(w, 1)));
        Assert.Matches("^<MulBackward0 object at 0x[0-9a-f]+>$", GradFn.Describe(torch.mul(w, x)));
    }

    [Theory]
    [InlineData("N5torch8autograd9generated12AddBackward0E", "AddBackward0")]
    [InlineData("12AddBackward0", "AddBackward0")]
    public void Mangled_names_are_reduced_to_the_class_name(string mangled, string expected) =>
        Assert.Equal(expected, GradFn.ClassName(mangled));

    [Fact]
    public void Namespaces_are_stripped_outside_template_arguments() =>
        Assert.Equal("CppNode<ns::MyFunction>", GradFn.StripNamespaces("torch::autograd::CppNode<ns::MyFunction>"));
}
