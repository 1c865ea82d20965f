using System.Runtime.CompilerServices;
using Lessons.Core.Catalog;

namespace Lessons.Core.Figures;

/// <summary>
/// matplotlib's <c>plt</c> as a lesson calls it where the tutorial draws: each call keeps what the
/// picture needs among the run's results, under the name the lesson passes it by
/// (<c>plt.plot(Loss)</c> keeps the list as <c>Loss</c>, <c>plt.xlabel('epoch')</c> keeps
/// <c>xlabel</c>), and the lesson's <see cref="LessonFigures"/> draws the picture from them after the
/// run (ScottPlot), so the lesson itself never touches a plot.
/// </summary>
public sealed class Pyplot(LessonContext context)
{
    /// <summary>The result an axis label is kept under: <c>xlabel</c>, <c>ylabel</c>.</summary>
    public const string XLabel = "xlabel", YLabel = "ylabel";

    /// <summary><c>plt.plot(ys)</c>: the values, against their index.</summary>
    public void plot(IEnumerable<double> ys, [CallerArgumentExpression(nameof(ys))] string name = "") =>
        context.Record(name, ys.ToList());

    /// <summary><c>plt.plot(xs, ys)</c>: both series, each under its name.</summary>
    public void plot(object xs, object ys,
        [CallerArgumentExpression(nameof(xs))] string xName = "", [CallerArgumentExpression(nameof(ys))] string yName = "")
    {
        context.Record(xName, xs);
        context.Record(yName, ys);
    }

    /// <summary><c>plt.scatter(x, y)</c>: the points' coordinates, each under its name.</summary>
    public void scatter(object x, object y,
        [CallerArgumentExpression(nameof(x))] string xName = "", [CallerArgumentExpression(nameof(y))] string yName = "")
    {
        context.Record(xName, x);
        context.Record(yName, y);
    }

    /// <summary><c>plt.scatter(x, y, c=c)</c>: the points' coordinates and colours, each under its name.</summary>
    public void scatter(object x, object y, object c,
        [CallerArgumentExpression(nameof(x))] string xName = "", [CallerArgumentExpression(nameof(y))] string yName = "",
        [CallerArgumentExpression(nameof(c))] string cName = "")
    {
        context.Record(xName, x);
        context.Record(yName, y);
        context.Record(cName, c);
    }

    /// <summary><c>plt.xlabel(text, fontsize=...)</c>: the label the figure's x axis gets (the font size is the figures' own).</summary>
    public void xlabel(string text, int fontsize = 0)
    {
        _ = fontsize;
        context.Record(XLabel, text);
    }

    /// <summary><c>plt.ylabel(text, fontsize=...)</c>: the label the figure's y axis gets.</summary>
    public void ylabel(string text, int fontsize = 0)
    {
        _ = fontsize;
        context.Record(YLabel, text);
    }
}
