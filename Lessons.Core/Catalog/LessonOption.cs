using System.Globalization;

namespace Lessons.Core.Catalog;

/// <summary>A lesson's setting (a hyperparameter of the tutorial), settable with <c>--set name=value</c>.</summary>
public abstract class LessonOption
{
    protected LessonOption(string name, string description)
    {
        Name = name;
        Description = description;
    }

    public string Name { get; }
    public string Description { get; }
    public abstract object DefaultValue { get; }
    public abstract string TypeName { get; }

    /// <summary>Parses and validates a value given as text; the error says which option and why.</summary>
    public abstract bool TryParse(string text, out object? value, out string error);

    public string DefaultText => Format(DefaultValue);

    public static string Format(object value) => value switch
    {
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };
}

/// <summary>A typed option with its default (the tutorial's value) and an optional range check.</summary>
public sealed class LessonOption<T> : LessonOption where T : notnull
{
    readonly Func<T, string?>? validate;

    public LessonOption(string name, T defaultValue, string description, Func<T, string?>? validate = null)
        : base(name, description)
    {
        Default = defaultValue;
        this.validate = validate;
    }

    public T Default { get; }
    public override object DefaultValue => Default;

    public override string TypeName => typeof(T) == typeof(double) ? "number"
        : typeof(T) == typeof(int) || typeof(T) == typeof(long) ? "integer"
        : typeof(T) == typeof(bool) ? "true|false"
        : "text";

    public override bool TryParse(string text, out object? value, out string error)
    {
        value = null;
        object? parsed = null;
        if (typeof(T) == typeof(double)
            && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double d)) parsed = d;
        else if (typeof(T) == typeof(int)
            && int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int i)) parsed = i;
        else if (typeof(T) == typeof(long)
            && long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out long l)) parsed = l;
        else if (typeof(T) == typeof(bool) && bool.TryParse(text, out bool b)) parsed = b;
        else if (typeof(T) == typeof(string)) parsed = text;

        if (parsed is null)
        {
            error = OutOfRange(text) is string range
                ? $"option '{Name}' = {text}: {range}"
                : $"option '{Name}' needs {Article(TypeName)} {TypeName}, got '{text}'";
            return false;
        }
        if (validate?.Invoke((T)parsed) is { } problem)
        {
            error = $"option '{Name}' = {text}: {problem}";
            return false;
        }
        if (TypeRange(parsed) is { } outside)
        {
            error = $"option '{Name}' = {text}: {outside}";
            return false;
        }
        value = parsed;
        error = "";
        return true;
    }

    // Every number option reaches a tensor, and torch's default dtype is float32: a value beyond
    // float32's range would fail when the lesson converts it, after its work had started (NaN and
    // infinity likewise make no step size, size or data). So the type's range is float32's, checked
    // here for every option before the lesson starts, whatever range the lesson adds of its own.
    static string? TypeRange(object parsed) => parsed switch
    {
        double d when !double.IsFinite(d) => "must be a finite number",
        double d when Math.Abs(d) > float.MaxValue => $"must lie within float32's range, ±{float.MaxValue.ToString("R", CultureInfo.InvariantCulture)}",
        _ => null,
    };

    // An integer too long for the option's type is not "not an integer": say the bound instead.
    static string? OutOfRange(string text)
    {
        if (!System.Numerics.BigInteger.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var big)) return null;
        if (typeof(T) == typeof(int)) return big > int.MaxValue ? $"must be at most {int.MaxValue}" : big < int.MinValue ? $"must be at least {int.MinValue}" : null;
        if (typeof(T) == typeof(long)) return big > long.MaxValue ? $"must be at most {long.MaxValue}" : big < long.MinValue ? $"must be at least {long.MinValue}" : null;
        return null;
    }

    static string Article(string word) => "aeiou".Contains(word[0]) ? "an" : "a";
}

/// <summary>Common range checks for options.</summary>
public static class Check
{
    public static Func<int, string?> AtLeast(int minimum) =>
        v => v >= minimum ? null : $"must be at least {minimum}";

    public static Func<double, string?> Positive =>
        v => v > 0 && double.IsFinite(v) ? null : "must be a positive finite number";

    public static Func<double, string?> Finite =>
        v => double.IsFinite(v) ? null : "must be a finite number";

    public static Func<double, string?> InRange(double low, double high) =>
        v => v >= low && v <= high ? null : $"must lie in [{LessonOption.Format(low)}, {LessonOption.Format(high)}]";
}
