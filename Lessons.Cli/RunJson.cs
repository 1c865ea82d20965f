using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Lessons.Core.Catalog;

namespace Lessons.Cli;

/// <summary>A lesson run as one JSON object: lesson, device, seed, options, results, transcript.</summary>
public static class RunJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static string Serialize(LessonRun run, IReadOnlyList<string>? figures = null) => JsonSerializer.Serialize(new Dictionary<string, object?>
    {
        ["lesson"] = run.Lesson.Id,
        ["device"] = run.Device,
        ["seed"] = run.Seed,
        ["kernels"] = new Dictionary<string, object>
        {
            ["choice"] = run.Kernels.Choice,
            ["aten_capability"] = run.Kernels.AtenCapability,
            ["mkl_branch"] = run.Kernels.MklBranch,
            ["settings"] = run.Kernels.Settings,
        },
        ["options"] = run.Options,
        ["results"] = run.Results,
        ["transcript"] = run.Transcript,
        ["figures"] = figures ?? [],
    }, Options);
}
