using Lessons.Core.Catalog;
using ScottPlot;

namespace Lessons.Core.Figures;

/// <summary>One picture a tutorial draws, drawn from a lesson's recorded results.</summary>
/// <param name="Name">The file name without extension; starts with the lesson's id.</param>
/// <param name="Draw">Fills in a ScottPlot plot; never re-runs the lesson's logic.</param>
/// <param name="InDocs">False for intermediate frames, which docs/lessons.md leaves out.</param>
public sealed record Figure(string Name, Action<Plot> Draw, int Width = 800, int Height = 600, bool InDocs = true);

/// <summary>
/// The figures of one lesson: a small class beside the lesson, found by reflection, drawing
/// what the tutorial plots from the lesson's results (loss curves, boundaries, paths).
/// </summary>
public abstract class LessonFigures
{
    public abstract string LessonId { get; }

    public abstract IEnumerable<Figure> Draw(LessonRun run);

    /// <summary>Training as animations (written with <c>--plots</c> and shown in the docs); none by default.</summary>
    public virtual IEnumerable<Animation> Animations(LessonRun run) => [];
}

/// <summary>Every <see cref="LessonFigures"/> in this assembly, by lesson id.</summary>
public static class FigureCatalog
{
    static readonly Lazy<IReadOnlyDictionary<string, LessonFigures>> all = new(() =>
        Discovered.All<LessonFigures>().ToDictionary(f => f.LessonId));

    public static IReadOnlyDictionary<string, LessonFigures> All => all.Value;

    public static LessonFigures? For(string lessonId) => All.GetValueOrDefault(lessonId);
}

/// <summary>Writes a run's figures as PNG files.</summary>
public static class FigureWriter
{
    /// <summary>
    /// Draws every figure of the run's lesson into <paramref name="directory"/>; returns the files
    /// written. Each file is written whole (<see cref="AtomicFile"/>) and reported to
    /// <paramref name="written"/> as soon as it is there, so a failure or an interrupt midway
    /// leaves the figures already written and the caller knows which.
    /// </summary>
    public static IReadOnlyList<string> Write(LessonRun run, string directory, bool onlyDocs = false,
        Action<string>? written = null, CancellationToken interrupt = default)
    {
        LessonFigures? figures = FigureCatalog.For(run.Lesson.Id);
        if (figures is null) return [];
        Directory.CreateDirectory(directory);
        var paths = new List<string>();
        foreach (Figure figure in figures.Draw(run).Where(f => f.InDocs || !onlyDocs))
        {
            if (interrupt.IsCancellationRequested)
                throw new LessonInterruptedException($"interrupted while writing the figures of '{run.Lesson.Id}'");
            var plot = new Plot();
            figure.Draw(plot);
            string path = Path.Combine(directory, figure.Name + ".png");
            AtomicFile.WriteAllBytes(path, plot.GetImageBytes(figure.Width, figure.Height, ImageFormat.Png));
            paths.Add(path);
            written?.Invoke(path);
        }
        return paths;
    }
}
