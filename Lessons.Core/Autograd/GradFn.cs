using System.Runtime.InteropServices;
using Lessons.Core.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace Lessons.Core.Autograd;

/// <summary>
/// <c>tensor.grad_fn</c>, which TorchSharp does not expose, read from the graph libtorch itself
/// recorded: libtorch exports <c>at::TensorBase::grad_fn() const</c>, which returns the tensor's
/// <c>std::shared_ptr&lt;torch::autograd::Node&gt;</c>; the node's class name comes from its C++
/// runtime type information (vtable slot -1 is the <c>std::type_info</c>), demangled and stripped
/// of namespaces, as <c>Node::name()</c> and PyTorch's Python classes name it (<c>MulBackward0</c>).
/// Every read of libtorch's objects goes through the guarded reader (<see cref="GuardedMemory"/>), so
/// a wrong assumption fails instead of crashing. Supported where libtorch is built with the Itanium
/// C++ ABI and that reader works (Linux); elsewhere <see cref="IsAvailable"/> is false and
/// <see cref="UnavailableReason"/> says why. Never guessed.
/// The whole graph behind a tensor (next_functions, leaves) is read by <see cref="AutogradGraphs"/>.
/// </summary>
public static unsafe class GradFn
{
    const string GradFnSymbol = "_ZNK2at10TensorBase7grad_fnEv";

    static readonly Lazy<Native> native = new(Native.Resolve);

    public static bool IsAvailable => native.Value.GradFn is not null;

    public static string? UnavailableReason => native.Value.Problem;

    /// <summary>
    /// The node's class name (<c>AddBackward0</c>), or null for a tensor without one (<c>None</c>);
    /// <c>"unavailable"</c> where this platform's libtorch gives no way to read it.
    /// </summary>
    public static string? NameOf(Tensor tensor) => IsAvailable ? Node(tensor)?.Name : "unavailable";

    /// <summary>
    /// What Python prints for <c>tensor.grad_fn</c>: <c>None</c> or <c>&lt;MulBackward0 object at 0x…&gt;</c>;
    /// where it cannot be read, a placeholder that says so (never a guess).
    /// </summary>
    public static string Describe(Tensor tensor)
    {
        if (!IsAvailable) return $"<grad_fn unavailable: {UnavailableReason}>";
        return Node(tensor) is { } node ? $"<{node.Name} object at 0x{node.Address:x}>" : "None";
    }

    public readonly record struct NodeInfo(string Name, nint Address);

    public static NodeInfo? Node(Tensor tensor)
    {
        nint node = NodePointer(tensor);
        if (node == 0) return null;
        string name = ReadClassName(native.Value.Memory!, node, out string? problem)
            ?? throw new InvalidOperationException($"grad_fn's class cannot be read: {problem}");
        return new NodeInfo(name, node);
    }

    /// <summary>The tensor's grad_fn as libtorch's raw <c>Node*</c>; 0 for None.</summary>
    internal static nint NodePointer(Tensor tensor)
    {
        Native n = native.Value;
        if (n.GradFn is null)
            throw new PlatformNotSupportedException("grad_fn is unavailable: " + n.Problem);
        // Tensor.Handle is an at::Tensor*, i.e. a pointer to the TensorBase whose method we call;
        // it returns a reference to the tensor's shared_ptr<Node>, whose first word is get().
        nint sharedPtr = n.GradFn(tensor.Handle);
        if (!n.Memory!.TryRead(sharedPtr, out nint node))
            throw new InvalidOperationException("grad_fn's shared_ptr cannot be read");
        GC.KeepAlive(tensor);
        return node;
    }

    const int MaxMangledNameLength = 512;

    /// <summary>
    /// The class name of the node at <paramref name="node"/>, as <c>Node::name()</c> gives it: the RTTI
    /// name of its dynamic type, reached through its vtable (slot -1 is the <c>std::type_info</c>, whose
    /// second word is the mangled name). Every step is a guarded read; null, with the step that
    /// failed in <paramref name="problem"/>, where one cannot be read or is not a C++ name.
    /// </summary>
    internal static string? ReadClassName(INativeMemory memory, nint node, out string? problem)
    {
        problem = null;
        if (!memory.TryRead(node, out nint vtable)
            || !memory.TryRead(vtable - IntPtr.Size, out nint typeInfo)
            || !memory.TryRead(typeInfo + IntPtr.Size, out nint mangledName))
        {
            problem = "a node's type cannot be read";
            return null;
        }
        string? mangled = memory.TryReadCString(mangledName, MaxMangledNameLength);
        if (string.IsNullOrEmpty(mangled) || mangled.Any(c => c < 0x21 || c > 0x7e))
        {
            problem = "a node's type name is not a C++ name";
            return null;
        }
        return ClassName(mangled, native.Value.Demangle);
    }

    /// <summary>"N5torch8autograd9generated12AddBackward0E" -> "AddBackward0".</summary>
    internal static string ClassName(string mangled, Func<string, string?>? demangle = null)
    {
        if (mangled.StartsWith('*')) mangled = mangled[1..];
        string? demangled = demangle?.Invoke(mangled) ?? DemangleNestedName(mangled);
        if (demangled is null) return mangled;
        return StripNamespaces(demangled);
    }

    // Plain nested names without templates: N <len><id> ... E, or a single <len><id>.
    static string? DemangleNestedName(string mangled)
    {
        var parts = new List<string>();
        int i = 0;
        bool nested = mangled.StartsWith('N');
        if (nested) i = 1;
        while (i < mangled.Length && char.IsAsciiDigit(mangled[i]))
        {
            int start = i;
            while (i < mangled.Length && char.IsAsciiDigit(mangled[i])) i++;
            int length = int.Parse(mangled.AsSpan(start, i - start));
            if (i + length > mangled.Length) return null;
            parts.Add(mangled.Substring(i, length));
            i += length;
        }
        bool complete = nested ? i == mangled.Length - 1 && mangled[i] == 'E' : i == mangled.Length;
        return complete && parts.Count > 0 ? string.Join("::", parts) : null;
    }

    // "torch::autograd::CppNode<Foo>" -> "CppNode<Foo>": the last '::' outside template brackets.
    internal static string StripNamespaces(string qualified)
    {
        int depth = 0, cut = 0;
        for (int i = 0; i < qualified.Length; i++)
        {
            char c = qualified[i];
            if (c == '<') depth++;
            else if (c == '>') depth--;
            else if (depth == 0 && c == ':' && i + 1 < qualified.Length && qualified[i + 1] == ':') cut = i + 2;
        }
        return qualified[cut..];
    }

    sealed class Native
    {
        public delegate* unmanaged<nint, nint> GradFn;
        public INativeMemory? Memory;
        public Func<string, string?>? Demangle;
        public string? Problem;

        public static Native Resolve()
        {
            var result = new Native();
            if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux) && !RuntimeInformation.IsOSPlatform(OSPlatform.OSX))
            {
                result.Problem = "reading grad_fn needs libtorch built with the Itanium C++ ABI (Linux or macOS); this platform's libtorch uses another.";
                return result;
            }
            // libtorch is loaded by its one door, before anything looks for its symbols.
            TorchRuntime.Require();
            nint library = LoadTorchCpu();
            if (library == 0 || !NativeLibrary.TryGetExport(library, GradFnSymbol, out nint gradFn))
            {
                result.Problem = $"libtorch_cpu does not export {GradFnSymbol} (at::TensorBase::grad_fn).";
                return result;
            }
            // libtorch's objects are read only through the guarded reader, so a wrong assumption fails instead of crashing.
            result.Memory = GuardedMemory.ForThisProcess(out string? unreadable);
            if (result.Memory is null)
            {
                result.Problem = "reading grad_fn needs a guarded reader of this process's memory: " + unreadable;
                return result;
            }
            result.GradFn = (delegate* unmanaged<nint, nint>)gradFn;
            result.Demangle = CxaDemangle.TryCreate(result.Memory);
            return result;
        }

        static nint LoadTorchCpu()
        {
            string file = RuntimeInformation.IsOSPlatform(OSPlatform.OSX) ? "libtorch_cpu.dylib" : "libtorch_cpu.so";
            // Already loaded by TorchSharp: the loader matches it by its soname.
            if (NativeLibrary.TryLoad(file, out nint handle)) return handle;
            var torchSharpFolder = Path.GetDirectoryName(typeof(torch).Assembly.Location) ?? "";
            foreach (string folder in new[] { AppContext.BaseDirectory, torchSharpFolder })
            {
                foreach (string candidate in Directory.Exists(folder)
                             ? Directory.EnumerateFiles(folder, file, SearchOption.AllDirectories)
                             : [])
                {
                    if (NativeLibrary.TryLoad(candidate, out handle)) return handle;
                }
            }
            return 0;
        }
    }

    /// <summary>The C++ runtime's own demangler (<c>__cxa_demangle</c>), used as <c>c10::demangle</c> does.</summary>
    static class CxaDemangle
    {
        public static Func<string, string?>? TryCreate(INativeMemory memory)
        {
            string[] runtimes = RuntimeInformation.IsOSPlatform(OSPlatform.OSX)
                ? ["libc++abi.dylib", "libc++.1.dylib"]
                : ["libstdc++.so.6"];
            foreach (string runtime in runtimes)
            {
                if (NativeLibrary.TryLoad(runtime, out nint library)
                    && NativeLibrary.TryGetExport(library, "__cxa_demangle", out nint export))
                {
                    var demangle = (delegate* unmanaged<byte*, byte*, nuint*, int*, byte*>)export;
                    return mangled => Call(demangle, memory, mangled);
                }
            }
            return null;
        }

        static string? Call(delegate* unmanaged<byte*, byte*, nuint*, int*, byte*> demangle, INativeMemory memory, string mangled)
        {
            nint input = Marshal.StringToHGlobalAnsi(mangled);
            try
            {
                int status;
                byte* output = demangle((byte*)input, null, null, &status);
                if (status != 0 || output == null) return null;
                // Read like libtorch's own names, through the guarded reader.
                string? text = memory.TryReadCString((nint)output, 4096);
                System.Runtime.InteropServices.NativeMemory.Free(output); // .NET's free(): the demangler allocated it with malloc
                return text;
            }
            finally
            {
                Marshal.FreeHGlobal(input);
            }
        }
    }
}
