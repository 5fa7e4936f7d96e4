using Neuromorphic.Chip;
using Neuromorphic.Chip.Timing;
using Neuromorphic.Core.Errors;
using Neuromorphic.Core.Networks;
using Neuromorphic.Mapping;
using Neuromorphic.Simulation;
using Neuromorphic.Simulation.Engine;
using Neuromorphic.Simulation.Input;
using Neuromorphic.Simulation.Variability;
using Neuromorphic.Tests.Support;
using Neuromorphic.Workflows.Runs;

namespace Neuromorphic.Tests.Simulation;

/// <summary>The three synchronization disciplines: barrier, handshake (self-timed, tokens) and async (free clocks, bounded queues).</summary>
public class SynchronizationTests
{
    /// <summary>Every chip model shipped in chip-models/.</summary>
    public static TheoryData<string> ShippedChips() => new(ChipNames());

    private static IEnumerable<string> ChipNames() =>
        Directory.GetFiles(RepoPaths.Path("chip-models"), "*.json").Order(StringComparer.Ordinal).Select(f => Path.GetFileNameWithoutExtension(f)!);

    /// <summary>
    /// An HTS-EP network with feedback (output → hidden) pinned over four tiles: the input on (0,0), the
    /// hidden layer split over (1,0) and (0,1), the output on (1,1); or the hidden layer whole on (1,0).
    /// </summary>
    private static NetworkSpec Spread(int[] sizes, bool splitHidden = true, ulong seed = 3)
    {
        var network = TestNetworks.EpLayered(sizes, seed, weightScale: 3);
        var hidden = sizes[1];
        var pins = new Dictionary<string, PlacementPin[]>
        {
            ["input"] = [new(0, 0, 0, 0, null)],
            ["h1"] = splitHidden ? [new(1, 0, 0, 0, hidden / 2), new(0, 1, 0, hidden / 2, hidden - hidden / 2)] : [new(1, 0, 0, 0, null)],
            ["output"] = [new(1, 1, 0, 0, null)],
        };
        var populations = network.Populations.Select(p => new Population(p.Name, p.Size, p.Model, p.CubaLif, p.EpRate, pins[p.Name])).ToList();
        Population Same(Population p) => populations.First(q => q.Name == p.Name);
        var projections = network.Projections.Select(p => new Projection(p.Name, Same(p.From), Same(p.To), p.Weights, p.TransposeOf)).ToList();
        return new NetworkSpec(network.Name, populations, projections, network.Readout);
    }

    /// <summary>A fresh input per call (rate-coded inputs keep encoder state, so a run must not share them with another).</summary>
    private static InferenceInput Image(int i)
    {
        var data = Neuromorphic.Core.Data.DatasetCatalog.LoadEmbedded().Test;
        return InferenceInput.FromImage(data.Image(i).Slice(392, 8), data.Labels[i], InputEncoding.SigmaDelta, 1, i);
    }

    private static ChipInstance Instance(NetworkSpec network, ChipSpec chip, ulong seed = 1) =>
        ChipInstance.Create(new Mapper().Map(network, chip, "test"), seed, false);

    private static (RunSummary Summary, SpikeLog[] Logs) Run(ChipInstance chip, int count, RunOptions options)
    {
        var logs = Enumerable.Range(0, count).Select(_ => new SpikeLog()).ToArray();
        var summary = new Simulator().RunAsync(chip, count, Image, options, i => logs[i]).GetAwaiter().GetResult();
        return (summary, logs);
    }

    private static void AssertSameSpikes((RunSummary Summary, SpikeLog[] Logs) expected, (RunSummary Summary, SpikeLog[] Logs) actual, string what)
    {
        Assert.True(expected.Logs.Sum(l => l.Spikes.Count(s => s.Neuron >= 0)) > 20, $"{what}: the test network hardly spikes");
        for (var i = 0; i < expected.Logs.Length; i++)
        {
            Assert.True(expected.Logs[i].Spikes.Order().SequenceEqual(actual.Logs[i].Spikes.Order()), $"{what}: inference {i} spikes differ");
            var (a, b) = (expected.Summary.Inferences[i], actual.Summary.Inferences[i]);
            Assert.Equal((a.Predicted, a.Steps, string.Join(",", a.OutputCounts)), (b.Predicted, b.Steps, string.Join(",", b.OutputCounts)));
            Assert.Equal(a.Totals, b.Totals);
        }
    }

    [Theory]
    [MemberData(nameof(ShippedChips))]
    public void Handshake_gives_the_barrier_spikes_and_never_a_longer_latency(string chipName)
    {
        var chip = ChipLoader.Load(chipName);
        var instance = Instance(Spread([8, 8, 4]), chip);
        Assert.True(instance.Mapped.CoreTile.Distinct().Count() >= 4, "the test network spans four tiles");
        var clock = new HandshakeClock(instance.Mapped, instance.Costs, [instance.Mapped.CoreCount - 1]);
        Assert.True(clock.MaxTokenLatencyPs <= instance.Costs.BarrierLatencyPs,
            $"{chipName}: a token takes {clock.MaxTokenLatencyPs} ps, longer than the {instance.Costs.BarrierLatencyPs} ps barrier (the latency bound needs it)");
        const int inputs = 4;
        foreach (var (timing, earlyExit) in new[] { (TimingModel.Detailed, false), (TimingModel.Detailed, true), (TimingModel.Simple, false) })
        {
            var what = $"{chipName}, {timing.Name()}{(earlyExit ? ", early exit" : "")}";
            var options = new RunOptions { Steps = 25, Timing = timing, EarlyExit = earlyExit };
            var barrier = Run(instance, inputs, options);
            var handshake = Run(instance, inputs, options with { Mode = SyncMode.Handshake });
            AssertSameSpikes(barrier, handshake, what);
            for (var i = 0; i < inputs; i++)
            {
                var (b, h) = (barrier.Summary.Inferences[i], handshake.Summary.Inferences[i]);
                Assert.True(h.Latency <= b.Latency, $"{what}: inference {i} takes {h.Latency} with handshake, {b.Latency} with the barrier");
                Assert.Equal(instance.Costs.StaticEnergyFj(h.Latency.Picoseconds), h.Energy.StaticFj);
                Assert.Equal(b.Energy.NetworkFj - b.Steps * instance.Costs.BarrierEnergyFj + b.Steps * clock.TokenEnergyFjPerStep, h.Energy.NetworkFj);
            }

            Assert.True(handshake.Summary.MeanLatencyPs < barrier.Summary.MeanLatencyPs, $"{what}: handshake saves no time at all");
        }
    }

    [Theory]
    [InlineData(SyncMode.Barrier)]
    [InlineData(SyncMode.Handshake)]
    [InlineData(SyncMode.Async)]
    public void Results_are_identical_with_1_and_4_threads_in_every_mode(SyncMode mode)
    {
        var instance = Instance(Spread([8, 8, 4]), ChipLoader.Load("loihi1-async-variable"), seed: 5);
        const int inputs = 8;
        string Outcome(int threads) => string.Join("|", Run(instance, inputs,
            new RunOptions { Steps = 25, Mode = mode, Threads = threads, AsyncPeriodPs = mode == SyncMode.Async ? 150_000 : null }).Summary.Inferences.Select(r =>
            $"{r.Predicted} {string.Join(",", r.OutputCounts)} {r.Steps} {r.Latency.Picoseconds} {r.Energy} {r.Totals.SynapticOps} {r.Overruns} {r.Stalls} {r.StallPs} {r.LateSpikes}"));
        Assert.Equal(Outcome(1), Outcome(4));
    }

    public static TheoryData<string> ChipsWithoutTimingVariability() => new(ChipNames().Where(name =>
        ChipLoader.Load(name).Variability is { ClockSkew.IsNone: true, LatencyJitter.IsNone: true }));

    [Theory]
    [MemberData(nameof(ChipsWithoutTimingVariability))]
    public void Async_without_skew_or_jitter_at_a_period_above_every_core_step_equals_barrier(string chipName)
    {
        var instance = Instance(Spread([8, 8, 4]), ChipLoader.Load(chipName));
        const int inputs = 4;
        var barrier = Run(instance, inputs, new RunOptions { Steps = 25 });
        var period = barrier.Logs.Max(l => l.LongestStepPs);
        var async = Run(instance, inputs, new RunOptions { Steps = 25, Mode = SyncMode.Async, AsyncPeriodPs = period });
        AssertSameSpikes(barrier, async, chipName);
        Assert.Equal((0L, 0L, 0L), (async.Summary.LateSpikes, async.Summary.Overruns, async.Summary.Stalls));
    }

    [Fact]
    public void A_tiny_input_queue_stalls_senders_loses_no_spike_and_shows_in_latency()
    {
        var chip = ChipLoader.Load("loihi1-calibrated");
        var network = Spread([8, 24, 4], splitHidden: false);
        var deep = Instance(network, chip);
        var shallow = Instance(network, chip with { Timing = chip.Timing with { InputQueueMessages = 1 } });
        Assert.Equal(TimingSpec.DefaultInputQueueMessages, chip.Timing.InputQueueMessages);
        const int inputs = 4;
        var barrier = Run(deep, inputs, new RunOptions { Steps = 25 });

        // A period above every step's work: the stalls delay sends within the step, nothing is lost or late.
        var period = 2 * barrier.Logs.Max(l => l.LongestStepPs);
        var slow = new RunOptions { Steps = 25, Mode = SyncMode.Async, AsyncPeriodPs = period };
        var unstalled = Run(deep, inputs, slow);
        var stalled = Run(shallow, inputs, slow);
        AssertSameSpikes(barrier, unstalled, "queue of 16");
        AssertSameSpikes(barrier, stalled, "queue of 1");
        Assert.Equal(0, unstalled.Summary.Stalls);
        Assert.True(stalled.Summary.Stalls > 0 && stalled.Summary.StallPs > 0, "a queue of one message stalls the input core's burst");
        Assert.Equal(0, stalled.Summary.LateSpikes);

        // Free-running (a period far below the work): the read-out core's own stalls lengthen every step it runs.
        var fast = slow with { AsyncPeriodPs = 1_000 };
        var free = Run(deep, inputs, fast).Summary;
        var blocked = Run(shallow, inputs, fast).Summary;
        Assert.True(blocked.Stalls > free.Stalls, $"{blocked.Stalls} stalls with a queue of 1, {free.Stalls} with 16");
        Assert.True(blocked.MeanLatencyPs > free.MeanLatencyPs, $"latency {blocked.MeanLatencyPs} ps with a queue of 1, {free.MeanLatencyPs} ps with 16");
        Assert.True(free.Overruns > 0 && free.LateSpikes > 0, "cores running at their own pace deliver some spikes late");
    }

    [Fact]
    public void The_run_planner_alone_resolves_the_async_period()
    {
        var chip = ChipLoader.Load("loihi1-calibrated");
        Assert.Equal((1_000_000L, PeriodSource.ChipNominal), RunPlanner.ResolvePeriod(new RunOptions { Mode = SyncMode.Async }, chip));
        Assert.Equal((2_500L, PeriodSource.Given), RunPlanner.ResolvePeriod(new RunOptions { Mode = SyncMode.Async, AsyncPeriodPs = 2_500 }, chip));
        Assert.Equal((null, PeriodSource.None), RunPlanner.ResolvePeriod(new RunOptions { Mode = SyncMode.Handshake, AsyncPeriodPs = 2_500 }, chip));
        var instance = Instance(Spread([8, 8, 4]), chip);
        var error = Assert.Throws<InvalidInputException>(() => Run(instance, 1, new RunOptions { Mode = SyncMode.Async }));
        Assert.Equal(nameof(RunOptions.AsyncPeriodPs), error.Field);
    }
}
