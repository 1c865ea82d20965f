using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace Lessons.Core.Code;

/// <summary>
/// How a lesson's file reads, measured on its syntax: how far down its <c>Run</c> starts, how many
/// of Run's lines are bookkeeping (lines with no counterpart in the tutorial), and whether the
/// tutorial's training loop stands in Run itself.
/// </summary>
public static class LessonShape
{
    /// <summary>
    /// The calls that keep or check values for the framework rather than run the tutorial: results
    /// recorded by hand (<c>Record</c>, <c>Keep</c>, <c>RecordGraph</c>, a lesson's own <c>Record…</c>
    /// helper), an animation's observer (<c>Observe</c>), a divergence check, progress, a step's scope.
    /// </summary>
    public static readonly IReadOnlySet<string> BookkeepingCalls = new HashSet<string>(StringComparer.Ordinal)
    {
        "Record", "RecordGraph", "Keep", "Observe", "EnsureFinite", "ReportProgress", "StepScope",
    };

    /// <summary>The line (1-based) on which <c>Run</c>'s declaration stands in its file.</summary>
    public static int RunLine(MethodDeclarationSyntax run) =>
        run.GetLocation().GetLineSpan().StartLinePosition.Line + 1;

    /// <summary>The lines of Run's body that call bookkeeping (<see cref="BookkeepingCalls"/>), as text.</summary>
    public static IReadOnlyList<string> BookkeepingLines(MethodDeclarationSyntax run)
    {
        SourceText text = run.SyntaxTree.GetText();
        return run.Body is null ? [] : run.Body.DescendantNodes().OfType<InvocationExpressionSyntax>()
            .Where(call => CalledName(call) is string name && (BookkeepingCalls.Contains(name) || name.StartsWith("Record", StringComparison.Ordinal)))
            .Select(call => call.GetLocation().GetLineSpan().StartLinePosition.Line)
            .Distinct()
            .Select(line => text.Lines[line].ToString().Trim())
            .ToList();
    }

    /// <summary>
    /// Whether Run holds the tutorial's training loop itself: a <c>for</c> or <c>foreach</c> whose body
    /// calls <paramref name="loopCalls"/> in that order (e.g. zero_grad, backward, step), and, where
    /// <paramref name="optimizer"/> is given (<c>torch.optim.SGD</c>), that optimizer constructed in Run
    /// before the loop. A loop in a helper that Run calls does not count. Null when it holds; otherwise why not.
    /// </summary>
    public static string? LoopInRun(MethodDeclarationSyntax run, string? optimizer, IReadOnlyList<string> loopCalls)
    {
        if (run.Body is null) return "Run has no body";
        var loops = run.Body.DescendantNodes().Where(n => n is ForStatementSyntax or ForEachStatementSyntax).ToList();
        // The innermost loop that makes the calls: an outer loop over starts or settings holds them too.
        var loop = loops.LastOrDefault(l => InOrder(LoopBody(l), loopCalls));
        if (loop is null)
            return $"no for/foreach in Run calls {string.Join(", ", loopCalls)} in that order";
        if (optimizer is not null && !run.Body.DescendantNodes().OfType<InvocationExpressionSyntax>()
                .Any(call => call.Expression.ToString() == optimizer && call.SpanStart < loop.SpanStart))
            return $"Run does not construct {optimizer} before its loop";
        return null;
    }

    static StatementSyntax LoopBody(SyntaxNode loop) => loop switch
    {
        ForStatementSyntax f => f.Statement,
        ForEachStatementSyntax f => f.Statement,
        _ => throw new ArgumentException("not a loop", nameof(loop)),
    };

    /// <summary>Whether the body calls each name (a method, or a member read like <c>.grad</c>), in order.</summary>
    static bool InOrder(SyntaxNode body, IReadOnlyList<string> names)
    {
        int from = 0;
        foreach (string name in names)
        {
            var next = body.DescendantNodes()
                .Where(n => n.SpanStart >= from && (n is InvocationExpressionSyntax call && CalledName(call) == name
                    || n is MemberAccessExpressionSyntax access && access.Parent is not InvocationExpressionSyntax && access.Name.Identifier.Text == name))
                .OrderBy(n => n.SpanStart)
                .FirstOrDefault();
            if (next is null) return false;
            from = next.Span.End;
        }
        return true;
    }

    static string? CalledName(InvocationExpressionSyntax call) => call.Expression switch
    {
        MemberAccessExpressionSyntax access => access.Name.Identifier.Text,
        IdentifierNameSyntax name => name.Identifier.Text,
        GenericNameSyntax generic => generic.Identifier.Text,
        _ => null,
    };

    /// <summary>Parses one source text (for checks on code that is not a lesson of the catalogue).</summary>
    public static MethodDeclarationSyntax RunIn(string source) =>
        CSharpSyntaxTree.ParseText(source).GetRoot().DescendantNodes().OfType<MethodDeclarationSyntax>().First(m => m.Identifier.Text == "Run");
}
