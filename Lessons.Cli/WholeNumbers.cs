using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace Lessons.Cli;

/// <summary>
/// Options that take a count (<c>--jobs</c>, <c>--runs</c>, <c>--timeout</c>): the value is parsed
/// and checked against its range while the command line is parsed, so that a typo is one usage line
/// ("--jobs needs a whole number from 1 to 1024, got 'abc'") before anything runs. A validator that
/// read the value instead would meet a token that does not parse and throw.
/// </summary>
public static class WholeNumbers
{
    /// <summary>Most lessons run at once: far above any machine's cores, and each process's memory is checked anyway.</summary>
    public const int MaxJobs = 1024;

    public static void Require(Option<int> option, int minimum, int maximum) =>
        option.CustomParser = result => Parse(result, option.Name, minimum, maximum) ?? minimum;

    public static void Require(Option<int?> option, int minimum, int maximum) =>
        option.CustomParser = result => Parse(result, option.Name, minimum, maximum);

    static int? Parse(ArgumentResult result, string name, int minimum, int maximum)
    {
        string text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";
        if (int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int value) && value >= minimum && value <= maximum)
            return value;
        result.AddError($"{name} needs a whole number from {minimum} to {maximum}, got '{text}'");
        return null;
    }
}
