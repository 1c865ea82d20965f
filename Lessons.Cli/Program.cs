namespace Lessons.Cli;

public static class Program
{
    public static int Main(string[] args) =>
        LessonsCommandLine.Run(args, Console.Out, Console.Error, interactive: !Console.IsErrorRedirected);
}
