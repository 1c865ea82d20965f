using TorchSharp;
using static TorchSharp.torch;

namespace Lessons.Core.Numpy;

/// <summary>
/// numpy's legacy generator, <c>np.random.RandomState</c> (what <c>np.random.seed</c>,
/// <c>np.random.rand</c> and <c>np.random.randn</c> use): a 32-bit Mersenne Twister (MT19937)
/// seeded as numpy seeds it from one integer, doubles from two 32-bit outputs, and normals by the
/// polar method with the second value of each pair kept for the next call. Written from numpy's
/// sources (numpy/random/src/mt19937/mt19937.c and .h, src/legacy/legacy-distributions.c,
/// mtrand.pyx), so a tutorial's numpy draws come out with the same digits.
/// </summary>
public sealed class NumpyRandomState
{
    const int StateLength = 624;      // words of state (MT19937's n)
    const int MiddleOffset = 397;     // the recurrence's second tap (m)
    const uint TwistMatrix = 0x9908b0df;
    const uint UpperBit = 0x80000000;
    const uint LowerBits = 0x7fffffff;

    readonly uint[] state = new uint[StateLength];
    int position;
    bool hasCachedNormal;
    double cachedNormal;

    /// <summary><c>np.random.RandomState(seed)</c>.</summary>
    public NumpyRandomState(uint seed) => Seed(seed);

    /// <summary>
    /// <c>np.random.seed(seed)</c> for an integer seed: the reference init_genrand recurrence
    /// (Knuth's multiplier 1812433253), not init_by_array, which numpy uses only for array seeds.
    /// Reseeding also drops a cached normal, as numpy's <c>_reset_gauss</c> does.
    /// </summary>
    public void Seed(uint seed)
    {
        state[0] = seed;
        for (int i = 1; i < StateLength; i++)
        {
            uint previous = state[i - 1];
            state[i] = unchecked(1812433253u * (previous ^ (previous >> 30)) + (uint)i);
        }
        position = StateLength; // the first draw regenerates the whole block
        hasCachedNormal = false;
        cachedNormal = 0.0;
    }

    /// <summary>The next raw 32-bit output of MT19937 (tempered).</summary>
    public uint NextUInt32()
    {
        if (position == StateLength) Regenerate();
        uint y = state[position++];
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c5680;
        y ^= (y << 15) & 0xefc60000;
        y ^= y >> 18;
        return y;
    }

    /// <summary>
    /// <c>np.random.random_sample()</c> (and <c>rand()</c>): 53 random bits in [0, 1), the top 27
    /// bits of one output and the top 26 of the next.
    /// </summary>
    public double NextDouble()
    {
        uint high = NextUInt32() >> 5;
        uint low = NextUInt32() >> 6;
        return (high * 67108864.0 + low) / 9007199254740992.0; // (high * 2^26 + low) / 2^53
    }

    /// <summary><c>np.random.rand(d0, d1, ...)</c>: uniform draws filling the shape in C order.</summary>
    public double[] Rand(params int[] shape)
    {
        var values = new double[ElementCount(shape)];
        for (int i = 0; i < values.Length; i++) values[i] = NextDouble();
        return values;
    }

    /// <summary>
    /// <c>np.random.standard_normal()</c>, numpy's <c>legacy_gauss</c>: Marsaglia's polar method.
    /// Each accepted pair (x1, x2) gives two normals; numpy returns f * x2 and keeps f * x1 for the
    /// next call, so the order matters for matching its stream.
    /// </summary>
    public double StandardNormal()
    {
        if (hasCachedNormal)
        {
            hasCachedNormal = false;
            double cached = cachedNormal;
            cachedNormal = 0.0;
            return cached;
        }
        double x1, x2, radiusSquared;
        do
        {
            x1 = 2.0 * NextDouble() - 1.0;
            x2 = 2.0 * NextDouble() - 1.0;
            radiusSquared = x1 * x1 + x2 * x2;
        } while (radiusSquared >= 1.0 || radiusSquared == 0.0); // inside the unit circle, not its centre
        double factor = Math.Sqrt(-2.0 * Math.Log(radiusSquared) / radiusSquared);
        cachedNormal = factor * x1;
        hasCachedNormal = true;
        return factor * x2;
    }

    /// <summary><c>np.random.randn(d0, d1, ...)</c>: standard normals filling the shape in C order.</summary>
    public double[] Randn(params int[] shape)
    {
        var values = new double[ElementCount(shape)];
        for (int i = 0; i < values.Length; i++) values[i] = StandardNormal();
        return values;
    }

    /// <summary>
    /// <c>np.random.randn(d0, d1, ...)</c> as a float64 CPU tensor of that shape: numpy's array,
    /// ready for a lesson that computes with TorchSharp (move it with <c>.to(device)</c>).
    /// </summary>
    public Tensor RandnTensor(params int[] shape) =>
        torch.tensor(Randn(shape), shape.Select(d => (long)d).ToArray(), float64);

    // The next 624 words of the recurrence, in place (MT19937's twist).
    void Regenerate()
    {
        for (int i = 0; i < StateLength; i++)
        {
            uint joined = (state[i] & UpperBit) | (state[(i + 1) % StateLength] & LowerBits);
            uint twisted = (joined >> 1) ^ ((joined & 1) != 0 ? TwistMatrix : 0u);
            state[i] = state[(i + MiddleOffset) % StateLength] ^ twisted;
        }
        position = 0;
    }

    static int ElementCount(int[] shape)
    {
        long count = 1;
        foreach (int dimension in shape)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(dimension, nameof(shape));
            count *= dimension;
            if (count > Array.MaxLength) throw new ArgumentOutOfRangeException(nameof(shape), "too many elements for one array");
        }
        return (int)count;
    }
}
