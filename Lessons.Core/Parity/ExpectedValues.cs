using System.Text.Json;
using System.Text.Json.Nodes;

namespace Lessons.Core.Parity;

/// <summary>
/// One documented value a lesson must reproduce, read from <c>data/expected/&lt;lesson&gt;.json</c>.
/// Either a named result compared with <see cref="Expected"/> (within a tolerance, or against a
/// bound), or a <see cref="Line"/> the transcript must contain exactly. <see cref="Source"/> cites
/// where the value comes from: the tutorial (seed file and section) or an independent computation.
/// </summary>
public sealed record ExpectedValue
{
    public string? Result { get; init; }
    public JsonNode? Expected { get; init; }
    public string? Line { get; init; }
    public double? AbsoluteTolerance { get; init; }
    public double? RelativeTolerance { get; init; }
    public double? AtMost { get; init; }
    public double? AtLeast { get; init; }
    public required string Source { get; init; }
    public string? Note { get; init; }

    /// <summary>A short name for reports: the result's name or the transcript line.</summary>
    public string Label => Result ?? $"line \"{Line}\"";

    public string ToleranceText =>
        AtMost is double max ? $"<= {max:R}"
        : AtLeast is double min ? $">= {min:R}"
        : RelativeTolerance is double rel ? $"rel {rel:R}"
        : AbsoluteTolerance is double abs ? $"abs {abs:R}"
        : "exact";
}

/// <summary>The documented values of one lesson.</summary>
public sealed record ExpectedFile(string Lesson, IReadOnlyList<ExpectedValue> Values)
{
    /// <summary>The folder of expected files beside the program (copied there by the build).</summary>
    public static string DefaultDirectory => Path.Combine(AppContext.BaseDirectory, "data", "expected");

    public static string PathFor(string lessonId, string? directory = null) =>
        Path.Combine(directory ?? DefaultDirectory, lessonId + ".json");

    /// <summary>
    /// Reads an expected file; a file that is not valid JSON, or not of this form, is an
    /// <see cref="InvalidDataException"/> naming the file (and, for JSON, the line).
    /// </summary>
    public static ExpectedFile Load(string path)
    {
        try
        {
            return Read(path);
        }
        catch (JsonException e)
        {
            // System.Text.Json counts lines from 0 and appends its position to the message.
            string reason = e.Message.Split(" LineNumber:", 2)[0].Split(" Path:", 2)[0].TrimEnd(' ', '.', '|');
            throw new InvalidDataException($"{path} line {(e.LineNumber ?? 0) + 1}: not valid JSON: {reason}", e);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e); // a value of the wrong kind, such as a number where a name goes
        }
    }

    static ExpectedFile Read(string path)
    {
        JsonNode root = JsonNode.Parse(File.ReadAllText(path), documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip })
            ?? throw new InvalidDataException($"{path} is empty");
        string lesson = (string?)root["lesson"] ?? throw new InvalidDataException($"{path}: no \"lesson\"");
        var values = new List<ExpectedValue>();
        foreach (JsonNode? check in root["values"]?.AsArray() ?? throw new InvalidDataException($"{path}: no \"values\""))
        {
            if (check is null) continue;
            var value = new ExpectedValue
            {
                Result = (string?)check["result"],
                Expected = check["expected"]?.DeepClone(),
                Line = (string?)check["line"],
                AbsoluteTolerance = (double?)check["abs"],
                RelativeTolerance = (double?)check["rel"],
                AtMost = (double?)check["at_most"],
                AtLeast = (double?)check["at_least"],
                Source = (string?)check["source"] ?? throw new InvalidDataException($"{path}: a value without a \"source\""),
                Note = (string?)check["note"],
            };
            bool isResult = value.Result is not null && (check.AsObject().ContainsKey("expected") || value.AtMost is not null || value.AtLeast is not null);
            if (isResult == (value.Line is not null))
                throw new InvalidDataException($"{path}: each value names either a \"result\" with \"expected\" (or a bound) or a transcript \"line\"");
            values.Add(value);
        }
        return new ExpectedFile(lesson, values);
    }
}
