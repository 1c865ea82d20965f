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
        // 查看下地址: id(a) is the tensor's storage address here.
        var a = torch.ones(1, device: context.Device);
        nint original = Address(a);
        context.Print(Hex(original), a);

        // a = a + torch.ones((1, )): a new tensor in new memory.
        var sum = a + torch.ones(1, device: context.Device);
        context.Print("a + ones:", Hex(Address(sum)), sum, "(new storage)");
        context.Print("a + ones keeps storage:", Address(sum) == original);

        // a += torch.ones((1, )) is in place in Python: a.add_(...), the same memory, changed.
        a.add_(torch.ones(1, device: context.Device));
        context.Print("a.add_(ones):", Hex(Address(a)), a, "(same storage)");
        context.Print("add_ keeps storage:", Address(a) == original);
        context.Record("a after add_", a);

        // In C#, `a += b` is `a = a + b`: NOT in-place, unlike Python's `a += b`.
        var before = a;
        a += torch.ones(1, device: context.Device);
        context.Print("C# a += ones:", Hex(Address(a)), a, ReferenceEquals(a, before) ? "(same tensor)" : "(a new tensor: C# += is not in-place)");
        context.Print("C# += keeps storage:", Address(a) == original);

        // 叶子节点不能in-place操作: a leaf that requires grad may not be changed in place.
        var w = torch.tensor(new[] { 1f }, requires_grad: true, device: context.Device);
        var x = torch.tensor(new[] { 2f }, requires_grad: true, device: context.Device);
        var a2 = torch.add(w, x);
        var b = torch.add(w, torch.tensor(1f));
        var y = torch.mul(a2, b);
        string error = "";
        try
        {
            w.add_(torch.tensor(1f));   // in-place操作,会报错
            y.backward();
        }
        catch (Exception e)
        {
            error = TorchErrors.Message(e);
        }
        context.Print("w.add_(1) on a leaf that requires grad raises:");
        context.Print("RuntimeError:", error);
    }

    static nint Address(Tensor t)
    {
        using var storage = t.storage<float>();
        return storage.data_ptr();
    }

    static string Hex(nint address) => "0x" + address.ToString("x");
}
