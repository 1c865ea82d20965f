using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Lessons.Core.Exercises;

/// <summary>What the learner's text shows where the process that ran it cannot say any more (libtorch aborted it).</summary>
public static class LearnerSyntax
{
    /// <summary>
    /// The first <c>grad(...)</c> or <c>backward(...)</c> call without a <c>retain_graph</c>
    /// argument, as <c>file:line</c>, in the exercise's own file (the last): after it frees the
    /// graph, a later call through the same nodes makes libtorch abort. Null when there is none.
    /// </summary>
    public static string? FirstDifferentiationWithoutRetainGraph(IReadOnlyList<LearnerFile> files)
    {
        if (files.Count == 0) return null;
        LearnerFile own = files[^1];
        SyntaxTree tree = CSharpSyntaxTree.ParseText(own.Source, path: own.DisplayPath);
        InvocationExpressionSyntax? call = tree.GetRoot().DescendantNodes().OfType<InvocationExpressionSyntax>()
            .Where(c => c.Expression is MemberAccessExpressionSyntax { Name.Identifier.Text: "grad" or "backward" })
            .FirstOrDefault(c => !c.ArgumentList.Arguments.Any(a => a.NameColon?.Name.Identifier.Text == "retain_graph"));
        return call is null ? null : $"{own.DisplayPath}:{call.GetLocation().GetLineSpan().StartLinePosition.Line + 1}";
    }
}
