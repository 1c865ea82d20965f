using System.Globalization;

namespace Lessons.Core.Python;

/// <summary>
/// <c>str()</c> of numpy's scalar types, which tutorials print when a framework hands back numpy
/// values (TensorFlow's <c>sess.run</c>, say).
/// </summary>
public static class NumpyScalar
{
    /// <summary>
    /// <c>str(np.float32(x))</c>: the shortest digits that round-trip through float32, laid out as
    /// Python lays out a float (<c>29428666.0</c>, <c>3e-05</c>): positional notation for
    /// 1e-4 &lt;= |x| &lt; 1e16, scientific otherwise, Python's own rule. That is numpy up to 2.2,
    /// the numpy of the tutorials; numpy 2.3 switches float32 to scientific from 1e6 on
    /// (numpy gh-28679; <c>np.printoptions(legacy='2.2')</c> restores the older layout).
    /// </summary>
    public static string Float32(float value)
    {
        if (!float.IsFinite(value)) return PyFloat.Repr(value);
        // The float's shortest digits (at most 9) parse to a double whose shortest digits are
        // the same, so Python's float layout of that double is numpy's float32 text.
        double sameDigits = double.Parse(value.ToString("R", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        return PyFloat.Repr(sameDigits);
    }
}
