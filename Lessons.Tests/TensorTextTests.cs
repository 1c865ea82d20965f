using Lessons.Core.Python;
using TorchSharp;
using static TorchSharp.torch;

namespace Lessons.Tests;

/// <summary>str(tensor) as PyTorch prints it. Expected strings are PyTorch's output for the same tensors.</summary>
[Collection(TorchCollection.Name)]
public sealed class TensorTextTests
{
    [Fact]
    public void Integer_valued_floats_print_with_a_trailing_point() =>
        Assert.Equal("tensor([6., 5.])", Py.Str(torch.tensor(new[] { 6f, 5f })));

    [Fact]
    public void Zero_dim_tensors_print_bare() =>
        Assert.Equal("tensor(2.)", Py.Str(torch.tensor(2f)));

    [Fact]
    public void Fixed_point_uses_four_decimals_and_a_common_width()
    {
        // 002_33d8818b87178235.txt, single-output perceptron: print(w.grad). PyTorch pads every
        // element to the widest (7 characters) and puts 8 on a line of 80; the copied text lost the padding.
        var grad = torch.tensor(new[,] { { 0.1487f, -0.2792f, -0.1376f, 0.0631f, 0.1375f, -0.0981f, 0.4706f, -0.1833f, -0.0650f, 0.0343f } });
        Assert.Equal(
            "tensor([[ 0.1487, -0.2792, -0.1376,  0.0631,  0.1375, -0.0981,  0.4706, -0.1833,\n" +
            "         -0.0650,  0.0343]])",
            Py.Str(grad));
    }

    [Fact]
    public void Rows_of_a_matrix_are_separated_by_a_comma_and_newline()
    {
        var m = torch.tensor(new[,] { { 1.5f, -2f }, { 3f, 4.25f } });
        Assert.Equal("tensor([[ 1.5000, -2.0000],\n        [ 3.0000,  4.2500]])", Py.Str(m));
    }

    [Fact]
    public void Wide_ranges_switch_to_scientific() =>
        Assert.Equal("tensor([1.0000e-05, 1.0000e+00])", Py.Str(torch.tensor(new[] { 1e-5f, 1f })));

    [Theory]
    [InlineData(true, true, "MulBackward0", "grad_fn=<MulBackward0>")]  // a node: PyTorch names it
    [InlineData(true, true, null, "requires_grad=True")]                 // a leaf that requires grad
    [InlineData(false, true, null, null)]                                // a plain tensor
    [InlineData(true, false, null, "requires_grad=True")]                // grad_fn unreadable (Windows): the honest fallback
    [InlineData(false, false, null, null)]
    public void The_autograd_suffix_falls_back_to_requires_grad_where_grad_fn_cannot_be_read(
        bool requiresGrad, bool gradFnAvailable, string? gradFnName, string? expected) =>
        Assert.Equal(expected, TensorText.AutogradSuffix(requiresGrad, gradFnAvailable, gradFnName));

    [Fact]
    public void Suffixes_name_grad_fn_requires_grad_and_non_default_dtypes()
    {
        var w = torch.tensor(new[] { 1f }, requires_grad: true);
        Assert.Equal("tensor([1.], requires_grad=True)", Py.Str(w));
        Assert.Equal("tensor([2.], grad_fn=<MulBackward0>)", Py.Str(w * torch.tensor(2f)));
        Assert.Equal("tensor([1.5000], dtype=torch.float64)", Py.Str(torch.tensor(new[] { 1.5 })));
        Assert.Equal("tensor([1, 2, 3])", Py.Str(torch.tensor(new long[] { 1, 2, 3 })));
        Assert.Equal("tensor([ True, False])", Py.Str(torch.tensor(new[] { true, false })));
    }

    [Fact]
    public void Large_tensors_are_summarised_with_three_edge_items() =>
        Assert.Equal("tensor([   0,    1,    2,  ..., 1997, 1998, 1999])", Py.Str(torch.arange(2000)));

    [Fact]
    public void Python_values_print_as_python_prints_them()
    {
        Assert.Equal("(tensor([6.]),)", Py.Str(new PyTuple(torch.tensor(new[] { 6f }))));
        Assert.Equal("None True False", Py.Print(null, true, false));
        Assert.Equal("torch.Size([])", Py.Str(new Size(torch.tensor(1f).shape)));
        Assert.Equal("[3.0, 2.0]", Py.Str(new List<double> { 3.0, 2.0 }));
    }
}
