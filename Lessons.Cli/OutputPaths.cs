using Lessons.Core.Catalog;

namespace Lessons.Cli;

/// <summary>
/// Checks, before any work, that the places an option names can be written: a folder is created
/// if missing and proven writable with a probe file; a file's folder likewise. Otherwise a usage
/// error in one line naming the option, the path and the reason, so that a long run never ends
/// in "cannot write".
/// </summary>
public static class OutputPaths
{
    /// <summary>The folder, created if missing; its full path.</summary>
    public static string WritableFolder(string option, string path)
    {
        string full = FullPath(option, path);
        if (File.Exists(full)) throw Problem(option, path, "it is a file, not a folder");
        try
        {
            Directory.CreateDirectory(full);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Problem(option, path, CannotCreate(full, e));
        }
        string probe = Path.Combine(full, $".lessons-probe-{Environment.ProcessId}");
        try
        {
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose)) { }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Problem(option, path, $"the folder is not writable ({Reason(e)})");
        }
        return full;
    }

    /// <summary>The name of the lock file a run holds in the folder it writes (<see cref="Hold"/>).</summary>
    public const string LockName = ".lessons-lock";

    /// <summary>
    /// Holds the folder for this process until disposed: an exclusive lock on a file in it (flock on
    /// Unix, which the system releases when the process ends however it ends, so a crash leaves no
    /// stale lock). A folder another run holds is a usage error naming it.
    /// </summary>
    public static IDisposable Hold(string option, string path)
    {
        string lockFile = Path.Combine(FullPath(option, path), LockName);
        try
        {
            return new FileStream(lockFile, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
        }
        catch (IOException e) when (e is not (FileNotFoundException or DirectoryNotFoundException) && e.HResult is not (28 or 30))
        {
            throw Problem(option, path, $"another run of this program is writing into it (it holds {LockName}); wait until it ends, or choose another folder");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Problem(option, path, $"the folder is not writable ({Reason(e)})");
        }
    }

    /// <summary>A file to be written: not a folder, in a writable folder (created if missing); its full path.</summary>
    public static string WritableFile(string option, string path)
    {
        string full = FullPath(option, path);
        if (Directory.Exists(full)) throw Problem(option, path, "it is a folder, not a file");
        WritableFolder(option, Path.GetDirectoryName(full)!);
        return full;
    }

    static string FullPath(string option, string path)
    {
        try
        {
            if (string.IsNullOrWhiteSpace(path) || path.Contains('\0')) throw new ArgumentException("empty");
            return Path.GetFullPath(path);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw Problem(option, path, "not a valid path");
        }
    }

    // Says which part of the path is in the way: a file where a folder should be, or the nearest
    // existing folder that refuses new ones (read-only, no permission, or a virtual file system).
    static string CannotCreate(string full, Exception e)
    {
        for (string? p = Path.GetDirectoryName(full); p is not null; p = Path.GetDirectoryName(p))
        {
            if (File.Exists(p)) return $"'{p}' is a file, not a folder";
            if (Directory.Exists(p)) return $"cannot create a folder in '{p}' ({Reason(e)})";
        }
        return $"cannot create the folder ({Reason(e)})";
    }

    // On Unix, .NET's IOException carries the errno as its HResult.
    static string Reason(Exception e) => e switch
    {
        UnauthorizedAccessException => "permission denied",
        PathTooLongException => "the path is too long",
        FileNotFoundException or DirectoryNotFoundException => "not allowed there",
        IOException { HResult: 30 } => "read-only file system",
        IOException { HResult: 28 } => "no space left on the device",
        _ => e.Message.TrimEnd('.'),
    };

    static LessonUsageException Problem(string option, string path, string reason) =>
        new($"{option} '{path}': {reason}");
}
