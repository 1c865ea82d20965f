using Lessons.Core.Exercises;

namespace Lessons.Cli;

/// <summary>
/// Where the learner's exercise files are: the folder <c>--exercises</c> names, or else the first
/// <c>exercises/</c> holding one of the course's files in the current folder or a folder above it
/// (so every command works from anywhere in the repository), or the current folder itself when it
/// is that folder.
/// </summary>
public sealed class ExerciseFolder
{
    public string FullPath { get; }

    ExerciseFolder(string fullPath) => FullPath = fullPath;

    public static ExerciseFolder Locate(string? given)
    {
        if (given is not null)
        {
            if (string.IsNullOrWhiteSpace(given) || given.Contains('\0')) throw new ExerciseUsageException($"--exercises '{given}': not a valid path");
            string full = Path.GetFullPath(given);
            if (File.Exists(full)) throw new ExerciseUsageException($"--exercises '{given}': it is a file, not a folder");
            if (!Directory.Exists(full)) throw new ExerciseUsageException($"--exercises: no folder '{given}'");
            return new ExerciseFolder(full);
        }
        string start = Directory.GetCurrentDirectory();
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (dir.Name == "exercises" && HoldsExercises(dir.FullName)) return new ExerciseFolder(dir.FullName);
            string candidate = Path.Combine(dir.FullName, "exercises");
            if (HoldsExercises(candidate)) return new ExerciseFolder(candidate);
        }
        throw new ExerciseUsageException($"no exercises/ folder in {start} or above it; run from the course's repository, or pass --exercises DIR");
    }

    static bool HoldsExercises(string folder) =>
        Directory.Exists(folder) && ExerciseBook.All.Any(e => File.Exists(Path.Combine(folder, e.FileName)));

    public string FileOf(Exercise exercise) => Path.Combine(FullPath, exercise.FileName);

    /// <summary>The file as the learner would type it: relative to the current folder, or absolute when that would climb out.</summary>
    public string DisplayPathOf(Exercise exercise)
    {
        string full = FileOf(exercise);
        string relative = Path.GetRelativePath(Directory.GetCurrentDirectory(), full);
        return relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? full : relative.Replace('\\', '/');
    }

    /// <summary>The folder as the learner would type it, with its slash.</summary>
    public string DisplayPath()
    {
        string relative = Path.GetRelativePath(Directory.GetCurrentDirectory(), FullPath);
        return relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? FullPath : relative + "/";
    }

    /// <summary>Not started: the file is the stub as shipped (line endings aside).</summary>
    public bool IsUntouched(Exercise exercise) =>
        File.Exists(FileOf(exercise)) && File.ReadAllText(FileOf(exercise)).ReplaceLineEndings("\n") == exercise.Stub.ReplaceLineEndings("\n");

    /// <summary>The files a check of the exercise compiles, as text (unreadable bytes replaced): the capstone's earlier steps, then its own.</summary>
    public IReadOnlyList<LearnerFile> Files(Exercise exercise) =>
        [.. exercise.CompiledWith.Append(exercise).Where(e => File.Exists(FileOf(e))).Select(e => new LearnerFile(File.ReadAllText(FileOf(e)), DisplayPathOf(e)))];

    /// <summary>The fingerprint of what a check of the exercise would compile now; null when its file is missing.</summary>
    public string? Fingerprint(Exercise exercise) =>
        File.Exists(FileOf(exercise)) ? ExerciseProgress.FingerprintOf(Files(exercise).Select(f => f.Source)) : null;

    public ExerciseProgress Progress() => ExerciseProgress.Load(FullPath);
}
