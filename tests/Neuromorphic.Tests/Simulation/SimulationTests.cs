using Neuromorphic.Chip;
using Neuromorphic.Core.Networks;
using Neuromorphic.Mapping;
using Neuromorphic.Simulation;
using Neuromorphic.Simulation.Input;
using Neuromorphic.Simulation.Variability;
using Neuromorphic.Tests.Support;

namespace Neuromorphic.Tests.Simulation;

public class SimulationTests
{
    /// <summary>in → hid → out, one neuron each, pinned to three tiles of tiny: (0,0), (1,0), (1,1).</summary>
    private const string ThreeNeurons = """
        { "schema": "neuromorphic.network/1", "name": "three",
          "populations": [
            { "name": "in",  "size": 1, "model": "input", "placement": { "tile": [0, 0], "core": 0 } },
            { "name": "hid", "size": 1, "model": "cuba-lif", "params": { "tauCurrent": 1, "tauVoltage": null, "threshold": 1 },
              "placement": { "tile": [1, 0], "core": 0 } },
            { "name": "out", "size": 1, "model": "cuba-lif", "params": { "tauCurrent": 1, "tauVoltage": null, "threshold": 1 },
              "placement": { "tile": [1, 1], "core": 0 } } ],
          "projections": [
            { "from": "in", "to": "hid", "weights": [[1.5]] },
            { "from": "hid", "to": "out", "weights": [[1.5]] } ],
          "readout": { "population": "out" } }
        """;

    private static ChipInstance Instance(NetworkSpec network, string chip, ulong seed = 1, bool ideal = false) =>
        ChipInstance.Create(new Mapper().Map(network, ChipLoader.Load(chip), "test"), seed, ideal);

    private static RunSummary Run(ChipInstance chip, IReadOnlyList<InferenceInput> inputs, RunOptions options, Func<int, ISimulationObserver?>? observers = null) =>
        new Simulator().RunAsync(chip, inputs.Count, i => inputs[i], options, observers).GetAwaiter().GetResult();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Three_neurons_on_tiny_cost_exactly_what_hand_arithmetic_says(bool ideal)
    {
        var network = NetworkFile.Parse(ThreeNeurons, "three.json", ".");
        var chip = Instance(network, "tiny", ideal: ideal);
        var result = Run(chip, [new EventInput([(1, 0)])], new RunOptions { Steps = 4 }).Inferences[0];

        // Step 1: the input spike goes east (0,0)→(1,0); step 2: hid fires, goes north (1,0)→(1,1); step 3: out fires.
        Assert.Equal(1, result.Totals.InputSpikes);
        Assert.Equal(2, result.Totals.NeuronsFired);
        Assert.Equal(8, result.Totals.NeuronsAccessed);      // 2 compartments × 4 steps
        Assert.Equal(2, result.Totals.NeuronsUpdated);       // hid at step 2, out at step 3 (each reached by a synapse; v is 0 otherwise)
        Assert.Equal(2, result.Totals.MessagesOut);
        Assert.Equal(2, result.Totals.SynapticOps);
        Assert.Equal((1, 0, 1, 0), (result.Totals.HopsEast, result.Totals.HopsWest, result.Totals.HopsNorth, result.Totals.HopsSouth));
        Assert.Equal(new[] { 1 }, result.OutputCounts);

        // tiny costs (pJ): message in 1, synaptic op 2, access 3, update 4, spike out 5, message out 6, east 7, north 9.
        Assert.Equal(2 * 2_000, result.Energy.SynapseFj);                               // 2 synaptic ops
        Assert.Equal(8 * 3_000 + 2 * 4_000 + 2 * 5_000, result.Energy.NeuronFj);         // access, update, spike out
        Assert.Equal(2 * 6_000 + 2 * 1_000 + 7_000 + 9_000, result.Energy.NetworkFj);    // out, in, east hop, north hop
        Assert.Equal(76_000, result.Energy.DynamicFj);

        // Latency (ns), barrier 100 ns for 3 tiles (tiny's table: largest key ≤ 3 is 1 → 100):
        //   step 1: max(neuron 3, message 6 out + 7 east hop + 1 in + 2 synapse = 16) + 100 = 116
        //   step 2: hid 3 + 4 + 5 = 12; message sent 18, + 9 north = 27, + 3 processing = 30 → 130
        //   step 3: out 3 + 4 + 5 = 12 → 112;  step 4: 3 → 103.   Total 461 ns.
        Assert.Equal(461_000, result.Latency.Picoseconds);
        Assert.Equal(461_000, result.Energy.StaticFj);                                  // 1 mW × 461 ns = 461 pJ
    }

    private static (NetworkSpec Network, InferenceInput[] Inputs) SmallEp(int count, int seed = 5)
    {
        var network = TestNetworks.EpLayered([64, 24, 10], seed: (ulong)seed, weightScale: 3);
        var data = Neuromorphic.Core.Data.DatasetCatalog.LoadEmbedded().Test;
        var inputs = Enumerable.Range(0, count).Select(i => InferenceInput.FromImage(data.Image(i).Slice(300, 64), data.Labels[i], InputEncoding.SigmaDelta, 1, i)).ToArray();
        return (network, inputs);
    }

    [Fact]
    public void Barrier_results_are_identical_with_1_and_4_threads()
    {
        var (network, _) = SmallEp(0);
        var chip = Instance(network, "loihi1");
        var one = Run(chip, SmallEp(12).Inputs, new RunOptions { Steps = 40, Threads = 1 });
        var four = Run(chip, SmallEp(12).Inputs, new RunOptions { Steps = 40, Threads = 4 });
        Assert.Equal(one.Inferences.Select(Describe), four.Inferences.Select(Describe));
        Assert.True(one.Totals.SynapticOps > 0);
    }

    private static string Describe(InferenceResult r) =>
        $"{r.Index} {r.Predicted} {string.Join(",", r.OutputCounts)} {r.Latency.Picoseconds} {r.Energy.SynapseFj} {r.Energy.NeuronFj} {r.Energy.NetworkFj} {r.Energy.StaticFj} {r.Totals.SynapticOps} {r.Totals.NeuronsFired}";

    [Fact]
    public void Async_with_no_skew_or_jitter_gives_the_same_spikes_as_barrier()
    {
        var (network, _) = SmallEp(0);
        var chip = Instance(network, "loihi1");
        var logs = new Dictionary<SyncMode, SpikeLog>();
        foreach (var mode in new[] { SyncMode.Barrier, SyncMode.Async })
        {
            var log = new SpikeLog();
            logs[mode] = log;
            var summary = Run(chip, SmallEp(1).Inputs, new RunOptions { Steps = 30, Mode = mode, AsyncPeriodPs = 20_000_000 }, _ => log);
            Assert.Equal(0, summary.Overruns);
        }

        Assert.NotEmpty(logs[SyncMode.Barrier].Spikes);
        Assert.Equal(logs[SyncMode.Barrier].Spikes.Order(), logs[SyncMode.Async].Spikes.Order());
    }

    [Fact]
    public void Same_seed_repeats_and_another_seed_changes_a_variable_chip()
    {
        var (network, _) = SmallEp(0);
        string Outcome(ulong seed) => string.Join("|", Run(Instance(network, "analog-mismatch", seed), SmallEp(6).Inputs,
            new RunOptions { Steps = 30, Seed = seed }).Inferences.Select(Describe));
        Assert.Equal(Outcome(7), Outcome(7));
        Assert.NotEqual(Outcome(7), Outcome(8));
    }

    [Fact]
    public void Zero_variability_reproduces_the_nominal_chip_whatever_the_seed()
    {
        var (network, _) = SmallEp(0);
        string Outcome(ulong seed) => string.Join("|", Run(Instance(network, "loihi1", seed), SmallEp(4).Inputs,
            new RunOptions { Steps = 30, Seed = seed }).Inferences.Select(Describe));
        Assert.Equal(Outcome(1), Outcome(99));
    }

    [Fact]
    public void Async_clock_skew_changes_timing_and_is_seeded()
    {
        var (network, _) = SmallEp(0);
        long Latency(ulong seed) => Run(Instance(network, "loihi1-async-variable", seed), SmallEp(2).Inputs,
            new RunOptions { Steps = 30, Seed = seed, Mode = SyncMode.Async, AsyncPeriodPs = 2_000_000 }).Inferences.Sum(r => r.Latency.Picoseconds);
        Assert.Equal(Latency(3), Latency(3));
        Assert.NotEqual(Latency(3), Latency(4));
    }

    [Fact]
    public void Early_exit_stops_when_the_leader_cannot_be_caught()
    {
        var network = NetworkFile.Parse(ThreeNeurons, "three.json", ".");
        var chip = Instance(network, "tiny");
        var events = Enumerable.Range(1, 50).Select(s => (s, 0)).ToArray();
        var full = Run(chip, [new EventInput(events)], new RunOptions { Steps = 50 }).Inferences[0];
        var early = Run(chip, [new EventInput(events)], new RunOptions { Steps = 50, EarlyExit = true }).Inferences[0];
        Assert.Equal(50, full.Steps);
        Assert.True(early.Steps < 30, $"early exit after {early.Steps} steps");
        Assert.Equal(full.Predicted, early.Predicted);
        Assert.True(early.Latency < full.Latency);
    }
}
