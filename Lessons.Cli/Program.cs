namespace Lessons.Cli;

public static class Program
{
    public static int Main(string[] args)
    {
        bool interactive = !Console.IsErrorRedirected;
        using var ctrlC = CtrlC.Listen(interactive);
        if (WorkerPool.IsWorker(args)) return WorkerPool.Serve(Console.In, Console.Out, Console.Error, ctrlC.Token);
        return LessonsCommandLine.Run(args, Console.Out, Console.Error, interactive, ctrlC.Token);
    }
}
