using System.Collections.Concurrent;
using System.Reflection;

namespace Lessons.Core.Catalog;

/// <summary>
/// Which seeds a lesson can take, known before it runs: none where it draws nothing at random
/// (<see cref="Lesson.Seed"/> is null), numpy's [0, 2**32 - 1] where it seeds numpy
/// (<see cref="LessonContext.NumpySeed"/>), torch's 64-bit range otherwise. A wrong seed is then
/// refused before the lesson prints anything, not when it reaches its first draw.
/// </summary>
public static class LessonSeeds
{
    static readonly ConcurrentDictionary<Type, bool> numpy = new();

    static readonly MethodInfo NumpySeed = typeof(LessonContext).GetMethod(nameof(LessonContext.NumpySeed))!;

    /// <summary>Throws the usage error a seed would meet in the lesson, before the lesson starts.</summary>
    public static void Check(Lesson lesson, long? seed)
    {
        if (seed is not long given) return;
        if (lesson.Seed is null) throw new SeedWithoutDrawsException(lesson.Id, given);
        if (DrawsWithNumpy(lesson) && given is < 0 or > uint.MaxValue) throw new SeedOutOfRangeException(given, lesson.Id);
    }

    /// <summary>
    /// Whether the lesson's code calls <see cref="LessonContext.NumpySeed"/>: read from the IL of its
    /// class (with its lambdas and local functions, which the compiler puts in the class or in nested
    /// classes), so that no lesson has to declare it and none can forget to.
    /// </summary>
    public static bool DrawsWithNumpy(Lesson lesson) => numpy.GetOrAdd(lesson.GetType(), type => Calls(type, NumpySeed));

    static bool Calls(Type type, MethodInfo target)
    {
        const BindingFlags all = BindingFlags.DeclaredOnly | BindingFlags.Instance | BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic;
        IEnumerable<MethodBase> methods = type.GetMethods(all).Cast<MethodBase>().Concat(type.GetConstructors(all));
        foreach (MethodBase method in methods)
        {
            byte[]? il = method.GetMethodBody()?.GetILAsByteArray();
            if (il is null) continue;
            // call (0x28) and callvirt (0x6F) take a 4-byte method token; a match on the bytes is
            // confirmed by resolving the token in the method's module.
            for (int i = 0; i + 4 < il.Length; i++)
            {
                if (il[i] is not (0x28 or 0x6F)) continue;
                int token = BitConverter.ToInt32(il, i + 1);
                if (method.Module == target.Module && token != target.MetadataToken) continue;
                try
                {
                    if (method.Module.ResolveMethod(token) == target) return true;
                }
                catch (ArgumentException) { } // bytes that only looked like a call
            }
        }
        return type.GetNestedTypes(all).Any(nested => Calls(nested, target));
    }
}
