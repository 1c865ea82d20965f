using Lessons.Core.Catalog;
using ScottPlot;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing.Processors.Quantization;
using SkiaSharp;

namespace Lessons.Core.Figures;

/// <summary>
/// Training as an animation a browser plays: frames drawn like figures (from recorded results,
/// never by re-running the lesson), written as one looping animated GIF.
/// </summary>
/// <param name="Name">The file name without extension; starts with the lesson's id.</param>
/// <param name="Frames">Each frame fills in a ScottPlot plot, in order.</param>
/// <param name="FramesPerSecond">Playback speed; a divisor of 100, as GIF counts delays in hundredths of a second.</param>
/// <param name="Pace">Where that speed comes from, for the docs (e.g. the tutorial's <c>plt.pause</c>).</param>
/// <param name="Caption">What the frames show, for the docs.</param>
public sealed record Animation(string Name, IReadOnlyList<Action<Plot>> Frames, int FramesPerSecond, string Pace, string Caption,
    int Width = 800, int Height = 600)
{
    /// <summary>How long the last frame stays before the loop starts again, so the end state can be read.</summary>
    public const int HoldLastCentiseconds = 200;

    /// <summary>
    /// One line per frame saying where training is (its iteration and loss, from the recorded
    /// results), for the course site's slider; null where the lesson gives none.
    /// </summary>
    public IReadOnlyList<string>? FrameLabels { get; init; }

    /// <summary>A frame's label: the iteration (or step) and the loss, the loss as Python's repr prints it (every digit of the recorded double).</summary>
    public static string FrameLabel(string counter, long iteration, string measure, double value) =>
        $"{counter} {iteration}, {measure} {Python.PyFloat.Repr(value)}";
}

/// <summary>Writes a run's animations as GIF files (SixLabors.ImageSharp 2.x, used only to encode).</summary>
public static class AnimationWriter
{
    /// <summary>The animations of the run's lesson (none for most lessons).</summary>
    public static IReadOnlyList<Animation> For(LessonRun run) =>
        FigureCatalog.For(run.Lesson.Id)?.Animations(run).ToList() ?? [];

    /// <summary>
    /// Draws every animation of the run into <paramref name="directory"/>; returns the files written,
    /// each reported to <paramref name="written"/> as soon as it is whole. An interrupt stops between frames.
    /// </summary>
    public static IReadOnlyList<string> Write(LessonRun run, string directory, Action<string>? written = null, CancellationToken interrupt = default)
    {
        var paths = new List<string>();
        foreach (Animation animation in For(run))
        {
            Directory.CreateDirectory(directory);
            string path = Path.Combine(directory, animation.Name + ".gif");
            Write(animation, path, interrupt);
            paths.Add(path);
            written?.Invoke(path);
        }
        return paths;
    }

    public static void Write(Animation animation, string path, CancellationToken interrupt = default)
    {
        if (animation.Frames.Count == 0) throw new InvalidOperationException($"animation {animation.Name} has no frames");
        if (100 % animation.FramesPerSecond != 0) throw new InvalidOperationException($"animation {animation.Name}: {animation.FramesPerSecond} frames per second is not a whole number of hundredths");
        int delay = 100 / animation.FramesPerSecond;
        using var gif = new Image<Rgba32>(animation.Width, animation.Height);
        gif.Metadata.GetGifMetadata().RepeatCount = 0;   // loop forever
        Rgba32[]? previous = null;
        for (int i = 0; i < animation.Frames.Count; i++)
        {
            if (interrupt.IsCancellationRequested)
                throw new LessonInterruptedException($"interrupted while drawing {Path.GetFileName(path)}, frame {i + 1} of {animation.Frames.Count}");
            Rgba32[] pixels = Render(animation.Frames[i], animation.Width, animation.Height);
            // After the first frame, a pixel that did not change is left transparent and the frame
            // is drawn over the one before (no disposal): most of a plot stays the same from frame
            // to frame, and runs of one transparent index compress to almost nothing.
            Rgba32[] written = previous is null ? pixels : pixels.Select((p, k) => p == previous[k] ? default : p).ToArray();
            using var frame = SixLabors.ImageSharp.Image.LoadPixelData<Rgba32>(written, animation.Width, animation.Height);
            var metadata = frame.Frames.RootFrame.Metadata.GetGifMetadata();
            metadata.FrameDelay = i == animation.Frames.Count - 1 ? Math.Max(delay, Animation.HoldLastCentiseconds) : delay;
            metadata.DisposalMethod = GifDisposalMethod.NotDispose;
            gif.Frames.AddFrame(frame.Frames.RootFrame);
            previous = pixels;
        }
        gif.Frames.RemoveFrame(0);   // the blank frame the image was created with
        var encoder = new GifEncoder
        {
            // A palette per frame (ImageSharp 2's one global palette maps the colours that appear
            // only in later frames very slowly); no dithering, whose noise would defeat GIF's
            // compression of flat areas.
            ColorTableMode = GifColorTableMode.Local,
            Quantizer = new WuQuantizer(new QuantizerOptions { Dither = null }),
        };
        // Whole or not at all, as every figure: an interrupt never leaves half a GIF.
        using var encoded = new MemoryStream();
        gif.SaveAsGif(encoded, encoder);
        AtomicFile.WriteAllBytes(path, encoded.GetBuffer().AsSpan(0, (int)encoded.Length));
    }

    /// <summary>A plot rendered straight to pixels (no image file decoded on the way).</summary>
    static Rgba32[] Render(Action<Plot> draw, int width, int height)
    {
        var plot = new Plot();
        draw(plot);
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.White);
            plot.Render(canvas, width, height);
        }
        // Opaque pixels (the plot fills its white background), so premultiplied RGBA is plain RGBA.
        return System.Runtime.InteropServices.MemoryMarshal.Cast<byte, Rgba32>(bitmap.GetPixelSpan()).ToArray();
    }
}
