using System.Globalization;
using Lessons.Core.Catalog;
using Lessons.Core.Figures;
using Lessons.Core.Python;
using ScottPlot;

namespace Lessons.Core.Tutorials.Tutorial001;

/// <summary>
/// The tutorial's figure, redrawn at every logged iteration: the two classes, the decision
/// boundary w0·x + w1·y + b = 0, the loss in red and the title with iteration, weights and
/// accuracy. One frame per logged iteration (the last is the final state), and the loss curve;
/// the frames also make the animation, at the tutorial's pace (plt.pause(0.5): 2 frames a second).
/// </summary>
public sealed class LogisticRegressionFigures : LessonFigures
{
    public override string LessonId => "logistic-regression";

    public override IEnumerable<Figure> Draw(LessonRun run)
    {
        double[][] class0 = run.Rows("x0"), class1 = run.Rows("x1");
        double[] iterations = run.Numbers("logged iterations"), losses = run.Numbers("logged loss");
        double[] w0 = run.Numbers("logged w0"), w1 = run.Numbers("logged w1"), b = run.Numbers("logged b");
        double[] accuracy = run.Numbers("logged accuracy");
        // The tutorial's view, widened where other settings (mean_value, bias) put points outside it.
        double[][] points = [.. class0, .. class1];
        var (xMin, xMax, yMin, yMax) = Limits(points);
        // The boundary over the tutorial's x range, np.arange(-6, 6, 0.1), widened to reach every point.
        double lineStart = Math.Min(-6, Math.Floor(points.Min(p => p[0]))), lineEnd = Math.Max(6, Math.Ceiling(points.Max(p => p[0])));

        for (int i = 0; i < iterations.Length; i++)
        {
            int frame = i;
            string name = i == iterations.Length - 1
                ? $"{LessonId}-final"
                : $"{LessonId}-iteration-{(int)iterations[i]:0000}";
            yield return new Figure(name, plot =>
            {
                FigureStyle.Points(plot, class0, Colors.Red, "class 0");
                FigureStyle.Points(plot, class1, Colors.Blue, "class 1");
                double[] xs = Enumerable.Range(0, (int)Math.Round((lineEnd - lineStart) * 10)).Select(k => lineStart + 0.1 * k).ToArray();
                double[] ys = xs.Select(x => (-w0[frame] * x - b[frame]) / w1[frame]).ToArray();
                var boundary = plot.Add.ScatterLine(xs, ys, Colors.Black);
                boundary.LineWidth = 2;
                boundary.LegendText = "boundary";
                var loss = plot.Add.Text("Loss=" + PyFloat.Fixed(losses[frame], 4), -5, 5);
                loss.LabelFontSize = 20;
                loss.LabelFontColor = Colors.Red;
                plot.Axes.SetLimits(xMin, xMax, yMin, yMax);
                plot.Title(string.Create(CultureInfo.InvariantCulture,
                    $"Iteration: {(int)iterations[frame]}\nw0:{PyFloat.Fixed(w0[frame], 2)} w1:{PyFloat.Fixed(w1[frame], 2)} b: {PyFloat.Fixed(b[frame], 2)} accuracy:{PyFloat.Fixed(accuracy[frame] * 100, 2)}%"));
                plot.ShowLegend(Alignment.LowerRight);
            }, InDocs: frame == iterations.Length - 1);
        }

        yield return new Figure($"{LessonId}-loss", plot =>
            FigureStyle.LossCurve(plot, run.Numbers("loss history"), "Logistic regression: BCE loss per iteration", xLabel: "iteration"));
    }

    public override IEnumerable<Animation> Animations(LessonRun run)
    {
        var frames = Draw(run).Where(f => f.Name != $"{LessonId}-loss").Select(f => f.Draw).ToList();
        yield return new Animation(LessonId, frames, FramesPerSecond: 2, Pace: "the tutorial's plt.pause(0.5)",
            Caption: "the boundary, the loss and the accuracy at every logged iteration, as the tutorial redraws its plot")
        {
            FrameLabels = Labels(run.Numbers("logged iterations"), run.Numbers("logged loss")),
        };
    }

    /// <summary>Each frame's iteration and loss, for the course site's slider.</summary>
    internal static IReadOnlyList<string> Labels(double[] iterations, double[] losses) =>
        [.. iterations.Select((iteration, i) => Animation.FrameLabel("iteration", (long)iteration, "loss", losses[i]))];

    /// <summary>The tutorial's plt.xlim(-5, 7), plt.ylim(-7, 7), grown to whole numbers that hold every point.</summary>
    static (double XMin, double XMax, double YMin, double YMax) Limits(double[][] points) => (
        Math.Min(-5, Math.Floor(points.Min(p => p[0]))), Math.Max(7, Math.Ceiling(points.Max(p => p[0]))),
        Math.Min(-7, Math.Floor(points.Min(p => p[1]))), Math.Max(7, Math.Ceiling(points.Max(p => p[1]))));
}
