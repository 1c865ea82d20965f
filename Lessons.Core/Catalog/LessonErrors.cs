namespace Lessons.Core.Catalog;

/// <summary>Bad input from the user: an unknown lesson or option, or a bad value. One line, exit code 2.</summary>
public sealed class LessonUsageException(string message) : Exception(message);

/// <summary>The device asked for cannot be used here (CUDA in a CPU build, no GPU, index out of range). Exit code 3.</summary>
public sealed class DeviceUnavailableException(string message) : Exception(message);

/// <summary>libtorch's native library failed to load; the message carries the loader's real error. Exit code 3.</summary>
public sealed class TorchNativeLoadException(string message) : Exception(message);

/// <summary>Training produced NaN or infinity: the settings make it diverge. Exit code 4.</summary>
public sealed class LessonDivergedException(string message) : Exception(message);

/// <summary>The run was stopped on request (Ctrl-C) at a step boundary; the message says where. Exit code 130.</summary>
public sealed class LessonInterruptedException(string message) : Exception(message);

/// <summary>Memory ran out while the lesson ran (libtorch or .NET could not allocate); one line, exit code 5.</summary>
public sealed class LessonOutOfMemoryException(string message) : Exception(message);
