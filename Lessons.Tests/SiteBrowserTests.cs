using System.Globalization;
using System.Text.RegularExpressions;
using Lessons.Core.Autograd;
using Lessons.Core.Catalog;
using Lessons.Core.Figures;
using Lessons.Core.Site;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Lessons.Tests;

/// <summary>
/// The course site built once from the suite's shared runs (<see cref="CachedRuns"/>), and Debian's
/// chromium, driven by Playwright, pointed at it. Nothing downloads a browser: without
/// /usr/bin/chromium every test fails with one line naming the package.
/// </summary>
public sealed class SiteFixture : IAsyncLifetime
{
    public const string Chromium = "/usr/bin/chromium";

    public string Folder { get; } = Path.Combine(Path.GetTempPath(), "lessons-site-" + Guid.NewGuid().ToString("N"));

    /// <summary>Where the screenshots go; kept after the tests, for a person to look at.</summary>
    public string Screenshots { get; } = Path.Combine(Path.GetTempPath(), "lessons-site-screenshots");

    public IReadOnlyList<CourseSite.SiteLesson> Lessons { get; private set; } = [];

    /// <summary>How long writing the site took, the lessons' runs aside (they are the suite's shared ones).</summary>
    public double BuildSeconds { get; private set; }

    IPlaywright? playwright;
    IBrowser? browser;
    string? missing;

    public async Task InitializeAsync()
    {
        var runs = LessonCatalog.All.Select(lesson => CachedRuns.Get(lesson.Id)).ToList();
        // The runs the course pages' exercises make are the suite's too (the docs check reads them): run before the clock starts.
        foreach (LessonExercises exercises in ExerciseCatalog.All.Values) exercises.RunAll();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        Lessons = [.. runs.Select(run => CourseSite.Lesson(run, Folder))];
        CourseSite.Write(Lessons, Folder);
        BuildSeconds = clock.Elapsed.TotalSeconds;
        missing = Missing(Chromium);
        if (missing is not null) return;
        playwright = await Playwright.CreateAsync();
        browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = Chromium, Headless = true });
    }

    /// <summary>The one line every browser test fails with when the browser is not at <paramref name="path"/>, or null.</summary>
    public static string? Missing(string path) => File.Exists(path) ? null
        : $"Debian's chromium is not installed ({path} is missing): the site's browser tests need it (apt-get install chromium; .ci/run installs it)";

    /// <summary>A fresh page whose console errors, page errors and requests are recorded.</summary>
    public async Task<RecordedPage> Open(string file)
    {
        if (browser is null) throw new InvalidOperationException(missing ?? "the browser did not start");
        IPage page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 1000 } });
        var recorded = new RecordedPage(page);
        page.Console += (_, message) => { if (message.Type == "error") recorded.Errors.Add($"console: {message.Text}"); };
        page.PageError += (_, error) => recorded.Errors.Add($"page error: {error}");
        page.Request += (_, request) => recorded.Requests.Add(request.Url);
        await page.GotoAsync(Url(file), new PageGotoOptions { WaitUntil = WaitUntilState.Load });
        return recorded;
    }

    public string Url(string file) => new Uri(Path.Combine(Folder, file)).AbsoluteUri;

    public async Task DisposeAsync()
    {
        if (browser is not null) await browser.CloseAsync();
        playwright?.Dispose();
        if (Directory.Exists(Folder)) Directory.Delete(Folder, recursive: true);
    }
}

/// <summary>A page and what it logged and asked for.</summary>
public sealed class RecordedPage(IPage page) : IAsyncDisposable
{
    public IPage Page { get; } = page;
    public List<string> Errors { get; } = [];
    public List<string> Requests { get; } = [];

    public ValueTask DisposeAsync() => new(Page.CloseAsync());
}

[Collection(TorchCollection.Name)]
public sealed class SiteBrowserTests(SiteFixture site, ITestOutputHelper output) : IClassFixture<SiteFixture>
{
    const string GraphLesson = "computational-graph";
    const string Stepper = "#backward-computational-graph-0";

    static AutogradGraph Graph => CachedRuns.Get(GraphLesson).Graphs[0];

    /// <summary>The id of the SVG node the stepper draws for the graph's node whose tensor is <paramref name="tensor"/>.</summary>
    static string NodeOf(string tensor)
    {
        GraphNode node = Graph.Nodes.Single(n => n.Tensor == tensor && (tensor != "w" || n.Kind == GraphNodeKind.Leaf));
        return $"backward-{GraphLesson}-0-n{node.Id}";
    }

    static async Task<string?> Running(IPage page) =>
        await page.EvaluateAsync<string?>($"() => document.querySelector('{Stepper} g.node.running')?.id ?? null");

    static async Task<string> Panel(IPage page) => await page.Locator($"{Stepper} .stepper-step").InnerTextAsync();

    [Fact]
    public async Task Computational_graphs_page_opens_from_disk_and_steps_backward_to_w_and_back_to_a()
    {
        await using RecordedPage opened = await site.Open("tutorial-001.html");
        IPage page = opened.Page;
        Assert.StartsWith("file://", page.Url);
        ILocator next = page.Locator($"{Stepper} button[data-action=next]");
        for (int i = 0; i < 4; i++) await next.ClickAsync();
        Assert.Equal(NodeOf("w"), await Running(page));
        string panel = await Panel(page);
        // The tutorial's w.grad (001 §2: w.grad = 5), as --backward prints that step.
        Assert.Contains("w.grad: None -> tensor([5.])", panel);
        Assert.Equal(string.Join("\n", BackwardSteps.Walk(Graph).Steps[3].Lines), panel.TrimEnd('\n'));
        Assert.Contains(Graph.Nodes.Single(n => n.Tensor == "w").Label, panel);
        // w's AccumulateGrad is painted gold, the edges it was sent along stay labelled.
        string fill = await page.EvaluateAsync<string>($"() => getComputedStyle(document.querySelector('#{NodeOf("w")} path, #{NodeOf("w")} polygon')).fill");
        Assert.Equal("rgb(255, 215, 0)", fill);
        Assert.Contains("w.grad: tensor([5.])", await page.Locator($"{Stepper} .stepper-grads").InnerTextAsync());

        await page.Locator($"{Stepper} button[data-action=previous]").ClickAsync();
        Assert.Equal(NodeOf("a"), await Running(page));
        Assert.StartsWith($"step 3: {Graph.Nodes.Single(n => n.Tensor == "a").Label} receives", await Panel(page));

        // Clicking a node tells its name, its kind and the gradient on each of its edges.
        await page.Locator($"#{NodeOf("a")}").ClickAsync();
        string about = await page.Locator($"{Stepper} .stepper-node").InnerTextAsync();
        Assert.Contains("node: AddBackward0, for a", about);
        Assert.Contains("kind: an operation", about);
        Assert.Contains("to w = AccumulateGrad: tensor([2.])", about);
        Assert.Contains("to x = AccumulateGrad: tensor([2.])", about);

        Directory.CreateDirectory(site.Screenshots);
        await page.Locator($"#{GraphLesson}").ScrollIntoViewIfNeededAsync();
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(site.Screenshots, "lesson-page.png") });
        await page.Locator($"{Stepper} button[data-action=next]").ClickAsync();
        await page.Locator(Stepper).ScreenshotAsync(new LocatorScreenshotOptions { Path = Path.Combine(site.Screenshots, "backward-step.png") });
        Assert.Empty(opened.Errors);
    }

    [Fact]
    public async Task The_stepper_works_by_keyboard_alone()
    {
        await using RecordedPage opened = await site.Open("tutorial-001.html");
        IPage page = opened.Page;
        // Tab from the top of the page until the focus is inside the stepper.
        for (int presses = 0; presses < 500; presses++)
        {
            if (await page.EvaluateAsync<bool>($"() => !!document.activeElement?.closest('{Stepper}')")) break;
            await page.Keyboard.PressAsync("Tab");
        }
        Assert.True(await page.EvaluateAsync<bool>($"() => !!document.activeElement?.closest('{Stepper}')"), "Tab never reached the stepper");
        for (int i = 0; i < 4; i++) await page.Keyboard.PressAsync("ArrowRight");
        Assert.Equal(NodeOf("w"), await Running(page));
        Assert.Contains("w.grad: None -> tensor([5.])", await Panel(page));
        await page.Keyboard.PressAsync("ArrowLeft");
        Assert.Equal(NodeOf("a"), await Running(page));
        // A node reached by Tab tells what it holds on Enter.
        for (int presses = 0; presses < 40; presses++)
        {
            await page.Keyboard.PressAsync("Tab");
            if (await page.EvaluateAsync<string?>("() => document.activeElement?.id ?? null") == NodeOf("x")) break;
        }
        Assert.Equal(NodeOf("x"), await page.EvaluateAsync<string?>("() => document.activeElement?.id ?? null"));
        await page.Keyboard.PressAsync("Enter");
        Assert.Contains("node: AccumulateGrad, for x", await page.Locator($"{Stepper} .stepper-node").InnerTextAsync());
        // The play button, reached and pressed by keyboard, steps on by itself.
        await page.Locator($"{Stepper} button[data-action=play]").FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForFunctionAsync($"() => document.querySelector('{Stepper}').getAttribute('data-step') === '{Graph.Nodes.Count}'",
            null, new PageWaitForFunctionOptions { Timeout = 10_000 });
        Assert.Empty(opened.Errors);
    }

    [Fact]
    public async Task A_training_slider_at_its_last_frame_shows_the_last_iterations_loss()
    {
        LessonRun run = CachedRuns.Get("logistic-regression");
        double lastLoss = run.Numbers("logged loss")[^1];
        long lastIteration = (long)run.Numbers("logged iterations")[^1];
        await using RecordedPage opened = await site.Open("tutorial-001.html");
        IPage page = opened.Page;
        ILocator slider = page.Locator("#training-logistic-regression");
        ILocator range = slider.Locator("input[type=range]");
        await range.FocusAsync();
        await page.Keyboard.PressAsync("End");
        string label = await slider.Locator(".slider-label").InnerTextAsync();
        Match shown = Regex.Match(label, @"^iteration (\d+), loss (\S+)$");
        Assert.True(shown.Success, $"the slider's label reads '{label}'");
        Assert.Equal(lastIteration, long.Parse(shown.Groups[1].Value, CultureInfo.InvariantCulture));
        // Every digit of the recorded loss: the label is its shortest round-trip form.
        Assert.Equal(lastLoss, double.Parse(shown.Groups[2].Value, CultureInfo.InvariantCulture));
        string frames = await range.GetAttributeAsync("max") ?? "";
        Assert.EndsWith($"logistic-regression-{int.Parse(frames, CultureInfo.InvariantCulture):000}.png", await slider.Locator("img").GetAttributeAsync("src"));
        await page.WaitForFunctionAsync("() => { const i = document.querySelector('#training-logistic-regression img'); return i.complete && i.naturalWidth > 0; }");
        Directory.CreateDirectory(site.Screenshots);
        await slider.ScreenshotAsync(new LocatorScreenshotOptions { Path = Path.Combine(site.Screenshots, "training-slider.png") });
        Assert.Empty(opened.Errors);
    }

    [Fact]
    public async Task No_page_logs_an_error_or_asks_the_network_and_every_link_image_and_anchor_resolves()
    {
        string[] pages = [.. Directory.GetFiles(site.Folder, "*.html").Select(Path.GetFileName).Order(StringComparer.Ordinal)!];
        Assert.Contains(CourseSite.IndexFile, pages);
        Assert.Contains(CourseSite.ExercisesFile, pages);
        Assert.Equal(LessonCatalog.All.Select(l => l.Source.File[..3]).Distinct().Select(n => $"tutorial-{n}.html"), pages.Where(p => p.StartsWith("tutorial-")));
        var broken = new List<string>();
        foreach (string file in pages)
        {
            await using RecordedPage opened = await site.Open(file);
            IPage page = opened.Page;
            broken.AddRange(opened.Errors.Select(e => $"{file}: {e}"));
            broken.AddRange(opened.Requests.Where(url => !url.StartsWith("file://", StringComparison.Ordinal)).Select(url => $"{file}: asked the network for {url}"));
            string[] links = await page.EvalOnSelectorAllAsync<string[]>("a[href]", "links => links.map(a => a.href)");
            foreach (string link in links) if (Unresolved(link) is string why) broken.Add($"{file}: link {link}: {why}");
            string[] images = await page.EvalOnSelectorAllAsync<string[]>("img", "images => images.filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src)");
            broken.AddRange(images.Select(src => $"{file}: image {src} did not load"));
            // A slider's other frames, which its script shows later.
            string[] frames = await page.EvalOnSelectorAllAsync<string[]>(".slider-data", "blocks => blocks.flatMap(b => JSON.parse(b.textContent).frames)");
            broken.AddRange(frames.Where(f => !File.Exists(Path.Combine(site.Folder, f))).Select(f => $"{file}: frame {f} is missing"));
            Assert.Equal(await page.EvalOnSelectorAllAsync<int>(".slider", "s => s.length"), await page.EvalOnSelectorAllAsync<int>(".slider-data", "s => s.length"));
        }
        Assert.True(broken.Count == 0, string.Join("\n", broken));
    }

    /// <summary>Why a link does not resolve inside the site (outside it, no such file, no such anchor), or null.</summary>
    string? Unresolved(string link)
    {
        var uri = new Uri(link);
        if (uri.Scheme != "file") return "not a file of the site";
        string path = uri.LocalPath;
        if (!path.StartsWith(site.Folder + "/", StringComparison.Ordinal)) return "outside the site";
        if (!File.Exists(path)) return "no such file";
        string anchor = Uri.UnescapeDataString(uri.Fragment.TrimStart('#'));
        if (anchor.Length == 0) return null;
        return File.ReadAllText(path).Contains($"id=\"{MarkdownHtml.Escape(anchor)}\"", StringComparison.Ordinal) ? null : "no such anchor";
    }

    [Fact]
    public void Every_graph_of_30_nodes_or_fewer_gets_a_stepper_and_the_others_say_why_not()
    {
        string pages = string.Concat(Directory.GetFiles(site.Folder, "*.html").Select(File.ReadAllText));
        foreach (Lesson lesson in LessonCatalog.All)
        {
            LessonRun run = CachedRuns.Get(lesson.Id);
            for (int i = 0; i < run.Graphs.Count; i++)
            {
                AutogradGraph graph = run.Graphs[i];
                string id = $"id=\"backward-{lesson.Id}-{i}\"";
                Assert.Contains(id, pages);
                bool steppable = graph.IsAvailable && graph.Root is not null && graph.Nodes.Count <= BackwardAnimation.MaxNodes;
                Assert.Equal(steppable, pages.Contains($"<section class=\"stepper\" {id}", StringComparison.Ordinal));
                // An order or edges libtorch could not give are said in the stepper's heading, as --backward says them.
                if (steppable && (graph.OrderUnavailable ?? graph.GradsUnavailable) is string reason)
                    Assert.Contains(MarkdownHtml.Escape(reason), pages);
            }
        }
        // retain-graph's second graph was recorded after backward freed it: its edges cannot be read, and the page says so.
        AutogradGraph freed = CachedRuns.Get("retain-graph").Graphs.Single(g => g.GradsUnavailable is not null);
        Assert.Contains("edge gradients not read: " + MarkdownHtml.Escape(freed.GradsUnavailable!), pages);
    }

    [Fact]
    public void Code_is_highlighted_by_Roslyns_classifier()
    {
        output.WriteLine($"the site was written in {site.BuildSeconds:F1} s");
        string page = File.ReadAllText(Path.Combine(site.Folder, "tutorial-001.html"));
        // Semantic classes, which only the classifier with the references gives (a parser alone knows no types).
        Assert.Contains("<span class=\"c-keyword\">public</span>", page);
        Assert.Contains("<span class=\"c-class-name\">ComputationalGraph</span>", page);
        Assert.Contains("<span class=\"c-class-name\">Lesson</span>", page);
        Assert.Matches("<span class=\"c-method-name[^\"]*\">Print</span>", page);
        Assert.Contains("<span class=\"c-local-name\">graph</span>", page);
        Assert.Contains("<span class=\"c-parameter-name\">context</span>", page);
    }
}
