using Lessons.Core.Python;
using TorchSharp;

namespace Lessons.Tests;

/// <summary>str() of numpy's float32 scalars and of nn.Parameter, as Python prints them.</summary>
[Collection(TorchCollection.Name)]
public sealed class NumpyScalarTests
{
    [Theory]
    // numpy's own tests (numpy/_core/tests/test_scalarprint.py: test_str, test_gh_28679 and
    // the legacy='2.2' cutoffs, which are those of the numpy the tutorials ran).
    [InlineData(0.0f, "0.0")]
    [InlineData(-0.0f, "-0.0")]
    [InlineData(1f, "1.0")]
    [InlineData(-1f, "-1.0")]
    [InlineData(float.PositiveInfinity, "inf")]
    [InlineData(float.NegativeInfinity, "-inf")]
    [InlineData(float.NaN, "nan")]
    [InlineData(0.000099f, "9.9e-05")]
    [InlineData(-0.000100001f, "-0.000100001")]
    [InlineData(999999f, "999999.0")]
    [InlineData(1e15f, "1000000000000000.0")]
    [InlineData(1e16f, "1e+16")]
    // Shortest float32 digits, not the double's: float32(0.1) is 0.100000001490116...
    [InlineData(0.1f, "0.1")]
    [InlineData(299792458f, "299792450.0")]
    public void Float32_prints_as_numpy_prints_a_float32_scalar(float value, string expected) =>
        Assert.Equal(expected, NumpyScalar.Float32(value));

    [Fact]
    public void A_parameter_prints_with_its_heading_line()
    {
        using var scope = torch.NewDisposeScope();
        var weight = new TorchSharp.Modules.Parameter(torch.tensor(new float[,] { { 2f } }));
        // PyTorch: repr(nn.Parameter(torch.tensor([[2.]]))).
        Assert.Equal("Parameter containing:\ntensor([[2.]], requires_grad=True)", new PyParameter(weight).ToString());
        Assert.Equal("[Parameter containing:\ntensor([[2.]], requires_grad=True)]", Py.Repr(new List<PyParameter> { new(weight) }));
    }
}
