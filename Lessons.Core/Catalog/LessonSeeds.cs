using System.Collections.Concurrent;
using System.Reflection;
using System.Reflection.Emit;

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
    /// Whether the lesson's code calls <see cref="LessonContext.NumpySeed"/>, directly or through code
    /// of this assembly it calls (a shared data builder, a lambda, a local function): read from the
    /// IL, so that no lesson has to declare it and none can forget to.
    /// </summary>
    public static bool DrawsWithNumpy(Lesson lesson) => numpy.GetOrAdd(lesson.GetType(), type =>
    {
        var seen = new HashSet<MethodBase>();
        return MethodsOf(type).Any(method => Reaches(method, NumpySeed, [NumpySeed.Module, type.Module], seen));
    });

    const BindingFlags Declared = BindingFlags.DeclaredOnly | BindingFlags.Instance | BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic;

    // The class's methods and constructors, with those of its nested classes (where the compiler puts lambdas).
    static IEnumerable<MethodBase> MethodsOf(Type type) =>
        type.GetMethods(Declared).Cast<MethodBase>().Concat(type.GetConstructors(Declared))
            .Concat(type.GetNestedTypes(Declared).SelectMany(MethodsOf));

    static bool Reaches(MethodBase method, MethodInfo target, Module[] followed, HashSet<MethodBase> seen)
    {
        if (!seen.Add(method)) return false;
        foreach (MethodBase called in Calls(method))
        {
            if (called == target) return true;
            // Only this assembly's code and the lesson's are followed: TorchSharp's and the framework's never seed numpy.
            if (followed.Contains(called.Module) && Reaches(called, target, followed, seen)) return true;
        }
        return false;
    }

    /// <summary>
    /// The methods a method's IL calls, creates or takes the address of (ldftn: how a lambda's body,
    /// which the compiler puts in a class of its own, is reached), decoded instruction by instruction.
    /// </summary>
    static IEnumerable<MethodBase> Calls(MethodBase method)
    {
        byte[]? il = method.GetMethodBody()?.GetILAsByteArray();
        if (il is null) yield break;
        Type[]? typeArguments = method.DeclaringType is { IsGenericType: true } declaring ? declaring.GetGenericArguments() : null;
        Type[]? methodArguments = method.IsGenericMethod ? method.GetGenericArguments() : null;
        for (int i = 0; i < il.Length;)
        {
            OpCode code = il[i] == 0xFE && i + 1 < il.Length ? TwoByte[il[i + 1]] : OneByte[il[i]];
            i += code.Size;
            if (code.OperandType == OperandType.InlineMethod)
            {
                MethodBase? called = null;
                try
                {
                    called = method.Module.ResolveMethod(BitConverter.ToInt32(il, i), typeArguments, methodArguments);
                }
                catch (ArgumentException) { } // a token of an open generic context: not this assembly's seeding
                if (called is not null) yield return called;
            }
            i += OperandSize(code, il, i);
        }
    }

    static int OperandSize(OpCode code, byte[] il, int at) => code.OperandType switch
    {
        OperandType.InlineNone => 0,
        OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
        OperandType.InlineVar => 2,
        OperandType.InlineI8 or OperandType.InlineR => 8,
        OperandType.InlineSwitch => 4 + 4 * BitConverter.ToInt32(il, at),
        _ => 4,
    };

    static readonly OpCode[] OneByte = new OpCode[256], TwoByte = new OpCode[256];

    static LessonSeeds()
    {
        foreach (FieldInfo field in typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static))
        {
            var code = (OpCode)field.GetValue(null)!;
            ushort value = unchecked((ushort)code.Value);
            if (code.Size == 1) OneByte[value] = code;
            else TwoByte[value & 0xFF] = code;
        }
    }
}
