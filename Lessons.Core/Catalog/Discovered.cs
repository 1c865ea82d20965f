namespace Lessons.Core.Catalog;

/// <summary>
/// How the catalogues find their parts by reflection, so there is no list to edit: one instance of
/// every concrete subclass of <typeparamref name="T"/> in this assembly (lessons, figure sets,
/// exercises), made with its parameterless constructor, in no particular order.
/// </summary>
internal static class Discovered
{
    public static IReadOnlyList<T> All<T>() where T : class =>
        typeof(T).Assembly.GetTypes()
            .Where(t => t.IsSubclassOf(typeof(T)) && !t.IsAbstract)
            .Select(t => (T)Activator.CreateInstance(t)!)
            .ToList();
}
