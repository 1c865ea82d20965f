using System.Globalization;
using Lessons.Core.Catalog;
using TorchSharp;
using static TorchSharp.torch;

namespace Lessons.Core.Torch;

/// <summary>A device as the user names it: <c>cpu</c>, <c>cuda</c> or <c>cuda:N</c>.</summary>
public sealed record DeviceChoice(DeviceType Type, int? Index)
{
    public static DeviceChoice Parse(string text)
    {
        string t = text.Trim().ToLowerInvariant();
        if (t == "cpu") return new DeviceChoice(DeviceType.CPU, null);
        if (t == "cuda") return new DeviceChoice(DeviceType.CUDA, null);
        if (t.StartsWith("cuda:", StringComparison.Ordinal)
            && int.TryParse(t["cuda:".Length..], NumberStyles.None, CultureInfo.InvariantCulture, out int index))
            return new DeviceChoice(DeviceType.CUDA, index);
        throw new BadDeviceException(text);
    }

    /// <summary>The torch device, or <see cref="DeviceUnavailableException"/> saying why it cannot be used.</summary>
    public Device Resolve()
    {
        if (Type == DeviceType.CPU) return torch.CPU;
        if (!TorchNative.IsCudaBuild)
            throw new DeviceUnavailableException(
                $"{this} asked for, but this is a CPU build of libtorch (TorchSharp-cpu); rebuild with "
                + "'dotnet build -p:TorchBackend=cuda' on a machine with an NVIDIA GPU and driver (see docs/guide/building.md, 'The CUDA build')");
        if (!torch.cuda.is_available())
            throw new DeviceUnavailableException(
                $"{this} asked for, but no CUDA device is usable (torch.cuda.is_available() is false): check the NVIDIA driver and that a GPU is visible (nvidia-smi)");
        int count = torch.cuda.device_count();
        if (Index is int i && i >= count)
            throw new DeviceUnavailableException(
                $"{this} is out of range: this machine has {count} CUDA device{(count == 1 ? "" : "s")} (cuda:0{(count > 1 ? $" to cuda:{count - 1}" : "")})");
        return torch.device(DeviceType.CUDA, Index ?? 0);
    }

    public override string ToString() =>
        Type == DeviceType.CPU ? "cpu" : Index is int i ? $"cuda:{i}" : "cuda";
}
