using Lessons.Build;
using Lessons.Core.Torch;

namespace Lessons.Tests;

/// <summary>
/// The build's patch of libLibTorchSharp.so (build/ElfVersionPatch.cs, the same code the build runs)
/// and the message shown when libtorch cannot load.
/// </summary>
public sealed class NativeLoadingTests
{
    const string Version = "GLIBCXX_3.4.32";

    static string? PackagedLibrary()
    {
        string root = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        string path = Path.Combine(root, "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        return File.Exists(path) ? path : null;
    }

    [SkippableFact]
    public void The_packaged_library_requires_the_version_strongly_and_the_patch_makes_it_weak_once()
    {
        Skip.IfNot(OperatingSystem.IsLinux() && PackagedLibrary() is not null, "the patch is for Linux x64's packaged libLibTorchSharp.so, not found here");
        string packaged = PackagedLibrary()!;
        byte[] original = File.ReadAllBytes(packaged);
        Assert.Equal((ushort)0, ElfVersionPatch.ReadRequirementFlags(original, Version)!.Value & 2);

        string copy = Path.Combine(Path.GetTempPath(), $"libLibTorchSharp-{Guid.NewGuid():N}.so");
        File.Copy(packaged, copy);
        try
        {
            var copiedAt = new DateTime(2026, 5, 7, 10, 3, 28, DateTimeKind.Utc);
            File.SetLastWriteTimeUtc(copy, copiedAt);
            Assert.Equal(ElfPatchOutcome.Patched, ElfVersionPatch.MakeRequirementWeak(copy, Version));
            // The write time stays the copy's, so MSBuild's incremental copy leaves the patched file alone.
            Assert.Equal(copiedAt, File.GetLastWriteTimeUtc(copy));
            byte[] patched = File.ReadAllBytes(copy);
            Assert.Equal(2, ElfVersionPatch.ReadRequirementFlags(patched, Version)!.Value & 2);
            // Only the flag's byte changed.
            Assert.Equal(original.Length, patched.Length);
            Assert.Single(Enumerable.Range(0, original.Length), i => original[i] != patched[i]);
            Assert.Equal(ElfPatchOutcome.AlreadyWeak, ElfVersionPatch.MakeRequirementWeak(copy, Version));
            Assert.Equal(ElfPatchOutcome.VersionNotRequired, ElfVersionPatch.MakeRequirementWeak(copy, "GLIBCXX_9.9.99"));
        }
        finally
        {
            File.Delete(copy);
        }
        // The NuGet cache is never written.
        Assert.Equal(original, File.ReadAllBytes(packaged));
    }

    [SkippableFact]
    public void The_build_patched_the_copy_beside_the_program_where_the_system_needs_it()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "the ELF patch runs on Linux only");
        string beside = Directory.EnumerateFiles(AppContext.BaseDirectory, "libLibTorchSharp.so", SearchOption.AllDirectories).First();
        ushort flags = ElfVersionPatch.ReadRequirementFlags(File.ReadAllBytes(beside), Version)!.Value;
        bool systemHasIt = ElfVersionPatch.AnyDefines(ElfVersionPatch.SystemLibStdCxx, Version);
        Assert.Equal(systemHasIt ? 0 : 2, flags & 2);
    }

    [Fact]
    public void A_non_elf_file_is_left_alone()
    {
        string path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, "not a library");
            Assert.Equal(ElfPatchOutcome.NotElf64, ElfVersionPatch.MakeRequirementWeak(path, Version));
            Assert.Equal("not a library", File.ReadAllText(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [SkippableFact]
    public void The_cli_with_an_unpatched_library_fails_in_one_line_with_the_loader_error()
    {
        // Where the system needs the patch, undo it in a copy of the program and run the real CLI.
        Skip.IfNot(OperatingSystem.IsLinux() && PackagedLibrary() is not null, "the patch is for Linux x64's packaged libLibTorchSharp.so, not found here");
        Skip.If(ElfVersionPatch.AnyDefines(ElfVersionPatch.SystemLibStdCxx, Version), $"this system's libstdc++ defines {Version}: nothing needs the patch here");
        string packaged = PackagedLibrary()!;
        string copy = Path.Combine(Path.GetTempPath(), "lessons-unpatched-" + Guid.NewGuid().ToString("N"));
        try
        {
            // Hard links: a cheap copy of the ~500 MB program folder.
            RunProcess("cp", ["-al", AppContext.BaseDirectory.TrimEnd('/'), copy]);
            string bridge = Path.Combine(copy, "libLibTorchSharp.so");
            File.Delete(bridge);
            File.Copy(packaged, bridge);

            var (code, stdout, stderr) = RunProcess("dotnet", [Path.Combine(copy, "lessons.dll"), "lesson", "grad-tensors", "--quiet"]);
            Assert.Equal(3, code);
            Assert.Equal("", stdout);
            string error = stderr.TrimEnd('\n');
            Assert.DoesNotContain('\n', error);
            Assert.Contains("version `GLIBCXX_3.4.32' not found", error);
            Assert.DoesNotContain("doesn't contain a reference", error);
            Assert.False(Directory.Exists(Path.Combine(copy, "cpu")), "TorchSharp's fallback copied natives into cpu/");
        }
        finally
        {
            if (Directory.Exists(copy)) Directory.Delete(copy, recursive: true);
        }
    }

    static (int Code, string Out, string Err) RunProcess(string file, string[] args)
    {
        var start = new System.Diagnostics.ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in args) start.ArgumentList.Add(a);
        using var process = System.Diagnostics.Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output, error.Result);
    }

    [Fact]
    public void A_load_failure_shows_the_real_loader_error_and_the_fix_in_one_line()
    {
        string message = TorchNative.Explain(
            "/app/libLibTorchSharp.so: /lib/x86_64-linux-gnu/libstdc++.so.6: version `GLIBCXX_3.4.32' not found\n(required by /app/libLibTorchSharp.so)");
        Assert.DoesNotContain('\n', message);
        Assert.Contains("version `GLIBCXX_3.4.32' not found", message);
        Assert.Contains("dotnet build", message);
        Assert.DoesNotContain("doesn't contain a reference", message);
    }
}
