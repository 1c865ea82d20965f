using Lessons.Core.Catalog;
using Lessons.Core.Figures;
using Lessons.Core.Python;

namespace Lessons.Core.Tutorials.Tutorial002;

/// <summary>
/// The tutorial's commented starting points: beside x = [0, 0] its code keeps [1, 0], [-4, 0] and
/// [4, 0] as commented alternatives. The course page runs the lesson from each, one run a start,
/// tabulates where each descent ends and draws the four paths in one picture.
/// </summary>
public sealed class HimmelblauStarts : LessonExercises
{
    public override string LessonId => "himmelblau";

    public override string Heading => "The tutorial's other starting points, run.";

    public override IReadOnlyList<string> Questions =>
    [
        "Beside its start x = [0, 0], the tutorial's code keeps three starts in comments: [1, 0], [-4, 0] and [4, 0]. "
            + "Where does Adam end from each of them?",
    ];

    public override IReadOnlyList<LessonVariant> Variants =>
    [
        new("default"),
        new("start-1-0", "starts=1,0"),
        new("start-minus-4-0", "starts=-4,0"),
        new("start-4-0", "starts=4,0"),
    ];

    public override IReadOnlyList<ExerciseColumn> Columns =>
    [
        new("start", run => Point(run.Rows("starts")[0])),
        new("ends at", run => Point(run.Rows("end points")[0])),
        new("f(x) there", run => PyFloat.Scientific(run.Numbers("end values")[0], 2)),
        new("nearest minimum", run =>
        {
            double[] end = run.Rows("end points")[0];
            var nearest = Himmelblau.NearestMinimum((end[0], end[1]));
            return $"({Py.Repr(nearest.X)}, {Py.Repr(nearest.Y)})";
        }),
    ];

    public override string Answer => """
        Each descent follows the gradient from where it starts, so it ends at the minimum whose
        basin holds the start: [0, 0] and [1, 0] both reach (3, 2); [-4, 0] goes down to
        (-3.78, -3.28) and [4, 0] to (3.58, -1.85). No start here reaches the fourth minimum,
        (-2.81, 3.13). Gradient descent finds a minimum, not the minimum: with several, the start
        decides.
        """;

    public override IEnumerable<Figure> Summary(IReadOnlyList<LessonRun> runs) =>
        [HimmelblauFigures.PathsOf($"{LessonId}-four-starts", runs)];

    static string Point(double[] xy) => $"[{PyFloat.Fixed(xy[0], 4)}, {PyFloat.Fixed(xy[1], 4)}]";
}
