using Lessons.Core.Catalog;
using Lessons.Core.Figures;
using Lessons.Core.Python;

namespace Lessons.Core.Tutorials.Tutorial001;

/// <summary>
/// 001 §4's exercises on logistic regression (思考): mean_value 1 or 5, a larger or a negative bias.
/// The docs page runs each and shows where training stops, the accuracy and the final boundary.
/// </summary>
public sealed class LogisticRegressionExercises : LessonExercises
{
    public override string LessonId => "logistic-regression";

    public override IReadOnlyList<string> Questions =>
    [
        "采用代码实现逻辑回归模型的训练,并尝试调整数据生成中的mean_value,将mean_value设置为更小的值,例如1,或者更大的值,例如5,会出现什么情况? "
            + "(Set mean_value smaller, say 1, or larger, say 5: what happens?)",
        "再尝试仅调整bias,将bias调为更大或者负数,模型训练过程是怎么样的? (Change only bias, larger or negative: how does training go?)",
    ];

    public override IReadOnlyList<LessonVariant> Variants =>
    [
        new("default"),
        new("mean-value-1", "mean_value=1"),
        new("mean-value-5", "mean_value=5"),
        new("bias-5", "bias=5"),
        new("bias-minus-5", "bias=-5"),
    ];

    public override IReadOnlyList<ExerciseColumn> Columns =>
    [
        new("accuracy at iteration 0", run => Percent(run.Numbers("logged accuracy")[0])),
        new("stops", run => run.Results["stopped at iteration"] is long stop
            ? $"at iteration {stop}"
            : $"never: the {run.Options["iterations"]}-iteration limit ends it"),
        new("last accuracy", run => Percent(run.Numbers("logged accuracy")[^1])),
        new("best accuracy", run => Percent(run.Numbers("logged accuracy").Max())),
        new("last loss", run => PyFloat.Fixed(run.Numbers("logged loss")[^1], 4)),
        new("boundary w0, w1, b", run => string.Join(", ", new[] { "logged w0", "logged w1", "logged b" }.Select(n => PyFloat.Fixed(run.Numbers(n)[^1], 2)))),
    ];

    public override string? Figure => "final";

    public override string Answer => """
        mean_value sets how far apart the two clusters are (their centres are 2·√2·mean_value
        apart; each has standard deviation 1). At 1 they overlap: no straight line puts 99% of
        the points on their side, so the stopping test never passes and the run ends at the
        iteration limit, its loss levelling off above zero (the points on the wrong side keep
        it there). At 5 they are far apart: the random initial line already separates them,
        the accuracy is 100% at iteration 0 and training stops at once, with a boundary that
        separates but has had a single step of training. bias moves
        both clusters along the diagonal without changing their distance, so they remain
        separable, but the boundary must move away from the origin, and only b can move it:
        b starts near 0 and its gradient is the mean of (p - y), so it changes slowly. At the
        start the line passes near the origin with most points on one side (accuracy near
        50%); within the 1000 iterations the accuracy climbs to 99% without exceeding it, so
        these runs also end at the limit. A positive and a negative bias of the same size
        behave alike, mirrored: b runs up or down.
        """;

    static string Percent(double share) => PyFloat.Fixed(share * 100, 2) + "%";
}
