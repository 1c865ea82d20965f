using Lessons.Core.Catalog;
using Lessons.Core.Figures;
using Lessons.Core.Python;
using ScottPlot;

namespace Lessons.Core.Tutorials.Tutorial002;

/// <summary>
/// Himmelblau's function over [-6, 6]² as a heat map of log10(1 + f) (the tutorial draws a 3-D
/// surface; from above, the four minima are easier to see), with Adam's path from each starting
/// point of the run and the four known minima marked. The animation draws the same picture as the descent
/// goes, from the positions recorded every 100 steps: about 20 frames, 5 a second.
/// </summary>
public sealed class HimmelblauFigures : LessonFigures
{
    public override string LessonId => "himmelblau";

    static readonly Color[] PathColors = [Colors.Black, Colors.Orange, Colors.Magenta, Colors.Cyan];

    const int TraceEvery = Himmelblau.TraceEvery;

    public override IEnumerable<Figure> Draw(LessonRun run)
    {
        yield return new Figure(LessonId, plot => DrawDescent(plot, run, Paths(run), upTo: null), Width: 900, Height: 760);
    }

    public override IEnumerable<Animation> Animations(LessonRun run)
    {
        int points = Paths(run).Max(p => p.Path.Length);
        int stride = Math.Max(1, (int)Math.Ceiling((points - 1) / 20.0));
        var shown = Enumerable.Range(0, (points - 1) / stride + 1).Select(k => k * stride).ToList();
        if (shown[^1] != points - 1) shown.Add(points - 1);
        var frames = shown.Select(upTo => (Action<Plot>)(plot => DrawDescent(plot, run, Paths(run), upTo))).ToList();
        yield return new Animation(LessonId, frames, FramesPerSecond: 5, Pace: "this port's choice (the tutorial draws no animation here)",
            Caption: $"Adam's paths, {stride * TraceEvery} steps a frame, from the positions recorded every {TraceEvery} steps", Width: 900, Height: 760)
        {
            // Where each path is at the frame's step (f is not recorded at every traced point).
            FrameLabels = [.. shown.Select(upTo => $"step {upTo * TraceEvery}: " + string.Join("; ", Paths(run).Select(p =>
                $"from {p.Label} at ({PyFloat.Fixed(p.Path[Math.Min(upTo, p.Path.Length - 1)][0], 4)}, {PyFloat.Fixed(p.Path[Math.Min(upTo, p.Path.Length - 1)][1], 4)})")))],
        };
    }

    /// <summary>
    /// One picture of the paths of several runs (the course page's four starts, one run each), over
    /// the first run's surface.
    /// </summary>
    public static Figure PathsOf(string name, IReadOnlyList<LessonRun> runs) =>
        new(name, plot => DrawDescent(plot, runs[0], runs.SelectMany(Paths).ToList(), upTo: null), Width: 900, Height: 760);

    /// <summary>Each start's label and its path, the positions recorded every 100 steps.</summary>
    static List<(double[] Start, string Label, double[][] Path)> Paths(LessonRun run) =>
        run.Rows("starts").Select(start =>
        {
            string label = "[" + Py.Repr(start[0]) + ", " + Py.Repr(start[1]) + "]";
            return (start, label, run.Rows($"start {label} trajectory (every 100 steps)"));
        }).ToList();

    /// <summary>The surface, the minima and each path: whole, or up to its recorded point <paramref name="upTo"/>.</summary>
    static void DrawDescent(Plot plot, LessonRun run, List<(double[] Start, string Label, double[][] Path)> paths, int? upTo)
    {
        double[] axis = run.Numbers("surface axis");
        double[][] surface = run.Rows("surface f (row: y = axis[i], column: x = axis[j])");
        int n = axis.Length;
        // Heatmap rows run from the top down: the first row is the largest y.
        var values = new double[n, n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                values[n - 1 - i, j] = Math.Log10(1 + surface[i][j]);
        var heatmap = plot.Add.Heatmap(values);
        heatmap.Colormap = new ScottPlot.Colormaps.Viridis();
        double half = (axis[1] - axis[0]) / 2;
        heatmap.Extent = new CoordinateRect(axis[0] - half, axis[^1] + half, axis[0] - half, axis[^1] + half);
        plot.Add.ColorBar(heatmap).Label = "log10(1 + f(x, y))";

        for (int s = 0; s < paths.Count; s++)
        {
            var (start, label, whole) = paths[s];
            double[][] path = upTo is int last ? whole[..Math.Min(last + 1, whole.Length)] : whole;
            Color color = PathColors[s % PathColors.Length];
            var line = plot.Add.ScatterLine(path.Select(p => p[0]).ToArray(), path.Select(p => p[1]).ToArray(), color);
            line.LineWidth = 3;
            line.LegendText = "Adam from " + label;
            plot.Add.Marker(start[0], start[1], MarkerShape.FilledCircle, 10, color);
            if (upTo is not null)
                plot.Add.Marker(path[^1][0], path[^1][1], MarkerShape.OpenCircle, 14, color).LineWidth = 3;
        }
        foreach (var (x, y) in Himmelblau.KnownMinima)
        {
            var minimum = plot.Add.Marker(x, y, MarkerShape.Cross, 16, Colors.Red);
            minimum.LineWidth = 3;
        }
        plot.Title(upTo is int step
            ? $"Himmelblau's function: Adam (lr 1e-3), step {step * TraceEvery}; x = known minima"
            : $"Himmelblau's function: Adam (lr 1e-3) from {Starts(paths.Count)}; x = known minima");
        plot.XLabel("x");
        plot.YLabel("y");
        plot.Axes.SetLimits(-6, 6, -6, 6);
        plot.ShowLegend(Alignment.UpperLeft);
    }

    static string Starts(int count) => count == 1 ? "one starting point" : $"{count} starting points";
}
