using Neuromorphic.Chip;
using Neuromorphic.Core.Data;
using Neuromorphic.Core.Errors;
using Neuromorphic.Learning.Models;
using Neuromorphic.Learning.Training;
using Neuromorphic.Mapping;
using Neuromorphic.Simulation;
using Neuromorphic.Simulation.Input;
using Neuromorphic.Simulation.Learning;
using Neuromorphic.Tests.Learning;
using Xunit.Abstractions;

namespace Neuromorphic.Tests.Simulation;

/// <summary>On-chip EP learning: traces, rounding, the update's direction against float EP, the counters against a hand count, refusals.</summary>
public sealed class OnChipLearningTests(ITestOutputHelper output)
{
    private static readonly int[] s_sizes = [12, 6, 3];

    [Fact]
    public void Stochastic_rounding_is_unbiased_and_reproducible()
    {
        const int n = 200_000;
        var sum = 0.0;
        for (var i = 0; i < n; i++)
        {
            sum += StochasticRounding.Round(2.3, 42, (ulong)i);
        }

        Assert.InRange(sum / n, 2.29, 2.31);
        Assert.Equal(StochasticRounding.Round(-1.75, 7, 3), StochasticRounding.Round(-1.75, 7, 3));
        Assert.Equal(5, StochasticRounding.Round(5.0, 7, 3));
        Assert.InRange(Enumerable.Range(0, n).Average(i => (double)StochasticRounding.Round(-1.75, 9, (ulong)i)), -1.76, -1.74);
    }

    [Theory]
    [InlineData(8, 8.0, 0.3)]
    [InlineData(6, 8.0, 0.5)]
    [InlineData(4, 4.0, 0.25)]
    public void A_trace_of_a_regular_spike_train_reads_back_its_rate(int bits, double tau, double rate)
    {
        var rule = TraceRule.For(bits, tau);
        Assert.True(rule.Impulse >= 1 && rule.Impulse * tau <= rule.Max + rule.Impulse);
        var trace = 0;
        var phase = 0.0;
        var sum = 0.0;
        const int warm = 200, steps = 20_000;
        for (var t = 1; t <= warm + steps; t++)
        {
            phase += rate;
            var spiked = phase >= 1;
            if (spiked)
            {
                phase -= 1;
            }

            trace = rule.Step(trace, spiked, 11, (ulong)t);
            Assert.InRange(trace, 0, rule.Max);
            if (t > warm)
            {
                sum += rule.RateOf(trace);
            }
        }

        var mean = sum / steps;
        output.WriteLine($"{bits} bits, τ {tau}: impulse {rule.Impulse}, mean read-back {mean:0.0000} for rate {rate}");
        Assert.InRange(mean, rate * 0.93, rate * 1.07);
    }

    [Fact]
    public void A_trace_saturates_at_its_width()
    {
        var rule = TraceRule.For(4, 2.0);
        var trace = 0;
        for (var t = 0; t < 50; t++)
        {
            trace = rule.Step(trace, true, 1, (ulong)t);
        }

        Assert.Equal(15, trace);
    }

    [Fact]
    public void The_on_chip_update_points_the_way_of_the_float_EP_update()
    {
        // The same parameters and images in float HTS-EP (BatchLearner's symmetric signal) and on loihi1's fixed point.
        var (parameters, images) = Problem();
        const double beta = 0.5;
        const int freeSteps = 160, nudgedSteps = 60;
        var floatSignal = FloatSignal(parameters, images, beta, freeSteps, nudgedSteps);

        var chipUpdate = new double[floatSignal.Length];
        for (var i = 0; i < images.Count; i++)
        {
            var learner = Learner(parameters, beta, freeSteps, nudgedSteps, rate: 1.0);
            var before = ForwardWeights(learner);
            learner.Train(i, InferenceInput.FromImage(images.Image(i), images.Labels[i], InputEncoding.SigmaDelta, 1, i), images.Labels[i]);
            var after = ForwardWeights(learner);
            for (var j = 0; j < chipUpdate.Length; j++)
            {
                chipUpdate[j] += after[j] - before[j];
            }
        }

        var cosine = Cosine(chipUpdate, floatSignal);
        output.WriteLine($"cos(on-chip ΔW, float EP ΔW) = {cosine:0.0000} over {chipUpdate.Length} weights, |ΔW| {Math.Sqrt(chipUpdate.Sum(v => v * v)):0.0e0}");
        Assert.True(cosine >= 0.9, $"cosine {cosine:0.0000}");
    }

    [Fact]
    public void The_learning_counters_equal_a_hand_count()
    {
        var (parameters, images) = Problem();
        const int freeSteps = 30, nudgedSteps = 10;
        var learner = Learner(parameters, 0.2, freeSteps, nudgedSteps, rate: 0.01);
        var outcome = learner.Train(0, InferenceInput.FromImage(images.Image(0), images.Labels[0], InputEncoding.SigmaDelta, 1, 0), images.Labels[0]);

        // Plastic synapses: 12×6 + 6×3 forward and 3×6 feedback; every one is updated at the end of both epochs.
        const int synapses = 12 * 6 + 6 * 3 + 3 * 6;
        Assert.Equal(synapses, learner.PlasticSynapseCount);
        Assert.Equal(2 * synapses, outcome.Counters.SynapticUpdates);
        Assert.Equal(2, outcome.Counters.Epochs);

        // Traces: a pre trace for the 12 inputs, 6 hidden and 3 outputs (all send on plastic synapses), a post trace for the 9 others; every step of all three phases.
        const int traces = (12 + 6 + 3) + (6 + 3);
        Assert.Equal(traces, learner.TraceCount);
        Assert.Equal((freeSteps + 2 * nudgedSteps) * traces, outcome.Counters.TraceUpdates);
        Assert.InRange(outcome.Counters.WeightsChanged, 1, synapses);
        Assert.InRange(outcome.Counters.NudgeOps, 0, 2 * nudgedSteps * 3);
        Assert.Equal(freeSteps, outcome.FreeCounters.Steps);
        Assert.Equal(2 * nudgedSteps, outcome.NudgedCounters.Steps);

        // Energy and time of learning from loihi1's learning section: 120 pJ / 6.1 ns per synaptic update, 29 pJ / 3.1 ns per trace update.
        Assert.Equal(2 * synapses * 120_000L + (freeSteps + 2 * nudgedSteps) * traces * 29_000L, outcome.Learning.DynamicFj);
        var (busiestSynapses, busiestTraces) = learner.BusiestCore;
        Assert.Equal(2L * busiestSynapses * 6_100 + (freeSteps + 2L * nudgedSteps) * busiestTraces * 3_100, outcome.Learning.TimePs);
        Assert.True(outcome.Free.TimePs > 0 && outcome.Nudged.TimePs > 0 && outcome.Free.DynamicFj > 0 && outcome.Nudged.DynamicFj > 0);
    }

    [Fact]
    public void Training_is_reproducible_sample_by_sample()
    {
        var (parameters, images) = Problem();
        float[] Run()
        {
            var learner = Learner(parameters, 0.2, 30, 10, rate: 0.05);
            for (var i = 0; i < images.Count; i++)
            {
                learner.Train(i, InferenceInput.FromImage(images.Image(i), images.Labels[i], InputEncoding.SigmaDelta, 1, i), images.Labels[i]);
            }

            return learner.Weights(0).Concat(learner.Weights(1)).Concat(learner.Weights(2)).ToArray();
        }

        var a = Run();
        Assert.Equal(a, Run());
        Assert.NotEqual(ForwardWeights(Learner(parameters, 0.2, 30, 10, rate: 0.05)).Select(v => (float)v), a.Take(12 * 6 + 6 * 3));
    }

    [Theory]
    [InlineData(8)]
    [InlineData(6)]
    [InlineData(4)]
    public void Narrower_weights_keep_the_exponent_range_and_still_learn_the_same_direction(int bits)
    {
        // A narrower weight sits in the top bits of the chip's 8-bit field (Lava's shift = 8 − bits), so its exponent is the 8-bit one.
        var (parameters, images) = Problem();
        var mapped = Map(parameters, ChipLoader.Load("loihi1"));
        var learner = new OnChipLearner(mapped, new OnChipLearningOptions { FreeSteps = 160, NudgedSteps = 60, Beta = 0.5, LearningRates = [1.0], TraceTauSteps = 16, WeightBits = bits });
        var wide = new OnChipLearner(Map(parameters, ChipLoader.Load("loihi1")), new OnChipLearningOptions { WeightBits = 8 });
        Assert.Equal(wide.WeightExponents, learner.WeightExponents);
        var before = ForwardWeights(learner);
        learner.Train(0, InferenceInput.FromImage(images.Image(0), images.Labels[0], InputEncoding.SigmaDelta, 1, 0), images.Labels[0]);
        var update = ForwardWeights(learner).Zip(before, (a, b) => a - b).ToArray();
        var cosine = Cosine(update, FloatSignal(parameters, images.Take(1), 0.5, 160, 60));
        output.WriteLine($"{bits}-bit weights: cos {cosine:0.000}");
        Assert.True(cosine > (bits == 4 ? 0.5 : 0.8), $"cosine {cosine:0.000} at {bits} bits");
    }

    [Fact]
    public void A_chip_without_a_learning_engine_is_refused_naming_the_section()
    {
        var mapped = Map(Problem().Parameters, ChipLoader.Load("tiny"));
        var e = Assert.Throws<InvalidInputException>(() => new OnChipLearner(mapped, new OnChipLearningOptions()));
        Assert.Contains("$.learning", e.Message);
        Assert.Contains("tiny", e.Message);
    }

    [Fact]
    public void A_nudged_phase_longer_than_the_chips_learning_epoch_is_refused_naming_the_limit()
    {
        var mapped = Map(Problem().Parameters, ChipLoader.Load("loihi1"));
        var e = Assert.Throws<InvalidInputException>(() => new OnChipLearner(mapped, new OnChipLearningOptions { NudgedSteps = 64 }));
        Assert.Contains("maxEpochSteps", e.Message);
        Assert.Contains("63", e.Message);
        var async = Assert.Throws<InvalidInputException>(() => new OnChipLearner(mapped, new OnChipLearningOptions { Mode = SyncMode.Async }));
        Assert.Contains("barrier or handshake", async.Message);
    }

    [Fact]
    public void Loihi1s_learning_section_has_its_costs_and_provenance()
    {
        var learning = ChipLoader.Load("loihi1").Learning!;
        Assert.Equal(120.0, learning.SynapticUpdate.EnergyPj);
        Assert.Equal(6.1, learning.SynapticUpdate.LatencyNs);
        Assert.Equal(63, learning.MaxEpochSteps);
        Assert.Contains("Davies", learning.Provenance);
        Assert.Null(ChipLoader.Load("tiny").Learning);
    }

    internal static (EpParameters Parameters, LabeledImages Images) Problem()
    {
        var parameters = EpReference.RandomParameters(s_sizes, 3, 0.5f);
        return (parameters, EpReference.RandomImages(4, s_sizes[0], s_sizes[^1], 3));
    }

    private static MappedNetwork Map(EpParameters parameters, ChipSpec chip) =>
        new Mapper().Map(new EpModel(parameters, 60, "tiny-ep", null).ToNetwork("tiny-ep", null), chip, "test");

    private static OnChipLearner Learner(EpParameters parameters, double beta, int freeSteps, int nudgedSteps, double rate) =>
        new(Map(parameters, ChipLoader.Load("loihi1")), new OnChipLearningOptions
        {
            Beta = beta, FreeSteps = freeSteps, NudgedSteps = nudgedSteps, LearningRates = [rate], TraceTauSteps = 16, WeightHeadroom = 2,
        });

    /// <summary>W_1 then W_2 as the chip holds them.</summary>
    private static double[] ForwardWeights(OnChipLearner learner) => learner.Weights(0).Concat(learner.Weights(1)).Select(v => (double)v).ToArray();

    /// <summary>The float trainer's symmetric EP signal of W_1 then W_2, summed over the images (batch of 1 each, weights unchanged).</summary>
    private static double[] FloatSignal(EpParameters parameters, LabeledImages images, double beta, int freeSteps, int nudgedSteps)
    {
        var result = new double[s_sizes[0] * s_sizes[1] + s_sizes[1] * s_sizes[2]];
        var options = EpReference.Options(s_sizes, 1, beta, freeSteps, GradientEstimator.Symmetric) with { NudgedSteps = nudgedSteps };
        for (var i = 0; i < images.Count; i++)
        {
            var learner = new BatchLearner(parameters, new Optimizer(OptimizerKind.Sgd, 0, 0, Optimizer.TensorLengths(parameters)), options) { ApplyUpdates = false };
            learner.Train(images, [i], 1, 1, new OutputTally(), new PhaseTally(), new PhaseTally());
            var j = 0;
            for (var k = 1; k < s_sizes.Length; k++)
            {
                for (var post = 0; post < s_sizes[k]; post++)
                {
                    for (var pre = 0; pre < s_sizes[k - 1]; pre++)
                    {
                        result[j++] += learner.WeightSignal(k)[post * parameters.Strides[k - 1] + pre];
                    }
                }
            }
        }

        return result;
    }

    private static double Cosine(double[] a, double[] b) =>
        a.Zip(b, (x, y) => x * y).Sum() / Math.Sqrt(a.Sum(x => x * x) * b.Sum(y => y * y));
}
