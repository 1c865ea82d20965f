using System.Text;
using System.Text.Json;
using Lessons.Core.Figures;
using ScottPlot;

namespace Lessons.Core.Site;

/// <summary>
/// A training animation on the course site: its frames as PNG files (drawn like the GIF's, from
/// the recorded results) under a slider that shows each frame's iteration and loss
/// (<see cref="Animation.FrameLabels"/>), and a play button at the animation's own pace.
/// </summary>
public static class TrainingSlider
{
    /// <summary>Where the frames go, under the site's figures folder.</summary>
    public const string FrameFolder = "frames";

    /// <summary>Writes the frames into <paramref name="figures"/>/frames and returns the slider's HTML and the files written.</summary>
    public static (string Html, IReadOnlyList<string> Files) Write(Animation animation, string figures, CancellationToken interrupt = default)
    {
        string folder = Path.Combine(figures, FrameFolder);
        Directory.CreateDirectory(folder);
        // The frames are drawn side by side (each plot is its own; the results they read do not change):
        // a four-class stage has 41, himmelblau's 21 take a heat map each.
        var images = new byte[animation.Frames.Count][];
        try
        {
            Parallel.For(0, images.Length, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = interrupt }, i =>
            {
                using var plot = new Plot();
                animation.Frames[i](plot);
                images[i] = plot.GetImageBytes(animation.Width, animation.Height, ImageFormat.Png);
            });
        }
        catch (OperationCanceledException)
        {
            throw new Catalog.LessonInterruptedException($"interrupted while drawing the frames of '{animation.Name}'");
        }
        var sources = new List<string>();
        var files = new List<string>();
        for (int i = 0; i < images.Length; i++)
        {
            string name = $"{animation.Name}-{i:000}.png";
            string path = Path.Combine(folder, name);
            AtomicFile.WriteAllBytes(path, images[i]);
            files.Add(path);
            sources.Add($"figures/{FrameFolder}/{name}");
        }
        IReadOnlyList<string> labels = animation.FrameLabels is { } given && given.Count == animation.Frames.Count
            ? given
            : [.. Enumerable.Range(1, animation.Frames.Count).Select(k => $"frame {k} of {animation.Frames.Count}")];
        string E(string text) => MarkdownHtml.Escape(text);
        int last = animation.Frames.Count - 1;
        var html = new StringBuilder();
        html.AppendLine($"<figure class=\"slider\" id=\"training-{E(animation.Name)}\" data-fps=\"{animation.FramesPerSecond}\">");
        html.AppendLine($"<img class=\"slider-frame\" src=\"{E(sources[0])}\" width=\"{animation.Width}\" height=\"{animation.Height}\" alt=\"{E(animation.Name)} training, frame 1\">");
        html.AppendLine("<div class=\"slider-controls\">"
            + "<button type=\"button\" data-action=\"play\">▶ play</button>"
            + $"<input type=\"range\" min=\"0\" max=\"{last}\" value=\"0\" step=\"1\" aria-label=\"frame of {E(animation.Name)}'s training\">"
            + $"<output class=\"slider-label\">{E(labels[0])}</output></div>");
        html.AppendLine($"<figcaption>{E(animation.Name)}: {E(animation.Caption)} ({animation.Frames.Count} frames; play runs {animation.FramesPerSecond} a second: {E(animation.Pace)}).</figcaption>");
        html.AppendLine($"<script type=\"application/json\" class=\"slider-data\">{JsonSerializer.Serialize(new { frames = sources, labels })}</script>");
        html.AppendLine("</figure>");
        return (html.ToString(), files);
    }
}
