using System.Text.Json.Nodes;
using Lessons.Core.Autograd;
using Lessons.Core.Catalog;
using Lessons.Core.Figures;

namespace Lessons.Tests;

/// <summary>The graphs as a learner sees them: the DOT picture (rendered by Graphviz), --graph, --plots, --json and the docs.</summary>
[Collection(TorchCollection.Name)]
public sealed class GraphPictureTests
{
    // The lessons whose graph the issue asks to show (issue 11).
    static readonly string[] GraphLessons =
    [
        "computational-graph", "static-and-dynamic-graphs", "retain-graph", "grad-tensors", "second-derivative",
        "chain-rule", "custom-relu-function", "two-layer-autograd",
    ];

    static string TempFolder() => Path.Combine(Path.GetTempPath(), "lesson-graphs-" + Guid.NewGuid().ToString("N"));

    static string RequireDot() =>
        Graphviz.FindDot() ?? throw new InvalidOperationException(
            $"Graphviz's dot is not on PATH: this test needs it ({GraphPictures.InstallHint}; .ci/run installs it)");

    [Fact]
    public void Every_graph_lesson_draws_a_picture_Graphviz_renders()
    {
        string dot = RequireDot();
        string folder = TempFolder();
        try
        {
            foreach (string id in GraphLessons)
            {
                LessonRun run = CachedRuns.Get(id);
                Assert.True(GraphPictures.CanDraw(run), $"{id} recorded no drawable graph");
                GraphPictureResult result = GraphPictures.Write(run, folder, ["svg", "png"]);
                Assert.Null(result.Problem);
                string stem = Path.Combine(folder, id + "-graph");
                Assert.Equal([stem + ".dot", stem + ".svg", stem + ".png"], result.Files);
                string svg = File.ReadAllText(stem + ".svg");
                Assert.Contains("<svg", svg);
                // Every recorded node is drawn, leaves under their names.
                foreach (GraphNode node in run.Graphs.SelectMany(g => g.Nodes))
                {
                    Assert.Contains(node.Name, svg);
                    if (node.Tensor is not null) Assert.Contains($">{node.Tensor}</text>", svg);
                }
                Assert.Null(Graphviz.Render(dot, stem + ".dot", "canon", stem + ".canon")); // dot parses it again
            }
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Leaves_operations_and_the_root_are_styled_apart()
    {
        string text = GraphPictures.Dot(CachedRuns.Get("computational-graph"));
        Assert.Contains("g0_n0 [label=\"y\\nMulBackward0\", fillcolor=darkolivegreen1", text);
        Assert.Contains("[label=\"w\\nAccumulateGrad\", fillcolor=lightblue]", text);
        Assert.Contains("[label=\"x\\nAccumulateGrad\", fillcolor=lightblue]", text);
        Assert.Contains("[label=\"a\\nAddBackward0\", fillcolor=gray90]", text);
        Assert.Contains("[label=\"None\", shape=plaintext", text);
    }

    [Fact]
    public void Without_dot_the_DOT_file_is_written_and_one_line_says_how_to_install_it()
    {
        string folder = TempFolder();
        try
        {
            GraphPictureResult result = GraphPictures.Write(CachedRuns.Get("computational-graph"), folder, ["svg", "png"], keepDot: true, dotExecutable: null);
            Assert.Equal([Path.Combine(folder, "computational-graph-graph.dot")], result.Files);
            Assert.Contains("apt-get install graphviz", result.Problem);
            Assert.DoesNotContain("\n", result.Problem!);
            Assert.Equal(["computational-graph-graph.dot"], Directory.GetFiles(folder).Select(Path.GetFileName));
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void An_unavailable_graph_draws_nothing_and_says_why()
    {
        LessonRun real = CachedRuns.Get("computational-graph");
        LessonRun run = real with { Graphs = [AutogradGraph.Failed("y", "an injected reason")] };
        string folder = TempFolder();
        GraphPictureResult result = GraphPictures.Write(run, folder, ["svg"]);
        Assert.Empty(result.Files);
        Assert.Contains("an injected reason", result.Problem);
        Assert.False(Directory.Exists(folder));
        Assert.Null(LessonDocs.DocGraphPicture(run));
    }

    [Fact]
    public void Graph_option_prints_the_tree()
    {
        var (code, output, _) = CliRun.Run("lesson", "computational-graph", "--graph", "--quiet");
        Assert.Equal(0, code);
        string text = output.ReplaceLineEndings("\n");
        Assert.Contains("graph y: 5 nodes, 6 edges (← what each edge carries in backward, starting from ones, as backward() of a one-element tensor does)\n"
                        + "y = MulBackward0   ← tensor([1.])\n├─ a = AddBackward0   ← tensor([2.])\n│  ├─ w = AccumulateGrad   ← tensor([2.])\n", text);
        Assert.Contains("((<AccumulateGrad object at 0x", text); // next_functions in the transcript

        var none = CliRun.Run("lesson", "simple-grad", "--graph", "--quiet");
        Assert.Contains("graph: none (this lesson records no autograd graph)", none.Out);
    }

    [Fact]
    public void Plots_option_writes_the_graph_picture()
    {
        RequireDot();
        string folder = TempFolder();
        try
        {
            var (code, output, _) = CliRun.Run("lesson", "computational-graph", "--plots", folder, "--quiet");
            Assert.Equal(0, code);
            foreach (string extension in new[] { ".dot", ".svg", ".png" })
            {
                string file = Path.Combine(folder, "computational-graph-graph" + extension);
                Assert.True(new FileInfo(file).Length > 100, file);
                Assert.Contains("figure: " + file, output);
            }
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Json_carries_each_graph_as_nodes_and_edges()
    {
        var (code, output, _) = CliRun.Run("lesson", "grad-tensors", "--json");
        Assert.Equal(0, code);
        JsonNode graph = JsonNode.Parse(output)!["results"]!["graph: loss"]!;
        var nodes = graph["nodes"]!.AsArray();
        var edges = graph["edges"]!.AsArray();
        Assert.Equal(7, nodes.Count);
        Assert.Equal(10, edges.Count);
        Assert.Equal("CatBackward0", (string?)nodes[0]!["name"]);
        Assert.Equal("root", (string?)nodes[0]!["kind"]);
        // The leaves by name; each edge from a node to one of its next_functions.
        Assert.Equal(["w", "x"], nodes.Where(n => (string?)n!["kind"] == "leaf").Select(n => (string?)n!["tensor"]).Order());
        Assert.All(edges, e => Assert.InRange((int)e!["from"]!, 0, nodes.Count - 1));
    }

    [Fact]
    public void The_docs_page_shows_each_graph_picture()
    {
        string page = CoursePages.Text(LessonDocs.Render(GraphLessons.Select(CachedRuns.Get)));
        foreach (string id in GraphLessons)
            Assert.Contains($"![{id}-graph](figures/{id}-graph.png)", page);
        Assert.Null(LessonDocs.DocGraphPicture(CachedRuns.Get("simple-grad")));
    }
}
