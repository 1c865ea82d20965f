using System.Text.Json.Nodes;
using Lessons.Core.Catalog;
using Lessons.Core.Exercises;
using Lessons.Core.Parity;

namespace Lessons.Tests;

/// <summary>
/// The exercises work: each reference solution passes every check, each stub as shipped fails with
/// its intended first message, and typical wrong answers fail with a message that helps.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class ExerciseTests
{
    public static TheoryData<string> Ids() => [.. ExerciseBook.All.Select(e => e.Id)];

    [Fact]
    public void Seven_exercises_cover_the_five_tutorials_in_course_order()
    {
        var exercises = ExerciseBook.All.Where(e => e.Chapter == ExerciseChapter.Tutorials).ToList();
        Assert.Equal(7, exercises.Count);
        Assert.Contains(exercises, e => e.Id == "two-layer-backprop" && e.Source.File.StartsWith("000_", StringComparison.Ordinal) && e.Source.Section == 1);
        Assert.Contains(exercises, e => e.Id == "relu-backward" && e.Source.File.StartsWith("003_", StringComparison.Ordinal));
        Assert.Equal(["000", "001", "002", "003", "004"], exercises.Select(e => e.Source.File[..3]).Distinct().Order());
        // Course order: the catalogue's order of the lessons they belong to.
        var lessonOrder = exercises.Select(e => LessonCatalog.All.ToList().FindIndex(l => l.Id == e.LessonId)).ToList();
        Assert.Equal(lessonOrder.Order(), lessonOrder);
        Assert.Equal(Enumerable.Range(1, exercises.Count), exercises.Select(e => e.Number));
    }

    [Fact]
    public void The_capstone_follows_the_seven_in_the_order_of_its_dependencies()
    {
        var capstone = ExerciseBook.All.Where(e => e.Chapter == ExerciseChapter.OwnEngine).ToList();
        Assert.InRange(capstone.Count, 5, 8);
        Assert.Equal(["engine-value", "engine-topological-order", "engine-backward", "engine-mlp", "engine-training"], capstone.Select(e => e.Id));
        Assert.Equal(Enumerable.Range(8, capstone.Count), capstone.Select(e => e.Number));
        // Each step compiles with the learner's earlier ones.
        Assert.Equal(capstone.Take(2), capstone[2].CompiledWith);
        Assert.Empty(capstone[0].CompiledWith);
        Assert.All(capstone, e => Assert.Contains("Builds on tutorial", e.Stub));
    }

    [Fact]
    public void The_exercises_folder_holds_each_stub_as_shipped()
    {
        string folder = Path.Combine(CachedRuns.RepositoryRoot(), "exercises");
        Assert.Equal(ExerciseBook.All.Select(e => e.FileName).Order(StringComparer.Ordinal),
            Directory.GetFiles(folder, "*.cs").Select(Path.GetFileName).Order(StringComparer.Ordinal));
        foreach (Exercise exercise in ExerciseBook.All)
            Assert.Equal(exercise.Stub.ReplaceLineEndings("\n"), File.ReadAllText(Path.Combine(folder, exercise.FileName)).ReplaceLineEndings("\n"));
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void Each_stub_states_its_task_cites_its_section_and_marks_its_gap(string id)
    {
        Exercise exercise = ExerciseBook.Get(id);
        string stub = exercise.Stub;
        Assert.StartsWith($"// Exercise {id}:", stub);
        // The lesson holding the answer's code is named by the last hint, or after a pass: never by the stub.
        Assert.DoesNotContain("lessons lesson", stub);
        Assert.DoesNotContain("--code", stub);
        Assert.Contains($"lessons hint {id}", stub);
        Assert.Contains($"tutorial {exercise.Source.File[..3]}", stub);
        // The section's heading in the tutorial's words: its Chinese words where it has them.
        string heading = System.Text.RegularExpressions.Regex.Matches(exercise.Source.Heading, @"[\u4e00-\u9fff,]+")
            .Select(m => m.Value).OrderByDescending(m => m.Length).FirstOrDefault() ?? exercise.Source.Heading;
        Assert.Contains(heading, stub);
        Assert.Matches(@"// TODO[^\n]*\n\s*throw new NotImplementedException\(\);", stub);
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void Each_reference_solution_passes_every_check(string id)
    {
        var results = ExerciseSolutions.Check(id, ExerciseSolutions.For(id));
        Assert.Equal(ExerciseBook.Get(id).Checks.Count, results.Count);
        Assert.All(results, r => Assert.True(r.Passed, $"{r.Name}: {r.Problem}"));
    }

    [Theory]
    [InlineData("two-layer-backprop", "TwoLayerBackprop.Gradients", 28)]
    [InlineData("grad-accumulation", "GradAccumulation.GradientEachStep", 33)]
    [InlineData("inplace-leaf", "InplaceLeaf.Step", 25)]
    [InlineData("perceptron-gradient", "PerceptronGradient.Gradient", 25)]
    [InlineData("chain-rule", "ChainRule.Chained", 25)]
    [InlineData("relu-backward", "MyReLU.backward", 36)]
    [InlineData("sigmoid-layer-backward", "SigmoidLayer.Loss", 26)]
    [InlineData("engine-value", "Value.op_Multiply", 51)]
    [InlineData("engine-topological-order", "Value.TopologicalOrder", 22)]
    [InlineData("engine-backward", "Value.Backward", 22)]
    [InlineData("engine-mlp", "MLP.Call", 72)]
    [InlineData("engine-training", "Training.Train", 27)]
    public void Each_untouched_stub_fails_first_with_the_TODO_it_has_not_filled(string id, string member, int line)
    {
        Exercise exercise = ExerciseBook.Get(id);
        var results = ExerciseSolutions.Check(id, exercise.Stub);
        CheckResult first = Assert.Single(results); // nothing after an unwritten member is checked
        Assert.Equal(CheckStatus.NotWritten, first.Status);
        Assert.Equal($"{member} is not written yet: the TODO at exercises/{exercise.FileName}:{line} still throws NotImplementedException", first.Problem);
        Assert.Equal("throw new NotImplementedException();", exercise.Stub.Split('\n')[line - 1].Trim());
    }

    // ---- typical wrong answers -----------------------------------------------------------------

    /// <summary>The first failing check of a wrong answer, which must fail (not stop as unwritten).</summary>
    static CheckResult FirstFailure(string id, string from, string to)
    {
        var results = ExerciseSolutions.Check(id, ExerciseSolutions.Mutated(id, from, to));
        CheckResult failure = Assert.Single(results, r => !r.Passed && r == results.First(x => !x.Passed));
        Assert.Equal(CheckStatus.Failed, failure.Status);
        return failure;
    }

    [Fact]
    public void A_sign_error_in_grad_y_pred_is_named_as_a_flipped_sign()
    {
        CheckResult failure = FirstFailure("two-layer-backprop", "2.0 * (yPred - y)", "2.0 * (y - yPred)");
        Assert.StartsWith("grad_w2", failure.Name);
        Assert.Matches(@"^grad_w2 differs from autograd's dloss/dw2: worst element \[\d+, \d+\]: expected -?[\d.e+-]+, got -?[\d.e+-]+ \(the sign is flipped\)$", failure.Problem);
    }

    [Fact]
    public void A_missing_transpose_names_both_shapes()
    {
        // grad_w1 as gradH^T x: [H, D_in] where w1 is [D_in, H].
        CheckResult failure = FirstFailure("two-layer-backprop", "x.t().mm(gradH)", "gradH.t().mm(x)");
        Assert.Equal("grad_w1 has shape [4, 5], but autograd's dloss/dw1 has shape [5, 4] (transposed: a missing or extra .t()?)", failure.Problem);
    }

    [Fact]
    public void A_product_that_cannot_be_formed_names_the_learners_line_and_libtorchs_shapes()
    {
        CheckResult failure = FirstFailure("two-layer-backprop", "hRelu.t().mm(gradYPred)", "hRelu.mm(gradYPred)");
        Assert.Matches(@"^TwoLayerBackprop.Gradients failed at exercises/01-two-layer-backprop.cs:\d+: libtorch: mat1 and mat2 shapes cannot be multiplied \(8x4 and 8x3\)$", failure.Problem);
    }

    [Fact]
    public void A_forgotten_ReLU_mask_fails_grad_w1_only()
    {
        var results = ExerciseSolutions.Check("two-layer-backprop", ExerciseSolutions.Mutated("two-layer-backprop", "gradH.masked_fill_(h.lt(0), 0);", ""));
        Assert.True(results[0].Passed);
        Assert.False(results[1].Passed);
        Assert.Equal("grad_w1 is what it would be with no ReLU: the gradient passed the ReLU unmasked; zero grad_h where h < 0 (the ReLU's derivative is 0 there)", results[1].Problem);
        Assert.Equal(2, results.Count); // the checks after a failure do not run
    }

    [Fact]
    public void A_forgotten_zero_grad_shows_the_accumulated_gradients_beside_the_tutorials()
    {
        CheckResult failure = FirstFailure("grad-accumulation", "w.grad.zero_();", "");
        Assert.Equal("w.grad after each pass differs from the tutorial's tensor([5.]) at every pass (001 §3) first at [1]: expected 5, got 10 "
            + "(each value is the sum of the ones before: the gradient accumulated, a forgotten zero_()?)", failure.Problem);
        Assert.Equal(["expected: [5, 5, 5, 5]", "got:      [5, 10, 15, 20]"], failure.Details);
    }

    [Fact]
    public void An_in_place_update_outside_no_grad_gets_libtorchs_leaf_error_at_the_learners_line()
    {
        CheckResult failure = FirstFailure("inplace-leaf", "using (torch.no_grad())", "");
        Assert.Matches(@"^InplaceLeaf.Step failed at exercises/03-inplace-leaf.cs:\d+: libtorch: a leaf Variable that requires grad is being used in an in-place operation.$", failure.Problem);
    }

    [Fact]
    public void A_CSharp_compound_assignment_is_explained_as_a_new_tensor()
    {
        CheckResult failure = FirstFailure("inplace-leaf", "w.sub_(w.grad! * learningRate);", "w -= w.grad! * learningRate;");
        Assert.StartsWith("w did not change: in C#, `w -= ...` and `w = w - ...` make a new tensor", failure.Problem);
    }

    [Fact]
    public void A_sign_error_in_the_perceptrons_derivation_is_named()
    {
        CheckResult failure = FirstFailure("perceptron-gradient", "return -2 * (1 - o)", "return 2 * (1 - o)");
        Assert.EndsWith("(the sign is flipped)", failure.Problem);
        Assert.Equal(2, failure.Details!.Count); // [1, 10] is small enough to show whole
    }

    [Fact]
    public void The_perceptron_gradient_taken_by_backward_is_not_a_derivation()
    {
        var results = ExerciseSolutions.Check("perceptron-gradient", ExerciseSolutions.Mutated("perceptron-gradient",
            "return -2 * (1 - o) * o * (1 - o) * x;", "var leaf = w.detach().requires_grad_(); var oo = torch.sigmoid(x.matmul(leaf.t())); (1 - oo).pow(2).sum().backward(); return leaf.grad!;"));
        Assert.True(results[0].Passed && results[1].Passed);
        Assert.Equal("Gradient calls backward(): that is autograd doing the derivation; write the chain rule's factors yourself", results[2].Problem);
    }

    [Fact]
    public void A_wrong_factor_is_caught_at_the_tutorials_values()
    {
        // dy2/dw2 = y1 = 3 where dy1/dw1 = x = 1 was due.
        CheckResult failure = FirstFailure("chain-rule", "torch.autograd.grad([y1], [w1], retain_graph: true)[0]", "torch.autograd.grad([y2], [w2], retain_graph: true)[0]");
        Assert.Equal("Chained(1, 2, 1, 2, 1) differs from the tutorial's l = tensor(2.): worst element []: expected 2, got 6 (3 times the expected value)", failure.Problem);
    }

    [Fact]
    public void A_chain_rule_answer_taken_in_one_step_is_refused()
    {
        var direct = ExerciseSolutions.Check("chain-rule", ExerciseSolutions.Mutated("chain-rule",
            "var dy2Dy1 = torch.autograd.grad([y2], [y1], retain_graph: true)[0];\n        var dy1Dw1 = torch.autograd.grad([y1], [w1], retain_graph: true)[0];\n        return dy2Dy1 * dy1Dw1;",
            "return torch.autograd.grad([y2], [w1])[0];"));
        Assert.Equal("Chained calls torch.autograd.grad 1 time; take dy2/dy1 and dy1/dw1 each with it, then multiply", direct[2].Problem);
    }

    [Fact]
    public void A_relu_backward_with_the_mask_inverted_fails_gradcheck_naming_the_worst_element()
    {
        CheckResult failure = FirstFailure("relu-backward", "input.lt(0)", "input.gt(0)");
        Assert.StartsWith("backward passes gradcheck", failure.Name);
        Assert.StartsWith("gradcheck: ", failure.Problem);
        Assert.Contains("numerical", failure.Problem);
    }

    [Fact]
    public void A_relu_backward_that_changes_grad_output_in_place_is_told_to_clone()
    {
        var results = ExerciseSolutions.Check("relu-backward", ExerciseSolutions.Mutated("relu-backward", "var gradInput = grad_output.clone();", "var gradInput = grad_output;"));
        Assert.True(results[0].Passed, results[0].Problem);
        Assert.Equal("backward changed grad_output in place; autograd may still use it: work on a copy (grad_output.clone())", results[1].Problem);
    }

    [Fact]
    public void A_relu_backward_that_throws_is_one_line_naming_the_learners_line_and_the_process_survives()
    {
        // libtorch calls backward from native code, where an exception would abort the process.
        CheckResult failure = FirstFailure("relu-backward", "return [gradInput];", "throw new InvalidOperationException(\"oops\");");
        Assert.Equal("MyReLU.backward failed at exercises/06-relu-backward.cs:38: InvalidOperationException: oops", failure.Problem);
    }

    [Fact]
    public void A_relu_backward_gradient_of_another_shape_names_both_shapes()
    {
        CheckResult failure = FirstFailure("relu-backward", "return [gradInput];", "return [gradInput.flatten()];");
        Assert.Equal("MyReLU.backward returned a gradient of shape [20] for an input of shape [4, 5]; the gradient has the input's shape", failure.Problem);
    }

    [Fact]
    public void A_bias_gradient_not_summed_over_the_points_is_explained()
    {
        CheckResult failure = FirstFailure("sigmoid-layer-backward", "gradZ.sum(0, keepdim: true)", "gradZ");
        Assert.StartsWith("dL/db has shape [5, 2], one row per point", failure.Problem);
    }

    [Fact]
    public void A_loss_without_the_division_by_N_is_off_by_the_factor()
    {
        CheckResult failure = FirstFailure("sigmoid-layer-backward", ".sum() / pred.shape[0]", ".sum()");
        Assert.EndsWith("(6 times the expected value)", failure.Problem);
    }

    [Fact]
    public void A_changed_signature_is_answered_with_the_stubs_signature()
    {
        CheckResult failure = FirstFailure("perceptron-gradient", "Gradient(Tensor x, Tensor w)", "Gradient(Tensor x, Tensor w, double scale = 1)");
        Assert.Equal("exercises/04-perceptron-gradient.cs: PerceptronGradient.Gradient should be `public static Tensor Gradient(Tensor x, Tensor w)`, as in the stub; keep its signature", failure.Problem);
    }

    [Fact]
    public void A_syntax_error_is_reported_at_the_learners_file_line_and_column()
    {
        Exercise exercise = ExerciseBook.Get("relu-backward");
        string broken = exercise.Stub.Replace("return input.clamp(min: 0);", "return input.clamp(min: 0)", StringComparison.Ordinal);
        CompileOutcome outcome = ExerciseCompiler.Compile(broken, "exercises/06-relu-backward.cs");
        Assert.False(outcome.Compiled);
        string[] lines = broken.Split('\n');
        int line = Array.FindIndex(lines, l => l.Contains("return input.clamp(min: 0)", StringComparison.Ordinal));
        int column = lines[line].IndexOf(')', StringComparison.Ordinal) + 2; // just after the statement, where the ; belongs
        CompileError error = Assert.Single(outcome.Errors);
        Assert.Equal($"exercises/06-relu-backward.cs:{line + 1}:{column}: error CS1002: ; expected", error.ToString());
    }

    [Fact]
    public void The_tutorial_values_the_checks_use_are_the_documented_ones()
    {
        static JsonNode Documented(string lesson, string result) =>
            ExpectedFile.Load(ExpectedFile.PathFor(lesson)).Values.Single(v => v.Result == result).Expected!;
        Assert.Equal(Documented("grad-accumulation", "w.grad with zero_").AsArray().Select(v => v!.GetValue<double>()), GradAccumulationExercise.TutorialWithZeroGrad);
        Assert.Equal((double)ChainRuleExercise.TutorialL, Documented("chain-rule", "l").GetValue<double>());
    }

    [Fact]
    public void The_course_page_links_each_exercise_from_its_lessons_section()
    {
        // Each lesson's section is on its tutorial's chapter page, beside the index.
        string[] pages = Directory.GetFiles(Path.Combine(CachedRuns.RepositoryRoot(), "docs"), "tutorial-*.md").Select(File.ReadAllText).ToArray();
        Assert.Equal(5, pages.Length);
        foreach (Exercise exercise in ExerciseBook.All.Where(e => e.Chapter == ExerciseChapter.Tutorials))
        {
            string? page = pages.SingleOrDefault(p => p.Contains($"\n## {exercise.LessonId}\n", StringComparison.Ordinal));
            Assert.True(page is not null, exercise.LessonId);
            int start = page.IndexOf($"\n## {exercise.LessonId}\n", StringComparison.Ordinal);
            int end = page.IndexOf("\n## ", start + 1, StringComparison.Ordinal);
            string section = page[start..(end < 0 ? page.Length : end)];
            Assert.Contains($"Exercise: [`{exercise.FileName}`](../exercises/{exercise.FileName})", section);
            Assert.True(File.Exists(Path.Combine(CachedRuns.RepositoryRoot(), "docs", "../exercises", exercise.FileName)));
        }
        // The capstone chapter is on the index, each step linked, with the lesson whose idea it builds on.
        string index = File.ReadAllText(Path.Combine(CachedRuns.RepositoryRoot(), "docs", "lessons.md"));
        Assert.Contains("\n## Capstone: build your own autograd engine\n", index);
        foreach (Exercise exercise in ExerciseBook.All.Where(e => e.Chapter == ExerciseChapter.OwnEngine))
            Assert.Contains($"| [`{exercise.FileName}`](../exercises/{exercise.FileName}) | {exercise.Task} | [{exercise.LessonId}](tutorial-{exercise.Source.File[..3]}.md#{exercise.LessonId})", index);
    }

    // ---- the slips seen most (issue 26) ---------------------------------------------------------

    [Fact]
    public void A_mean_where_the_tutorial_divides_by_N_is_named_as_one_Kth_of_the_value()
    {
        CheckResult failure = FirstFailure("sigmoid-layer-backward", ".sum() / pred.shape[0]", ".mean()");
        Assert.EndsWith("(1/4 of the expected value: a .mean() where the tutorial sums, or divides by N only?)", failure.Problem);
    }

    [Fact]
    public void An_add_where_the_step_subtracts_is_named()
    {
        CheckResult failure = FirstFailure("inplace-leaf", "w.sub_(", "w.add_(");
        Assert.Equal("w moved up the gradient, to w + lr * w.grad: add_ where the step subtracts (sub_); gradient descent goes against the gradient", failure.Problem);
    }

    [Fact]
    public void A_relu_backward_without_its_mask_is_named_before_gradcheck()
    {
        CheckResult failure = FirstFailure("relu-backward", "gradInput.masked_fill_(input.lt(0), 0);", "");
        Assert.StartsWith("backward returns grad_output unmasked: at the negative inputs -2 and -0.5 the gradient is 1", failure.Problem);
    }

    [Fact]
    public void A_sum_0_that_binds_to_the_dtype_overload_is_explained()
    {
        // C# turns the literal 0 into ScalarType.Byte: sum(0) is a 0-dim sum in uint8.
        CheckResult failure = FirstFailure("sigmoid-layer-backward", "gradZ.sum(0, keepdim: true)", "gradZ.sum(0)");
        Assert.StartsWith("dL/db is a uint8 tensor of shape []: in TorchSharp `sum(0)` binds to sum(ScalarType), 0 being Byte", failure.Problem);
        Assert.EndsWith("write sum(dim: 0) or sum(0, keepdim: true)", failure.Problem);
    }

    [Fact]
    public void Checks_after_the_first_failure_do_not_run()
    {
        // A gradient of the wrong shape: "backward leaves grad_output unchanged" would blame what the learner never touched.
        var results = ExerciseSolutions.Check("relu-backward", ExerciseSolutions.Mutated("relu-backward", "return [gradInput];", "return [gradInput.flatten()];"));
        CheckResult only = Assert.Single(results);
        Assert.Equal(CheckStatus.Failed, only.Status);
    }

    [Fact]
    public void Each_exercise_has_three_hints_that_tell_more_each_time_and_a_note_on_why_it_works()
    {
        foreach (Exercise exercise in ExerciseBook.All)
        {
            Assert.Equal(3, exercise.Hints.Count);
            Assert.All(exercise.Hints, h => Assert.False(string.IsNullOrWhiteSpace(h)));
            Assert.Equal(exercise.Hints.Count, exercise.Hints.Distinct().Count());
            Assert.True(exercise.WhyItWorks.Length > 40, exercise.Id);
        }
        // The nudge gives no code; the last level does.
        Assert.DoesNotContain("masked_fill_", ExerciseBook.Get("relu-backward").Hints[0]);
        Assert.Contains("masked_fill_", ExerciseBook.Get("relu-backward").Hints[2]);
    }

    [Theory]
    [InlineData("6", "relu-backward")]
    [InlineData("06", "relu-backward")]
    [InlineData("06-relu-backward.cs", "relu-backward")]
    [InlineData("exercises/05-chain-rule.cs", "chain-rule")]
    [InlineData("relu-backward", "relu-backward")]
    public void An_exercise_is_named_by_its_id_its_number_or_its_file(string text, string id) =>
        Assert.Equal(id, ExerciseBook.Get(text).Id);

    [Theory]
    [InlineData("relu-backwards", "did you mean relu-backward?")]
    [InlineData("chainrule", "did you mean chain-rule?")]
    [InlineData("sigmoid", "did you mean sigmoid-layer-backward?")]
    [InlineData("0", "there is no exercise 0: they are numbered 1 to")]
    [InlineData("99", "there is no exercise 99")]
    public void A_wrong_id_gets_the_nearest_one(string text, string said)
    {
        var e = Assert.Throws<ExerciseUsageException>(() => ExerciseBook.Get(text));
        Assert.Contains(said, e.Message);
    }

    [Fact]
    public void A_file_of_binary_garbage_is_not_text_and_a_CSharp_file_is()
    {
        Assert.True(LearnerFile.IsText(System.Text.Encoding.UTF8.GetBytes(ExerciseBook.Get("relu-backward").Stub)));
        Assert.False(LearnerFile.IsText([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x00, 0x00]));
        Assert.False(LearnerFile.IsText([0x63, 0x6c, 0xff, 0xfe, 0x61]));
    }

    [Fact]
    public void The_progress_file_keeps_a_verdict_for_the_text_it_judged_only()
    {
        string folder = Path.Combine(Path.GetTempPath(), "lessons-progress-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            Exercise exercise = ExerciseBook.Get("chain-rule");
            string fingerprint = ExerciseProgress.FingerprintOf(["class A {}\r\n"]);
            Assert.Equal(fingerprint, ExerciseProgress.FingerprintOf(["class A {}\n"])); // line endings aside
            Assert.NotEqual(fingerprint, ExerciseProgress.FingerprintOf(["class B {}\n"]));
            ExerciseProgress progress = ExerciseProgress.Load(folder);
            progress.Record(exercise, fingerprint, ExerciseVerdict.Passing);
            progress[exercise].HintsShown = 2;
            Assert.True(progress.TrySave());
            ExerciseProgress again = ExerciseProgress.Load(folder);
            Assert.Equal(ExerciseVerdict.Passing, again.Known(exercise, fingerprint));
            Assert.Null(again.Known(exercise, ExerciseProgress.FingerprintOf(["class B {}\n"])));
            Assert.Equal(2, again[exercise].HintsShown);
            File.WriteAllText(Path.Combine(folder, ExerciseProgress.FileName), "{ not json");
            Assert.Empty(ExerciseProgress.Load(folder).Exercises); // a cache: unreadable is empty
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    // ---- the capstone: typical wrong answers ------------------------------------------------------

    [Fact]
    public void An_assignment_where_a_local_backward_must_add_is_named()
    {
        CheckResult failure = FirstFailure("engine-value", "a.Grad += b.Data * output.Grad;\n            b.Grad += a.Data * output.Grad;",
            "a.Grad = b.Data * output.Grad;\n            b.Grad = a.Data * output.Grad;");
        Assert.StartsWith("local backwards add to Grad (+=)", failure.Name);
        Assert.Equal("w.Grad is 3 where d(w·w)/dw = 2w = 6: the local backward assigned Grad (=) where it must add (+=); a value used twice gets both shares", failure.Problem);
    }

    [Fact]
    public void A_wrong_local_derivative_names_the_node_the_expected_value_and_the_one_that_came()
    {
        CheckResult failure = FirstFailure("engine-value", "Grad += (1 - t * t) * output.Grad;", "Grad += (1 + t * t) * output.Grad;");
        Assert.Matches(@"^the gradient of a\.Tanh\(\) with respect to a differs from libtorch's: expected [\d.]+, got [\d.]+ \(sent by the local backward of a\.Tanh\(\)\)$", failure.Problem);
    }

    [Fact]
    public void A_topological_order_without_a_visited_set_repeats_w()
    {
        CheckResult failure = FirstFailure("engine-topological-order", "if (!visited.Add(node)) return;", "");
        Assert.StartsWith("in the order of y, the node 1 appears twice: a node used twice is visited once", failure.Problem);
    }

    [Fact]
    public void A_backward_without_the_seed_is_told_dy_dy_is_1()
    {
        CheckResult failure = FirstFailure("engine-backward", "Grad = 1;", "");
        Assert.Equal("after Backward every Grad is 0: seed the output's Grad with 1 (dy/dy = 1) first", failure.Problem);
    }

    [Fact]
    public void A_backward_in_the_forward_order_misses_the_tutorials_5()
    {
        CheckResult failure = FirstFailure("engine-backward", "for (int i = order.Count - 1; i >= 0; i--) order[i].LocalBackward();", "foreach (Value node in order) node.LocalBackward();");
        Assert.StartsWith("y.Grad is 1 but w.Grad and x.Grad stayed 0, where the tutorial has 5 and 2: the nodes sent their shares inputs-first", failure.Problem);
    }

    [Fact]
    public void A_neuron_without_its_bias_names_the_outputs()
    {
        CheckResult failure = FirstFailure("engine-mlp", "Value sum = Bias;", "Value sum = 0.0;");
        Assert.StartsWith("the MLP's output differs from libtorch's: expected ", failure.Problem);
    }

    [Fact]
    public void Training_without_zeroed_gradients_is_named()
    {
        CheckResult failure = FirstFailure("engine-training", "foreach (Value p in model.Parameters()) p.Grad = 0;", "");
        Assert.Equal("the losses are libtorch's without zeroing the gradients: each Backward adds to Grad, so set every parameter's Grad to 0 before it", failure.Problem);
    }
}
