using System.Reflection;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Classification;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace Lessons.Core.Site;

/// <summary>
/// C# as highlighted HTML, coloured by Roslyn's own classifier (<see cref="Classifier"/>, the one
/// editors use), semantically: the snippet is classified inside its source file's usings and
/// namespace, against the assemblies this program runs with (.NET, TorchSharp, Lessons.Core), so a
/// type, a method, a local and a parameter each get their own class. Every span becomes a
/// <c>span class="c-…"</c> named after Roslyn's classification ("class name" is <c>c-class-name</c>).
/// </summary>
public sealed class CSharpHighlighter : IDisposable
{
    readonly AdhocWorkspace workspace = new();
    readonly ProjectId project = ProjectId.CreateNewId();
    readonly Dictionary<string, string> contexts = new(StringComparer.Ordinal);
    int documents;

    // ImplicitUsings of the project (Directory.Build.props): the lesson files rely on them.
    const string ImplicitUsings = "global using System; global using System.Collections.Generic; global using System.IO; global using System.Linq; "
        + "global using System.Net.Http; global using System.Threading; global using System.Threading.Tasks;\n";

    public CSharpHighlighter()
    {
        string platform = AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") as string ?? "";
        var references = platform.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Append(typeof(CSharpHighlighter).Assembly.Location)
            .Append(typeof(TorchSharp.torch).Assembly.Location)
            .Where(File.Exists).Distinct(StringComparer.Ordinal)
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path));
        var info = ProjectInfo.Create(project, VersionStamp.Default, "lessons-code", "lessons-code", LanguageNames.CSharp,
            compilationOptions: new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, allowUnsafe: true),
            parseOptions: new CSharpParseOptions(LanguageVersion.Preview),
            metadataReferences: references);
        workspace.AddProject(info);
        workspace.AddDocument(project, "implicit-usings.cs", SourceText.From(ImplicitUsings));
    }

    /// <summary>
    /// <paramref name="code"/> as HTML spans. <paramref name="sourcePath"/> (a lesson file, as the
    /// course pages name it) gives the usings and namespace it is read in; null: the code is a whole file.
    /// </summary>
    public string Html(string code, string? sourcePath)
    {
        string context = sourcePath is null ? "" : Context(sourcePath);
        DocumentId id = DocumentId.CreateNewId(project);
        // A fresh solution per snippet, never applied to the workspace: snippets may define the same types.
        Document document = workspace.CurrentSolution.AddDocument(id, $"snippet{documents++}.cs", SourceText.From(context + code)).GetDocument(id)!;
        var span = new TextSpan(context.Length, code.Length);
        IEnumerable<ClassifiedSpan> spans = Classifier.GetClassifiedSpansAsync(document, span).GetAwaiter().GetResult();

        // Roslyn may give one span several classifications (a static method is "method name" and "static symbol").
        var classesAt = spans.Where(s => s.TextSpan.Length > 0)
            .GroupBy(s => s.TextSpan)
            .OrderBy(g => g.Key.Start)
            .Select(g => (Span: g.Key, Classes: string.Join(" ", g.Select(s => CssClass(s.ClassificationType)).Distinct())));
        var html = new StringBuilder();
        int at = context.Length;
        string text = context + code;
        foreach (var (classified, classes) in classesAt)
        {
            if (classified.Start < at) continue; // nested spans: the outer one was written
            html.Append(MarkdownHtml.Escape(text[at..classified.Start]));
            html.Append($"<span class=\"{classes}\">").Append(MarkdownHtml.Escape(text.Substring(classified.Start, classified.Length))).Append("</span>");
            at = classified.End;
        }
        html.Append(MarkdownHtml.Escape(text[at..]));
        return html.ToString();
    }

    /// <summary>"class name" → <c>c-class-name</c>; "xml doc comment - text" → <c>c-xml-doc-comment-text</c>.</summary>
    public static string CssClass(string classification) =>
        "c-" + string.Join("-", classification.Split([' ', '-'], StringSplitOptions.RemoveEmptyEntries));

    /// <summary>The usings and the namespace of a lesson's source file (embedded in Lessons.Core), which the snippet is read in.</summary>
    string Context(string sourcePath)
    {
        if (contexts.TryGetValue(sourcePath, out string? known)) return known;
        using Stream? stream = typeof(CSharpHighlighter).Assembly.GetManifestResourceStream(sourcePath);
        string context = "";
        if (stream is not null)
        {
            using var reader = new StreamReader(stream, Encoding.UTF8);
            var root = (CompilationUnitSyntax)CSharpSyntaxTree.ParseText(reader.ReadToEnd()).GetRoot();
            var header = new StringBuilder();
            foreach (UsingDirectiveSyntax usingDirective in root.Usings) header.Append(usingDirective.ToString()).Append('\n');
            if (root.Members.OfType<BaseNamespaceDeclarationSyntax>().FirstOrDefault() is { } ns)
                header.Append($"namespace {ns.Name};\n");
            context = header.ToString();
        }
        contexts[sourcePath] = context;
        return context;
    }

    public void Dispose() => workspace.Dispose();
}
