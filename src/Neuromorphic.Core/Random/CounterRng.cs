namespace Neuromorphic.Core.Random;

/// <summary>
/// A deterministic random stream identified by a seed and a key (for example core, neuron and
/// parameter). Values depend only on (seed, key, position in the stream), never on thread, time or
/// the order in which other streams are used: two instances with the same seed and key produce the
/// same sequence on any thread. One instance is not thread-safe; give each thread its own stream.
/// </summary>
public sealed class CounterRng
{
    private readonly uint _k0;
    private readonly uint _k1;
    private readonly uint _s0;
    private readonly uint _s1;
    private ulong _block;
    private ulong _buffered;
    private bool _hasBuffered;
    private double _spareNormal;
    private bool _hasSpareNormal;

    /// <summary>The stream of <paramref name="seed"/> keyed by up to four integers.</summary>
    public CounterRng(ulong seed, ulong keyA = 0, ulong keyB = 0, ulong keyC = 0, ulong keyD = 0)
    {
        Seed = seed;
        StreamId = Philox.StreamId(keyA, keyB, keyC, keyD);
        _k0 = (uint)seed;
        _k1 = (uint)(seed >> 32);
        _s0 = (uint)StreamId;
        _s1 = (uint)(StreamId >> 32);
    }

    public ulong Seed { get; }

    public ulong StreamId { get; }

    /// <summary>Number of 64-bit values consumed so far.</summary>
    public ulong Position => _block * 2 - (_hasBuffered ? 1UL : 0UL);

    public ulong NextUInt64()
    {
        if (_hasBuffered)
        {
            _hasBuffered = false;
            return _buffered;
        }

        var (x0, x1, x2, x3) = Philox.Block((uint)_block, (uint)(_block >> 32), _s0, _s1, _k0, _k1);
        _block++;
        _buffered = ((ulong)x3 << 32) | x2;
        _hasBuffered = true;
        return ((ulong)x1 << 32) | x0;
    }

    public uint NextUInt32() => (uint)(NextUInt64() >> 32);

    /// <summary>Uniform integer in [0, <paramref name="maxExclusive"/>) without modulo bias (Lemire's method).</summary>
    public int NextInt(int maxExclusive)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxExclusive);
        var range = (uint)maxExclusive;
        var product = (ulong)NextUInt32() * range;
        var low = (uint)product;
        if (low < range)
        {
            var threshold = (0u - range) % range;
            while (low < threshold)
            {
                product = (ulong)NextUInt32() * range;
                low = (uint)product;
            }
        }

        return (int)(product >> 32);
    }

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => Philox.ToUnitDouble(NextUInt64());

    /// <summary>Uniform in (0, 1): safe to take the logarithm of.</summary>
    public double NextDoubleOpen() => ((NextUInt64() >> 11) + 0.5) * (1.0 / (1UL << 53));

    public double Uniform(double low, double high) => low + (high - low) * NextDouble();

    /// <summary>Standard normal by the Box–Muller transform (both outputs are used).</summary>
    public double Normal()
    {
        if (_hasSpareNormal)
        {
            _hasSpareNormal = false;
            return _spareNormal;
        }

        var u1 = NextDoubleOpen();
        var u2 = NextDouble();
        var radius = Math.Sqrt(-2.0 * Math.Log(u1));
        var angle = 2.0 * Math.PI * u2;
        _spareNormal = radius * Math.Sin(angle);
        _hasSpareNormal = true;
        return radius * Math.Cos(angle);
    }

    public double Normal(double mean, double standardDeviation) => mean + standardDeviation * Normal();

    /// <summary>exp(N(<paramref name="mu"/>, <paramref name="sigma"/>²)).</summary>
    public double LogNormal(double mu, double sigma) => Math.Exp(mu + sigma * Normal());

    /// <summary>
    /// Gamma with shape k and scale θ (mean kθ, CV 1/√k) by Marsaglia and Tsang (2000); for k &lt; 1,
    /// Gamma(k + 1)·U^(1/k).
    /// </summary>
    public double Gamma(double shape, double scale)
    {
        if (!(shape > 0) || !(scale > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(shape), "gamma shape and scale must be positive");
        }

        if (shape < 1)
        {
            return Gamma(shape + 1, scale) * Math.Pow(NextDoubleOpen(), 1.0 / shape);
        }

        var d = shape - 1.0 / 3.0;
        var c = 1.0 / Math.Sqrt(9.0 * d);
        while (true)
        {
            double x, v;
            do
            {
                x = Normal();
                v = 1.0 + c * x;
            }
            while (v <= 0);

            v = v * v * v;
            var u = NextDoubleOpen();
            if (u < 1.0 - 0.0331 * x * x * x * x || Math.Log(u) < 0.5 * x * x + d * (1.0 - v + Math.Log(v)))
            {
                return d * v * scale;
            }
        }
    }
}
