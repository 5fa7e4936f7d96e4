using Neuromorphic.Mapping.Quantization;

namespace Neuromorphic.Tests.Mapping;

public class LoihiFixedPointTests
{
    [Fact]
    public void Current_decay_uses_the_plus_one_offset_on_the_magnitude()
    {
        // du = 409 removes (409 + 1)/4096 of u: 10000·(4096 − 410) >> 12 = 36,860,000 >> 12 = 8999.
        Assert.Equal(8999, LoihiFixedPoint.DecayCurrent(10_000, 409));
        Assert.Equal(-8999, LoihiFixedPoint.DecayCurrent(-10_000, 409));   // sign(u)·(|u|·…>>12): rounds toward zero
        Assert.Equal(0, LoihiFixedPoint.DecayCurrent(123_456, 4095));     // du = 4095 empties u
        Assert.Equal(409, LoihiFixedPoint.CurrentDecayField(0.1));          // round(409.6) − 1
        Assert.Equal(0.1, LoihiFixedPoint.CurrentDecayFraction(409), 3);
    }

    [Fact]
    public void Voltage_decay_has_no_offset()
    {
        Assert.Equal(10_000, LoihiFixedPoint.DecayVoltage(10_000, 0));
        // 4097·(4096 − 2048) >> 12 = 8,390,656 >> 12 = 2048 (2048.5 truncated).
        Assert.Equal(2048, LoihiFixedPoint.DecayVoltage(4097, 2048));
        Assert.Equal(-2048, LoihiFixedPoint.DecayVoltage(-4097, 2048));
    }

    [Fact]
    public void State_wraps_at_24_bits()
    {
        Assert.Equal(-(1 << 23), LoihiFixedPoint.Wrap24(1 << 23));
        Assert.Equal((1 << 23) - 1, LoihiFixedPoint.Wrap24(-(1 << 23) - 1));
        Assert.Equal(5, LoihiFixedPoint.Wrap24((1L << 24) + 5));
        Assert.Equal(LoihiFixedPoint.StateMax, LoihiFixedPoint.Saturate24(1L << 30));
    }

    [Fact]
    public void Weight_mantissas_follow_Lavas_ranges()
    {
        Assert.Equal((2, -256, 254), LoihiFixedPoint.WeightMantissaRange(8, WeightSignMode.Mixed));
        Assert.Equal((1, 0, 255), LoihiFixedPoint.WeightMantissaRange(8, WeightSignMode.Excitatory));
        Assert.Equal((1, -255, 0), LoihiFixedPoint.WeightMantissaRange(8, WeightSignMode.Inhibitory));
        Assert.Equal(100, LoihiFixedPoint.RoundWeightMantissa(100.9, 8, WeightSignMode.Mixed));  // even steps: 100.9 → 100
        Assert.Equal(254, LoihiFixedPoint.RoundWeightMantissa(300, 8, WeightSignMode.Mixed));
        Assert.Equal(101, LoihiFixedPoint.RoundWeightMantissa(100.9, 8, WeightSignMode.Excitatory));
        Assert.Equal(100 << 3, LoihiFixedPoint.WeightUnits(100, -3));  // 100·2^(6 − 3)
    }

    [Fact]
    public void Voltage_clamps_use_Loihis_exponent_encodings()
    {
        Assert.Equal((1 << 21) - 1, LoihiFixedPoint.VoltageMaxFor((1 << 21) - 1)); // vmax = 2^(9+2·6) − 1
        Assert.Equal((1 << 23) - 1, LoihiFixedPoint.VoltageMaxFor((1 << 21) + 5));
        Assert.Equal(0, LoihiFixedPoint.VoltageMinFor(0));
        Assert.Equal(-((1 << 4) - 1), LoihiFixedPoint.VoltageMinFor(-10));          // −2^4 + 1 ≤ −10
    }

    [Fact]
    public void Optimal_clustering_matches_brute_force_on_small_sets()
    {
        var rng = new Random(5);
        for (var trial = 0; trial < 40; trial++)
        {
            var values = Enumerable.Range(0, 9).Select(_ => (double)rng.Next(0, 30)).ToArray();
            var k = rng.Next(1, 4);
            var fast = OneDimensionalClustering.Cluster(values, k);
            Assert.True(fast.Distinct().Count() <= k);
            var sse = values.Zip(fast, (a, b) => (a - b) * (a - b)).Sum();
            Assert.Equal(BruteForce(values, k), sse, 6);
        }
    }

    private static double BruteForce(double[] values, int k)
    {
        var distinct = values.Distinct().Order().ToArray();
        if (distinct.Length <= k)
        {
            return 0;
        }

        var best = double.PositiveInfinity;
        // Choose k − 1 cut points among the n − 1 gaps of the sorted distinct values.
        foreach (var cuts in Combinations(Enumerable.Range(1, distinct.Length - 1).ToArray(), k - 1))
        {
            var bounds = new[] { 0 }.Concat(cuts).Append(distinct.Length).ToArray();
            double total = 0;
            for (var c = 0; c + 1 < bounds.Length; c++)
            {
                var members = values.Where(v => v >= distinct[bounds[c]] && v <= distinct[bounds[c + 1] - 1]).ToArray();
                var mean = members.Average();
                total += members.Sum(v => (v - mean) * (v - mean));
            }

            best = Math.Min(best, total);
        }

        return best;
    }

    private static IEnumerable<int[]> Combinations(int[] items, int r)
    {
        if (r == 0)
        {
            yield return [];
            yield break;
        }

        for (var i = 0; i <= items.Length - r; i++)
        {
            foreach (var rest in Combinations(items[(i + 1)..], r - 1))
            {
                yield return [items[i], .. rest];
            }
        }
    }
}
