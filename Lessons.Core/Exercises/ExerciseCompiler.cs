using System.Reflection;
using System.Runtime.Loader;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Emit;

namespace Lessons.Core.Exercises;

/// <summary>One compiler error, as the compiler gives it, at the learner's file, line and column (from 1).</summary>
public sealed record CompileError(string Path, int Line, int Column, string Code, string Message)
{
    public override string ToString() => $"{Path}:{Line}:{Column}: error {Code}: {Message}";
}

/// <summary>One of the learner's files: its text and its path as the learner knows it.</summary>
public sealed record LearnerFile(string Source, string DisplayPath)
{
    /// <summary>
    /// Whether these bytes can be a C# source file: UTF-8 (a byte-order mark allowed) with no NUL
    /// and no control characters but tab, line breaks and form feed. A file of binary garbage
    /// would otherwise give hundreds of compiler errors that echo its bytes.
    /// </summary>
    public static bool IsText(byte[] bytes)
    {
        string text;
        try
        {
            text = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
        return !text.Any(c => char.IsControl(c) && c is not ('\t' or '\n' or '\r' or '\f'));
    }
}

/// <summary>The learner's file compiled: the errors (none when it compiled) and, when it did, the code.</summary>
public sealed record CompileOutcome(IReadOnlyList<CompileError> Errors, LearnerCode? Code)
{
    public bool Compiled => Code is not null;
}

/// <summary>
/// Compiles a learner's file in this process with Roslyn, against the .NET libraries, TorchSharp and
/// Lessons.Core, with debug information, so an exception in the learner's code names their line.
/// </summary>
public static class ExerciseCompiler
{
    static readonly Lazy<IReadOnlyList<MetadataReference>> references = new(References);
    static int loaded;

    /// <param name="source">The file's text.</param>
    /// <param name="displayPath">The path errors and stack frames name, as the learner knows the file (<c>exercises/03-relu-backward.cs</c>).</param>
    public static CompileOutcome Compile(string source, string displayPath) => Compile([new LearnerFile(source, displayPath)]);

    /// <summary>Several of the learner's files compiled together (the capstone's engine, step by step); the last is the exercise's own.</summary>
    public static CompileOutcome Compile(IReadOnlyList<LearnerFile> files)
    {
        var trees = files.Select(f => CSharpSyntaxTree.ParseText(f.Source, new CSharpParseOptions(LanguageVersion.Latest), f.DisplayPath, Encoding.UTF8)).ToList();
        string displayPath = files[^1].DisplayPath;
        string name = $"exercise{Interlocked.Increment(ref loaded)}";
        var compilation = CSharpCompilation.Create(name, trees, references.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary,
                optimizationLevel: OptimizationLevel.Debug,
                nullableContextOptions: NullableContextOptions.Annotations));
        using var pe = new MemoryStream();
        using var pdb = new MemoryStream();
        EmitResult emitted = compilation.Emit(pe, pdb, options: new EmitOptions(debugInformationFormat: DebugInformationFormat.PortablePdb));
        var errors = emitted.Diagnostics
            .Where(d => d.Severity == DiagnosticSeverity.Error)
            .OrderBy(d => d.Location.SourceSpan.Start)
            .Select(d =>
            {
                FileLinePositionSpan span = d.Location.GetLineSpan();
                return new CompileError(span.Path.Length > 0 ? span.Path : displayPath,
                    span.StartLinePosition.Line + 1, span.StartLinePosition.Character + 1, d.Id, d.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
            })
            .ToList();
        if (!emitted.Success) return new CompileOutcome(errors, null);
        pe.Position = 0;
        pdb.Position = 0;
        // Not collectible: TorchSharp hands delegates of the learner's Function types to native code,
        // which a collectible context does not allow. Each check runs in a short-lived process anyway.
        var context = new AssemblyLoadContext(name, isCollectible: false);
        Assembly assembly = context.LoadFromStream(pe, pdb);
        return new CompileOutcome([], new LearnerCode(assembly, trees, displayPath));
    }

    // The .NET libraries, TorchSharp and Lessons.Core as this process has them: the learner's code
    // runs in this process, so it must see the very assemblies the checks use.
    static IReadOnlyList<MetadataReference> References()
    {
        string[] platform = ((string?)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        var chosen = platform
            .Where(path =>
            {
                string file = Path.GetFileNameWithoutExtension(path);
                return file.StartsWith("System", StringComparison.Ordinal) || file is "netstandard" or "mscorlib" or "TorchSharp";
            })
            .ToList();
        chosen.Add(typeof(ExerciseCompiler).Assembly.Location);
        if (!chosen.Any(p => Path.GetFileNameWithoutExtension(p) == "TorchSharp"))
            chosen.Add(typeof(TorchSharp.torch).Assembly.Location);
        return chosen.Distinct().Select(path => (MetadataReference)MetadataReference.CreateFromFile(path)).ToList();
    }
}
