using System.Reflection;
using System.Text;
using Lessons.Core.Catalog;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Lessons.Core.Code;

/// <summary>One member of a type as it is written in its source file (comments included).</summary>
/// <param name="Key">Which member: the file, the type and the member's position, so a page can show it once.</param>
/// <param name="Name">The name it declares (the type's name for a constructor).</param>
/// <param name="Text">Its source, dedented to column 0.</param>
/// <param name="Index">Its position among the type's members.</param>
/// <param name="BlankBefore">Whether a blank line separates it from the member before it in the file.</param>
public sealed record CodeMember(string Key, string Name, string Text, int Index, bool BlankBefore);

/// <summary>
/// One type of a lesson's code: its declaration line (with its doc comment) and the members a
/// reader needs, in source order; the others are left out.
/// </summary>
/// <param name="Path">The source file, from the repository root (e.g. <c>Lessons.Core/Tutorials/Tutorial001/LogisticRegression.cs</c>).</param>
/// <param name="TypeName">The type's name.</param>
/// <param name="Header">Everything before the type's opening brace, or the whole type where it has no body.</param>
/// <param name="Members">The members shown, each dedented.</param>
public sealed record CodeBlock(string Path, string TypeName, string Header, IReadOnlyList<CodeMember> Members)
{
    /// <summary>The type with only <paramref name="members"/> (by default every member of the block) between its braces.</summary>
    public string Render(IEnumerable<CodeMember>? members = null)
    {
        var shown = (members ?? Members).ToList();
        if (Members.Count == 0 && !Header.TrimEnd().EndsWith('{')) return Header;
        var text = new StringBuilder(Header).Append('\n');
        for (int i = 0; i < shown.Count; i++)
        {
            // Keep the file's grouping: members written together stay together.
            if (i > 0 && (shown[i].BlankBefore || shown[i].Index != shown[i - 1].Index + 1)) text.Append('\n');
            foreach (string line in shown[i].Text.Split('\n'))
                text.Append(line.Length == 0 ? "" : "    " + line).Append('\n');
        }
        return text.Append('}').ToString();
    }
}

/// <summary>
/// What a reader needs to follow a lesson's <c>Run</c>: the lesson's class with <c>Run</c>, the
/// nested types and the members <c>Run</c> reaches (its metadata, shown elsewhere, left out), and
/// the tutorials' types that this code uses, from its own folder or one it imports (<see cref="Shared"/>).
/// </summary>
public sealed record LessonCode(Lesson Lesson, CodeBlock Own, IReadOnlyList<CodeBlock> Shared)
{
    /// <summary>Every block as one text, each headed by its file: what <c>lesson &lt;id&gt; --code</c> prints.</summary>
    public string Text =>
        string.Join("\n\n", new[] { Own }.Concat(Shared).Select(b => $"// {b.Path}\n{b.Render()}")) + "\n";
}

/// <summary>
/// A lesson's code, taken from its source file when asked: the lesson sources travel inside this
/// assembly as embedded resources (named by their path from the repository root), and Roslyn's
/// C# parser picks the members out. Only syntax is read: a member counts as used when its name
/// occurs in code already chosen, which is all the lesson files need (they are small and name
/// their helpers plainly).
/// </summary>
public static class LessonSources
{
    const string ResourcePrefix = "Lessons.Core/";

    // The Lesson members a page shows in its own words (title, source, notes, options table).
    static readonly HashSet<string> Metadata = ["Id", "Title", "Source", "Notes", "Seed", "Options"];

    static readonly Lazy<IReadOnlyDictionary<string, SyntaxTree>> trees = new(ParseAll);

    /// <summary>The path of every embedded source file, from the repository root.</summary>
    public static IEnumerable<string> Files => trees.Value.Keys;

    /// <summary>The lesson's <c>Run</c> as its source file declares it (syntax only).</summary>
    public static MethodDeclarationSyntax RunOf(Lesson lesson) =>
        LessonTypeOf(lesson).Members.OfType<MethodDeclarationSyntax>().First(m => m.Identifier.Text == "Run");

    /// <summary>The source file that declares the lesson's <c>Run</c>, from the repository root.</summary>
    public static string FileOf(Lesson lesson) => LessonTypeOf(lesson).SyntaxTree.FilePath;

    static TypeDeclarationSyntax LessonTypeOf(Lesson lesson)
    {
        Type type = lesson.GetType();
        return TutorialTypes().Where(t => t.Declaration.Identifier.Text == type.Name && t.Namespace == type.Namespace)
            .Select(t => t.Declaration).OfType<TypeDeclarationSyntax>()
            .FirstOrDefault(t => t.Members.OfType<MethodDeclarationSyntax>().Any(m => m.Identifier.Text == "Run"))
            ?? throw new InvalidOperationException($"no source with Run for {type.FullName}");
    }

    /// <summary>A lesson's code, found by its class's name and namespace.</summary>
    public static LessonCode For(Lesson lesson)
    {
        Type type = lesson.GetType();
        string folder = FolderOf(type);
        var types = TutorialTypes();
        TypeDeclarationSyntax lessonType = types.Where(t => t.Declaration.Identifier.Text == type.Name && t.Namespace == type.Namespace)
            .Select(t => t.Declaration).OfType<TypeDeclarationSyntax>()
            .FirstOrDefault(t => t.Members.OfType<MethodDeclarationSyntax>().Any(m => m.Identifier.Text == "Run"))
            ?? throw new InvalidOperationException($"no source for {type.FullName} in {folder} (is it an embedded resource of Lessons.Core?)");

        // Grow the choice from Run until nothing new is named: members of the lesson class, and
        // types of the tutorials that the code can see by that name (its own folder's, or another
        // folder's it imports with using), whole, or only the members named for static classes and lessons.
        var chosen = new Dictionary<BaseTypeDeclarationSyntax, HashSet<MemberDeclarationSyntax>>();
        var work = new Queue<(TypeDeclarationSyntax Type, MemberDeclarationSyntax Member)>();
        void Choose(TypeDeclarationSyntax owner, MemberDeclarationSyntax member)
        {
            if (!chosen.TryGetValue(owner, out var members)) chosen[owner] = members = [];
            if (members.Add(member)) work.Enqueue((owner, member));
        }

        MethodDeclarationSyntax run = lessonType.Members.OfType<MethodDeclarationSyntax>().FirstOrDefault(m => m.Identifier.Text == "Run")
            ?? throw new InvalidOperationException($"{type.Name} in {folder} has no Run method");
        Choose(lessonType, run);
        while (work.Count > 0)
        {
            var (owner, member) = work.Dequeue();
            var names = member.DescendantNodesAndSelf().OfType<SimpleNameSyntax>().Select(n => n.Identifier.Text).ToHashSet();
            var qualified = member.DescendantNodes().OfType<MemberAccessExpressionSyntax>()
                .Where(a => a.Expression is IdentifierNameSyntax)
                .Select(a => (Type: ((IdentifierNameSyntax)a.Expression).Identifier.Text, Member: a.Name.Identifier.Text))
                .ToHashSet();

            // Members of the same type named here (a lesson's helpers, a static class's other members).
            foreach (var candidate in owner.Members.Where(m => !IsMetadata(owner, m) && NamesOf(m).Any(names.Contains)))
                Choose(owner, candidate);

            // Members of the classes this file imports with using static (the tutorial's forward and loss), named here.
            foreach (var imported in types.Where(t => t.Declaration is TypeDeclarationSyntax && t.IsStaticallyImportedBy(member)))
            {
                var declaration = (TypeDeclarationSyntax)imported.Declaration;
                foreach (var candidate in declaration.Members.Where(m => NamesOf(m).Any(names.Contains)))
                    Choose(declaration, candidate);
            }

            // Types named here that this code sees; the framework's (what only a picture or a test
            // reads) are not the tutorial's code.
            foreach (var found in types.Where(t => t.Declaration != owner && names.Contains(t.Declaration.Identifier.Text) && t.IsVisibleFrom(member) && !IsFramework(t.Declaration)).Select(t => t.Declaration))
            {
                // An enum is shown whole; its members name nothing further.
                if (found is not TypeDeclarationSyntax declaration) chosen.TryAdd(found, []);
                else if (declaration == lessonType || IsPartial(declaration))
                {
                    string typeName = declaration.Identifier.Text;
                    var used = declaration.Members.Where(m => !IsMetadata(declaration, m) && NamesOf(m).Any(n => qualified.Contains((typeName, n)))).ToList();
                    foreach (var candidate in used)
                        Choose(declaration, candidate);
                    // A record named only as a type (constructed, deconstructed) is shown whole.
                    if (used.Count == 0 && declaration is RecordDeclarationSyntax)
                    {
                        foreach (var candidate in declaration.Members) Choose(declaration, candidate);
                        chosen.TryAdd(declaration, []);
                    }
                }
                else
                {
                    foreach (var candidate in declaration.Members) Choose(declaration, candidate);
                    if (declaration.Members.Count == 0) chosen.TryAdd(declaration, []);
                }
            }
        }

        var pathOf = types.ToDictionary(t => t.Declaration, t => t.Path);
        CodeBlock Block(BaseTypeDeclarationSyntax declaration) => BlockOf(pathOf[declaration], declaration, chosen[declaration]);
        var shared = chosen.Keys.Where(t => t != lessonType)
            .OrderBy(t => pathOf[t], StringComparer.Ordinal).ThenBy(t => t.SpanStart)
            .Select(Block).ToList();
        return new LessonCode(lesson, Block(lessonType), shared);
    }

    /// <summary>
    /// A type of a tutorial's folder that serves the framework, not the tutorial: what takes a
    /// training's pictures (an <c>IStepObserver</c>), a figure set, the names results are read by.
    /// </summary>
    static bool IsFramework(BaseTypeDeclarationSyntax type) =>
        type.BaseList?.Types.Any(b => b.Type.ToString() is "IStepObserver" || b.Type.ToString().EndsWith("Figures", StringComparison.Ordinal)) == true
        || type.Identifier.Text.EndsWith("Results", StringComparison.Ordinal);

    /// <summary>A static class, a record or a lesson: shown member by member (only what is used), not whole.</summary>
    static bool IsPartial(TypeDeclarationSyntax type) =>
        type.Modifiers.Any(SyntaxKind.StaticKeyword) || type is RecordDeclarationSyntax
        || type.BaseList?.Types.Any(b => b.Type is IdentifierNameSyntax { Identifier.Text: "Lesson" }) == true;

    static bool IsMetadata(TypeDeclarationSyntax owner, MemberDeclarationSyntax member) =>
        owner.BaseList?.Types.Any(b => b.Type is IdentifierNameSyntax { Identifier.Text: "Lesson" }) == true
        && member is PropertyDeclarationSyntax property
        && property.Modifiers.Any(SyntaxKind.OverrideKeyword)
        && Metadata.Contains(property.Identifier.Text);

    /// <summary>The names a member declares (a field may declare several).</summary>
    static IEnumerable<string> NamesOf(MemberDeclarationSyntax member) => member switch
    {
        BaseFieldDeclarationSyntax field => field.Declaration.Variables.Select(v => v.Identifier.Text),
        MethodDeclarationSyntax method => [method.Identifier.Text],
        PropertyDeclarationSyntax property => [property.Identifier.Text],
        BaseTypeDeclarationSyntax type => [type.Identifier.Text],
        DelegateDeclarationSyntax @delegate => [@delegate.Identifier.Text],
        // Constructors are used whenever their type is; a chosen type is shown whole.
        _ => [],
    };

    static CodeBlock BlockOf(string path, BaseTypeDeclarationSyntax declaration, HashSet<MemberDeclarationSyntax> members)
    {
        if (declaration is not TypeDeclarationSyntax type) return new CodeBlock(path, declaration.Identifier.Text, Dedent(declaration.ToFullString()), []);
        string header = type.OpenBraceToken.IsKind(SyntaxKind.None) || type.OpenBraceToken.IsMissing
            ? type.ToFullString()
            : type.SyntaxTree.GetText().ToString(TextSpanFrom(type.FullSpan.Start, type.OpenBraceToken.Span.End));
        var shown = type.Members
            .Select((member, index) => (member, index))
            .Where(m => members.Contains(m.member))
            .Select(m => new CodeMember($"{path}#{type.Identifier.Text}#{m.index}", NamesOf(m.member).FirstOrDefault() ?? type.Identifier.Text,
                Dedent(m.member.ToFullString()), m.index, StartsWithBlankLine(m.member)))
            .ToList();
        return new CodeBlock(path, type.Identifier.Text, Dedent(header), shown);
    }

    static bool StartsWithBlankLine(MemberDeclarationSyntax member) =>
        member.GetLeadingTrivia().SkipWhile(t => t.IsKind(SyntaxKind.WhitespaceTrivia)).FirstOrDefault().IsKind(SyntaxKind.EndOfLineTrivia);

    static Microsoft.CodeAnalysis.Text.TextSpan TextSpanFrom(int start, int end) => Microsoft.CodeAnalysis.Text.TextSpan.FromBounds(start, end);

    /// <summary>Lines without their common indentation, and without blank lines at either end.</summary>
    public static string Dedent(string text)
    {
        var lines = text.ReplaceLineEndings("\n").Split('\n').Select(l => l.TrimEnd()).ToList();
        while (lines.Count > 0 && lines[0].Length == 0) lines.RemoveAt(0);
        while (lines.Count > 0 && lines[^1].Length == 0) lines.RemoveAt(lines.Count - 1);
        int indent = lines.Where(l => l.Length > 0).Select(l => l.Length - l.TrimStart(' ').Length).DefaultIfEmpty(0).Min();
        return string.Join("\n", lines.Select(l => l.Length == 0 ? "" : l[indent..]));
    }

    /// <summary>The folder of a type's source, from its namespace: Lessons.Core.Tutorials.Tutorial001 → Lessons.Core/Tutorials/Tutorial001.</summary>
    static string FolderOf(Type type)
    {
        const string root = "Lessons.Core.";
        string ns = type.Namespace ?? "";
        if (!ns.StartsWith(root, StringComparison.Ordinal))
            throw new InvalidOperationException($"{type.FullName} is not in a folder of Lessons.Core");
        return ResourcePrefix + ns[root.Length..].Replace('.', '/');
    }

    const string TutorialsFolder = ResourcePrefix + "Tutorials/";

    /// <summary>A top-level type of a tutorial's folder: its declaration, file and namespace.</summary>
    sealed record SourceType(BaseTypeDeclarationSyntax Declaration, string Path, string Namespace)
    {
        /// <summary>Whether code in <paramref name="member"/>'s file names this type by its simple name: same namespace, or a using of it.</summary>
        public bool IsStaticallyImportedBy(SyntaxNode member) =>
            member.SyntaxTree.GetCompilationUnitRoot().Usings.Any(u =>
                u.Alias is null && u.StaticKeyword.IsKind(SyntaxKind.StaticKeyword) && u.Name?.ToString() == Namespace + "." + Declaration.Identifier.Text);

        public bool IsVisibleFrom(SyntaxNode member) =>
            NamespaceOf(member) == Namespace
            || member.SyntaxTree.GetCompilationUnitRoot().Usings.Any(u =>
                u.Alias is null && u.StaticKeyword.IsKind(SyntaxKind.None) && u.Name?.ToString() == Namespace);
    }

    static string NamespaceOf(SyntaxNode node) =>
        node.AncestorsAndSelf().OfType<BaseNamespaceDeclarationSyntax>().FirstOrDefault()?.Name.ToString()
        ?? node.SyntaxTree.GetCompilationUnitRoot().Members.OfType<BaseNamespaceDeclarationSyntax>().FirstOrDefault()?.Name.ToString()
        ?? "";

    static readonly Lazy<List<SourceType>> tutorialTypes = new(() =>
        trees.Value
            .Where(file => file.Key.StartsWith(TutorialsFolder, StringComparison.Ordinal))
            .SelectMany(file => file.Value.GetCompilationUnitRoot().Members
                .SelectMany(m => m is BaseNamespaceDeclarationSyntax ns ? ns.Members : [m])
                .OfType<BaseTypeDeclarationSyntax>()
                .Select(t => new SourceType(t, file.Key, NamespaceOf(t))))
            .ToList());

    /// <summary>Every top-level type of every tutorial's folder.</summary>
    static List<SourceType> TutorialTypes() => tutorialTypes.Value;

    static IReadOnlyDictionary<string, SyntaxTree> ParseAll()
    {
        Assembly assembly = typeof(LessonSources).Assembly;
        var options = new CSharpParseOptions(LanguageVersion.Preview);
        var files = new SortedDictionary<string, SyntaxTree>(StringComparer.Ordinal);
        foreach (string name in assembly.GetManifestResourceNames())
        {
            string path = name.Replace('\\', '/');
            if (!path.StartsWith(ResourcePrefix, StringComparison.Ordinal) || !path.EndsWith(".cs", StringComparison.Ordinal)) continue;
            using var reader = new StreamReader(assembly.GetManifestResourceStream(name)!, Encoding.UTF8);
            files[path] = CSharpSyntaxTree.ParseText(reader.ReadToEnd(), options, path);
        }
        return files;
    }
}
