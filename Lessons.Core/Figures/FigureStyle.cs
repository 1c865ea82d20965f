using ScottPlot;

namespace Lessons.Core.Figures;

/// <summary>Small drawing helpers shared by the figure sets.</summary>
public static class FigureStyle
{
    /// <summary>A loss curve as the tutorials draw it: epoch on x, loss on y.</summary>
    public static void LossCurve(Plot plot, double[] losses, string title, bool logScale = false, string xLabel = "epoch", string yLabel = "loss")
    {
        double[] xs = Enumerable.Range(0, losses.Length).Select(i => (double)i).ToArray();
        double[] ys = logScale ? losses.Select(l => Math.Log10(Math.Max(l, 1e-300))).ToArray() : losses;
        var line = plot.Add.ScatterLine(xs, ys);
        line.LineWidth = 2;
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(logScale ? yLabel + " (log10)" : yLabel);
        if (logScale) LogTicks(plot);
    }

    /// <summary>Labels the left axis of a plot of log10 values as powers of ten, one tick per decade.</summary>
    public static void LogTicks(Plot plot)
    {
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericFixedInterval(1)
        {
            LabelFormatter = y => "1e" + Math.Round(y).ToString("0", System.Globalization.CultureInfo.InvariantCulture),
        };
    }

    /// <summary>A scatter of points without lines.</summary>
    public static ScottPlot.Plottables.Scatter Points(Plot plot, double[][] points, Color color, string label, float size = 5)
    {
        var scatter = plot.Add.ScatterPoints(points.Select(p => p[0]).ToArray(), points.Select(p => p[1]).ToArray(), color);
        scatter.MarkerSize = size;
        scatter.LegendText = label;
        return scatter;
    }
}
