using System.Diagnostics;
using System.Text.Json;

namespace Lessons.Cli;

/// <summary>What a worker sends back for one command: its exit code and the envelope it printed.</summary>
public sealed record WorkerReply(int ExitCode, string Envelope);

/// <summary>
/// Long-lived child processes of this program, each running one command after another exactly as a
/// child process of its own would (<see cref="ChildProtocol.Flag"/>: one envelope per command). A batch
/// of lessons then starts .NET and libtorch once per worker instead of once per lesson (about 0.4 s of
/// CPU each), and later lessons run code the JIT has already optimised. A worker runs one lesson at a
/// time, so libtorch's process-global generator is never shared by lessons running at once, and
/// every lesson seeds it itself; the runner resets grad mode and the thread count for each.
/// The protocol is one JSON line each way: the command's arguments in, a <see cref="WorkerReply"/> out.
/// </summary>
public static class WorkerPool
{
    /// <summary>Hidden: serve commands read from stdin until it closes (or Ctrl-C ends one).</summary>
    public const string Flag = "--worker";

    public static bool IsWorker(IReadOnlyList<string> args) => args is [Flag];

    /// <summary>The worker's side: each line of <paramref name="input"/> is a command; each reply is a line of <paramref name="output"/>.</summary>
    public static int Serve(TextReader input, TextWriter output, TextWriter error, CancellationToken interrupt)
    {
        while (input.ReadLine() is string line)
        {
            string[] args = JsonSerializer.Deserialize<string[]>(line) ?? [];
            var printed = new StringWriter();
            int code = LessonsCommandLine.Run([.. args, ChildProtocol.Flag], printed, error, interactive: false, interrupt);
            output.WriteLine(JsonSerializer.Serialize(new WorkerReply(code, printed.ToString())));
            output.Flush();
            // Ctrl-C stopped this command at its next step: take no more.
            if (interrupt.IsCancellationRequested) return ExitCodes.Interrupted;
        }
        return ExitCodes.Ok;
    }

    /// <summary>
    /// The parent's side: runs every argument list on at most <paramref name="workers"/> workers, each
    /// taking the next list as soon as it is free; the tasks come back in the order given. A worker that
    /// dies fails only the command it was running, and a fresh one takes the rest. On
    /// <paramref name="interrupt"/> the workers get SIGINT; commands not yet started report the interrupt.
    /// </summary>
    public static IReadOnlyList<Task<ChildResult<T>>> RunAll<T>(IReadOnlyList<IReadOnlyList<string>> argsList, int workers, CancellationToken interrupt)
    {
        var results = argsList.Select(_ => new TaskCompletionSource<ChildResult<T>>(TaskCreationOptions.RunContinuationsAsynchronously)).ToArray();
        int next = -1;
        for (int w = 0; w < Math.Clamp(workers, 1, Math.Max(1, argsList.Count)); w++)
            _ = Task.Run(async () =>
            {
                Worker? worker = null;
                try
                {
                    for (int i = Interlocked.Increment(ref next); i < argsList.Count; i = Interlocked.Increment(ref next))
                    {
                        try
                        {
                            if (interrupt.IsCancellationRequested)
                            {
                                results[i].SetResult(new(ExitCodes.Interrupted,
                                    new Envelope<T>(default, [], [], new ChildError("interrupted before it started", ExitCodes.Interrupted)), 0));
                                continue;
                            }
                            var clock = Stopwatch.StartNew();
                            worker ??= Worker.Start(interrupt);
                            if (await worker.Send(argsList[i]) is WorkerReply reply)
                            {
                                results[i].SetResult(new(reply.ExitCode, ChildProtocol.Read<T>(reply.Envelope, reply.ExitCode), clock.Elapsed.TotalSeconds));
                                continue;
                            }
                            // It died without a reply: this command fails with its exit code, a fresh worker takes the rest.
                            int exit = worker.Stop();
                            worker.Dispose();
                            worker = null;
                            Envelope<T> missing = Envelope<T>.Missing(exit);
                            results[i].SetResult(new(missing.Error!.ExitCode, missing, clock.Elapsed.TotalSeconds));
                        }
                        catch (Exception e)
                        {
                            results[i].SetException(e);
                        }
                    }
                }
                finally
                {
                    worker?.Dispose();
                }
            });
        return results.Select(r => r.Task).ToList();
    }

    /// <summary>One worker process: commands in on stdin, replies out on stdout, stderr (progress) drained and dropped.</summary>
    sealed class Worker : IDisposable
    {
        readonly Process process;
        readonly CancellationTokenRegistration onInterrupt;

        Worker(Process process, CancellationToken interrupt)
        {
            this.process = process;
            _ = process.StandardError.ReadToEndAsync(CancellationToken.None);
            onInterrupt = interrupt.Register(() => SelfProcess.Interrupt(process));
        }

        public static Worker Start(CancellationToken interrupt)
        {
            var start = SelfProcess.StartInfo([Flag]);
            start.RedirectStandardInput = true;
            return new Worker(Process.Start(start) ?? throw new InvalidOperationException("could not start this program again"), interrupt);
        }

        /// <summary>The reply to one command, or null when the worker ended without one.</summary>
        public async Task<WorkerReply?> Send(IReadOnlyList<string> args)
        {
            try
            {
                await process.StandardInput.WriteLineAsync(JsonSerializer.Serialize(args));
                await process.StandardInput.FlushAsync();
            }
            catch (IOException)
            {
                return null; // it has gone: its pipe is closed
            }
            string? line = await process.StandardOutput.ReadLineAsync();
            if (line is null) return null;
            try
            {
                return JsonSerializer.Deserialize<WorkerReply>(line);
            }
            catch (JsonException)
            {
                return null;
            }
        }

        /// <summary>Ends the worker (closing stdin ends its loop; one that does not end soon is killed) and returns its exit code.</summary>
        public int Stop()
        {
            try
            {
                process.StandardInput.Close();
            }
            catch (IOException) { } // its pipe is gone already
            if (!process.WaitForExit(5000))
            {
                process.Kill();
                process.WaitForExit();
            }
            return process.ExitCode;
        }

        public void Dispose()
        {
            onInterrupt.Dispose();
            Stop();
            process.Dispose();
        }
    }
}
