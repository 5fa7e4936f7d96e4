using System.Runtime.CompilerServices;
using Neuromorphic.Core.Random;

namespace Neuromorphic.Simulation.Learning;

/// <summary>
/// Seeded stochastic rounding, as Loihi's learning engine rounds traces and weight changes
/// (Davies et al. 2018 p.91): ⌊x⌋ + 1 with probability x − ⌊x⌋, so the expected result is x. The
/// uniform draw is a pure function of (key, counter) through SplitMix64's finaliser, so every
/// rounding is reproducible whatever order or thread computes it.
/// </summary>
public static class StochasticRounding
{
    /// <summary>A uniform double in [0, 1) for (key, counter).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Uniform(ulong key, ulong counter) =>
        (Philox.Mix(unchecked(key + counter * 0x9E3779B97F4A7C15UL)) >> 11) * (1.0 / (1UL << 53));

    /// <summary>Rounds <paramref name="x"/> down or up at random, up with probability equal to its fractional part.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long Round(double x, ulong key, ulong counter)
    {
        var floor = Math.Floor(x);
        var fraction = x - floor;
        if (fraction == 0)
        {
            return (long)floor;
        }

        return (long)floor + (Uniform(key, counter) < fraction ? 1 : 0);
    }
}
