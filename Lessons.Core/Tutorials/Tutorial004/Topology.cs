using System.Globalization;
using Lessons.Core.Catalog;

namespace Lessons.Core.Tutorials.Tutorial004;

/// <summary>
/// The layer sizes of In[23]'s <c>topology = [2,10,4]</c>, as an option: written "2,10,4" or
/// "[2,10,4]"; it starts with the 2 inputs and ends with the 4 classes.
/// </summary>
public static class Topology
{
    public static readonly LessonOption<string> Option =
        new("topology", "[2,10,4]", "layer sizes from the 2 inputs to the 4 classes, e.g. [2,10,4] or [2,3,3,4]", Validate);

    public static IReadOnlyList<int> Parse(string text) =>
        TryParse(text, out var sizes, out string problem) ? sizes : throw new LessonUsageException(problem);

    static string? Validate(string text) => TryParse(text, out _, out string problem) ? null : problem;

    static bool TryParse(string text, out IReadOnlyList<int> sizes, out string problem)
    {
        sizes = [];
        var parts = text.Trim().TrimStart('[').TrimEnd(']').Split(',', StringSplitOptions.TrimEntries);
        var parsed = new List<int>();
        foreach (string part in parts)
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out int size) || size is < 1 or > 10_000)
            {
                problem = "must be a list of layer sizes between 1 and 10000, e.g. [2,10,4]";
                return false;
            }
            parsed.Add(size);
        }
        if (parsed.Count < 2 || parsed[0] != 2 || parsed[^1] != FourClassData.Classes)
        {
            problem = "must start with 2 (the inputs) and end with 4 (the classes), e.g. [2,10,4]";
            return false;
        }
        sizes = parsed;
        problem = "";
        return true;
    }
}
