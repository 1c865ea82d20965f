using Lessons.Core.Autograd;
using Lessons.Core.Tutorials.Tutorial001;
using Lessons.Core.Tutorials.Tutorial003;
using TorchSharp;
using static TorchSharp.torch;

namespace Lessons.Tests;

/// <summary>
/// The gradcheck: autograd's Jacobian against central differences. Expected values come from the
/// derivatives worked out by hand, never from the check's own output.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class GradCheckTests
{
    /// <summary>x³ with a deliberately wrong backward: 2x instead of 3x².</summary>
    sealed class WrongCube : torch.autograd.SingleTensorFunction<WrongCube>
    {
        public override string Name => nameof(WrongCube);

        public override Tensor forward(torch.autograd.AutogradContext ctx, params object[] vars)
        {
            var input = (Tensor)vars[0];
            ctx.save_for_backward([input]);
            return input.pow(3);
        }

        public override List<Tensor> backward(torch.autograd.AutogradContext ctx, Tensor grad_output)
        {
            Tensor input = ctx.get_saved_variables()[0];
            return [grad_output * 2 * input];
        }
    }

    /// <summary>x³ with the right backward, 3x², written by hand.</summary>
    sealed class Cube : torch.autograd.SingleTensorFunction<Cube>
    {
        public override string Name => nameof(Cube);

        public override Tensor forward(torch.autograd.AutogradContext ctx, params object[] vars)
        {
            var input = (Tensor)vars[0];
            ctx.save_for_backward([input]);
            return input.pow(3);
        }

        public override List<Tensor> backward(torch.autograd.AutogradContext ctx, Tensor grad_output)
        {
            Tensor input = ctx.get_saved_variables()[0];
            return [grad_output * 3 * input.pow(2)];
        }
    }

    [Fact]
    public void A_wrong_backward_fails_and_the_report_names_the_worst_element()
    {
        using var scope = NewDisposeScope();
        var x = torch.tensor(new[] { 0.5, 2.0 }, requires_grad: true);
        GradCheckReport report = GradCheck.Run(v => WrongCube.apply(v[0]), [x]);

        Assert.False(report.Passed);
        // d(x³)/dx = 3x² = 12 at x = 2; the wrong backward says 2x = 4. Relative to its tolerance
        // (1e-5 + 1e-3 * 12) that entry misses by more than the one at 0.5 (0.75 against 1).
        Assert.Equal(0, report.Input);
        Assert.Equal([1L], report.InputIndex);
        Assert.Equal([1L], report.OutputIndex);
        Assert.Equal(12.0, report.Numerical, 1e-6);
        Assert.Equal(4.0, report.Analytical, 12);
        Assert.Equal(8.0, report.Difference, 1e-6);
        Assert.Equal(1e-5 + 1e-3 * 12.0, report.Allowed, 1e-8);
        Assert.Equal(4, report.EntriesChecked); // a 2x2 Jacobian
        Assert.StartsWith("gradcheck failed: input 0 [1] -> output [1]: numerical 12 vs analytical 4, |diff| 8 > allowed 0.01201", report.Verdict);
        Assert.DoesNotContain('\n', report.Verdict);
    }

    [Fact]
    public void The_right_backward_passes()
    {
        using var scope = NewDisposeScope();
        var x = torch.tensor(new[] { -1.5, 0.5, 2.0 }, requires_grad: true);
        GradCheckReport report = GradCheck.Run(v => Cube.apply(v[0]), [x]);
        Assert.True(report.Passed, report.Verdict);
        Assert.Equal(9, report.EntriesChecked);
        Assert.StartsWith("gradcheck passed: 9 Jacobian entries within atol 1e-05 + rtol 0.001 * |numerical|", report.Verdict);
        Assert.True(report.Difference <= report.Allowed);
    }

    [Fact]
    public void Off_diagonal_entries_are_compared_too()
    {
        using var scope = NewDisposeScope();
        // cumsum's Jacobian is lower triangular ones; a backward that forgets the off-diagonal
        // (treats it as elementwise) is right on every diagonal entry and wrong below it.
        var x = torch.tensor(new[] { 1.0, 2.0, 3.0 }, requires_grad: true);
        Assert.True(GradCheck.Run(v => v[0].cumsum(0), [x]).Passed);
        GradCheckReport wrong = GradCheck.Run(v => DiagonalOnlyCumsum.apply(v[0]), [x]);
        Assert.False(wrong.Passed);
        Assert.Equal(1.0, wrong.Numerical, 1e-6);
        Assert.Equal(0.0, wrong.Analytical);
        Assert.True(wrong.OutputIndex[0] > wrong.InputIndex[0], "the wrong entries lie below the diagonal");
    }

    sealed class DiagonalOnlyCumsum : torch.autograd.SingleTensorFunction<DiagonalOnlyCumsum>
    {
        public override string Name => nameof(DiagonalOnlyCumsum);
        public override Tensor forward(torch.autograd.AutogradContext ctx, params object[] vars) => ((Tensor)vars[0]).cumsum(0);
        public override List<Tensor> backward(torch.autograd.AutogradContext ctx, Tensor grad_output) => [grad_output.clone()];
    }

    [Fact]
    public void Several_inputs_each_with_its_own_shape_and_only_those_requiring_grad()
    {
        using var scope = NewDisposeScope();
        var a = torch.tensor(new[,] { { 1.0, 2.0 }, { 3.0, 4.0 } }, requires_grad: true);
        var b = torch.tensor(new[,] { { 0.5, -1.0, 2.0 }, { 1.5, 0.25, -0.5 } }, requires_grad: true);
        var c = torch.tensor(new[] { 10.0, 20.0, 30.0 }); // a constant: not checked
        GradCheckReport report = GradCheck.Run(v => v[0].matmul(v[1]) * v[2], [a, b, c]);
        Assert.True(report.Passed, report.Verdict);
        Assert.Equal(6 * (4 + 6), report.EntriesChecked); // 6 outputs times (4 + 6) elements
    }

    [Fact]
    public void An_input_the_output_ignores_has_a_zero_Jacobian_on_both_sides()
    {
        using var scope = NewDisposeScope();
        var x = torch.tensor(new[] { 1.0, 2.0 }, requires_grad: true);
        var unused = torch.tensor(new[] { 3.0 }, requires_grad: true);
        GradCheckReport report = GradCheck.Run(v => v[0].sin(), [x, unused]);
        Assert.True(report.Passed, report.Verdict);
        Assert.Equal(2 * 2 + 2 * 1, report.EntriesChecked);
    }

    [Fact]
    public void Float32_inputs_are_checked_in_float64_and_left_untouched()
    {
        using var scope = NewDisposeScope();
        var x = torch.tensor(new[] { 0.3f, 1.1f }, requires_grad: true);
        GradCheckReport report = GradCheck.Run(v => v[0].exp(), [x]);
        // In float32 a 1e-6 step is about ten units in the last place: the differences would be noise.
        Assert.True(report.Passed, report.Verdict);
        Assert.Equal(ScalarType.Float32, x.dtype);
        Assert.Equal(new[] { 0.3f, 1.1f }, x.data<float>().ToArray());
        Assert.Null(x.grad);
    }

    [Fact]
    public void The_tolerance_is_atol_plus_rtol_times_the_numerical_value()
    {
        using var scope = NewDisposeScope();
        // At x = 1: numerical 3, wrong analytical 2, |diff| 1.
        var x = torch.tensor(new[] { 1.0 }, requires_grad: true);
        // 0.5 + 0.2 * 3 = 1.1 >= 1 passes; with |analytical| it would be 0.5 + 0.2 * 2 = 0.9 and fail.
        Assert.True(GradCheck.Run(v => WrongCube.apply(v[0]), [x], atol: 0.5, rtol: 0.2).Passed);
        // 0.5 + 0.1 * 3 = 0.8 < 1 fails.
        GradCheckReport strict = GradCheck.Run(v => WrongCube.apply(v[0]), [x], atol: 0.5, rtol: 0.1);
        Assert.False(strict.Passed);
        Assert.Equal(0.8, strict.Allowed, 1e-6);
    }

    [Fact]
    public void A_first_derivative_built_with_create_graph_can_be_checked()
    {
        using var scope = NewDisposeScope();
        // d/dx of (dy/dx = 3x²) is 6x: gradcheck of the derivative checks the second derivative.
        var x = torch.tensor(new[] { 0.7, -1.2 }, requires_grad: true);
        GradCheckReport report = GradCheck.Run(v =>
            torch.autograd.grad([v[0].pow(3).sum()], [v[0]], create_graph: true)[0], [x]);
        Assert.True(report.Passed, report.Verdict);
    }

    [Fact]
    public void Multidimensional_indices_are_reported_in_the_tensors_shapes()
    {
        using var scope = NewDisposeScope();
        var x = torch.tensor(new[,] { { 0.5, 1.0 }, { 1.5, 3.0 } }, requires_grad: true);
        GradCheckReport report = GradCheck.Run(v => WrongCube.apply(v[0]), [x]);
        Assert.False(report.Passed);
        // The largest miss relative to its tolerance is at the largest x, 3 at [1, 1]: 27 against 6.
        Assert.Equal([1L, 1L], report.InputIndex);
        Assert.Equal([1L, 1L], report.OutputIndex);
        Assert.Contains("input 0 [1, 1] -> output [1, 1]", report.Verdict);
    }

    [Fact]
    public void Nothing_to_check_is_an_argument_error()
    {
        using var scope = NewDisposeScope();
        var constant = torch.tensor(new[] { 1.0 });
        Assert.Throws<ArgumentException>(() => GradCheck.Run(v => v[0] * 2, [constant]));
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            GradCheck.Run(v => v[0] * 2, [torch.tensor(new[] { 1.0 }, requires_grad: true)], eps: 0));
    }

    [Fact]
    public void A_nan_gradient_fails()
    {
        using var scope = NewDisposeScope();
        // sqrt at 0: sqrt(-1e-6) is NaN, so the difference quotient is NaN, and autograd's
        // 1/(2 sqrt 0) is infinite; allclose fails on NaN, and so must the check.
        var x = torch.tensor(new[] { 0.0, 4.0 }, requires_grad: true);
        GradCheckReport report = GradCheck.Run(v => v[0].sqrt(), [x]);
        Assert.False(report.Passed);
        Assert.Equal([0L], report.InputIndex);
    }

    // ---- the course's own functions and lessons ------------------------------------------------

    [Fact]
    public void Every_custom_autograd_function_in_the_course_passes()
    {
        // Found by reflection, so a new Function in a lesson cannot be left unchecked. The exercises'
        // GuardedFunction is no operator of the course: it wraps a learner's Function to catch what
        // its backward throws, and the exercise checks gradcheck the learner's Function through it.
        Type[] functions = typeof(CustomReluFunction).Assembly.GetTypes()
            .Where(t => !t.IsAbstract && IsCustomFunction(t) && t.Namespace!.StartsWith("Lessons.Core.Tutorials", StringComparison.Ordinal)).ToArray();
        Assert.Equal([typeof(CustomReluFunction.MyReLU)], functions);

        using var scope = NewDisposeScope();
        // Away from 0, where ReLU has no derivative; negative and positive elements both.
        var x = torch.tensor(new[,] { { -2.0, -0.4, 0.3 }, { 0.9, -1.1, 2.5 } }, requires_grad: true);
        GradCheckReport report = GradCheck.Run(v => CustomReluFunction.MyReLU.apply(v[0]), [x]);
        Assert.True(report.Passed, report.Verdict);
        Assert.Equal(36, report.EntriesChecked);
    }

    static bool IsCustomFunction(Type type)
    {
        for (Type? t = type.BaseType; t is not null; t = t.BaseType)
            if (t.IsGenericType && t.GetGenericTypeDefinition() is var g
                && (g == typeof(torch.autograd.SingleTensorFunction<>) || g == typeof(torch.autograd.MultiTensorFunction<>)))
                return true;
        return false;
    }

    [Fact]
    public void Custom_relu_function_prints_MyReLUs_verdict_after_the_tutorials_output()
    {
        var run = CachedRuns.Get("custom-relu-function");
        int marker = run.Transcript.ToList().FindIndex(l => l.StartsWith("# not in the tutorial: gradcheck(MyReLU.apply"));
        Assert.True(marker > 500, "after the tutorial's 500 loss lines");
        Assert.StartsWith("gradcheck passed: 25 Jacobian entries", run.Transcript[marker + 1]);
        Assert.Equal(true, run.Results["gradcheck passed"]);
    }

    [Fact]
    public void Computational_graphs_root_passes_with_respect_to_w_and_x()
    {
        using var scope = NewDisposeScope();
        // 001 §1: y = (w + x) * (w + 1) at w = 1, x = 2, built as the lesson builds it.
        GradCheckReport report = GradCheck.Run(v => torch.mul(torch.add(v[0], v[1]), WxGraph.AddOne(v[0])),
            [torch.tensor(new[] { 1.0 }, requires_grad: true), torch.tensor(new[] { 2.0 }, requires_grad: true)]);
        Assert.True(report.Passed, report.Verdict);
        Assert.Equal(2, report.EntriesChecked);
    }

    [Fact]
    public void Chain_rules_y2_passes_with_respect_to_w1_and_w2()
    {
        using var scope = NewDisposeScope();
        // 002: y1 = x*w1 + b1, y2 = y1*w2 + b2 at x = 1, b1 = b2 = 1 (constants), w1 = w2 = 2.
        var x = torch.tensor(1.0);
        var b = torch.tensor(1.0);
        GradCheckReport report = GradCheck.Run(v => (x * v[0] + b) * v[1] + b,
            [torch.tensor(2.0, requires_grad: true), torch.tensor(2.0, requires_grad: true)]);
        Assert.True(report.Passed, report.Verdict);
        Assert.Empty(report.InputIndex); // 0-dim tensors have empty indices
    }

    [Fact]
    public void Second_derivatives_first_and_second_derivatives_pass()
    {
        using var scope = NewDisposeScope();
        // 001 §3: y = x² at x = 3; the first derivative's own graph (create_graph) is checked too.
        var x = torch.tensor(new[] { 3.0 }, requires_grad: true);
        Assert.True(GradCheck.Run(v => torch.pow(v[0], 2), [x]).Passed);
        GradCheckReport second = GradCheck.Run(v => torch.autograd.grad([torch.pow(v[0], 2)], [v[0]], create_graph: true)[0], [x]);
        Assert.True(second.Passed, second.Verdict);
        Assert.Equal(2.0, second.Analytical, 9); // d²(x²)/dx² = 2
    }
}
