using Lessons.Core.Site;

namespace Lessons.Tests;

/// <summary>The course site's parts that need no browser and no lesson run: the Markdown it converts, its links, bad input to <c>site</c>.</summary>
public sealed class SiteTests
{
    static MarkdownHtml Converter() => new()
    {
        Link = CourseSite.SiteLink,
        Code = (language, code, source) => $"<pre data-language=\"{language}\" data-source=\"{source}\">{MarkdownHtml.Escape(code)}</pre>",
    };

    [Fact]
    public void The_docs_pages_links_point_into_the_site_or_become_text()
    {
        Assert.Equal("index.html", CourseSite.SiteLink("lessons.md"));
        Assert.Equal("tutorial-002.html#chain-rule", CourseSite.SiteLink("tutorial-002.md#chain-rule"));
        Assert.Equal("#grad-tensors", CourseSite.SiteLink("#grad-tensors"));
        Assert.Equal("figures/chain-rule-graph.png", CourseSite.SiteLink("figures/chain-rule-graph.png"));
        Assert.Equal("exercises.html#relu-backward", CourseSite.SiteLink("../exercises/06-relu-backward.cs"));
        Assert.Equal("exercises.html", CourseSite.SiteLink("../README.md#exercises"));
        // Files outside the site (the sources, the tutorials' texts) would not resolve on a static host.
        Assert.Null(CourseSite.SiteLink("../Lessons.Core/Tutorials/Tutorial001/ChainRule.cs"));
        Assert.Null(CourseSite.SiteLink("../../shared/seeds/001_527ed903e0dd4563.txt"));
    }

    [Fact]
    public void The_pages_Markdown_becomes_HTML_with_everything_escaped()
    {
        string html = Converter().Convert("""
            ## grad-tensors

            **A title**, from [`001.txt`](../../shared/seeds/001.txt) §3 «x < y & z».

            The code, from [`Lessons.Core/Tutorials/Tutorial001/GradTensors.cs`](../Lessons.Core/Tutorials/Tutorial001/GradTensors.cs):

            ```csharp
            if (a < b) Print("<b>");
            ```

            | option | default |
            | --- | --- |
            | `lr` | `0.1` |

            - [chain-rule](tutorial-002.md#chain-rule): a `[link]` here

            <details>
            <summary>All 41 lines</summary>

            ```text
            tensor([5.])
            ```

            </details>
            """);
        Assert.Contains("<h2 id=\"grad-tensors\">grad-tensors</h2>", html);
        Assert.Contains("<p><strong>A title</strong>, from <code>001.txt</code> §3 «x &lt; y &amp; z».</p>", html);
        Assert.Contains("<pre data-language=\"csharp\" data-source=\"Lessons.Core/Tutorials/Tutorial001/GradTensors.cs\">if (a &lt; b) Print(&quot;&lt;b&gt;&quot;);</pre>", html);
        Assert.Contains("<tr><td><code>lr</code></td><td><code>0.1</code></td></tr>", html);
        Assert.Contains("<li><a href=\"tutorial-002.html#chain-rule\">chain-rule</a>: a <code>[link]</code> here</li>", html);
        Assert.Contains("<details>\n<summary>All 41 lines</summary>\n<pre data-language=\"text\"", html.ReplaceLineEndings("\n"));
        Assert.Contains("</details>", html);
    }

    [Fact]
    public void Without_chromium_the_browser_tests_fail_in_one_line_that_names_the_package()
    {
        string why = SiteFixture.Missing("/nonexistent/chromium")!;
        Assert.DoesNotContain('\n', why);
        Assert.Contains("apt-get install chromium", why);
        Assert.Null(SiteFixture.Missing(typeof(SiteTests).Assembly.Location));
    }

    [Fact]
    public void A_site_folder_that_is_a_file_is_refused_in_one_line_before_any_lesson_runs()
    {
        string file = Path.GetTempFileName();
        try
        {
            CliResult result = CliRun.Run("site", file);
            CliRun.AssertOneLineError(result, 2, file, "it is a file, not a folder");
            Assert.Equal("", result.Out);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
