using System.Runtime.InteropServices;
using Lessons.Core.Catalog;
using Lessons.Core.Code;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using TorchSharp;

namespace Lessons.Tests;

/// <summary>
/// The rule that a lesson runs the tutorial's code: where the tutorial trains with autograd
/// (loss.backward(), torch.optim), the lesson's default run does too. Three independent checks per
/// lesson, none of which a hand-written backward pass could satisfy: the lesson cannot train with
/// autograd switched off, every step of its default run builds an autograd graph, and the code the
/// course shows calls backward() (and the tutorial's optimizer, where it uses one).
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class TutorialCodeTests
{
    /// <summary>
    /// Every lesson whose tutorial trains with autograd, from the tutorials themselves: the section,
    /// the optimizer it builds (null where it updates by hand from .grad), a short run's settings and
    /// how many training steps that run takes at least.
    /// </summary>
    public static readonly TheoryData<string, string, string?, string[], int> Trainers = new()
    {
        { "two-layer-autograd", "000 §1 (torch): loss.backward(), w1 -= learning_rate * w1.grad", null, [], 500 },
        { "weight-init", "000 §2: the 2-4-1 net, loss.backward(), optimizer.step()", "torch.optim.SGD", ["steps=40"], 40 },
        { "curve-fit-net", "000 §5 (pytorch): loss.backward(), optimizer.step()", "torch.optim.SGD", ["steps=20"], 20 },
        { "simple-linear-model", "000 §6: loss.backward(), optimizer.step()", "torch.optim.SGD", ["epochs=2"], 2 },
        { "logistic-regression", "001 §4: loss_fn.backward(), optimizer.step()", "torch.optim.SGD", ["iterations=20", "stop_accuracy=1"], 20 },
        { "linear-regression-exercise", "001 §4 思考: the section's loss.backward() and w.data.sub_(lr * w.grad)", null, ["iterations=30"], 30 },
        { "himmelblau", "002 梯度下降法: pred.backward(), optimizer.step()", "torch.optim.Adam", ["steps=30"], 30 },
        { "custom-relu-function", "003 Defining new autograd functions: loss.backward() through MyReLU", null, [], 500 },
        { "four-class-raw", "004 In[7]: L.backward(), W.data = W.data - alpha * W.grad", null, ["iterations=20"], 20 },
        { "four-class-optimizer", "004 In[11]: L.backward(), optimizer.step()", "torch.optim.SGD", ["iterations=20"], 20 },
        { "four-class-module", "004 In[15]: In[11]'s loop over net.parameters()", "torch.optim.SGD", ["iterations=20"], 20 },
        { "four-class-weighted-sum", "004 In[19]: In[11]'s loop over net.parameters()", "torch.optim.SGD", ["iterations=20"], 20 },
        { "four-class-my-layer", "004 In[21]: the chapter's loop (this port trains the net the text defines)", "torch.optim.SGD", ["iterations=20"], 20 },
        { "four-class-sequential", "004 In[23]: In[11]'s loop over net.parameters()", "torch.optim.SGD", ["iterations=20"], 20 },
        { "four-class-linear-sigmoid", "004 In[27]: the chapter's loop (this port trains the net the text defines)", "torch.optim.SGD", ["iterations=20"], 20 },
    };

    [Theory]
    [MemberData(nameof(Trainers))]
    public void Without_autograd_the_lesson_cannot_train(string id, string tutorial, string? optimizer, string[] shortRun, int steps)
    {
        _ = (tutorial, optimizer, steps);
        // With grad mode off nothing records a graph, so the first backward() finds none. A lesson
        // that computed its gradients itself would run through.
        Exception? error = Record.Exception(() => LessonRunner.Run(id, new LessonSettings { Assignments = shortRun, GradEnabled = false }));
        Assert.NotNull(error);
        Assert.Contains("does not require grad", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Trainers))]
    public void Every_training_step_builds_an_autograd_graph(string id, string tutorial, string? optimizer, string[] shortRun, int steps)
    {
        _ = (tutorial, optimizer);
        // libtorch numbers every node it records (per thread; lessons run on the caller's thread). The
        // smallest forward pass here, with its loss, records at least three.
        ulong before = AutogradNodeCounter.Next();
        LessonRunner.Run(id, new LessonSettings { Assignments = shortRun });
        ulong recorded = AutogradNodeCounter.Next() - before;
        Assert.True(recorded >= 3UL * (ulong)steps, $"{id}: {recorded} autograd nodes recorded in {steps} steps");
    }

    [Theory]
    [MemberData(nameof(Trainers))]
    public void The_code_shown_calls_backward_and_the_tutorials_optimizer(string id, string tutorial, string? optimizer, string[] shortRun, int steps)
    {
        _ = (tutorial, shortRun, steps);
        string code = LessonSources.For(LessonCatalog.Get(id)).Text;
        Assert.Contains(".backward(", code, StringComparison.Ordinal);
        if (optimizer is not null) Assert.Contains(optimizer + "(", code, StringComparison.Ordinal);
        Assert.DoesNotContain("inference_mode", code, StringComparison.Ordinal);
    }

    /// <summary>
    /// The calls the tutorial's loop makes, in its order: with an optimizer zero_grad, backward,
    /// step (logistic-regression's tutorial clears the gradients last); updating by hand, backward
    /// and then the gradients read (<c>w.grad</c>).
    /// </summary>
    public static string[] LoopCalls(string id, string? optimizer) => optimizer is null ? ["backward", "grad"]
        : id == "logistic-regression" ? ["backward", "step", "zero_grad"]
        : ["zero_grad", "backward", "step"];

    [Theory]
    [MemberData(nameof(Trainers))]
    public void The_tutorials_loop_stands_in_the_lessons_own_Run(string id, string tutorial, string? optimizer, string[] shortRun, int steps)
    {
        _ = (tutorial, shortRun, steps);
        // Parsed from the lesson's source: the optimizer built in Run, then a for/foreach in Run
        // itself whose body makes the tutorial's calls in the tutorial's order, not a helper's loop.
        MethodDeclarationSyntax run = LessonSources.RunOf(LessonCatalog.Get(id));
        Assert.Null(LessonShape.LoopInRun(run, optimizer, LoopCalls(id, optimizer)));
    }

    [Fact]
    public void Every_training_lesson_holds_its_loop_in_Run()
    {
        // The count the course is measured by: every lesson whose tutorial trains (the 14,
        // and linear-regression-exercise, the 思考 one) holds the loop in its own Run.
        var rows = Trainers.Select(row => ((string)row[0], (string?)row[2])).ToList();
        var holding = rows.Where(r => LessonShape.LoopInRun(LessonSources.RunOf(LessonCatalog.Get(r.Item1)), r.Item2, LoopCalls(r.Item1, r.Item2)) is null).ToList();
        Assert.Equal(15, rows.Count);
        Assert.Equal(rows.Count, holding.Count);
    }

    [Fact]
    public void The_loop_check_fails_for_a_loop_in_a_helper_or_out_of_order()
    {
        // The control: the same statements, once in Run, once in a helper Run calls, once reordered.
        const string inRun = """
            class Stage
            {
                public void Run(LessonContext context)
                {
                    var optimizer = torch.optim.SGD(net.parameters(), alpha);
                    foreach (int i in context.Steps(10)) { var L = loss(net.call(X), Y); optimizer.zero_grad(); L.backward(); optimizer.step(); }
                }
            }
            """;
        const string inHelper = """
            class Stage
            {
                public void Run(LessonContext context) => Train(context, torch.optim.SGD(net.parameters(), alpha));
                static void Train(LessonContext context, Optimizer optimizer)
                {
                    foreach (int i in context.Steps(10)) { var L = loss(net.call(X), Y); optimizer.zero_grad(); L.backward(); optimizer.step(); }
                }
            }
            """;
        string[] calls = ["zero_grad", "backward", "step"];
        Assert.Null(LessonShape.LoopInRun(LessonShape.RunIn(inRun), "torch.optim.SGD", calls));
        Assert.NotNull(LessonShape.LoopInRun(LessonShape.RunIn(inHelper), "torch.optim.SGD", calls));
        Assert.NotNull(LessonShape.LoopInRun(LessonShape.RunIn(inRun.Replace("optimizer.zero_grad(); L.backward();", "L.backward(); optimizer.zero_grad();")), "torch.optim.SGD", calls));
        Assert.NotNull(LessonShape.LoopInRun(LessonShape.RunIn(inRun), "torch.optim.Adam", calls));
    }

    [Theory]
    [MemberData(nameof(Trainers))]
    public void The_code_shown_has_the_loop_within_its_first_60_lines(string id, string tutorial, string? optimizer, string[] shortRun, int steps)
    {
        _ = (tutorial, optimizer, shortRun, steps);
        // --code shows Run first: its loop's backward() is near the top, before any definition.
        string[] lines = LessonSources.For(LessonCatalog.Get(id)).Text.Split('\n');
        int backward = Array.FindIndex(lines, l => l.Contains(".backward(", StringComparison.Ordinal));
        Assert.InRange(backward, 1, 59);
    }

    [Fact]
    public void The_checks_tell_a_hand_written_backward_pass_apart()
    {
        // two-layer-manual (000 §1, numpy's way) writes its gradients itself: it trains with autograd
        // off, and records no node while it trains; the checks above would fail for it.
        ulong before = AutogradNodeCounter.Next();
        LessonRun run = LessonRunner.Run("two-layer-manual", new LessonSettings { GradEnabled = false });
        Assert.Equal(before, AutogradNodeCounter.Next());
        Assert.NotEmpty(run.Transcript);
    }

    [Fact]
    public void Options_that_existed_only_for_speed_are_gone()
    {
        foreach (Lesson lesson in LessonCatalog.All)
            Assert.DoesNotContain(lesson.Options, o => o.Name is "fast" or "batched");
        CliRun.AssertOneLineError(CliRun.Run("lesson", "four-class-optimizer", "--set", "fast=true"), 2, "'fast'");
        CliRun.AssertOneLineError(CliRun.Run("lesson", "himmelblau", "--set", "batched=false"), 2, "'batched'");
    }

    [Fact]
    public void The_node_counter_counts_recorded_nodes_only()
    {
        // The check above is only as good as its counter: two recorded operations advance it by two,
        // the same operations under no_grad by nothing.
        using var scope = torch.NewDisposeScope();
        var w = torch.ones(3, requires_grad: true);
        ulong start = AutogradNodeCounter.Next();
        _ = (w * 2).sum();
        ulong afterTwo = AutogradNodeCounter.Next();
        using (torch.no_grad()) _ = (w * 2).sum();
        Assert.Equal(2UL, afterTwo - start);
        Assert.Equal(afterTwo, AutogradNodeCounter.Next());
    }

    /// <summary>libtorch's per-thread node numbering, <c>at::sequence_number::peek()</c> (exported by libtorch_cpu).</summary>
    static unsafe class AutogradNodeCounter
    {
        static readonly delegate* unmanaged<ulong> peek = Resolve();

        public static ulong Next() => peek();

        static delegate* unmanaged<ulong> Resolve()
        {
            torch.InitializeDeviceType(DeviceType.CPU);
            string file = RuntimeInformation.IsOSPlatform(OSPlatform.OSX) ? "libtorch_cpu.dylib" : "libtorch_cpu.so";
            nint library = NativeLibrary.Load(file);   // already loaded by TorchSharp: found by its soname
            return (delegate* unmanaged<ulong>)NativeLibrary.GetExport(library, "_ZN2at15sequence_number4peekEv");
        }
    }
}
