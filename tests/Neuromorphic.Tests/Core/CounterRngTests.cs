using Neuromorphic.Core.Random;

namespace Neuromorphic.Tests.Core;

public class CounterRngTests
{
    private const int Draws = 100_000;

    [Theory]
    // Random123's published known-answer vectors for Philox4x32-10 (Salmon et al. 2011, tests/kat_vectors).
    [InlineData(0u, 0u, 0u, 0u, 0u, 0u, 0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u)]
    [InlineData(0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0x408f276du, 0x41c83b0eu, 0xa20bc7c6u, 0x6d5451fdu)]
    [InlineData(0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u, 0xa4093822u, 0x299f31d0u, 0xd16cfe09u, 0x94fdccebu, 0x5001e420u, 0x24126ea1u)]
    public void Philox_matches_known_answers(uint c0, uint c1, uint c2, uint c3, uint k0, uint k1, uint e0, uint e1, uint e2, uint e3)
    {
        Assert.Equal((e0, e1, e2, e3), Philox.Block(c0, c1, c2, c3, k0, k1));
    }

    [Fact]
    public void Same_seed_and_key_give_identical_streams_on_any_thread()
    {
        static ulong[] Draw(int count)
        {
            var rng = new CounterRng(42, 3, 17, 5);
            var values = new ulong[count];
            for (var i = 0; i < count; i++)
            {
                values[i] = BitConverter.DoubleToUInt64Bits(rng.Normal()) ^ rng.NextUInt64();
            }

            return values;
        }

        var reference = Draw(10_000);
        var results = new ulong[8][];
        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, t => results[t] = Draw(10_000));
        foreach (var result in results)
        {
            Assert.Equal(reference, result);
        }
    }

    [Fact]
    public void Different_keys_or_seeds_give_different_streams()
    {
        var a = new CounterRng(42, 3, 17, 5).NextUInt64();
        Assert.NotEqual(a, new CounterRng(42, 3, 17, 6).NextUInt64());
        Assert.NotEqual(a, new CounterRng(43, 3, 17, 5).NextUInt64());
        Assert.NotEqual(a, new CounterRng(42, 17, 3, 5).NextUInt64());
    }

    [Fact]
    public void Random_access_equals_sequential_stream()
    {
        var rng = new CounterRng(9, 1, 2);
        for (ulong i = 0; i < 100; i++)
        {
            var value = rng.NextUInt64();
            var block = i / 2;
            var (x0, x1, x2, x3) = Philox.Block((uint)block, (uint)(block >> 32), (uint)rng.StreamId, (uint)(rng.StreamId >> 32), 9, 0);
            Assert.Equal(i % 2 == 0 ? ((ulong)x1 << 32) | x0 : ((ulong)x3 << 32) | x2, value);
        }

        Assert.Equal(Philox.UInt64At(9, rng.StreamId, 0), new CounterRng(9, 1, 2).NextUInt64());
    }

    [Fact]
    public void NextInt_is_in_range_and_roughly_uniform()
    {
        var rng = new CounterRng(1);
        var counts = new int[7];
        for (var i = 0; i < 70_000; i++)
        {
            counts[rng.NextInt(7)]++;
        }

        Assert.All(counts, c => Assert.InRange(c, 9_500, 10_500));
    }

    [Theory]
    [InlineData("uniform", 2.0, 0.2)]
    [InlineData("normal", 1.0, 0.3)]
    [InlineData("lognormal", 1.0, 0.5)]
    [InlineData("gamma", 1.0, 0.57735)]   // k = 3, the Perez-Nieves default: CV = 1/√3
    [InlineData("gamma", 2.0, 1.41421)]   // k = 0.5 exercises the k < 1 branch
    public void Samplers_match_target_mean_and_cv_within_one_percent(string distribution, double mean, double cv)
    {
        var rng = new CounterRng(2026, 7);
        var sd = mean * cv;
        Func<double> draw = distribution switch
        {
            // U(a, b) with mean m and CV c: half-width = m·c·√3.
            "uniform" => () => rng.Uniform(mean - sd * Math.Sqrt(3), mean + sd * Math.Sqrt(3)),
            "normal" => () => rng.Normal(mean, sd),
            // Log-normal with mean m and CV c: σ² = ln(1 + c²), μ = ln m − σ²/2.
            "lognormal" => () =>
            {
                var s2 = Math.Log(1 + cv * cv);
                return rng.LogNormal(Math.Log(mean) - s2 / 2, Math.Sqrt(s2));
            },
            "gamma" => () => rng.Gamma(1 / (cv * cv), mean * cv * cv),
            _ => throw new ArgumentException(distribution),
        };

        double sum = 0, sumSq = 0;
        for (var i = 0; i < Draws; i++)
        {
            var x = draw();
            sum += x;
            sumSq += x * x;
        }

        var sampleMean = sum / Draws;
        var sampleSd = Math.Sqrt((sumSq - sum * sum / Draws) / (Draws - 1));
        Assert.InRange(sampleMean / mean, 0.99, 1.01);
        Assert.InRange(sampleSd / sampleMean / cv, 0.99, 1.01);
    }
}
