using System.Text.Json;
using Lessons.Cli;

namespace Lessons.Tests;

/// <summary>
/// Workers run one child command after another: each reply is what a child process of its own
/// would have reported, a failure leaves the next command untouched, and Ctrl-C ends the worker.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class WorkerPoolTests
{
    static string Commands(params string[][] commands) =>
        string.Concat(commands.Select(c => JsonSerializer.Serialize(c) + "\n"));

    static List<WorkerReply> Replies(string output) =>
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonSerializer.Deserialize<WorkerReply>(line)!).ToList();

    [Fact]
    public void A_worker_replies_to_each_command_as_a_child_process_would()
    {
        var output = new StringWriter();
        int code = WorkerPool.Serve(new StringReader(Commands(["lesson", "grad-tensors"], ["lesson", "computational-graf"], ["lesson", "chain-rule"])),
            output, TextWriter.Null, CancellationToken.None);
        Assert.Equal(ExitCodes.Ok, code);
        var replies = Replies(output.ToString());
        Assert.Equal([ExitCodes.Ok, ExitCodes.Usage, ExitCodes.Ok], replies.Select(r => r.ExitCode));

        // The same envelope as a child process of its own; the failure in between changes nothing after it.
        var alone = CliRun.Run("lesson", "grad-tensors", ChildProtocol.Flag);
        Assert.Equal(ChildProtocol.Read<string>(alone.Out, alone.Code).Payload, ChildProtocol.Read<string>(replies[0].Envelope, 0).Payload);
        Assert.Contains("unknown lesson 'computational-graf'", ChildProtocol.Read<string>(replies[1].Envelope, 2).Error?.Message);
        var chain = CliRun.Run("lesson", "chain-rule");
        Assert.Equal(chain.Out, ChildProtocol.Read<string>(replies[2].Envelope, 0).Payload);
    }

    [Fact]
    public void After_ctrl_c_a_worker_finishes_the_command_it_has_and_takes_no_more()
    {
        var output = new StringWriter();
        using var interrupted = new CancellationTokenSource();
        interrupted.Cancel();
        int code = WorkerPool.Serve(new StringReader(Commands(["lesson", "himmelblau"], ["lesson", "grad-tensors"])),
            output, TextWriter.Null, interrupted.Token);
        Assert.Equal(ExitCodes.Interrupted, code);
        WorkerReply reply = Assert.Single(Replies(output.ToString()));
        Assert.Equal(ExitCodes.Interrupted, reply.ExitCode);
    }

    [Fact]
    public void RunAll_on_fewer_workers_than_commands_returns_every_result_in_order()
    {
        string[][] commands = [["lesson", "grad-tensors"], ["lesson", "nope"], ["lesson", "chain-rule"], ["lesson", "retain-graph"], ["lesson", "simple-grad"]];
        var runs = WorkerPool.RunAll<string>(commands, 2, CancellationToken.None).Select(t => t.GetAwaiter().GetResult()).ToList();
        Assert.Equal([ExitCodes.Ok, ExitCodes.Usage, ExitCodes.Ok, ExitCodes.Ok, ExitCodes.Ok], runs.Select(r => r.ExitCode));
        foreach (var (command, run) in commands.Zip(runs).Where(p => p.Second.ExitCode == ExitCodes.Ok))
            Assert.Equal(CliRun.Run(command).Out, run.Report.Payload);
    }
}
