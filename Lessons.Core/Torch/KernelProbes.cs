using System.Runtime.InteropServices;

namespace Lessons.Core.Torch;

/// <summary>ATen's CPU capability (DEFAULT, AVX2, AVX512…) as libtorch itself reports it once loaded.</summary>
internal static class AtenCapabilityProbe
{
    const string Symbol = "_ZN2at18get_cpu_capabilityB5cxx11Ev"; // at::get_cpu_capability()

    /// <summary>The capability, or "unknown" where it cannot be read.</summary>
    public static unsafe string Read()
    {
        // at::get_cpu_capability() returns a std::string: on x86-64 System V a class with a non-trivial
        // destructor comes back through a hidden pointer in the first argument register. Only read where
        // that holds (Linux x64, libstdc++'s layout: data pointer, length, then a 16-byte local buffer).
        if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture != Architecture.X64) return "unknown";
        if (!NativeExports.TryFind("libtorch_cpu.so", Symbol, out nint function)) return "unknown";
        Span<byte> text = stackalloc byte[32];
        fixed (byte* result = text)
        {
            ((delegate* unmanaged<byte*, byte*>)function)(result);
            nint data = MemoryMarshal.Read<nint>(text);
            long length = MemoryMarshal.Read<long>(text[8..]);
            // Capability names are short, so libstdc++ keeps them in the string's own buffer: read
            // them from there, never through a pointer into libtorch's memory (a heap string would
            // need libstdc++'s operator delete; a name that long is not one of ATen's anyway).
            if (data != (nint)(result + 16) || length is < 0 or > 15) return "unknown";
            return System.Text.Encoding.ASCII.GetString(text.Slice(16, (int)length));
        }
    }
}

/// <summary>MKL's code branch (conditional numerical reproducibility) as MKL reports it, for example "COMPATIBLE,STRICT".</summary>
internal static class MklBranchProbe
{
    /// <summary>The branch, or "none" where libtorch has no MKL.</summary>
    public static unsafe string Read()
    {
        string library = OperatingSystem.IsMacOS() ? "libtorch_cpu.dylib" : "libtorch_cpu.so";
        if (!NativeExports.TryFind(library, "mkl_serv_cbwr_get", out nint function)) return "none";
        // cbwr_get(MKL_CBWR_ALL) gives the branch in the low bits and the strict flag.
        int value = ((delegate* unmanaged<int, int>)function)(-1);
        const int strict = 0x10000;
        string branch = (value & 0xFFFF) switch
        {
            1 => "OFF",
            2 => "AUTO",
            3 => "COMPATIBLE",
            4 => "SSE2",
            6 => "SSSE3",
            7 => "SSE4_1",
            8 => "SSE4_2",
            9 => "AVX",
            10 => "AVX2",
            12 => "AVX512",
            14 => "AVX512_E1",
            16 => "AVX512_E2",
            int other => $"branch {other}",
        };
        return (value & strict) != 0 ? branch + ",STRICT" : branch;
    }
}

/// <summary>A function exported by a native library already loaded (or loadable by its name).</summary>
internal static class NativeExports
{
    public static bool TryFind(string library, string symbol, out nint address)
    {
        address = 0;
        return NativeLibrary.TryLoad(library, typeof(NativeExports).Assembly, null, out nint handle)
            && NativeLibrary.TryGetExport(handle, symbol, out address);
    }
}
