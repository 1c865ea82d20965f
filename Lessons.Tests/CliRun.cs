using Lessons.Cli;

namespace Lessons.Tests;

/// <summary>What one in-process run of the command line printed.</summary>
public sealed record CliResult(int Code, string Out, string Err)
{
    /// <summary>The lines of stderr that are not progress lines ("[lesson] stage: done/total").</summary>
    public IReadOnlyList<string> ErrorLines =>
        Err.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(line => !line.StartsWith('[')).ToList();
}

/// <summary>Runs the command line in process, with stdout and stderr captured (stderr redirected, so no bars).</summary>
public static class CliRun
{
    public static CliResult Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = LessonsCommandLine.Run(args, stdout, stderr);
        return new CliResult(code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>
    /// Bad input: the exit code, exactly one "error:" line on stderr (besides progress lines)
    /// naming every <paramref name="mentions"/>, and no stack trace. Returns the error line.
    /// </summary>
    public static string AssertOneLineError(CliResult result, int code, params string[] mentions)
    {
        Assert.Equal(code, result.Code);
        string error = Assert.Single(result.ErrorLines);
        Assert.StartsWith("error: ", error);
        Assert.DoesNotContain("   at ", result.Err);
        foreach (string mention in mentions) Assert.Contains(mention, error);
        return error;
    }
}
