using Lessons.Core.Catalog;
using Lessons.Core.Figures;
using ScottPlot;
using SkiaSharp;

namespace Lessons.Tests;

/// <summary>Every figure a lesson promises is written, decodes as a PNG of the stated size, is not blank, and has text.</summary>
[Collection(TorchCollection.Name)]
public sealed class FigureTests
{
    // The lessons whose tutorial sections draw figures (issue: figures), each must have a figure set.
    static readonly string[] DrawingLessons =
    [
        "logistic-regression", "himmelblau", "curve-fit-net", "weight-init",
        "two-layer-manual", "two-layer-autograd", "custom-relu-function", "static-graph",
        "four-class-data", "four-class-raw", "four-class-optimizer", "four-class-module",
        "four-class-weighted-sum", "four-class-my-layer", "four-class-sequential", "four-class-linear-sigmoid",
    ];

    [Fact]
    public void Every_lesson_whose_tutorial_draws_has_figures() =>
        Assert.All(DrawingLessons, id => Assert.NotNull(FigureCatalog.For(id)));

    [Fact]
    public void Every_figure_set_belongs_to_a_lesson() =>
        Assert.All(FigureCatalog.All.Keys, id => Assert.NotNull(LessonCatalog.Find(id)));

    [Fact]
    public void Every_promised_figure_is_written_decodes_and_shows_something()
    {
        string folder = Path.Combine(Path.GetTempPath(), "lesson-figures-" + Guid.NewGuid().ToString("N"));
        try
        {
            foreach (var (id, figures) in FigureCatalog.All)
            {
                LessonRun run = CachedRuns.Get(id);
                var promised = figures.Draw(run).ToList();
                Assert.NotEmpty(promised);
                IReadOnlyList<string> written = FigureWriter.Write(run, folder);
                Assert.Equal(promised.Select(f => Path.Combine(folder, f.Name + ".png")), written);
                foreach (Figure figure in promised)
                {
                    Assert.StartsWith(id, figure.Name);
                    using SKBitmap bitmap = SKBitmap.Decode(Path.Combine(folder, figure.Name + ".png"));
                    Assert.NotNull(bitmap);
                    Assert.Equal((figure.Width, figure.Height), (bitmap.Width, bitmap.Height));
                    Assert.True(InkFraction(bitmap) > 0.01, $"{figure.Name} is nearly blank");
                }
            }
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Text_is_rendered_with_an_installed_font()
    {
        // Without a system font ScottPlot draws every label as nothing; CI installs fonts-dejavu-core.
        double blank = InkOf(plot => { });
        double titled = InkOf(plot => plot.Title("Iteration: 20  w0:1.23 w1:-0.45 b: 0.07 accuracy:99.50%"));
        Assert.True(titled > blank + 0.002, $"the title drew no visible text (ink {titled:F4} vs {blank:F4}): is a font installed?");
    }

    static double InkOf(Action<Plot> draw)
    {
        var plot = new Plot();
        draw(plot);
        byte[] png = plot.GetImageBytes(400, 300, ImageFormat.Png);
        using SKBitmap bitmap = SKBitmap.Decode(png);
        return InkFraction(bitmap);
    }

    // The fraction of pixels that differ clearly from white.
    static double InkFraction(SKBitmap bitmap)
    {
        long ink = 0;
        for (int y = 0; y < bitmap.Height; y++)
            for (int x = 0; x < bitmap.Width; x++)
            {
                SKColor c = bitmap.GetPixel(x, y);
                if (c.Red + c.Green + c.Blue < 3 * 200) ink++;
            }
        return ink / (double)(bitmap.Width * bitmap.Height);
    }
}
