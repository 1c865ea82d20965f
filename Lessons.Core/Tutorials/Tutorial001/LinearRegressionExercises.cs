using Lessons.Core.Catalog;
using TorchSharp;
using Lessons.Core.Python;

namespace Lessons.Core.Tutorials.Tutorial001;

/// <summary>
/// 001 §4's first exercise (思考), run with other stopping conditions and slopes: the docs page
/// shows where each run stops and the line it ends on.
/// </summary>
public sealed class LinearRegressionExercises : LessonExercises
{
    public override string LessonId => "linear-regression-exercise";

    public override IReadOnlyList<string> Questions =>
    [
        "调整线性回归模型停止条件以及y = 2*x + (5 + torch.randn(20, 1))中的斜率,训练一个线性回归模型 "
            + "(Change the linear regression's stopping condition and the slope in y = 2*x + (5 + torch.randn(20, 1)), and train it.)",
    ];

    public override IReadOnlyList<LessonVariant> Variants =>
    [
        new("default"),
        new("threshold-1", "loss_threshold=1"),
        new("threshold-0.39", "loss_threshold=0.39"),
        new("threshold-0.38", "loss_threshold=0.38"),
        new("iterations-100", "iterations=100"),
        new("slope-5", "slope=5"),
        new("slope-minus-3", "slope=-3", "loss_threshold=1"),
    ];

    public override IReadOnlyList<ExerciseColumn> Columns =>
    [
        new("stops", run => run.Results["stopped at iteration"] is long stop
            ? $"loss below {Py.Repr(run.Options["loss_threshold"])} at iteration {stop}"
            : $"the limit, {run.Options["iterations"]} updates"),
        new("final loss", run => PyFloat.Fixed((double)run.Results["final loss"]!, 6)),
        new("w", run => PyFloat.Fixed((double)run.Results["w"]!, 4)),
        new("b", run => PyFloat.Fixed((double)run.Results["b"]!, 4)),
    ];

    public override string? Figure => "final";

    public override string Answer => """
        The lowest loss any line reaches on these 20 points is that of their least-squares line,
        about 0.39 here (the noise's share that no line explains). A threshold above it stops
        training early, on a line that is not yet that one (at 1, well before it); a threshold
        just above it stops late; one below it is never reached, and the iteration limit ends
        the run, as a limit too small ends it before the line has settled. Changing the slope
        changes every y by (slope - 2)·x, the same x and noise being drawn: the fitted slope
        moves by exactly that much and b stays where it was, so the fit is not the drawn line
        y = slope·x + 5 but that line plus the least-squares line of the noise, whose slope
        and intercept are the same for every slope.
        """;
}
