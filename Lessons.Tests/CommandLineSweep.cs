using System.CommandLine;
using System.CommandLine.Help;

namespace Lessons.Tests;

/// <summary>One malformed input: the command, the option or argument it targets, the value, the whole argument list, and the folder that must not be made.</summary>
public sealed record SweepCase(string Command, string Symbol, string Value, IReadOnlyList<string> Args, string? Folder = null)
{
    public override string ToString() => $"{Command} {Symbol} '{Value}': lessons {string.Join(' ', Args.Select(a => a.Length == 0 || a.Contains(' ') ? $"'{a}'" : a))}";
}

/// <summary>
/// What the sweep must know of a program besides its command tree: the arguments that make a valid
/// invocation of a command apart from the symbol under test (its required arguments, and a folder
/// option whose creation would show that work started), and which text options name an output
/// path, where any plain word is a valid value and only an empty or impossible path is malformed.
/// </summary>
public sealed record SweepSetup
{
    /// <summary>The rest of a valid invocation of the command, given the symbol under test; null where the sweep is not told one (then a command with a required argument fails the sweep).</summary>
    public Func<Command, Symbol, (IReadOnlyList<string> Args, string? Folder)?> Rest { get; init; } = (_, _) => null;

    /// <summary>"command --option" of the options whose value is a path to write.</summary>
    public IReadOnlySet<string> OutputPaths { get; init; } = new HashSet<string>();

    /// <summary>A path below a file: malformed for every output path.</summary>
    public string? PathBelowAFile { get; init; }

    /// <summary>More cases from outside the tree (the lessons' own options, given with --set).</summary>
    public Func<IEnumerable<SweepCase>> Extra { get; init; } = () => [];
}

/// <summary>
/// The bad-input sweep, generated from System.CommandLine's tree (the root command, its commands,
/// their options and arguments), so that an option added later is swept without anyone adding it:
/// each option and argument gets the malformed values of its kind, and each run must be refused as
/// bad input is (exit 2, one "error:" line, no trace, no .NET name, no libtorch frames, nothing
/// printed on stdout, no folder made).
/// </summary>
public static class CommandLineSweep
{
    /// <summary>The issue's malformed values; each kind of value takes those that are malformed for it.</summary>
    public static readonly string[] Malformed = ["abc", "1.5", "", "-1", "0", "2147483648", "1e39", "NaN", "inf"];

    /// <summary>Every command of the tree a user sees (not hidden), with the words that reach it.</summary>
    public static IEnumerable<(string[] Path, Command Command)> Commands(Command root)
    {
        yield return ([], root);
        foreach (Command sub in root.Subcommands.Where(c => !c.Hidden))
            foreach (var (path, command) in Commands(sub))
                yield return ([sub.Name, .. path], command);
    }

    /// <summary>The options a user sees on the command: its own and the recursive ones of the commands above it.</summary>
    public static IEnumerable<Option> Options(Command command) =>
        command.Options.Concat(command.Parents.OfType<Command>().SelectMany(Ancestors).SelectMany(c => c.Options).Where(o => o.Recursive))
            .Where(o => !o.Hidden && o is not HelpOption && o is not VersionOption)
            .Distinct();

    static IEnumerable<Command> Ancestors(Command command) =>
        [command, .. command.Parents.OfType<Command>().SelectMany(Ancestors)];

    /// <summary>
    /// The values malformed for a symbol's kind, read from its value type: a count (int) takes none
    /// of them (the program's counts start at 1); a seed (long) takes the non-integers and one beyond
    /// 64 bits; a flag (bool) any word that is not true or false; text all of them, but a path to
    /// write only the empty one and a path below a file (any other word names a folder it may make).
    /// </summary>
    public static IEnumerable<string> ValuesFor(Symbol symbol, string commandName, SweepSetup setup)
    {
        Type type = symbol switch { Option o => o.ValueType, Argument a => a.ValueType, _ => typeof(string) };
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type.IsArray) type = type.GetElementType()!;
        if (type == typeof(int)) return Malformed;
        if (type == typeof(long)) return [.. Malformed.Where(v => !long.TryParse(v, out _)), "99999999999999999999"];
        if (type == typeof(bool)) return Malformed.Where(v => v.Length > 0); // "--flag=" is the flag itself
        if (type == typeof(string))
            return setup.OutputPaths.Contains($"{commandName} {symbol.Name}")
                ? ["", .. setup.PathBelowAFile is null ? Array.Empty<string>() : [setup.PathBelowAFile]]
                : Malformed;
        throw new InvalidOperationException($"{commandName} {symbol.Name}: the sweep knows no malformed values for {type.Name}; teach it this kind");
    }

    /// <summary>Every case the tree and the setup give.</summary>
    public static IReadOnlyList<SweepCase> Cases(Command root, SweepSetup setup)
    {
        var cases = new List<SweepCase>();
        foreach (var (path, command) in Commands(root))
        {
            string name = path.Length == 0 ? "(root)" : string.Join(' ', path);
            var symbols = Options(command).Cast<Symbol>().Concat(command.Arguments.Where(a => !a.Hidden));
            foreach (Symbol symbol in symbols)
            {
                var rest = setup.Rest(command, symbol);
                bool required = command.Arguments.Any(a => a.Arity.MinimumNumberOfValues > 0 && a != symbol);
                if (rest is null && required)
                    throw new InvalidOperationException($"{name}: the sweep needs a valid invocation of this command (its required arguments); add one to its setup");
                var (restArgs, folder) = rest ?? ([], null);
                foreach (string value in ValuesFor(symbol, name, setup))
                {
                    string[] given = symbol switch
                    {
                        Option { ValueType: var t } option when t == typeof(bool) => [$"{option.Name}={value}"],
                        Option option => [option.Name, value],
                        _ => [value],
                    };
                    cases.Add(new SweepCase(name, symbol.Name, value, [.. path, .. symbol is Argument ? given : restArgs, .. symbol is Argument ? restArgs : given], folder));
                }
            }
        }
        cases.AddRange(setup.Extra());
        return cases;
    }

    /// <summary>What is wrong with how the program answered a case; null when it was refused as bad input should be.</summary>
    public static string? Problem(SweepCase sweepCase, CliResult result)
    {
        string[] lines = result.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        foreach (string marker in new[] { "   at ", "System.", "Exception", "`1", "frame #", "c10::" })
            if (result.Err.Contains(marker, StringComparison.Ordinal) || result.Out.Contains(marker, StringComparison.Ordinal))
                return $"a stack trace, a .NET name or a native frame ('{marker}'): {First(result.Err + result.Out)}";
        if (result.Code != 2) return $"exit {result.Code}, not 2: {First(result.Err)}";
        if (lines.Length != 1) return $"{lines.Length} lines on stderr, not one: {string.Join(" | ", lines.Take(3))}";
        if (!lines[0].StartsWith("error: ", StringComparison.Ordinal)) return $"the line does not start with 'error: ': {lines[0]}";
        if (result.Out.Length > 0) return $"work started: it printed {First(result.Out)}";
        if (sweepCase.Folder is not null && Path.Exists(sweepCase.Folder)) return $"work started: it made {sweepCase.Folder}";
        return null;
    }

    static string First(string text) => text.Split('\n').FirstOrDefault(l => l.Length > 0) ?? "(nothing)";

    /// <summary>Runs every case through <paramref name="run"/>; the failures, each with its case. An exception is a failure too: the program would have printed its trace.</summary>
    public static IReadOnlyList<string> Failures(IEnumerable<SweepCase> cases, Func<IReadOnlyList<string>, CliResult> run)
    {
        var failures = new List<string>();
        foreach (SweepCase sweepCase in cases)
        {
            string? problem;
            try
            {
                problem = Problem(sweepCase, run(sweepCase.Args));
            }
            catch (Exception e)
            {
                problem = $"unhandled {e.GetType().Name}: {e.Message}";
            }
            if (problem is not null) failures.Add($"{sweepCase}: {problem}");
        }
        return failures;
    }
}
