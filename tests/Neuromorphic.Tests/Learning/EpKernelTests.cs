using Neuromorphic.Core.Random;
using Neuromorphic.Learning.Kernels;

namespace Neuromorphic.Tests.Learning;

/// <summary>The SIMD kernels against their scalar references on random shapes, and their bit-exactness under any blocking.</summary>
public sealed class EpKernelTests
{
    private const int Shapes = 150;

    [Fact]
    public void RowDots_matches_the_scalar_reference_and_does_not_depend_on_blocking()
    {
        var rng = new CounterRng(1, 1);
        for (var shape = 0; shape < Shapes; shape++)
        {
            var rows = 1 + rng.NextInt(13);
            var outputs = 1 + rng.NextInt(19);
            var depth = Lanes.Width * (1 + rng.NextInt(12));
            var lda = depth + Lanes.Width * rng.NextInt(2);
            var ldc = Lanes.Pad(outputs) + Lanes.Width * rng.NextInt(2);
            var first = rng.NextInt(outputs);
            var count = outputs - first;
            var a = Random(rng, rows * lda, 0, 1);
            var w = Random(rng, outputs * depth, -1, 1);
            var bias = Random(rng, outputs, -1, 1);
            var fast = new float[rows * ldc];
            var reference = new float[rows * ldc];
            var rowByRow = new float[rows * ldc];
            EpKernels.RowDots(a, lda, rows, w, depth, first, count, bias, fast, ldc, depth);
            ScalarKernels.RowDots(a, lda, rows, w, depth, first, count, bias, reference, ldc, depth);
            for (var r = 0; r < rows; r++)
            {
                for (var i = first; i < outputs; i++)
                {
                    EpKernels.RowDots(a.AsSpan(r * lda), lda, 1, w, depth, i, 1, bias, rowByRow.AsSpan(r * ldc), ldc, depth);
                }
            }

            AssertClose(reference, fast, depth, $"shape {shape}: {rows}×{outputs}×{depth}");
            Assert.Equal(fast, rowByRow);
        }
    }

    [Fact]
    public void FeedbackStep_matches_the_scalar_reference_and_does_not_depend_on_blocking()
    {
        var rng = new CounterRng(1, 2);
        for (var shape = 0; shape < Shapes; shape++)
        {
            var rows = 1 + rng.NextInt(11);
            var width = Lanes.Width * (1 + rng.NextInt(9));
            var aboveCount = rng.NextInt(13);
            var ldAbove = Lanes.Pad(Math.Max(1, aboveCount));
            var drive = Random(rng, rows * width, -1, 2);
            var above = Random(rng, rows * ldAbove, 0, 1);
            var wAbove = Random(rng, Math.Max(1, aboveCount) * width, -1, 1);
            var state = Random(rng, rows * width, 0, 1);
            var dt = Random(rng, width, 0.05f, 1);
            var fast = new float[rows * width];
            var reference = new float[rows * width];
            var rowByRow = new float[rows * width];
            EpKernels.FeedbackStep(drive, above, ldAbove, aboveCount, wAbove, width, state, fast, dt, rows, width);
            ScalarKernels.FeedbackStep(drive, above, ldAbove, aboveCount, wAbove, width, state, reference, dt, rows, width);
            for (var r = 0; r < rows; r++)
            {
                EpKernels.FeedbackStep(drive.AsSpan(r * width), above.AsSpan(r * ldAbove), ldAbove, aboveCount, wAbove, width, state.AsSpan(r * width),
                    rowByRow.AsSpan(r * width), dt, 1, width);
            }

            AssertClose(reference, fast, aboveCount + 1, $"shape {shape}: {rows}×{width}, {aboveCount} above");
            Assert.Equal(fast, rowByRow);
            Assert.All(fast, v => Assert.InRange(v, 0f, 1f));
        }
    }

    [Fact]
    public void TopStep_matches_the_scalar_reference()
    {
        var rng = new CounterRng(1, 3);
        for (var shape = 0; shape < Shapes; shape++)
        {
            var rows = 1 + rng.NextInt(11);
            var width = Lanes.Width * (1 + rng.NextInt(4));
            var beta = (float)rng.Uniform(-1, 1);
            var drive = Random(rng, rows * width, -1, 2);
            var target = Random(rng, rows * width, 0, 1);
            var state = Random(rng, rows * width, 0, 1);
            var dt = Random(rng, width, 0.05f, 1);
            var fast = new float[rows * width];
            var reference = new float[rows * width];
            EpKernels.TopStep(drive, target, beta, state, fast, dt, rows, width);
            ScalarKernels.TopStep(drive, target, beta, state, reference, dt, rows, width);
            AssertClose(reference, fast, 2, $"shape {shape}");
        }
    }

    [Fact]
    public void Energy_FeedbackStep_matches_the_scalar_reference_and_does_not_depend_on_blocking()
    {
        var rng = new CounterRng(1, 5);
        for (var shape = 0; shape < Shapes; shape++)
        {
            var rows = 1 + rng.NextInt(11);
            var width = Lanes.Width * (1 + rng.NextInt(9));
            var aboveCount = rng.NextInt(13);
            var ldAbove = Lanes.Pad(Math.Max(1, aboveCount));
            var drive = Random(rng, rows * width, -1, 2);
            // Neighbours stay in [0, 1] (the kernels use s as ρ(s) there); the own state may lie outside, where ρ′ = 0.
            var above = Random(rng, rows * ldAbove, 0, 1);
            var wAbove = Random(rng, Math.Max(1, aboveCount) * width, -1, 1);
            var state = Random(rng, rows * width, -0.25f, 1.25f);
            var dt = Random(rng, width, 0.05f, 1);
            var fast = new float[rows * width];
            var reference = new float[rows * width];
            var rowByRow = new float[rows * width];
            EpKernels.FeedbackStep<EnergyRule>(drive, above, ldAbove, aboveCount, wAbove, width, state, fast, dt, rows, width);
            ScalarKernels.FeedbackStep(drive, above, ldAbove, aboveCount, wAbove, width, state, reference, dt, rows, width, StepRuleKind.Energy);
            for (var r = 0; r < rows; r++)
            {
                EpKernels.FeedbackStep<EnergyRule>(drive.AsSpan(r * width), above.AsSpan(r * ldAbove), ldAbove, aboveCount, wAbove, width,
                    state.AsSpan(r * width), rowByRow.AsSpan(r * width), dt, 1, width);
            }

            AssertClose(reference, fast, aboveCount + 2, $"shape {shape}: {rows}×{width}, {aboveCount} above");
            Assert.Equal(fast, rowByRow);
            Assert.All(fast, v => Assert.InRange(v, 0f, 1f));
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void TopStep_of_the_energy_and_outside_nudge_rules_matches_the_scalar_reference(bool energy)
    {
        var rule = energy ? StepRuleKind.Energy : StepRuleKind.OutsideNudge;
        var rng = new CounterRng(1, 6 + (ulong)rule);
        var outside = 0;
        for (var shape = 0; shape < Shapes; shape++)
        {
            var rows = 1 + rng.NextInt(11);
            var width = Lanes.Width * (1 + rng.NextInt(4));
            var beta = (float)rng.Uniform(-1, 1);
            var drive = Random(rng, rows * width, -1, 2);
            var target = Random(rng, rows * width, 0, 1);
            var state = Random(rng, rows * width, -0.25f, 1.25f);
            var dt = Random(rng, width, 0.05f, 1);
            var fast = new float[rows * width];
            var reference = new float[rows * width];
            if (rule == StepRuleKind.Energy)
            {
                EpKernels.TopStep<EnergyRule>(drive, target, beta, state, fast, dt, rows, width);
            }
            else
            {
                EpKernels.TopStep<OutsideNudgeRule>(drive, target, beta, state, fast, dt, rows, width);
            }

            ScalarKernels.TopStep(drive, target, beta, state, reference, dt, rows, width, rule);
            AssertClose(reference, fast, 3, $"shape {shape}");
            outside += fast.Count(v => v is < 0 or > 1);
        }

        // The energy form projects onto [0, 1]; the outside nudge lets the output leave it.
        if (rule == StepRuleKind.Energy)
        {
            Assert.Equal(0, outside);
        }
        else
        {
            Assert.True(outside > 0);
        }
    }

    [Fact]
    public void Outside_nudge_free_phase_is_the_prototypical_step_bit_for_bit()
    {
        var rng = new CounterRng(1, 9);
        var drive = Random(rng, 4 * 16, -1, 2);
        var target = Random(rng, 4 * 16, 0, 1);
        var state = Random(rng, 4 * 16, 0, 1);
        var dt = Random(rng, 16, 0.05f, 1);
        var inside = new float[64];
        var outsideNudge = new float[64];
        EpKernels.TopStep<PrototypicalRule>(drive, target, 0f, state, inside, dt, 4, 16);
        EpKernels.TopStep<OutsideNudgeRule>(drive, target, 0f, state, outsideNudge, dt, 4, 16);
        Assert.Equal(inside, outsideNudge);
    }

    [Fact]
    public void OuterProductRows_matches_the_scalar_reference_and_does_not_depend_on_row_blocks()
    {
        var rng = new CounterRng(1, 4);
        for (var shape = 0; shape < Shapes; shape++)
        {
            var batch = 1 + rng.NextInt(20);
            var posts = 1 + rng.NextInt(23);
            var ldPost = Lanes.Pad(posts);
            var width = Lanes.Width * (1 + rng.NextInt(9));
            var twoTerms = rng.NextInt(2) == 1;
            var postA = Random(rng, batch * ldPost, -1, 1);
            var preA = Random(rng, batch * width, 0, 1);
            var postB = twoTerms ? Random(rng, batch * ldPost, -1, 1) : [];
            var preB = twoTerms ? Random(rng, batch * width, 0, 1) : [];
            var scale = (float)rng.Uniform(0.1, 2);
            var first = rng.NextInt(posts);
            var count = posts - first;
            var fast = new float[count * width];
            var reference = new float[count * width];
            var oneRowAtATime = new float[count * width];
            EpKernels.OuterProductRows(postA, preA, postB, preB, ldPost, batch, first, count, width, scale, fast);
            ScalarKernels.OuterProductRows(postA, preA, postB, preB, ldPost, batch, first, count, width, scale, reference);
            for (var i = 0; i < count; i++)
            {
                EpKernels.OuterProductRows(postA, preA, postB, preB, ldPost, batch, first + i, 1, width, scale, oneRowAtATime.AsSpan(i * width, width));
            }

            AssertClose(reference, fast, 2 * batch * scale, $"shape {shape}: {batch}×{count}×{width}");
            Assert.Equal(fast, oneRowAtATime);
        }
    }

    [Fact]
    public void Leaky_step_flushes_states_that_would_become_subnormal()
    {
        Assert.Equal(0f, Lanes.LeakyStep(-1f, 1e-30f, 0.99f));
        Assert.Equal(0.5f, Lanes.LeakyStep(0.5f, 0.5f, 0.3f));
        var decayed = 1f;
        for (var t = 0; t < 200; t++)
        {
            decayed = Lanes.LeakyStep(0f, decayed, 0.9f);
            Assert.True(decayed == 0 || float.IsNormal(decayed), $"step {t}: {decayed}");
        }
    }

    private static float[] Random(CounterRng rng, int count, float low, float high)
    {
        var values = new float[count];
        for (var i = 0; i < count; i++)
        {
            values[i] = (float)rng.Uniform(low, high);
        }

        return values;
    }

    /// <summary>Float32 results within a few ulps per term of the double reference.</summary>
    private static void AssertClose(float[] expected, float[] actual, double terms, string context)
    {
        Assert.Equal(expected.Length, actual.Length);
        var tolerance = 4e-7 * (1 + terms);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance * Math.Max(1, Math.Abs(expected[i])),
                $"{context}, element {i}: expected {expected[i]}, got {actual[i]}");
        }
    }
}
