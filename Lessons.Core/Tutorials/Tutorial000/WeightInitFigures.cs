using Lessons.Core.Catalog;
using Lessons.Core.Figures;
using ScottPlot;

namespace Lessons.Core.Tutorials.Tutorial000;

/// <summary>
/// Activation standard deviation layer by layer through the deep stack, on a log scale: tanh
/// (solid) and ReLU (dashed) for each initialisation. Zeros give std 0 everywhere, which a log
/// scale cannot show; the title says so.
/// </summary>
public sealed class WeightInitFigures : LessonFigures
{
    public override string LessonId => "weight-init";

    static readonly (string Name, Color Color)[] Initialisations =
        [("small random", Colors.Orange), ("Xavier", Colors.Blue), ("He", Colors.Green)];

    public override IEnumerable<Figure> Draw(LessonRun run)
    {
        yield return new Figure(LessonId, plot =>
        {
            foreach (string activation in new[] { "tanh", "relu" })
            {
                foreach (var (name, color) in Initialisations)
                {
                    double[] stds = run.Numbers($"{activation} {name} std");
                    double[] layers = Enumerable.Range(1, stds.Length).Select(l => (double)l).ToArray();
                    var line = plot.Add.Scatter(layers, stds.Select(s => Math.Log10(Math.Max(s, 1e-300))).ToArray(), color);
                    line.LineWidth = 2;
                    line.LinePattern = activation == "tanh" ? LinePattern.Solid : LinePattern.Dashed;
                    line.LegendText = $"{activation}, {name}";
                }
            }
            plot.Title("Activation std by layer (zeros: std 0 at every layer, not drawn)");
            plot.XLabel("layer");
            plot.YLabel("std of activations (log10)");
            FigureStyle.LogTicks(plot);
            plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericFixedInterval(1);
            plot.ShowLegend(Alignment.LowerLeft);
        }, Width: 900, Height: 650);
    }
}
