using Lessons.Cli;
using Lessons.Core.Catalog;
using Lessons.Core.Parity;

namespace Lessons.Tests;

/// <summary>
/// The one protocol between the command line and its child processes: a child writes one JSON
/// envelope on stdout (payload, files, notices, error with its exit code) and nothing else for its
/// parent; the parent reads typed results back.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class ChildProtocolTests
{
    [Fact]
    public void A_childs_payload_is_what_the_command_prints()
    {
        var alone = CliRun.Run("lesson", "grad-tensors");
        var child = CliRun.Run("lesson", "grad-tensors", ChildProtocol.Flag);
        Assert.Equal(ExitCodes.Ok, child.Code);
        Envelope<string> report = ChildProtocol.Read<string>(child.Out, child.Code);
        Assert.Null(report.Error);
        Assert.Equal(alone.Out, report.Payload);
        Assert.Empty(report.Files);
    }

    [Fact]
    public void A_childs_error_comes_in_its_envelope_with_its_exit_code_not_as_a_line()
    {
        var child = CliRun.Run("lesson", "computational-graf", ChildProtocol.Flag);
        Assert.Equal(ExitCodes.Usage, child.Code);
        Assert.DoesNotContain("error:", child.Err);
        ChildError error = Assert.IsType<ChildError>(ChildProtocol.Read<string>(child.Out, child.Code).Error);
        Assert.Equal(ExitCodes.Usage, error.ExitCode);
        Assert.Contains("unknown lesson 'computational-graf'", error.Message);

        // A usage error found by the parser is reported the same way.
        var parse = CliRun.Run("lesson", "grad-tensors", "--seed", "x", ChildProtocol.Flag);
        Assert.Equal(ExitCodes.Usage, ChildProtocol.Read<string>(parse.Out, parse.Code).Error?.ExitCode);
        Assert.Equal("", parse.Err);
    }

    [Fact]
    public void A_child_that_leaves_no_envelope_is_a_failure_with_its_exit_code()
    {
        Assert.Equal(new ChildError("the child process exited 3 without a report", 3), ChildProtocol.Read<string>("", 3).Error);
        Assert.Equal(ExitCodes.Failed, ChildProtocol.Read<string>("", 0).Error?.ExitCode);
        // Killed by a signal (.NET reports 128 + its number): the signal named, and a failure (1), as the README says.
        Assert.Equal(new ChildError("its process was killed by signal 11 (SIGSEGV) before it reported", ExitCodes.Failed), ChildProtocol.Read<string>("Segmentation fault", 139).Error);
        Assert.Equal(new ChildError("its process was killed by signal 9 (SIGKILL) before it reported", ExitCodes.Failed), ChildProtocol.Read<string>("", 137).Error);
        Assert.Equal(ExitCodes.Interrupted, ChildProtocol.Read<string>("", 130).Error?.ExitCode);
    }

    [Fact]
    public void RunAll_returns_typed_results_in_the_order_given()
    {
        var console = new CliConsole(TextWriter.Null, TextWriter.Null, false);
        var runs = SelfProcess.RunAll<List<ParityVerdict>>(
            [["parity", "--jobs", "1", "--lesson", "chain-rule"], ["parity", "--jobs", "1", "--lesson", "grad-tensors"]], 2, console);
        ParityVerdict[] verdicts = runs.Select(run => Assert.Single(run.GetAwaiter().GetResult().Report.Payload!)).ToArray();
        Assert.Equal(["chain-rule", "grad-tensors"], verdicts.Select(v => v.Lesson));
        Assert.All(verdicts, v => Assert.True(v.Passed, v.Problem));
        Assert.All(verdicts, v => Assert.NotEmpty(v.Values));
    }
}
