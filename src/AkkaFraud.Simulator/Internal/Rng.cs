namespace AkkaFraud.Simulator.Internal;

/// <summary>
/// xoshiro256** seeded through SplitMix64: fast, small, and the same sequence on every runtime version
/// (<see cref="Random"/>'s seeded algorithm is an implementation detail). Not for anything secret.
/// </summary>
internal sealed class Rng
{
    private ulong _s0, _s1, _s2, _s3;

    public Rng(ulong seed)
    {
        _s0 = SplitMix(ref seed);
        _s1 = SplitMix(ref seed);
        _s2 = SplitMix(ref seed);
        _s3 = SplitMix(ref seed);
    }

    /// <summary>An independent stream for one purpose (<paramref name="stream"/>) and one instance of it (<paramref name="index"/>).</summary>
    public static Rng For(int seed, ulong stream, ulong index = 0)
    {
        var x = ((ulong)(uint)seed * 0x9E3779B97F4A7C15UL) ^ (stream * 0xBF58476D1CE4E5B9UL) ^ (index * 0x94D049BB133111EBUL);
        return new Rng(SplitMix(ref x));
    }

    public ulong NextUInt64()
    {
        var result = ulong.RotateLeft(_s1 * 5, 7) * 9;
        var t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = ulong.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [0, <paramref name="maxExclusive"/>) (multiply-shift; the bias is below 2^-32).</summary>
    public int Next(int maxExclusive) => (int)(((NextUInt64() >> 32) * (ulong)maxExclusive) >> 32);

    /// <summary>Uniform in [<paramref name="min"/>, <paramref name="maxInclusive"/>].</summary>
    public int Between(int min, int maxInclusive) => min + Next(maxInclusive - min + 1);

    public double Between(double min, double max) => min + (NextDouble() * (max - min));

    public bool Chance(double probability) => NextDouble() < probability;

    /// <summary>Exponential with mean 1.</summary>
    public double Exponential() => -Math.Log(1.0 - NextDouble());

    /// <summary>Standard normal (Box–Muller, one value per call: simple, and rare enough on the hot path).</summary>
    public double Normal() => Math.Sqrt(-2.0 * Math.Log(1.0 - NextDouble())) * Math.Cos(2.0 * Math.PI * NextDouble());

    public double LogNormal(double median, double sigma) => median * Math.Exp(sigma * Normal());

    /// <summary>Log-uniform in [<paramref name="min"/>, <paramref name="max"/>): every order of magnitude equally likely.</summary>
    public double LogUniform(double min, double max) => min * Math.Exp(NextDouble() * Math.Log(max / min));

    public T Pick<T>(IReadOnlyList<T> items) => items[Next(items.Count)];

    private static ulong SplitMix(ref ulong x)
    {
        var z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}

/// <summary>A fixed set of choices with weights; picking is a scan over the cumulative weights (tables here are short).</summary>
internal sealed class Weighted<T>
{
    private readonly T[] _items;
    private readonly double[] _cumulative;

    public Weighted(IEnumerable<(T Item, double Weight)> choices)
    {
        var items = new List<T>();
        var cumulative = new List<double>();
        var total = 0.0;
        foreach (var (item, weight) in choices)
        {
            if (weight <= 0)
            {
                continue;
            }

            total += weight;
            items.Add(item);
            cumulative.Add(total);
        }

        if (items.Count == 0)
        {
            throw new ArgumentException("a weighted choice needs at least one positive weight", nameof(choices));
        }

        _items = [.. items];
        _cumulative = [.. cumulative];
    }

    public IReadOnlyList<T> Items => _items;

    public T Pick(Rng rng)
    {
        var x = rng.NextDouble() * _cumulative[^1];
        for (var i = 0; i < _cumulative.Length - 1; i++)
        {
            if (x < _cumulative[i])
            {
                return _items[i];
            }
        }

        return _items[^1];
    }
}
