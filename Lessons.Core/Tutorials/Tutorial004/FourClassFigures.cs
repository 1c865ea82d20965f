using Lessons.Core.Catalog;
using Lessons.Core.Figures;
using ScottPlot;

namespace Lessons.Core.Tutorials.Tutorial004;

/// <summary>The four classes' colours, in the order of their labels 0 to 3 (quadrants I, II, III, IV).</summary>
static class ClassColors
{
    public static readonly Color[] All = [Colors.Red, Colors.Blue, Colors.Green, Colors.Orange];

    /// <summary>The points, coloured by class.</summary>
    public static void Scatter(Plot plot, LessonRun run)
    {
        double[] xs = run.Numbers(FourClassResults.FirstCoordinate), ys = run.Numbers(FourClassResults.SecondCoordinate), labels = run.Numbers(FourClassResults.Labels);
        for (int c = 0; c < All.Length; c++)
        {
            int label = c;
            int[] members = Enumerable.Range(0, labels.Length).Where(i => (int)labels[i] == label).ToArray();
            var points = plot.Add.ScatterPoints(members.Select(i => xs[i]).ToArray(), members.Select(i => ys[i]).ToArray(), All[c]);
            points.MarkerSize = 4;
            points.LegendText = $"class {c}";
        }
    }
}

/// <summary>In[2]'s plot: the four clusters, coloured by class.</summary>
public sealed class FourClassDataFigures : LessonFigures
{
    public override string LessonId => "four-class-data";

    public override IEnumerable<Figure> Draw(LessonRun run)
    {
        yield return new Figure(LessonId, plot =>
        {
            ClassColors.Scatter(plot, run);
            plot.Title("Four classes around (±1, ±1), labelled by quadrant");
            plot.ShowLegend(Alignment.UpperRight);
        });
    }
}

/// <summary>
/// A training stage's figures: its loss curve (plt.plot(Loss), 'epoch' and 'loss' as the tutorial
/// labels them) and the decision regions of the trained net with the data on top; and the
/// animation of those regions as training goes, from the grids recorded every 250 iterations.
/// </summary>
public abstract class FourClassStageFigures : LessonFigures
{
    public override IEnumerable<Figure> Draw(LessonRun run)
    {
        yield return new Figure($"{LessonId}-loss", plot =>
            FigureStyle.LossCurve(plot, run.Numbers(FourClassResults.Loss), $"{LessonId}: loss", xLabel: (string)run.Results[Pyplot.XLabel]!, yLabel: (string)run.Results[Pyplot.YLabel]!));
        yield return new Figure($"{LessonId}-regions", plot =>
            DrawRegions(plot, run, run.Rows(FourClassResults.Regions),
                $"{LessonId}: decision regions of the trained net (accuracy {run.Number(FourClassResults.Accuracy):P2})"));
    }

    public override IEnumerable<Animation> Animations(LessonRun run)
    {
        double[] iterations = run.Numbers(FourClassResults.SnapshotIterations);
        double[] losses = run.Numbers(FourClassResults.Loss);
        int n = run.Numbers(FourClassResults.RegionsAxis).Length;
        var grids = ((System.Collections.IList)run.Results[FourClassResults.Snapshots]!).Cast<string>().ToList();
        var frames = new List<Action<Plot>>();
        for (int k = 0; k < grids.Count; k++)
        {
            int iteration = (int)iterations[k];
            double[][] classes = Enumerable.Range(0, n).Select(i => grids[k].Substring(i * n, n).Select(c => (double)(c - '0')).ToArray()).ToArray();
            frames.Add(plot => DrawRegions(plot, run, classes,
                $"{LessonId}: decision regions at iteration {iteration} (loss {losses[iteration]:F4})"));
        }
        frames.Add(plot => DrawRegions(plot, run, run.Rows(FourClassResults.Regions),
            $"{LessonId}: after {losses.Length} iterations (accuracy {run.Number(FourClassResults.Accuracy):P2})"));
        yield return new Animation(LessonId, frames, FramesPerSecond: 10, Pace: "this port's choice (the tutorial plots only the loss)",
            Caption: $"the decision regions every {StageRecord.SnapshotEvery} iterations, then after the last")
        {
            // losses[i] is iteration i's loss; the last frame is after the last iteration.
            FrameLabels = [.. iterations.Select(i => Animation.FrameLabel("iteration", (long)i, "loss", losses[(int)i])),
                Animation.FrameLabel("iteration", losses.Length - 1, "loss", losses[^1])],
        };
    }

    /// <summary>The class picked at each grid point (row i is y = axis[i]) as coloured regions, the data on top.</summary>
    static void DrawRegions(Plot plot, LessonRun run, double[][] classes, string title)
    {
        double[] axis = run.Numbers(FourClassResults.RegionsAxis);
        int n = axis.Length;
        // Heatmap rows run from the top down: the first row is the largest y.
        var values = new double[n, n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                values[n - 1 - i, j] = classes[i][j];
        var regions = plot.Add.Heatmap(values);
        regions.Colormap = new ScottPlot.Colormaps.CustomInterpolated(
            [.. ClassColors.All.Select(c => c.WithAlpha(0.35))]);
        regions.ManualRange = new ScottPlot.Range(0, ClassColors.All.Length - 1);
        double half = (axis[1] - axis[0]) / 2;
        regions.Extent = new CoordinateRect(axis[0] - half, axis[^1] + half, axis[0] - half, axis[^1] + half);
        ClassColors.Scatter(plot, run);
        plot.Title(title);
        plot.Axes.SetLimits(axis[0], axis[^1], axis[0], axis[^1]);
        plot.ShowLegend(Alignment.UpperRight);
    }
}

public sealed class FourClassRawFigures : FourClassStageFigures { public override string LessonId => "four-class-raw"; }
public sealed class FourClassOptimizerFigures : FourClassStageFigures { public override string LessonId => "four-class-optimizer"; }
public sealed class FourClassModuleFigures : FourClassStageFigures { public override string LessonId => "four-class-module"; }
public sealed class FourClassWeightedSumFigures : FourClassStageFigures { public override string LessonId => "four-class-weighted-sum"; }
public sealed class FourClassMyLayerFigures : FourClassStageFigures { public override string LessonId => "four-class-my-layer"; }
public sealed class FourClassSequentialFigures : FourClassStageFigures { public override string LessonId => "four-class-sequential"; }
public sealed class FourClassLinearSigmoidFigures : FourClassStageFigures { public override string LessonId => "four-class-linear-sigmoid"; }
