namespace Lessons.Tests;

/// <summary>
/// Tests that run lessons or touch libtorch's global state (the RNG, grad mode) share this
/// collection, which xunit runs alone, never beside another collection.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TorchCollection
{
    public const string Name = "torch";
}
