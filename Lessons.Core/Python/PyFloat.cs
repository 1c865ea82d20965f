using System.Globalization;
using System.Numerics;
using System.Text;

namespace Lessons.Core.Python;

/// <summary>
/// Python's float formatting, digit for digit: <c>repr(x)</c>, <c>'{:.Nf}'</c> and <c>'{:.Ne}'</c>.
/// Python rounds the exact binary value half-to-even; .NET's fixed formats round half away from
/// zero, so the fixed and exponent forms are computed exactly here with big integers.
/// </summary>
public static class PyFloat
{
    /// <summary><c>repr(x)</c> / <c>str(x)</c>: the shortest digits that round-trip, in Python's layout.</summary>
    public static string Repr(double value)
    {
        if (double.IsNaN(value)) return "nan";
        if (double.IsInfinity(value)) return value > 0 ? "inf" : "-inf";
        if (value == 0) return double.IsNegative(value) ? "-0.0" : "0.0";

        // .NET's "R" gives the shortest round-trip digits; re-lay them out as Python does.
        string shortest = Math.Abs(value).ToString("R", CultureInfo.InvariantCulture);
        (string digits, int exponent) = SplitDigits(shortest);
        string sign = value < 0 ? "-" : "";

        // Python: scientific when the decimal exponent is < -4 or >= 16.
        if (exponent < -4 || exponent >= 16)
        {
            string mantissa = digits.Length == 1 ? digits : digits[0] + "." + digits[1..];
            return $"{sign}{mantissa}e{(exponent < 0 ? "-" : "+")}{Math.Abs(exponent):00}";
        }
        if (exponent < 0)
            return sign + "0." + new string('0', -exponent - 1) + digits;
        if (digits.Length <= exponent + 1)
            return sign + digits + new string('0', exponent + 1 - digits.Length) + ".0";
        return sign + digits[..(exponent + 1)] + "." + digits[(exponent + 1)..];
    }

    /// <summary><c>'{:.{precision}f}'.format(x)</c>.</summary>
    public static string Fixed(double value, int precision)
    {
        if (!double.IsFinite(value)) return NonFinite(value);
        BigInteger scaled = RoundHalfEven(value, precision);
        string sign = value < 0 || (value == 0 && double.IsNegative(value)) ? "-" : "";
        string digits = BigInteger.Abs(scaled).ToString(CultureInfo.InvariantCulture).PadLeft(precision + 1, '0');
        if (precision == 0) return sign + digits;
        return sign + digits[..^precision] + "." + digits[^precision..];
    }

    /// <summary><c>'{:.{precision}e}'.format(x)</c>, e.g. <c>1.2346e-05</c>.</summary>
    public static string Scientific(double value, int precision)
    {
        if (!double.IsFinite(value)) return NonFinite(value);
        string sign = value < 0 || (value == 0 && double.IsNegative(value)) ? "-" : "";
        if (value == 0)
            return sign + "0" + (precision > 0 ? "." + new string('0', precision) : "") + "e+00";

        int exponent = (int)Math.Floor(Math.Log10(Math.Abs(value)));
        BigInteger mantissa = BigInteger.Abs(RoundHalfEven(value, precision - exponent));
        BigInteger limit = BigInteger.Pow(10, precision + 1);
        // Log10 can be off by one near powers of ten, and rounding can carry into a new digit.
        if (mantissa >= limit)
        {
            exponent++;
            mantissa = BigInteger.Abs(RoundHalfEven(value, precision - exponent));
        }
        else if (mantissa < limit / 10)
        {
            exponent--;
            mantissa = BigInteger.Abs(RoundHalfEven(value, precision - exponent));
        }
        string digits = mantissa.ToString(CultureInfo.InvariantCulture);
        string body = precision > 0 ? digits[0] + "." + digits[1..] : digits;
        return $"{sign}{body}e{(exponent < 0 ? "-" : "+")}{Math.Abs(exponent):00}";
    }

    static string NonFinite(double value) =>
        double.IsNaN(value) ? "nan" : value > 0 ? "inf" : "-inf";

    // round(value * 10^decimals) to an integer, half to even, computed on the exact binary value.
    static BigInteger RoundHalfEven(double value, int decimals)
    {
        long bits = BitConverter.DoubleToInt64Bits(value);
        bool negative = bits < 0;
        int rawExponent = (int)((bits >> 52) & 0x7FF);
        long fraction = bits & 0xFFFFFFFFFFFFFL;
        BigInteger significand = rawExponent == 0 ? fraction : fraction | (1L << 52);
        int binaryExponent = (rawExponent == 0 ? 1 : rawExponent) - 1075;

        // value = significand * 2^binaryExponent; scaled = value * 10^decimals = numerator / denominator.
        BigInteger numerator = significand;
        BigInteger denominator = BigInteger.One;
        if (binaryExponent >= 0) numerator <<= binaryExponent; else denominator <<= -binaryExponent;
        if (decimals >= 0) numerator *= BigInteger.Pow(10, decimals); else denominator *= BigInteger.Pow(10, -decimals);

        BigInteger quotient = BigInteger.DivRem(numerator, denominator, out BigInteger remainder);
        int half = (remainder * 2).CompareTo(denominator);
        if (half > 0 || (half == 0 && !quotient.IsEven)) quotient += 1;
        return negative ? -quotient : quotient;
    }

    // "1.2345E-05" or "12345.678" -> ("12345678", decimal exponent of the first digit)
    static (string Digits, int Exponent) SplitDigits(string text)
    {
        int exponent = 0;
        int e = text.IndexOfAny(['E', 'e']);
        if (e >= 0)
        {
            exponent = int.Parse(text[(e + 1)..], CultureInfo.InvariantCulture);
            text = text[..e];
        }
        int point = text.IndexOf('.');
        string integerPart = point >= 0 ? text[..point] : text;
        string fractionPart = point >= 0 ? text[(point + 1)..] : "";
        var all = new StringBuilder(integerPart + fractionPart);
        int firstDigitExponent = integerPart.Length - 1 + exponent;
        while (all.Length > 1 && all[0] == '0') { all.Remove(0, 1); firstDigitExponent--; }
        string digits = all.ToString().TrimEnd('0');
        return (digits.Length == 0 ? "0" : digits, firstDigitExponent);
    }
}
