using Neuromorphic.Core.Random;

namespace Neuromorphic.Core.Statistics;

/// <summary>How a bootstrap interval is read off the resampled statistics.</summary>
public enum BootstrapMethod
{
    /// <summary>The α/2 and 1 − α/2 quantiles of the bootstrap distribution (Efron and Tibshirani 1993, §13.3).</summary>
    Percentile,

    /// <summary>
    /// Bias-corrected and accelerated (Efron 1987; Efron and Tibshirani 1993, §14.3): quantiles moved by
    /// the bias correction z₀ (share of replicates below the estimate, ties counted half) and the
    /// jackknife acceleration a. Second-order accurate; the default.
    /// </summary>
    BCa,
}

/// <summary>
/// Bootstrap confidence intervals of a mean. Resampling is seeded (<see cref="CounterRng"/> keyed
/// by <c>seed</c> and <c>key</c>), so an interval is a deterministic function of its data, seed
/// and key, on any machine and thread count.
/// </summary>
public static class Bootstrap
{
    public const int DefaultResamples = 10_000;

    /// <summary>First key of the bootstrap's random streams.</summary>
    private const ulong Stream = 0xB0_0751;

    /// <summary>
    /// The mean of <paramref name="values"/> (non-finite values dropped) and its bootstrap interval
    /// at <paramref name="level"/>. Fewer than two values give an undefined interval; equal values
    /// give a zero-width one.
    /// </summary>
    public static Interval Mean(IReadOnlyList<double> values, ulong seed, ulong key = 0, double level = 0.95, int resamples = DefaultResamples,
        BootstrapMethod method = BootstrapMethod.BCa)
    {
        if (!(level > 0 && level < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(level), level, "a confidence level in (0, 1)");
        }

        if (resamples < 100)
        {
            throw new ArgumentOutOfRangeException(nameof(resamples), resamples, "at least 100 resamples");
        }

        var data = values.Where(double.IsFinite).ToArray();
        var n = data.Length;
        if (n < 2)
        {
            return n == 1 ? new Interval(data[0], double.NaN, double.NaN, level) : Interval.Undefined(level);
        }

        var estimate = Sample.Mean(data);
        if (data.All(v => v == data[0]))
        {
            return new Interval(estimate, estimate, estimate, level);
        }

        var rng = new CounterRng(seed, Stream, key);
        var replicates = new double[resamples];
        for (var b = 0; b < resamples; b++)
        {
            var sum = 0.0;
            for (var i = 0; i < n; i++)
            {
                sum += data[rng.NextInt(n)];
            }

            replicates[b] = sum / n;
        }

        Array.Sort(replicates);
        var alpha = (1 - level) / 2;
        double low = alpha, high = 1 - alpha;
        if (method == BootstrapMethod.BCa)
        {
            (low, high) = BcaLevels(data, estimate, replicates, alpha);
        }

        return new Interval(estimate, Sample.Quantile(replicates, low), Sample.Quantile(replicates, high), level);
    }

    /// <summary>The adjusted quantile levels of the BCa interval.</summary>
    internal static (double Low, double High) BcaLevels(double[] data, double estimate, double[] sortedReplicates, double alpha)
    {
        var below = 0;
        var equal = 0;
        foreach (var r in sortedReplicates)
        {
            if (r < estimate)
            {
                below++;
            }
            else if (r == estimate)
            {
                equal++;
            }
        }

        var z0 = SpecialFunctions.NormalQuantile((below + 0.5 * equal) / sortedReplicates.Length);

        // Jackknife acceleration: a = Σ(θ̄ − θ₍ᵢ₎)³ / (6 [Σ(θ̄ − θ₍ᵢ₎)²]^{3/2}).
        var n = data.Length;
        var total = 0.0;
        foreach (var v in data)
        {
            total += v;
        }

        var jack = new double[n];
        for (var i = 0; i < n; i++)
        {
            jack[i] = (total - data[i]) / (n - 1);
        }

        var jackMean = Sample.Mean(jack);
        double num = 0, den = 0;
        foreach (var j in jack)
        {
            var d = jackMean - j;
            num += d * d * d;
            den += d * d;
        }

        var a = den > 0 ? num / (6 * Math.Pow(den, 1.5)) : 0;
        double Adjust(double q)
        {
            var z = SpecialFunctions.NormalQuantile(q);
            return SpecialFunctions.NormalCdf(z0 + (z0 + z) / (1 - a * (z0 + z)));
        }

        return double.IsFinite(z0) ? (Adjust(alpha), Adjust(1 - alpha)) : (alpha, 1 - alpha);
    }
}
