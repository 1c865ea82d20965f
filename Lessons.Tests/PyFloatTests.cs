using Lessons.Core.Python;

namespace Lessons.Tests;

/// <summary>Python's float text, digit for digit. Expected strings are what CPython prints.</summary>
public sealed class PyFloatTests
{
    [Theory]
    // Values printed by the Himmelblau example (002_33d8818b87178235.txt), float32 values widened to double.
    [InlineData(0.0009999999310821295, "0.0009999999310821295")]
    [InlineData(170.0, "170.0")]
    [InlineData(1.1074007488787174e-08, "1.1074007488787174e-08")]
    [InlineData(0.014858869835734367, "0.014858869835734367")]
    [InlineData(2.999983549118042, "2.999983549118042")]
    [InlineData(0.0, "0.0")]
    // CPython's repr rules: scientific below 1e-4 and from 1e16 on.
    [InlineData(0.1, "0.1")]
    [InlineData(0.0001, "0.0001")]
    [InlineData(0.00001, "1e-05")]
    [InlineData(1e16, "1e+16")]
    [InlineData(1234567890123456.0, "1234567890123456.0")]
    [InlineData(-2.5, "-2.5")]
    [InlineData(1.5e-300, "1.5e-300")]
    public void Repr_matches_CPython(double value, string expected) => Assert.Equal(expected, PyFloat.Repr(value));

    [Theory]
    [InlineData(0.5, 0, "0")]        // half to even, as CPython
    [InlineData(1.5, 0, "2")]
    [InlineData(2.5, 0, "2")]
    [InlineData(0.03125, 4, "0.0312")]
    [InlineData(0.09375, 4, "0.0938")]
    [InlineData(-0.2792, 4, "-0.2792")]
    [InlineData(5.0, 0, "5")]
    [InlineData(0.95499998, 4, "0.9550")]
    public void Fixed_matches_CPython(double value, int precision, string expected) =>
        Assert.Equal(expected, PyFloat.Fixed(value, precision));

    [Theory]
    [InlineData(12345.678, 4, "1.2346e+04")]
    [InlineData(0.0, 4, "0.0000e+00")]
    [InlineData(1e-5, 4, "1.0000e-05")]
    [InlineData(9.99995e-5, 4, "9.9999e-05")]   // just below the tie in binary
    [InlineData(-3.0e8, 4, "-3.0000e+08")]
    public void Scientific_matches_CPython(double value, int precision, string expected) =>
        Assert.Equal(expected, PyFloat.Scientific(value, precision));
}
