using Lessons.Core.Catalog;
using ScottPlot;

namespace Lessons.Core.Figures;

/// <summary>A lesson whose figure is its loss curve on a log scale (the two-layer nets: the loss falls by orders of magnitude).</summary>
public abstract class LossCurveFigures : LessonFigures
{
    protected abstract string Title { get; }

    public override IEnumerable<Figure> Draw(LessonRun run)
    {
        yield return new Figure($"{LessonId}-loss", plot =>
            FigureStyle.LossCurve(plot, run.Numbers("loss"), Title, logScale: true, xLabel: "step"));
    }
}

public sealed class TwoLayerManualFigures : LossCurveFigures
{
    public override string LessonId => "two-layer-manual";
    protected override string Title => "Two-layer net, gradients by hand: sum of squares loss";
}

public sealed class TwoLayerAutogradFigures : LossCurveFigures
{
    public override string LessonId => "two-layer-autograd";
    protected override string Title => "Two-layer net with autograd: sum of squares loss";
}

public sealed class CustomReluFunctionFigures : LossCurveFigures
{
    public override string LessonId => "custom-relu-function";
    protected override string Title => "Two-layer net with a custom ReLU Function: sum of squares loss";
}

public sealed class StaticGraphFigures : LossCurveFigures
{
    public override string LessonId => "static-graph";
    protected override string Title => "Two-layer net as one compiled static graph: sum of squares loss";
}
