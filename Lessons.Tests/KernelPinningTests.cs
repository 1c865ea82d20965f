using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using Lessons.Cli;
using Lessons.Core.Catalog;
using Lessons.Core.Parity;
using Lessons.Core.Torch;

namespace Lessons.Tests;

/// <summary>
/// The same digits on every machine: the test host runs the pinned kernels (as the CLI does by
/// default), the tutorial's step2000 line of himmelblau needs them, and the host's native kernels
/// are compared with a tolerance.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class KernelPinningTests
{
    const string TutorialStep2000 = "step2000:x=[2.3331806659698486, 1.9540694952011108],f(x)=13.730916023254395";

    const string UserKernelsReason = "ATEN_CPU_CAPABILITY or MKL_CBWR is set in this environment, and the user's own settings win";

    static bool UserSetKernelVariables =>
        !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("ATEN_CPU_CAPABILITY"))
        || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("MKL_CBWR"));

    [SkippableFact]
    public void The_test_host_runs_the_pinned_kernels()
    {
        CpuKernelInfo kernels = CachedRuns.Get("simple-grad").Kernels;
        Assert.Equal("pinned", kernels.Choice);
        // The user's own settings win, by design.
        Skip.If(UserSetKernelVariables, UserKernelsReason);
        Assert.Contains("ATEN_CPU_CAPABILITY=default (pinned)", kernels.Settings);
        Assert.Contains($"MKL_CBWR={CpuKernels.PinnedMklBranch} (pinned)", kernels.Settings);
        if (OperatingSystem.IsLinux() && RuntimeInformation.ProcessArchitecture == Architecture.X64)
        {
            // Read back from libtorch and MKL themselves: this fails if the pin came too late.
            Assert.Equal("DEFAULT", kernels.AtenCapability);
            Assert.Equal("COMPATIBLE,STRICT", kernels.MklBranch);
            Assert.True(kernels.IsReference);
        }
    }

    [SkippableFact]
    public void Pinned_kernels_print_the_tutorials_step2000_line()
    {
        Skip.If(UserSetKernelVariables, UserKernelsReason);
        Assert.Contains(TutorialStep2000, CachedRuns.Get("himmelblau").Transcript);
    }

    [Fact]
    public void Native_kernels_are_reported_and_stay_within_the_stated_tolerance_of_the_docs()
    {
        var (code, stdout, stderr) = RunBuiltCli("lesson", "himmelblau", "--kernels", "native", "--json");
        Assert.Equal(0, code);
        Assert.Contains("note: native kernels", stderr);
        JsonNode json = JsonNode.Parse(stdout)!;
        Assert.Equal("native", (string?)json["kernels"]!["choice"]);
        string capability = (string)json["kernels"]!["aten_capability"]!;
        string[] transcript = json["transcript"]!.AsArray().Select(line => (string)line!).ToArray();

        // The committed docs page shows the pinned transcript; the native one differs only in digits.
        string[] documented = CoursePages.Transcript("himmelblau");
        var differences = NumericTextComparison.Compare(string.Join("\n", documented), string.Join("\n", transcript), NumericTolerance.AcrossKernels);
        Assert.All(differences, d => Assert.True(d.WithinTolerance, d.ToString()));
        if (capability is "AVX2" or "AVX512")
        {
            // Vectorised kernels round differently: the tutorial's step2000 line is the one that shows it.
            Assert.DoesNotContain(TutorialStep2000, transcript);
            Assert.Contains(differences, d => d.Expected == TutorialStep2000);
        }
    }

    [Fact]
    public void A_second_different_choice_in_one_process_is_refused_with_a_note()
    {
        var result = CliRun.Run("lesson", "grad-tensors", "--quiet", "--kernels", "native");
        Assert.Equal(0, result.Code);
        Assert.Contains("note: --kernels native has no effect here", result.Err);
        Assert.Single(result.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void A_bad_kernels_value_is_a_usage_error()
    {
        CliRun.AssertOneLineError(CliRun.Run("lesson", "grad-tensors", "--kernels", "fast"), 2, "--kernels takes 'pinned' or 'native', got 'fast'");
    }

    [Fact]
    public void Numbers_within_the_tolerance_pass_and_others_are_named()
    {
        var tolerance = new NumericTolerance(1e-3, 1e-5);
        string expected = "loss 1.2345\nw tensor([0.5000, 2.0000])\nstep 7 f(x)=1e-06\nend";
        Assert.Empty(NumericTextComparison.Compare(expected, expected, tolerance));

        var close = NumericTextComparison.Compare(expected, "loss 1.2350\nw tensor([0.5000, 2.0010])\nstep 7 f(x)=9e-06\nend", tolerance);
        Assert.Equal([1, 2, 3], close.Select(d => d.LineNumber));
        Assert.All(close, d => Assert.True(d.WithinTolerance));

        var far = NumericTextComparison.Compare(expected, "loss 1.2400\nw tensor([0.5000, 2.0000])\nstep 8 f(x)=1e-06\nfin", tolerance);
        Assert.Equal([(1, false), (3, false), (4, false)], far.Select(d => (d.LineNumber, d.WithinTolerance)));

        var longer = NumericTextComparison.Compare(expected, expected + "\nextra", tolerance);
        Assert.False(Assert.Single(longer).WithinTolerance);
    }

    [Fact]
    public void Parity_is_exact_under_the_reference_kernels_and_tolerant_under_others()
    {
        // One documented line and one documented number, each a last digit off, as another CPU's kernels print them.
        var expected = new ExpectedFile("himmelblau",
        [
            new ExpectedValue { Line = TutorialStep2000, Source = "002 step2000" },
            new ExpectedValue { Result = "f(x)", Expected = System.Text.Json.Nodes.JsonValue.Create(13.730916023254395), Source = "002 step2000" },
        ]);
        LessonRun Run(CpuKernelInfo kernels) => new(LessonCatalog.Get("himmelblau"), "cpu", 0, new Dictionary<string, object>(),
            ["step2000:x=[2.3331809043884277, 1.9540693759918213],f(x)=13.730910301208496"],
            new Dictionary<string, object?> { ["f(x)"] = 13.730910301208496 }, kernels);

        var reference = new CpuKernelInfo("pinned", "DEFAULT", CpuKernels.PinnedMklBranch, []);
        Assert.All(ParityCheck.Compare(Run(reference), expected), o => Assert.False(o.Passed));

        var native = new CpuKernelInfo("native", "AVX512", "AUTO", []);
        var outcomes = ParityCheck.Compare(Run(native), expected);
        Assert.All(outcomes, o => Assert.True(o.Passed, o.ToString()));
        Assert.All(outcomes, o => Assert.Contains("are not the reference", o.Tolerance));

        // Beyond the tolerance it still fails.
        var far = ParityCheck.Compare(Run(native) with { Results = new Dictionary<string, object?> { ["f(x)"] = 13.9 } }, expected);
        Assert.False(far[1].Passed);
    }

    /// <summary>Runs the built CLI in a fresh process, without the kernel variables, so its own choice decides.</summary>
    static (int Code, string Out, string Err) RunBuiltCli(params string[] args)
    {
        ProcessStartInfo start = SelfProcess.StartInfo(args);
        start.Environment.Remove("ATEN_CPU_CAPABILITY");
        start.Environment.Remove("MKL_CBWR");
        using Process process = Process.Start(start)!;
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout, stderr.Result);
    }
}
