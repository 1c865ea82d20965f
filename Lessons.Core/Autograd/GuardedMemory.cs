using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Lessons.Core.Autograd;

/// <summary>Reads this process's native memory; a read of an unmapped address fails instead of crashing.</summary>
internal interface INativeMemory
{
    /// <summary>Copies <paramref name="destination"/>.Length bytes from <paramref name="address"/>; false if any byte is unreadable.</summary>
    bool TryRead(nint address, Span<byte> destination);
}

internal static class GuardedReads
{
    /// <summary>
    /// One value of type <typeparamref name="T"/> (a pointer, uint64, uint32…) at an address aligned
    /// for it; false where the address is null, misaligned or unreadable.
    /// </summary>
    public static bool TryRead<T>(this INativeMemory memory, nint address, out T value) where T : unmanaged
    {
        int size = Unsafe.SizeOf<T>();
        Span<byte> bytes = stackalloc byte[size];
        value = default;
        if (address == 0 || address % size != 0 || !memory.TryRead(address, bytes)) return false;
        value = MemoryMarshal.Read<T>(bytes);
        return true;
    }

    /// <summary>A NUL-terminated ASCII string of at most <paramref name="maxLength"/> bytes, read without crossing into an unreadable page.</summary>
    public static string? TryReadCString(this INativeMemory memory, nint address, int maxLength = 1024)
    {
        if (address == 0) return null;
        const int page = 4096;
        var text = new List<byte>();
        Span<byte> chunk = stackalloc byte[64];
        nint at = address;
        while (text.Count < maxLength)
        {
            // Never ask for bytes past the current page: the string may end just before an unmapped one.
            int length = (int)Math.Min(chunk.Length, page - (long)at % page);
            if (!memory.TryRead(at, chunk[..length])) return null;
            int end = chunk[..length].IndexOf((byte)0);
            if (end >= 0)
            {
                text.AddRange(chunk[..end].ToArray());
                return System.Text.Encoding.ASCII.GetString(text.ToArray());
            }
            text.AddRange(chunk[..length].ToArray());
            at += length;
        }
        return null;
    }
}

/// <summary>
/// Reads through <c>process_vm_readv</c> on this process itself: the kernel copies the bytes, and an
/// address that is not mapped answers EFAULT where a plain dereference would kill the process. The
/// graph walker reads libtorch's objects through it, so a wrong layout assumption is reported, never
/// a crash. Linux only; <see cref="Problem"/> says why it cannot be used elsewhere.
/// </summary>
internal sealed unsafe class ProcessMemory : INativeMemory
{
    [StructLayout(LayoutKind.Sequential)]
    struct IoVec
    {
        public nint Base;
        public nuint Length;
    }

    readonly delegate* unmanaged<int, IoVec*, nuint, IoVec*, nuint, nuint, nint> readv;
    readonly int pid = Environment.ProcessId;

    ProcessMemory(delegate* unmanaged<int, IoVec*, nuint, IoVec*, nuint, nuint, nint> readv) => this.readv = readv;

    public static ProcessMemory? Create(out string? problem)
    {
        problem = null;
        if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux))
        {
            problem = "reading libtorch's graph safely needs Linux's process_vm_readv";
            return null;
        }
        if (!NativeLibrary.TryLoad("libc.so.6", out nint libc) || !NativeLibrary.TryGetExport(libc, "process_vm_readv", out nint export))
        {
            problem = "the C library does not export process_vm_readv";
            return null;
        }
        var memory = new ProcessMemory((delegate* unmanaged<int, IoVec*, nuint, IoVec*, nuint, nuint, nint>)export);
        if (!SelfTest.Passes(memory, out problem)) return null;
        return memory;
    }

    public bool TryRead(nint address, Span<byte> destination)
    {
        if (address == 0 || destination.IsEmpty) return false;
        fixed (byte* target = destination)
        {
            var local = new IoVec { Base = (nint)target, Length = (nuint)destination.Length };
            var remote = new IoVec { Base = address, Length = (nuint)destination.Length };
            return readv(pid, &local, 1, &remote, 1, 0) == destination.Length;
        }
    }
}

/// <summary>
/// Reads through <c>/proc/self/mem</c>: like process_vm_readv, an unmapped address answers an
/// error (EIO) instead of a crash. Used where a sandbox's seccomp policy blocks process_vm_readv
/// (Docker's default profile does) but still lets a process read its own memory file.
/// </summary>
internal sealed class ProcSelfMemory : INativeMemory, IDisposable
{
    readonly Microsoft.Win32.SafeHandles.SafeFileHandle file;

    ProcSelfMemory(Microsoft.Win32.SafeHandles.SafeFileHandle file) => this.file = file;

    public static ProcSelfMemory? Create(out string? problem)
    {
        problem = null;
        try
        {
            var memory = new ProcSelfMemory(File.OpenHandle("/proc/self/mem", FileMode.Open, FileAccess.Read));
            if (!SelfTest.Passes(memory, out problem)) { memory.Dispose(); return null; }
            return memory;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or PlatformNotSupportedException)
        {
            problem = "/proc/self/mem cannot be read here: " + e.Message;
            return null;
        }
    }

    public bool TryRead(nint address, Span<byte> destination)
    {
        if (address <= 0 || destination.IsEmpty) return false;
        try
        {
            return RandomAccess.Read(file, destination, address) == destination.Length;
        }
        catch (IOException)
        {
            return false; // EIO: the address is not mapped
        }
    }

    public void Dispose() => file.Dispose();
}

/// <summary>Guarded readers of this process's memory, the first that works here.</summary>
internal static class GuardedMemory
{
    static readonly Lazy<(INativeMemory? Memory, string? Problem)> forThisProcess = new(() =>
    {
        if (ProcessMemory.Create(out string? viaSyscall) is ProcessMemory direct) return (direct, null);
        if (ProcSelfMemory.Create(out string? viaFile) is ProcSelfMemory file) return (file, null);
        return (null, $"{viaSyscall}; {viaFile}");
    });

    /// <summary>process_vm_readv where allowed, else /proc/self/mem; null (with the reasons) where neither works.</summary>
    public static INativeMemory? ForThisProcess(out string? problem)
    {
        var (memory, reason) = forThisProcess.Value;
        problem = reason;
        return memory;
    }
}

/// <summary>The check every reader passes before use: a known buffer reads back, and page zero (never mapped) fails.</summary>
internal static class SelfTest
{
    public static unsafe bool Passes(INativeMemory memory, out string? problem)
    {
        problem = null;
        Span<byte> known = [1, 2, 3, 4, 5, 6, 7, 8];
        Span<byte> copy = stackalloc byte[8];
        fixed (byte* source = known)
        {
            if (!memory.TryRead((nint)source, copy) || !copy.SequenceEqual(known))
            {
                problem = $"{memory.GetType().Name} does not read this process's memory here (a sandbox may block it)";
                return false;
            }
        }
        if (memory.TryRead(16, copy))
        {
            problem = $"{memory.GetType().Name} read page zero, so it cannot tell readable memory from unreadable here";
            return false;
        }
        return true;
    }
}
