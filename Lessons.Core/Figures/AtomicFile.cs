namespace Lessons.Core.Figures;

/// <summary>
/// Writes a file whole or not at all: into a temporary name beside it, then renamed over the
/// target. An interrupt, a full disk or a crash midway leaves the old file (or none), never half
/// of a new one; a failure names the file asked for, never the temporary one. Every file the
/// program writes goes through here, and what Graphviz writes is renamed here once it is whole
/// (<see cref="Publish"/>).
/// </summary>
public static class AtomicFile
{
    // The bytes left on a pretend disk, for the tests of a full disk: per async flow, so that a
    // test's limit reaches only the writes of that test.
    static readonly AsyncLocal<StrongBox?> bytesLeft = new();

    sealed class StrongBox(long value)
    {
        public long Value = value;
    }

    public static void WriteAllBytes(string path, ReadOnlySpan<byte> bytes)
    {
        string temporary = TemporaryName(path);
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write))
            {
                WriteWithinLimit(stream, bytes);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, path, overwrite: true);
        }
        catch (IOException e)
        {
            throw new IOException($"could not write {path}: {Reason(e, temporary, path)}", e) { HResult = e.HResult };
        }
        catch (UnauthorizedAccessException e)
        {
            throw new UnauthorizedAccessException($"could not write {path}: {Reason(e, temporary, path)}", e);
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
    }

    public static void WriteAllText(string path, string text) =>
        WriteAllBytes(path, new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(text));

    /// <summary>
    /// Where another program (Graphviz) should write <paramref name="path"/>: a temporary name
    /// beside it, which <see cref="Publish"/> renames once the program succeeded and its output is whole.
    /// </summary>
    public static string TemporaryName(string path)
    {
        // Hidden, in the same folder (a rename across file systems would be a copy), unique per process.
        string full = Path.GetFullPath(path);
        return Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Environment.ProcessId}.partial");
    }

    /// <summary>
    /// Renames the temporary file of <paramref name="path"/> over it when <paramref name="isWhole"/>
    /// says its contents are complete; otherwise deletes it. Returns whether the file is now there.
    /// </summary>
    public static bool Publish(string path, Func<byte[], bool> isWhole)
    {
        string temporary = TemporaryName(path);
        try
        {
            if (!File.Exists(temporary) || !isWhole(File.ReadAllBytes(temporary))) return false;
            File.Move(temporary, path, overwrite: true);
            return true;
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
    }

    /// <summary>For tests: the writes of this async flow see a disk with only <paramref name="bytes"/> bytes free until disposed.</summary>
    internal static IDisposable DiskWithRoom(long bytes)
    {
        StrongBox? before = bytesLeft.Value;
        bytesLeft.Value = new StrongBox(bytes);
        return new Restore(() => bytesLeft.Value = before);
    }

    sealed class Restore(Action restore) : IDisposable
    {
        public void Dispose() => restore();
    }

    static void WriteWithinLimit(FileStream stream, ReadOnlySpan<byte> bytes)
    {
        if (bytesLeft.Value is not { } left)
        {
            stream.Write(bytes);
            return;
        }
        // As a full disk does: what fits is written, then ENOSPC (28).
        int fits = (int)Math.Min(bytes.Length, Math.Max(0, left.Value));
        stream.Write(bytes[..fits]);
        left.Value -= fits;
        if (fits < bytes.Length) throw new IOException("No space left on device", 28);
    }

    // On Unix, .NET's IOException carries the errno as its HResult; the message would name the temporary file.
    static string Reason(Exception e, string temporary, string path) => e switch
    {
        IOException { HResult: 28 } => "no space left on the device",
        IOException { HResult: 30 } => "read-only file system",
        UnauthorizedAccessException => "permission denied",
        _ => e.Message.Replace(temporary, path, StringComparison.Ordinal).TrimEnd('.'),
    };
}
