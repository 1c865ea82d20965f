using Lessons.Core.Catalog;
using Lessons.Core.Figures;
using Lessons.Core.Python;
using ScottPlot;

namespace Lessons.Core.Tutorials.Seed002;

/// <summary>
/// Himmelblau's function over [-6, 6]² as a heat map of log10(1 + f) (the tutorial draws a 3-D
/// surface; from above, the four minima are easier to see), with Adam's path from every starting
/// point and the four known minima marked.
/// </summary>
public sealed class HimmelblauFigures : LessonFigures
{
    public override string LessonId => "himmelblau";

    static readonly Color[] PathColors = [Colors.Black, Colors.Orange, Colors.Magenta, Colors.Cyan];

    public override IEnumerable<Figure> Draw(LessonRun run)
    {
        yield return new Figure(LessonId, plot =>
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

            double[][] starts = run.Rows("starts");
            for (int s = 0; s < starts.Length; s++)
            {
                string label = "[" + Py.Repr(starts[s][0]) + ", " + Py.Repr(starts[s][1]) + "]";
                double[][] path = run.Rows($"start {label} trajectory (every 100 steps)");
                var line = plot.Add.ScatterLine(path.Select(p => p[0]).ToArray(), path.Select(p => p[1]).ToArray(), PathColors[s % PathColors.Length]);
                line.LineWidth = 3;
                line.LegendText = "Adam from " + label;
                plot.Add.Marker(starts[s][0], starts[s][1], MarkerShape.FilledCircle, 10, PathColors[s % PathColors.Length]);
            }
            foreach (var (x, y) in Himmelblau.KnownMinima)
            {
                var minimum = plot.Add.Marker(x, y, MarkerShape.Cross, 16, Colors.Red);
                minimum.LineWidth = 3;
            }
            plot.Title("Himmelblau's function: Adam (lr 1e-3) from four starting points; x = known minima");
            plot.XLabel("x");
            plot.YLabel("y");
            plot.Axes.SetLimits(-6, 6, -6, 6);
            plot.ShowLegend(Alignment.UpperLeft);
        }, Width: 900, Height: 760);
    }
}
