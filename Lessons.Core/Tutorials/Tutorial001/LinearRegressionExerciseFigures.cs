using Lessons.Core.Catalog;
using Lessons.Core.Figures;
using Lessons.Core.Python;
using ScottPlot;

namespace Lessons.Core.Tutorials.Tutorial001;

/// <summary>
/// The exercise's points and the fitted line y = w·x + b at every logged iteration (the last frame
/// is the final line, kept in the docs), the loss curve, and the frames as an animation.
/// </summary>
public sealed class LinearRegressionExerciseFigures : LessonFigures
{
    public override string LessonId => "linear-regression-exercise";

    public override IEnumerable<Figure> Draw(LessonRun run)
    {
        double[] x = run.Numbers("x"), y = run.Numbers("y");
        double[] iterations = run.Numbers("logged iterations"), losses = run.Numbers("logged loss");
        double[] w = run.Numbers("logged w"), b = run.Numbers("logged b");
        double xMax = Math.Max(10, x.Max());
        for (int i = 0; i < iterations.Length; i++)
        {
            int frame = i;
            bool last = i == iterations.Length - 1;
            yield return new Figure(last ? $"{LessonId}-final" : $"{LessonId}-iteration-{(int)iterations[i]:00000}", plot =>
            {
                var points = plot.Add.ScatterPoints(x, y, Colors.Blue);
                points.LegendText = "y = slope·x + (5 + randn)";
                var line = plot.Add.ScatterLine(new[] { 0, xMax }, new[] { b[frame], w[frame] * xMax + b[frame] }, Colors.Red);
                line.LineWidth = 3;
                line.LegendText = $"y = {PyFloat.Fixed(w[frame], 4)}·x + {PyFloat.Fixed(b[frame], 4)}";
                plot.Title($"Linear regression by gradient descent: iteration {(int)iterations[frame]}, loss {PyFloat.Fixed(losses[frame], 4)}");
                plot.XLabel("x");
                plot.YLabel("y");
                plot.ShowLegend(Alignment.UpperLeft);
            }, InDocs: last);
        }
        yield return new Figure($"{LessonId}-loss", plot =>
            FigureStyle.LossCurve(plot, run.Numbers("loss history"), "Linear regression: 0.5·MSE per iteration", logScale: true, xLabel: "iteration"));
    }

    public override IEnumerable<Animation> Animations(LessonRun run)
    {
        var frames = Draw(run).Where(f => f.Name != $"{LessonId}-loss").Select(f => f.Draw).ToList();
        yield return new Animation(LessonId, frames, FramesPerSecond: 2, Pace: "logistic-regression's pace, the tutorial's plt.pause(0.5)",
            Caption: "the line at every logged iteration")
        {
            FrameLabels = LogisticRegressionFigures.Labels(run.Numbers("logged iterations"), run.Numbers("logged loss")),
        };
    }
}
