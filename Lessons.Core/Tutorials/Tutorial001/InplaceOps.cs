using Lessons.Core.Catalog;
using Lessons.Core.Python;
using Lessons.Core.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace Lessons.Core.Tutorials.Tutorial001;

/// <summary>
/// In-place operations write into the tensor's existing memory; out-of-place ones allocate new
/// memory. Autograd forbids in-place changes to a leaf that requires grad, because backward
/// needs the leaf's value as it was. The tutorial compares Python object ids; a C# reader sees
/// the same thing in the storage address.
/// </summary>
public sealed class InplaceOps : Lesson
{
    public override string Id => "inplace-ops";
    public override string Title => "叶子节点不能in-place操作: in-place operations and leaves";
    public override LessonSource Source => new("001_527ed903e0dd4563.txt", 3, "3. 叶子节点不能in-place操作", Position: 6);

    public override void Run(LessonContext context)
    {
        Device device = context.Device;
        var a = torch.ones(1, device: device);
        nint original = Address(a);
        context.Print(Hex(original), a);

        // a = a + 1: a new tensor in new memory.
        var sum = a + torch.ones(1, device: device);
        context.Print("a + ones:", Hex(Address(sum)), sum, "(new storage)");

        // a.add_(1) (Python's `a += ...`): the same memory, changed in place.
        a.add_(torch.ones(1, device: device));
        context.Print("a.add_(ones):", Hex(Address(a)), a, "(same storage)");

        // In C#, `a += b` is `a = a + b`: NOT in-place, unlike Python's `a += b`.
        var before = a;
        a += torch.ones(1, device: device);
        context.Print("C# a += ones:", Hex(Address(a)), a, ReferenceEquals(a, before) ? "(same tensor)" : "(a new tensor: C# += is not in-place)");

        context.Record("a + ones keeps storage", Address(sum) == original);
        context.Record("add_ keeps storage", Address(before) == original);
        context.Record("C# += keeps storage", Address(a) == original);
        context.Record("a after add_", before);
        context.Record("a after C# +=", a);

        // A leaf that requires grad may not be changed in place.
        var (w, _, _, _, y) = WxGraph.Build(device);
        string error = "";
        try
        {
            w.add_(torch.tensor(1f));
            y.backward();
        }
        catch (Exception e)
        {
            error = TorchErrors.Message(e);
        }
        context.Print("w.add_(1) on a leaf that requires grad raises:");
        context.Print("RuntimeError: " + error);
        context.Record("leaf in-place error", error);
    }

    static nint Address(Tensor t)
    {
        using var storage = t.storage<float>();
        return storage.data_ptr();
    }

    static string Hex(nint address) => "0x" + address.ToString("x");
}
