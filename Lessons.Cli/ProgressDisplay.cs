using System.Diagnostics;
using Lessons.Core.Catalog;
using Spectre.Console;

namespace Lessons.Cli;

/// <summary>
/// Progress of long lessons: a Spectre.Console bar on a terminal; when stderr is redirected,
/// plain, sparse lines (about one per 10% and never more than one a second).
/// </summary>
public static class ProgressDisplay
{
    /// <summary>Runs <paramref name="work"/> with a progress sink that suits the console, or none when quiet.</summary>
    public static T Run<T>(CliConsole console, string lessonId, bool quiet, Func<IProgress<LessonProgress>?, Action<string>?, T> work)
    {
        if (quiet) return work(null, null);
        if (!console.Interactive) return work(new PlainLines(console.Error, lessonId), null);

        var ansi = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(console.Error) });
        T result = default!;
        ansi.Progress()
            .AutoClear(true)
            .HideCompleted(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                var bars = new Dictionary<string, ProgressTask>();
                var sink = new Progress(update =>
                {
                    if (!bars.TryGetValue(update.Stage, out ProgressTask? bar))
                        bars[update.Stage] = bar = context.AddTask(Markup.Escape($"{lessonId}: {update.Stage}"), maxValue: update.Total);
                    bar.MaxValue = update.Total;
                    bar.Value = update.Done;
                    context.Refresh();
                });
                // Transcript lines go through the live display so they print above the bar.
                result = work(sink, line => ansi.WriteLine(line));
            });
        return result;
    }

    sealed class Progress(Action<LessonProgress> report) : IProgress<LessonProgress>
    {
        public void Report(LessonProgress value) => report(value);
    }

    sealed class PlainLines(TextWriter error, string lessonId) : IProgress<LessonProgress>
    {
        readonly Stopwatch sinceLast = Stopwatch.StartNew();
        string stage = "";
        long lastTenth = -1;

        public void Report(LessonProgress value)
        {
            long tenth = value.Total > 0 ? value.Done * 10 / value.Total : 0;
            bool newStage = value.Stage != stage;
            if (!newStage && (tenth == lastTenth || sinceLast.ElapsedMilliseconds < 1000)) return;
            stage = value.Stage;
            lastTenth = tenth;
            sinceLast.Restart();
            error.WriteLine($"[{lessonId}] {value.Stage}: {value.Done}/{value.Total} ({tenth * 10}%)");
        }
    }
}
