using System.Text;
using Lessons.Core.Figures;

namespace Lessons.Core.Catalog;

/// <summary>The course page's backward animations: for the lessons of tutorials 001 and 002, what to watch in each.</summary>
public static partial class LessonDocs
{
    /// <summary>One sentence per lesson on what its edge-labelled picture and backward animation show; the page animates these lessons only.</summary>
    static readonly Dictionary<string, string> WatchBackward = new(StringComparer.Ordinal)
    {
        ["computational-graph"] = "Watch b run before a (the engine takes the node made last), then w's AccumulateGrad wait for both of its edges, 3 from b and 2 from a, so that w.grad = 5 while x.grad = 2: the tutorial's values, path by path.",
        ["static-and-dynamic-graphs"] = "Watch x receive the whole derivative of the repeated squaring in one go: every MulBackward0 here takes the same tensor twice (y * y), and libtorch adds what the two edges carry, so neither edge alone can be read (?).",
        ["retain-graph"] = "Watch the first backward deliver 5 to w as in computational-graph; the graph recorded after backward() has the same nodes and edges, but it is not animated: its saved values are gone, which is why the second backward raises.",
        ["grad-tensors"] = "Watch the weights [1, 2] leave CatBackward0 as 1 for y0 and 2 for y1; a and b then each add two contributions (4 and 5), and w.grad = 4 + 5 = 9, the tutorial's value.",
        ["second-derivative"] = "Watch x receive 6 = 2x from y's PowBackward0, then, in the graph that create_graph=True recorded for the derivative itself, 2: the second derivative; the nodes inside pow's backward formula have no tensor to ask about, so their edges show ?.",
        ["chain-rule"] = "Watch y1's node receive dy2/dy1 = w2 = 2 and pass 2 on to w1, the chain rule's product; w2's AccumulateGrad (3 = y1) runs first, as soon as it is ready, and the edges into the two products show ? because the tutorial has no variable for x*w1 or y1*w2.",
    };

    /// <summary>The backward animation the page shows for a run, or null (lessons outside 001 and 002, or nothing to animate).</summary>
    public static string? DocBackwardAnimation(LessonRun run) =>
        WatchBackward.ContainsKey(run.Lesson.Id) && BackwardAnimation.CanDraw(run) ? BackwardAnimation.FileStem(run.Lesson.Id) + ".gif" : null;

    static void AppendBackward(StringBuilder text, LessonRun run)
    {
        if (DocBackwardAnimation(run) is not string gif) return;
        int frames = BackwardAnimation.Animated(run).Sum(g => g.Nodes.Count + 2);
        text.AppendLine();
        text.AppendLine($"![{BackwardAnimation.FileStem(run.Lesson.Id)}](figures/{gif})");
        text.AppendLine();
        text.AppendLine($"Backward, node by node ({frames} frames of {BackwardAnimation.Width}×{BackwardAnimation.Height}, "
            + $"{BackwardAnimation.FramesPerSecond} frame a second: one engine step each; the last frame stays {Animation.HoldLastCentiseconds / 100} s): "
            + "the node running in gold, the gradients it sends in red, each leaf's .grad as its AccumulateGrad runs; the graph picture above "
            + $"labels every edge with the same gradients. {WatchBackward[run.Lesson.Id]}");
    }

    /// <summary>Writes the page's backward animations; returns the files (none without Graphviz, whose absence the graph pictures report).</summary>
    static IReadOnlyList<string> WriteBackwardAnimations(LessonRun run, string folder) =>
        DocBackwardAnimation(run) is null ? [] : BackwardAnimation.Write(run, folder).Files;
}
