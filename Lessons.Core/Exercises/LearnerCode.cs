using System.Reflection;
using System.Runtime.ExceptionServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using TorchSharp;
using static TorchSharp.torch;

namespace Lessons.Core.Exercises;

/// <summary>
/// The learner's compiled file, and the members the checks call. A member that is missing or whose
/// signature was changed fails the check with the signature the stub has.
/// </summary>
public sealed class LearnerCode(Assembly assembly, IReadOnlyList<SyntaxTree> trees, string path)
{
    public Assembly Assembly { get; } = assembly;

    /// <summary>The files compiled: the exercise's own last, after the capstone's earlier steps.</summary>
    public IReadOnlyList<SyntaxTree> Trees { get; } = trees;

    /// <summary>Whether a stack frame's file is one of the learner's.</summary>
    public bool IsLearners(string? file) => file is not null && Trees.Any(t => t.FilePath == file);

    /// <summary>The file as the learner knows it: <c>exercises/03-relu-backward.cs</c>.</summary>
    public string Path { get; } = path;

    /// <summary>The learner's class of this name (in any namespace).</summary>
    public Type Class(string name) =>
        Assembly.GetTypes().FirstOrDefault(t => t.Name == name && !t.IsNested)
        ?? throw new CheckFailedException($"{Path} has no class {name}; keep the stub's class and fill its TODO");

    /// <summary>A public static method of the learner's class as a typed delegate; <paramref name="signature"/> is how the stub declares it.</summary>
    public TDelegate Method<TDelegate>(string className, string methodName, string signature) where TDelegate : Delegate
    {
        Type type = Class(className);
        MethodInfo invoke = typeof(TDelegate).GetMethod("Invoke")!;
        Type[] parameters = invoke.GetParameters().Select(p => p.ParameterType).ToArray();
        MethodInfo? method = type.GetMethod(methodName, BindingFlags.Public | BindingFlags.Static, parameters);
        if (method is null || method.ReturnType != invoke.ReturnType)
            throw new CheckFailedException($"{Path}: {className}.{methodName} should be `{signature}`, as in the stub; keep its signature");
        return method.CreateDelegate<TDelegate>();
    }

    /// <summary>
    /// The learner's custom autograd Function (a <c>SingleTensorFunction&lt;T&gt;</c> named
    /// <paramref name="className"/>), applied through <see cref="GuardedFunction"/> so that an
    /// exception in its backward, which libtorch calls from native code, becomes a check failure
    /// instead of ending the process.
    /// </summary>
    public Func<Tensor, Tensor> Function(string className)
    {
        Type type = Class(className);
        Type expectedBase = typeof(torch.autograd.SingleTensorFunction<>).MakeGenericType(type);
        if (!type.IsSubclassOf(expectedBase))
            throw new CheckFailedException($"{Path}: {className} should derive from torch.autograd.SingleTensorFunction<{className}>, as in the stub");
        MethodInfo forward = type.GetMethod("forward", [typeof(torch.autograd.AutogradContext), typeof(object[])])!;
        MethodInfo backward = type.GetMethod("backward", [typeof(torch.autograd.AutogradContext), typeof(Tensor)])!;
        object instance = Activator.CreateInstance(type)!;
        return input =>
        {
            GuardedFunction.Target = new GuardedFunction.Learner(className, instance, forward, backward);
            return GuardedFunction.apply(input);
        };
    }

    /// <summary>The body of one of the learner's methods, for checks about how it is written.</summary>
    public MethodDeclarationSyntax? MethodSyntax(string className, string methodName) =>
        Trees.SelectMany(t => t.GetRoot().DescendantNodes()).OfType<ClassDeclarationSyntax>()
            .Where(c => c.Identifier.Text == className)
            .SelectMany(c => c.Members.OfType<MethodDeclarationSyntax>())
            .FirstOrDefault(m => m.Identifier.Text == methodName);
}

/// <summary>
/// A custom autograd Function that runs the learner's forward and backward. libtorch calls backward
/// from native code, where a .NET exception cannot pass (the process would abort); this one keeps
/// the learner's exception, hands libtorch a zero gradient, and <see cref="ThrowPending"/> rethrows
/// it, with the learner's stack, once libtorch has returned.
/// </summary>
public sealed class GuardedFunction : torch.autograd.SingleTensorFunction<GuardedFunction>
{
    internal sealed record Learner(string Name, object Instance, MethodInfo Forward, MethodInfo Backward);

    internal static Learner? Target;
    static ExceptionDispatchInfo? pending;

    /// <summary>True once the learner's backward changed the incoming gradient in place.</summary>
    public static bool ChangedGradOutput { get; private set; }

    public override string Name => Target?.Name ?? nameof(GuardedFunction);

    public override Tensor forward(torch.autograd.AutogradContext ctx, params object[] vars)
    {
        Learner learner = Target ?? throw new InvalidOperationException("no learner Function to apply");
        try
        {
            return (Tensor?)learner.Forward.Invoke(learner.Instance, [ctx, vars])
                ?? throw new CheckFailedException($"{learner.Name}.forward returned null; return the output tensor");
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            ExceptionDispatchInfo.Capture(e.InnerException).Throw();
            throw;
        }
    }

    public override List<Tensor> backward(torch.autograd.AutogradContext ctx, Tensor grad_output)
    {
        Learner learner = Target!;
        Tensor before = grad_output.detach().clone();
        try
        {
            var result = (List<Tensor>?)learner.Backward.Invoke(learner.Instance, [ctx, grad_output]);
            if (!grad_output.detach().eq(before).all().item<bool>()) ChangedGradOutput = true;
            if (result is null || result.Count != 1 || result[0] is null)
                throw new CheckFailedException($"{learner.Name}.backward should return a list of one tensor, the gradient for its input; it returned {(result is null ? "null" : $"{result.Count} item{(result.Count == 1 ? "" : "s")}")}");
            if (!result[0].shape.SequenceEqual(grad_output.shape))
                throw new CheckFailedException($"{learner.Name}.backward returned a gradient of shape {Expect.Shape(result[0])} for an input of shape {Expect.Shape(grad_output)}; the gradient has the input's shape");
            return result;
        }
        catch (Exception e)
        {
            pending ??= ExceptionDispatchInfo.Capture(e is TargetInvocationException { InnerException: Exception inner } ? inner : e);
            return [torch.zeros_like(grad_output)];
        }
    }

    /// <summary>Forgets what earlier runs left: a pending exception and the in-place flag.</summary>
    public static void Reset()
    {
        pending = null;
        ChangedGradOutput = false;
    }

    /// <summary>Rethrows the first exception the learner's backward raised since <see cref="Reset"/>, if any.</summary>
    public static void ThrowPending()
    {
        ExceptionDispatchInfo? first = pending;
        pending = null;
        first?.Throw();
    }
}
