using Lessons.Core.Catalog;
using Lessons.Core.Figures;
using Lessons.Core.Python;
using ScottPlot;

namespace Lessons.Core.Tutorials.Tutorial000;

/// <summary>
/// The tutorial's animation, frame by frame: the noisy points, the net's prediction as a thick red
/// line and the loss, at every logged step (the last frame is kept in the docs); and the loss curve.
/// The frames also make the animation, at the tutorial's pace (plt.pause(0.1): 10 frames a second).
/// </summary>
public sealed class CurveFitNetFigures : LessonFigures
{
    public override string LessonId => "curve-fit-net";

    public override IEnumerable<Figure> Draw(LessonRun run)
    {
        double[] x = run.Numbers("x"), y = run.Numbers("y");
        double[] steps = run.Numbers("logged steps"), losses = run.Numbers("logged loss");
        double[][] predictions = run.Rows("logged predictions");
        for (int i = 0; i < steps.Length; i++)
        {
            int frame = i;
            bool last = i == steps.Length - 1;
            yield return new Figure($"{LessonId}-step-{(int)steps[i]:000}", plot =>
            {
                var points = plot.Add.ScatterPoints(x, y, Colors.Blue);
                points.LegendText = "y = x² + 0.2·rand";
                var fit = plot.Add.ScatterLine(x, predictions[frame], Colors.Red);
                fit.LineWidth = 5;
                fit.LegendText = "prediction";
                var loss = plot.Add.Text("Loss=" + PyFloat.Fixed(losses[frame], 4), 0.5, 0);
                loss.LabelFontSize = 20;
                loss.LabelFontColor = Colors.Red;
                plot.Title($"A 1-10-1 ReLU net fitting y = x², step {(int)steps[frame]}");
                plot.ShowLegend(Alignment.UpperCenter);
            }, InDocs: last);
        }
        yield return new Figure($"{LessonId}-loss", plot =>
            FigureStyle.LossCurve(plot, run.Numbers("loss"), "Curve fit: MSE loss per step", xLabel: "step"));
    }

    public override IEnumerable<Animation> Animations(LessonRun run)
    {
        var frames = Draw(run).Where(f => f.Name != $"{LessonId}-loss").Select(f => f.Draw).ToList();
        yield return new Animation(LessonId, frames, FramesPerSecond: 10, Pace: "the tutorial's plt.pause(0.1)",
            Caption: "the net's prediction and its loss at every logged step, as the tutorial redraws its plot")
        {
            FrameLabels = [.. run.Numbers("logged steps").Zip(run.Numbers("logged loss"), (step, loss) => Animation.FrameLabel("step", (long)step, "loss", loss))],
        };
    }
}
