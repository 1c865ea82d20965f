using System.Reflection;
using System.Text.RegularExpressions;

namespace Lessons.Core.Catalog;

/// <summary>
/// Every lesson, found by reflection: each non-abstract <see cref="Lesson"/> in this assembly,
/// in the order of the tutorials (seed file, section, position). One catalogue feeds the CLI,
/// the tests and the docs.
/// </summary>
public static partial class LessonCatalog
{
    static readonly Lazy<IReadOnlyList<Lesson>> all = new(Discover);

    public static IReadOnlyList<Lesson> All => all.Value;

    public static Lesson? Find(string id) => All.FirstOrDefault(l => l.Id == id);

    /// <summary>The lesson with this id, or a usage error naming the closest ids.</summary>
    public static Lesson Get(string id) => Find(id) ?? throw new UnknownLessonException(id, Closest(id, 3).ToList());

    /// <summary>
    /// The lessons that ids and shell-style patterns (<c>four-class-*</c>, <c>grad-?ensors</c>,
    /// <c>seed-[01]*</c>) name, each once, in catalogue order. An id that names no lesson, or a
    /// pattern that matches none, is a usage error.
    /// </summary>
    public static IReadOnlyList<Lesson> Select(IEnumerable<string> idsOrPatterns)
    {
        var chosen = new HashSet<Lesson>();
        foreach (string text in idsOrPatterns)
        {
            if (!IsPattern(text))
            {
                chosen.Add(Get(text));
                continue;
            }
            Regex pattern;
            try
            {
                pattern = new Regex("^" + GlobToRegex(text) + "$", RegexOptions.CultureInvariant);
            }
            catch (ArgumentException)
            {
                throw new LessonUsageException($"'{text}' is not a valid lesson pattern (use *, ? and [a-z])");
            }
            var matches = All.Where(l => pattern.IsMatch(l.Id)).ToList();
            if (matches.Count == 0)
                throw new NoLessonMatchesException(text);
            chosen.UnionWith(matches);
        }
        return All.Where(chosen.Contains).ToList();
    }

    /// <summary>True when the text is a shell-style pattern (it has *, ? or [) rather than an id.</summary>
    public static bool IsPattern(string text) => text.IndexOfAny(['*', '?', '[']) >= 0;

    // Shell glob to regex: * any run, ? one character, [...] a class ([!...] negated); the rest literal.
    static string GlobToRegex(string glob)
    {
        var regex = new System.Text.StringBuilder();
        for (int i = 0; i < glob.Length; i++)
        {
            char c = glob[i];
            int close = c == '[' && i + 2 < glob.Length ? glob.IndexOf(']', i + 2) : -1; // an unclosed [ is literal
            if (c == '*') regex.Append(".*");
            else if (c == '?') regex.Append('.');
            else if (close > 0)
            {
                string set = glob[(i + 1)..close];
                if (set.StartsWith('!')) set = "^" + set[1..];
                regex.Append('[').Append(set.Replace("\\", "\\\\")).Append(']');
                i = close;
            }
            else regex.Append(Regex.Escape(c.ToString()));
        }
        return regex.ToString();
    }

    public static IEnumerable<string> Closest(string id, int count) =>
        All.Select(l => l.Id)
            .OrderBy(candidate => Distance(id, candidate) - (candidate.Contains(id, StringComparison.Ordinal) ? 100 : 0))
            .ThenBy(candidate => candidate, StringComparer.Ordinal)
            .Take(count);

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex KebabCase();

    static IReadOnlyList<Lesson> Discover()
    {
        var lessons = Discovered.All<Lesson>()
            .OrderBy(l => l.Source.File, StringComparer.Ordinal)
            .ThenBy(l => l.Source.Section)
            .ThenBy(l => l.Source.Position)
            .ThenBy(l => l.Id, StringComparer.Ordinal)
            .ToList();
        foreach (var lesson in lessons)
        {
            if (!KebabCase().IsMatch(lesson.Id))
                throw new InvalidOperationException($"lesson id '{lesson.Id}' ({lesson.GetType().Name}) is not kebab-case");
        }
        var duplicate = lessons.GroupBy(l => l.Id).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new InvalidOperationException($"two lessons share the id '{duplicate.Key}'");
        return lessons;
    }

    // Levenshtein distance, for "did you mean".
    static int Distance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (int i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j] + 1, current[j - 1] + 1));
            }
            previous = current;
        }
        return previous[b.Length];
    }
}
