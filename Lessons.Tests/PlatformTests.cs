using System.Text.RegularExpressions;
using System.Xml.Linq;
using Lessons.Core.Torch;

namespace Lessons.Tests;

/// <summary>
/// What the project says about each platform: the loader's one-line advice (a pure function of the
/// loader's text, the platform and the TorchSharp release, so every branch is tested here, on Linux),
/// and a version check that makes a move to another TorchSharp release fail until README
/// "Platforms" and the advice are reviewed.
/// </summary>
public sealed class PlatformTests
{
    // What Windows' loader says when an import of LibTorchSharp.dll is missing from torch_cpu.dll
    // (ERROR_PROC_NOT_FOUND), as dotnet/TorchSharp#1567 reports it, and TorchSharp's own wording.
    const string ProcedureNotFound =
        "Unable to load DLL 'C:\\app\\runtimes\\win-x64\\native\\LibTorchSharp.dll' or one of its dependencies: The specified procedure could not be found. (0x8007007F)";
    const string TorchSharpWording =
        "This application or script uses TorchSharp but doesn't contain a reference to libtorch-cpu-win-x64, Version=2.10.0.0";
    const string ModuleNotFound =
        "Unable to load DLL 'torch_cpu.dll' or one of its dependencies: The specified module could not be found. (0x8007007E)";

    [Theory]
    [InlineData(ProcedureNotFound)]
    [InlineData(TorchSharpWording)]
    public void On_Windows_x64_the_line_names_the_upstream_mismatch_and_WSL2(string loaderText)
    {
        string message = TorchNative.Explain(loaderText, HostPlatform.WindowsX64, "0.107.0");
        Assert.DoesNotContain('\n', message);
        Assert.StartsWith("libtorch failed to load: ", message);
        Assert.Contains(loaderText, message);
        Assert.Contains("dotnet/TorchSharp#1567", message);
        Assert.Contains("mismatch", message);
        Assert.Contains("WSL2", message);
        Assert.Contains("rebuilding does not help", message);
        Assert.Contains("README 'Platforms'", message);
        Assert.DoesNotContain("Troubleshooting", message);
        Assert.DoesNotContain("build with 'dotnet build'", message);
    }

    [Fact]
    public void On_Windows_a_missing_module_also_names_the_Visual_Cpp_runtime()
    {
        // torch_cpu.dll imports MSVCP140.dll and VCRUNTIME140_1.dll, which Windows does not ship.
        string message = TorchNative.Explain(ModuleNotFound, HostPlatform.WindowsX64, "0.107.0");
        Assert.Contains("Visual C++ Redistributable", message);
        Assert.Contains("dotnet/TorchSharp#1567", message);
        Assert.Contains("WSL2", message);
    }

    [Fact]
    public void On_Windows_ARM64_the_line_does_not_send_the_user_to_a_WSL2_that_cannot_work()
    {
        // TorchSharp 0.107.0 has natives for linux-x64 only among Linux systems, so WSL2 on an ARM64 PC
        // (an ARM64 Linux) has no libtorch to load.
        string message = TorchNative.Explain(ProcedureNotFound, HostPlatform.WindowsArm64, "0.107.0");
        Assert.DoesNotContain('\n', message);
        Assert.Contains("dotnet/TorchSharp#1567", message);
        Assert.Contains("no Linux ARM64 libtorch", message);
        Assert.DoesNotContain("rebuilding does not help: run the lessons in WSL2", message);
    }

    [Fact]
    public void Another_TorchSharp_release_on_Windows_is_not_blamed_on_the_old_issue()
    {
        string message = TorchNative.Explain(ProcedureNotFound, HostPlatform.WindowsX64, "0.108.0");
        Assert.DoesNotContain("#1567", message);
        Assert.Contains("TorchSharp 0.108.0", message);
        Assert.Contains("README 'Platforms'", message);
    }

    [Theory]
    [InlineData(HostPlatform.LinuxX64)]
    [InlineData(HostPlatform.MacOsArm64)]
    public void Off_Windows_the_advice_points_to_a_section_that_exists(HostPlatform platform)
    {
        string message = TorchNative.Explain("libLibTorchSharp: cannot open shared object file", platform, "0.107.0");
        Assert.DoesNotContain("#1567", message);
        Assert.DoesNotContain("Troubleshooting", message);
        Assert.Contains("README 'Platforms'", message);
        Assert.Contains("## Platforms", Readme());
    }

    [Fact]
    public void The_platform_table_and_the_advice_were_reviewed_for_the_TorchSharp_release_in_use()
    {
        string props = File.ReadAllText(Path.Combine(CachedRuns.RepositoryRoot(), "Directory.Packages.props"));
        string? declared = XDocument.Parse(props).Descendants("PackageVersion")
            .FirstOrDefault(p => (string?)p.Attribute("Include") == "TorchSharp")?.Attribute("Version")?.Value;
        Assert.True(declared == TorchNative.ReviewedTorchSharpVersion,
            $"Directory.Packages.props moved TorchSharp to {declared}: review README 'Platforms' (does dotnet/TorchSharp#1567 still apply?) "
            + $"and TorchNative's Windows advice, then set TorchNative.ReviewedTorchSharpVersion to {declared}");
        Assert.Equal(TorchNative.ReviewedTorchSharpVersion, TorchNative.RunningTorchSharpVersion);

        // The table says which release it describes.
        Assert.Contains($"TorchSharp {TorchNative.ReviewedTorchSharpVersion}", PlatformsSection());
    }

    [Fact]
    public void The_platform_table_has_a_row_with_a_status_and_a_way_for_each_platform()
    {
        string section = PlatformsSection();
        string[] rows = section.Split('\n').Where(l => l.StartsWith("| ", StringComparison.Ordinal) && !l.StartsWith("| platform", StringComparison.Ordinal)).ToArray();
        foreach (string platform in new[] { "Linux x64", "Windows x64", "Windows ARM64", "macOS arm64" })
        {
            string? row = rows.FirstOrDefault(r => r.StartsWith($"| {platform} |", StringComparison.Ordinal));
            Assert.True(row is not null, $"README 'Platforms' has no row for {platform}");
            Assert.Matches(new Regex(@"\*\*(measured|known broken upstream|untested)\b"), row);
        }
        Assert.Contains("dotnet/TorchSharp#1567", section);
        Assert.Contains("WSL2", section);
    }

    static string Readme() => File.ReadAllText(Path.Combine(CachedRuns.RepositoryRoot(), "README.md"));

    static string PlatformsSection()
    {
        string readme = Readme();
        int start = readme.IndexOf("\n## Platforms", StringComparison.Ordinal);
        Assert.True(start >= 0, "README has no 'Platforms' section");
        int end = readme.IndexOf("\n## ", start + 1, StringComparison.Ordinal);
        return end < 0 ? readme[start..] : readme[start..end];
    }
}
