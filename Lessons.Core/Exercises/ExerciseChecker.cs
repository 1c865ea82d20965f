using System.Diagnostics;
using Lessons.Core.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace Lessons.Core.Exercises;

public enum CheckStatus
{
    Passed,
    Failed,

    /// <summary>The learner's member still throws the stub's NotImplementedException: nothing after it is checked.</summary>
    NotWritten,

    /// <summary>Not run: an earlier check failed, so this one would say nothing new (or mislead).</summary>
    NotChecked,
}

/// <summary>What one check found: its status and, when it failed, one line and the numbers behind it.</summary>
public sealed record CheckResult(string Name, CheckStatus Status, string? Problem = null, IReadOnlyList<string>? Details = null)
{
    public bool Passed => Status == CheckStatus.Passed;
}

/// <summary>
/// Runs an exercise's checks on the learner's compiled code, one after another, and words every way
/// the learner's code can go wrong: a wrong answer (the check's own message), an exception in the
/// learner's code (its type, message and the learner's file and line), a member not written yet.
/// </summary>
public static class ExerciseChecker
{
    /// <summary>
    /// Runs the checks in order on this thread, reporting each as it starts and ends. The first that
    /// does not pass ends the run: a later check would meet the same fault and word it worse (a
    /// wrong shape read as "grad_output changed"). The result holds only the checks that ran.
    /// </summary>
    public static IReadOnlyList<CheckResult> Run(Exercise exercise, LearnerCode code, Action<ExerciseCheck>? starting = null, Action<CheckResult>? finished = null,
        KernelChoice kernels = KernelChoice.Pinned)
    {
        // The checks compare with lessons run in this process, so any kernels agree with them; pinned
        // ones unless the host started libtorch otherwise (the first start decides).
        TorchRuntime.Start(kernels);
        torch.set_num_threads(1); // as the lessons run: the same digits on every machine
        var results = new List<CheckResult>();
        foreach (ExerciseCheck check in exercise.Checks)
        {
            starting?.Invoke(check);
            CheckResult result = RunOne(check, code);
            results.Add(result);
            finished?.Invoke(result);
            if (!result.Passed) break;
        }
        return results;
    }

    static CheckResult RunOne(ExerciseCheck check, LearnerCode code)
    {
        GuardedFunction.Reset();
        using var gradMode = torch.enable_grad();
        using var scope = NewDisposeScope();
        try
        {
            check.Run(code);
            GuardedFunction.ThrowPending();
            return new CheckResult(check.Name, CheckStatus.Passed);
        }
        catch (CheckFailedException failure)
        {
            return new CheckResult(check.Name, CheckStatus.Failed, failure.Message, failure.Details);
        }
        catch (Exception e)
        {
            return Describe(check.Name, e, code);
        }
    }

    /// <summary>An exception the check did not expect, worded for the learner: where in their file, and what.</summary>
    public static CheckResult Describe(string check, Exception e, LearnerCode code)
    {
        if (e is System.Reflection.TargetInvocationException { InnerException: Exception inner }) e = inner;
        StackFrame? theirs = new StackTrace(e, fNeedFileInfo: true).GetFrames()
            .FirstOrDefault(f => code.IsLearners(f.GetFileName()));
        string where = theirs is null ? "" : $"{theirs.GetFileName()}:{theirs.GetFileLineNumber()}";
        string member = theirs?.GetMethod() is { } method ? $"{method.DeclaringType?.Name}.{method.Name}" : "";
        if (e is NotImplementedException && theirs is not null)
            return new CheckResult(check, CheckStatus.NotWritten,
                $"{member} is not written yet: the TODO at {where} still throws NotImplementedException");
        string what = e is System.Runtime.InteropServices.ExternalException ? "libtorch" : e.GetType().Name;
        string message = TorchErrors.OneLine(e);
        return theirs is not null
            ? new CheckResult(check, CheckStatus.Failed, $"{member} failed at {where}: {what}: {message}")
            : new CheckResult(check, CheckStatus.Failed, $"the check could not use your code's result: {what}: {message}");
    }
}
