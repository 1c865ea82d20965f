using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Lessons.Core.Figures;

namespace Lessons.Core.Exercises;

/// <summary>How a check of an exercise ended.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ExerciseVerdict>))]
public enum ExerciseVerdict
{
    Passing,
    Failing,
    DoesNotCompile,
}

/// <summary>What the progress file knows of one exercise: the last verdict, the fingerprint of the text it was for, and how many hints were shown.</summary>
public sealed class ExerciseRecord
{
    public string? Fingerprint { get; set; }

    public ExerciseVerdict? Verdict { get; set; }

    public int HintsShown { get; set; }

    /// <summary>What the check said, line by line, so an unchanged file's report can be shown again without checking it.</summary>
    public List<string>? Report { get; set; }
}

/// <summary>
/// The learner's progress, kept beside the exercises (<c>exercises/.progress.json</c>), as rustlings
/// keeps its state: each exercise's last verdict with the fingerprint of the text it judged, so an
/// unchanged file is not checked again, and the hints shown so far. A missing or unreadable file is
/// an empty progress (it is only a cache: every verdict can be found again by checking).
/// </summary>
public sealed class ExerciseProgress
{
    public const string FileName = ".progress.json";

    static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    readonly string path;

    public Dictionary<string, ExerciseRecord> Exercises { get; init; } = [];

    ExerciseProgress(string path) => this.path = path;

    public static ExerciseProgress Load(string folder)
    {
        string path = Path.Combine(folder, FileName);
        try
        {
            if (File.Exists(path))
            {
                var stored = JsonSerializer.Deserialize<Dictionary<string, ExerciseRecord>>(File.ReadAllText(path), Json);
                if (stored is not null) return new ExerciseProgress(path) { Exercises = stored };
            }
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            // A cache: start again from nothing.
        }
        return new ExerciseProgress(path);
    }

    public ExerciseRecord this[Exercise exercise] =>
        Exercises.TryGetValue(exercise.Id, out ExerciseRecord? record) ? record : Exercises[exercise.Id] = new ExerciseRecord();

    /// <summary>The verdict stored for exactly this fingerprint, or null when the text changed since (or was never checked).</summary>
    public ExerciseVerdict? Known(Exercise exercise, string fingerprint) =>
        Exercises.TryGetValue(exercise.Id, out ExerciseRecord? record) && record.Fingerprint == fingerprint ? record.Verdict : null;

    public void Record(Exercise exercise, string fingerprint, ExerciseVerdict verdict, IReadOnlyList<string>? report = null)
    {
        ExerciseRecord record = this[exercise];
        record.Fingerprint = fingerprint;
        record.Verdict = verdict;
        record.Report = report is null ? null : [.. report];
    }

    /// <summary>Writes the progress whole (or not at all); a folder that cannot be written loses only the cache.</summary>
    public bool TrySave()
    {
        try
        {
            AtomicFile.WriteAllText(path, JsonSerializer.Serialize(Exercises, Json) + "\n");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>The fingerprint of the texts a check compiles (line endings aside): SHA-256, hex.</summary>
    public static string FingerprintOf(IEnumerable<string> texts)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (string text in texts)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(text.ReplaceLineEndings("\n")));
            hash.AppendData([0]);
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
