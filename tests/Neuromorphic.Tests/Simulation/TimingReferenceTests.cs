using Neuromorphic.Chip;
using Neuromorphic.Chip.Costs;
using Neuromorphic.Chip.Timing;
using Neuromorphic.Core.Networks;
using Neuromorphic.Mapping;
using Neuromorphic.Simulation;
using Neuromorphic.Simulation.Input;
using Neuromorphic.Simulation.Variability;
using Neuromorphic.Tests.Support;
using Neuromorphic.Traces;
using Neuromorphic.Traces.Replay;
using Neuromorphic.Tests.Traces;

namespace Neuromorphic.Tests.Simulation;

/// <summary>
/// Latency and energy of small networks of our own against an independent reference model written
/// here from SANA-FE's documented semantics (src/Neuromorphic.Chip/README.md): the contract's
/// dynamics in doubles, SANA-FE's accounting (a neuron pays update when its potential was non-zero at
/// the start of the step, a synaptic event reached it, it has a bias, or it fires), messages sent as
/// each neuron fires, and both timing models — the detailed one as a literal, list-scanning rendering
/// of the scheduler (a GCC-ordered binary heap of send times, hops + 1 links with 1/(hops + 2) density
/// each, blocking, the rolling mean over messages in flight). Every step's duration, every message's
/// times and every core's energy must agree to the picosecond and the femtojoule. A few values are also
/// derived by hand in the comments.
/// </summary>
public class TimingReferenceTests
{
    // loihi1-calibrated (SANA-FE's arch/loihi.yaml), in ps and fJ, written out by hand.
    private const long AccessPs = 6_000, UpdatePs = 3_700, SpikePs = 30_000, MessageOutPs = 5_100, MessageInPs = 16_000, SynapsePs = 3_800;
    private const long AccessFj = 51_200, UpdateFj = 21_600, SpikeFj = 69_300, MessageOutFj = 111_000, SynapseFj = 35_500;
    private const long EastWestPs = 4_100, NorthSouthPs = 6_500, EastWestFj = 3_000, NorthSouthFj = 4_200;

    private static string MiniChip(TempDirectory dir, int linkBuffer)
    {
        var path = dir.File($"mini-{linkBuffer}.json");
        File.WriteAllText(path, $$"""
            { "schema": "neuromorphic.chip/1", "extends": "loihi1-calibrated", "name": "mini-loihi-{{linkBuffer}}",
              "provenance": "test: loihi1-calibrated on a 2 × 2 mesh of 4-core tiles",
              "mesh": { "width": 2, "height": 2, "coresPerTile": 4, "linkBufferMessages": {{linkBuffer}} } }
            """);
        return path;
    }

    private static long BarrierPs(int tiles) => tiles >= 4 ? 1_400_000 : tiles >= 2 ? 1_000_000 : 600_000;

    /// <summary>One core, with feedback: x0 → x1 → x0, x0 and x1 → x2 with +0.5 and −0.5 (both firing sum to 0), x2 without any leak, x3 bias-driven.</summary>
    private const string OneCore = """
        { "schema": "neuromorphic.network/1", "name": "one-core",
          "populations": [
            { "name": "in", "size": 1, "model": "input", "placement": { "tile": [0, 0], "core": 0 } },
            { "name": "x", "size": 4, "model": "cuba-lif", "placement": { "tile": [0, 0], "core": 0 },
              "params": { "tauCurrent": 1, "tauVoltage": [1, 2, null, 1], "threshold": [1, 0.5, 1, 1], "bias": [0, 0, 0, 0.375] } } ],
          "projections": [
            { "from": "in", "to": "x", "weights": [[1.5], [0.25], [0], [0]] },
            { "name": "rec", "from": "x", "to": "x", "weights": [[0, -0.5, 0, 0], [0.75, 0, 0, 0], [0.5, -0.5, 0, 0], [0, 0, 0, 0]] } ] }
        """;

    /// <summary>Several tiles, with feedback: a ring r0 → r1 → r2 → r3 → r0 over four tiles kicked by an input, r0 fanning out to six neurons on four cores, f5 feeding back onto r1.</summary>
    private const string Tiles = """
        { "schema": "neuromorphic.network/1", "name": "ring-fanout",
          "populations": [
            { "name": "in", "size": 1, "model": "input", "placement": { "tile": [0, 0], "core": 0 } },
            { "name": "r0", "size": 1, "model": "cuba-lif", "params": { "tauCurrent": 1, "tauVoltage": 1, "threshold": 1 }, "placement": { "tile": [0, 0], "core": 0 } },
            { "name": "r1", "size": 1, "model": "cuba-lif", "params": { "tauCurrent": 1, "tauVoltage": 1, "threshold": 1 }, "placement": { "tile": [0, 1], "core": 1 } },
            { "name": "r2", "size": 1, "model": "cuba-lif", "params": { "tauCurrent": 1, "tauVoltage": 1, "threshold": 1 }, "placement": { "tile": [1, 1], "core": 2 } },
            { "name": "r3", "size": 1, "model": "cuba-lif", "params": { "tauCurrent": 1, "tauVoltage": 1, "threshold": 1 }, "placement": { "tile": [1, 0], "core": 3 } },
            { "name": "f", "size": 6, "model": "cuba-lif", "params": { "tauCurrent": 1, "tauVoltage": null, "threshold": 2.5 },
              "placement": [ { "tile": [0, 0], "core": 1, "neurons": [0, 2] }, { "tile": [0, 1], "core": 0, "neurons": [2, 1] },
                             { "tile": [1, 1], "core": 0, "neurons": [3, 2] }, { "tile": [1, 0], "core": 0, "neurons": [5, 1] } ] } ],
          "projections": [
            { "from": "in", "to": "r0", "weights": [[2]] },
            { "from": "r0", "to": "r1", "weights": [[2]] },
            { "from": "r1", "to": "r2", "weights": [[2]] },
            { "from": "r2", "to": "r3", "weights": [[2]] },
            { "from": "r3", "to": "r0", "weights": [[2]] },
            { "from": "r0", "to": "f", "weights": [[1], [1], [1], [1], [1], [1]] },
            { "from": "f", "to": "r1", "weights": [[0, 0, 0, 0, 0, -0.5]] } ] }
        """;

    /// <summary>A hot spot: 16 bias-driven neurons per core on two cores each send one 32-synapse message to one core, and 16 more send one 16-synapse message each to another.</summary>
    private const string HotSpot = """
        { "schema": "neuromorphic.network/1", "name": "hot-spot",
          "populations": [
            { "name": "in", "size": 1, "model": "input", "placement": { "tile": [0, 0], "core": 3 } },
            { "name": "p", "size": 32, "model": "cuba-lif", "params": { "tauCurrent": 1, "tauVoltage": 1, "threshold": 1, "bias": 1.5 },
              "placement": [ { "tile": [0, 0], "core": 0, "neurons": [0, 16] }, { "tile": [0, 1], "core": 0, "neurons": [16, 16] } ] },
            { "name": "q", "size": 16, "model": "cuba-lif", "params": { "tauCurrent": 1, "tauVoltage": 1, "threshold": 1, "bias": 1.5 },
              "placement": { "tile": [0, 0], "core": 0 } },
            { "name": "d", "size": 32, "model": "cuba-lif", "params": { "tauCurrent": 1, "tauVoltage": 1, "threshold": 100 }, "placement": { "tile": [1, 1], "core": 0 } },
            { "name": "e", "size": 16, "model": "cuba-lif", "params": { "tauCurrent": 1, "tauVoltage": 1, "threshold": 100 }, "placement": { "tile": [1, 0], "core": 1 } } ],
          "projections": [
            { "from": "p", "to": "d", "weights": { "fill": 0.01 } },
            { "from": "q", "to": "e", "weights": { "diagonal": 0.01 } } ] }
        """;

    private static string Expand(string json)
    {
        // Dense weight shorthands of the hot-spot network, spelled out.
        static string Matrix(int rows, int cols, Func<int, int, double> w) =>
            "[" + string.Join(", ", Enumerable.Range(0, rows).Select(r => "[" + string.Join(", ", Enumerable.Range(0, cols).Select(c => w(r, c).ToString(System.Globalization.CultureInfo.InvariantCulture))) + "]")) + "]";
        return json.Replace("""{ "fill": 0.01 }""", Matrix(32, 32, (_, _) => 0.01)).Replace("""{ "diagonal": 0.01 }""", Matrix(16, 16, (r, c) => r == c ? 0.01 : 0));
    }

    public static TheoryData<string, int, string, int> Cases() => new()
    {
        { "one-core", 16, "1,0\n3,0\n4,0\n7,0\n", 10 },
        { "tiles", 16, "1,0\n", 12 },
        { "hot-spot", 16, "", 3 },
        { "hot-spot", 1, "", 3 },
    };

    private static string NetworkOf(string name) => name switch
    {
        "one-core" => OneCore,
        "tiles" => Tiles,
        _ => Expand(HotSpot),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Both_timing_models_and_the_energy_equal_the_reference_model(string name, int linkBuffer, string events, int steps)
    {
        using var dir = new TempDirectory();
        var chip = ChipLoader.Load(MiniChip(dir, linkBuffer));
        var network = NetworkFile.Parse(NetworkOf(name), $"{name}.json", dir.Path);
        var mapped = new Mapper().Map(network, chip, "test");
        var input = events.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(',')).Select(f => (int.Parse(f[0]), int.Parse(f[1]))).ToArray();
        foreach (var model in new[] { TimingModel.Detailed, TimingModel.Simple })
        {
            var reference = new ReferenceModel(network, mapped, linkBuffer).Run(input, steps, model);
            var log = new Log();
            var instance = ChipInstance.Create(mapped, 1, ideal: true);
            var result = Simulate(instance, input, new RunOptions { Steps = steps, Timing = model, Ideal = true }, log).Inferences[0];

            Assert.True(reference.Spikes > 0, "the network must do something");
            Assert.Equal(reference.Spikes, result.Totals.NeuronsFired);
            for (var step = 1; step <= steps; step++)
            {
                var engine = log.Steps.Where(s => s.Step == step).ToArray();
                Assert.Equal(reference.StepPs[step - 1], engine[0].EndPs - engine[0].StartPs);
                foreach (var core in engine)
                {
                    Assert.Equal(reference.CoreEnergy[(step, core.Core)], (core.Energy.SynapseFj, core.Energy.NeuronFj, core.Energy.NetworkFj));
                    Assert.Equal(reference.CoreUpdated[(step, core.Core)], core.Counters.NeuronsUpdated);
                }
            }

            Assert.Equal(reference.StepPs.Sum(), result.Latency.Picoseconds);
            Assert.Equal(reference.CoreEnergy.Values.Sum(e => e.Synapse + e.Neuron + e.Network), result.Energy.DynamicFj);
            if (model == TimingModel.Detailed)
            {
                Assert.Equal(reference.Messages.Count, log.Messages.Count);
                for (var i = 0; i < log.Messages.Count; i++)
                {
                    var (e, r) = (log.Messages[i], reference.Messages[i]);
                    var offset = log.Steps.First(s => s.Step == e.Step).StartPs;
                    Assert.Equal((r.Step, r.Source, r.Destination), (e.Step, e.SourceCore, e.DestinationCore));
                    Assert.Equal((r.SentPs, r.ReceivedPs, r.ProcessedPs, r.GenerationPs, r.NetworkPs, r.BlockingPs),
                        (e.SentPs - offset, e.ReceivedPs - offset, e.ProcessedPs - offset, e.GenerationDelayPs, e.NetworkDelayPs, e.BlockingPs));
                }

                if (linkBuffer == 1)
                {
                    Assert.Contains(log.Messages, m => m.BlockingPs > 0);        // the case is meant to block
                }
            }
        }
    }

    [Fact]
    public void Hand_arithmetic_on_the_ring_agrees()
    {
        // Step 1: in fires (an input costs nothing): its message leaves after 5.1 ns of message-out, reaches r0 on the same
        // core (no hop) and is processed in 16 + 3.8 = 19.8 ns: 24.9 ns. The other cores' neuron accesses (6 ns, 12 ns for
        // the two-neuron core) end earlier. Four tiles hold neurons: barrier 1.4 µs. Step 1 lasts 1,424.9 ns (simple: the
        // busiest receive, 19.8 ns, → 1,419.8 ns). Step 2: r0 fires: 6 + 3.7 + 30 = 39.7 ns, plus its message-out 5.1 → 44.8 ns
        // for the first message (to f0, f1 on its own tile: 2 synapses, 16 + 7.6 = 23.6 ns → 68.4 ns).
        using var dir = new TempDirectory();
        var chip = ChipLoader.Load(MiniChip(dir, 16));
        var network = NetworkFile.Parse(Tiles, "tiles.json", dir.Path);
        var mapped = new Mapper().Map(network, chip, "test");
        var instance = ChipInstance.Create(mapped, 1, ideal: true);
        var log = new Log();
        Simulate(instance, [(1, 0)], new RunOptions { Steps = 3, Ideal = true }, log);
        Assert.Equal(1_424_900, log.Steps[0].EndPs - log.Steps[0].StartPs);
        var first = log.Messages.First(m => m.Step == 2);
        var start = log.Steps.First(s => s.Step == 2).StartPs;
        Assert.Equal((44_800, 68_400), (first.SentPs - start, first.ProcessedPs - start));
        var simple = Simulate(instance, [(1, 0)], new RunOptions { Steps = 1, Ideal = true, Timing = TimingModel.Simple }, null);
        Assert.Equal(1_419_800, simple.Inferences[0].Latency.Picoseconds);
    }

    [Fact]
    public void A_trace_re_timed_under_other_costs_equals_a_run_on_that_chip()
    {
        // The messages carry the neuron work before them, so the generation delays follow the new costs exactly.
        using var dir = new TempDirectory();
        var calibrated = ChipLoader.Load(MiniChip(dir, 1));
        var other = dir.File("other.json");
        File.WriteAllText(other, """
            { "schema": "neuromorphic.chip/1", "extends": "mini-1.json", "name": "mini-other", "provenance": "test",
              "core": { "neuronAccess": { "energyPj": 40, "latencyNs": 9 }, "spikeOut": { "energyPj": 10, "latencyNs": 2 },
                        "messageOut": { "energyPj": 50, "latencyNs": 20 }, "synapticOp": { "energyPj": 20, "latencyNs": 7 } } }
            """);
        var otherChip = ChipLoader.Load(other);
        var network = NetworkFile.Parse(Expand(HotSpot), "hot.json", dir.Path);
        string Trace(ChipSpec chip, string file)
        {
            var mapped = new Mapper().Map(network, chip, "test");
            var instance = ChipInstance.Create(mapped, 1, ideal: true);
            var recorder = new Neuromorphic.Simulation.Tracing.TraceRecorder(0, 0, TraceLevel.Messages);
            Simulate(instance, [], new RunOptions { Steps = 3, Ideal = true }, recorder);
            var header = TestTraces.Header(TraceLevel.Messages) with
            {
                Mode = TraceMode.Barrier,
                CostTableJson = instance.Costs.ToJson().ToJsonString(),
                MetadataJson = new RunManifest
                {
                    Timing = TimingModelNames.Detailed, CoreTiles = mapped.CoreTile, CoreSlots = mapped.CoreSlots,
                    Mesh = new MeshGeometry(2, 2, 4), TilesInUse = mapped.TilesInUse,
                }.ToJson(),
            };
            var path = dir.File(file);
            var writer = TraceWriter.Create(path, header);
            recorder.Buffer.DrainTo(writer);
            writer.Complete();
            return path;
        }

        var trace = Trace(calibrated, "calibrated.trace");
        var direct = TraceRecoster.Recost(Trace(otherChip, "other.trace"), CostTable.FromChip(otherChip, 4)).Inferences[0];
        var (recosted, how) = TraceRecoster.Recost(trace, CostTable.FromChip(otherChip, 4));
        Assert.Equal(LatencyRecost.Exact, how);
        Assert.Equal(direct.RecordedLatencyPs, recosted[0].LatencyPs);
        Assert.Equal(direct.RecordedEnergy with { StaticFj = 0 }, recosted[0].Energy with { StaticFj = 0 });
        Assert.NotEqual(recosted[0].RecordedLatencyPs, recosted[0].LatencyPs);
    }

    private static RunSummary Simulate(ChipInstance instance, (int Step, int Index)[] events, RunOptions options, ISimulationObserver? observer) =>
        new Simulator().RunAsync(instance, 1, _ => new EventInput(events), options, _ => observer).GetAwaiter().GetResult();

    private sealed class Log : ISimulationObserver
    {
        public List<CoreStepEvent> Steps { get; } = [];
        public List<MessageEvent> Messages { get; } = [];
        public bool WantsInputs => false;
        public bool WantsSpikes => false;
        public bool WantsMessages => true;
        public bool WantsCoreSteps => true;
        public void OnInputSpike(int step, int inputIndex, int core, long timePs) { }
        public void OnSpike(int step, int neuron, int core, long timePs) { }
        public void OnMessage(in MessageEvent message) => Messages.Add(message);
        public void OnCoreStep(in CoreStepEvent step) => Steps.Add(step);
        public void OnInferenceEnd(InferenceResult result) { }
    }

    private sealed record RefMessage(int Step, int Source, int Destination, int Synapses, int Hops, long MinHopPs, long GenerationPs)
    {
        public bool Placeholder => Destination < 0;
        public long SentPs { get; set; }
        public long ReceivedPs { get; set; }
        public long ProcessedPs { get; set; }
        public long NetworkPs { get; set; }
        public long BlockingPs { get; set; }
        public long ProcessingPs => MessageInPs + Synapses * SynapsePs;
    }

    private sealed class RefResult
    {
        public List<long> StepPs { get; } = [];
        public Dictionary<(int Step, int Core), (long Synapse, long Neuron, long Network)> CoreEnergy { get; } = [];
        public Dictionary<(int Step, int Core), int> CoreUpdated { get; } = [];
        public List<RefMessage> Messages { get; } = [];
        public int Spikes { get; set; }
    }

    /// <summary>The reference: the network contract's dynamics in doubles and SANA-FE's accounting and timing, written from their description.</summary>
    private sealed class ReferenceModel(NetworkSpec network, MappedNetwork mapped, int linkBuffer)
    {
        private readonly int _cores = mapped.CoreCount;

        private (int X, int Y, int Slot) Place(int core) => (mapped.CoreTile[core].X, mapped.CoreTile[core].Y, mapped.CorePhysical[core] % 4);

        public RefResult Run((int Step, int Index)[] events, int steps, TimingModel model)
        {
            var n = network.NeuronCount;
            var (u, v, input, next) = (new double[n], new double[n], new double[n], new double[n]);
            var (reached, reachedNext) = (new bool[n], new bool[n]);
            var synapses = new List<(int Pre, int Post, double W)>();
            foreach (var p in network.Projections)
            {
                for (var post = 0; post < p.To.Size; post++)
                {
                    for (var pre = 0; pre < p.From.Size; pre++)
                    {
                        synapses.Add((p.From.FirstNeuron + pre, p.To.FirstNeuron + post, p.Weights[post * p.From.Size + pre]));
                    }
                }
            }

            var tiles = Enumerable.Range(0, _cores).Select(c => mapped.CoreTile[c]).Distinct().Count();
            var result = new RefResult();
            for (var step = 1; step <= steps; step++)
            {
                var fifo = new List<RefMessage>[_cores];
                for (var core = 0; core < _cores; core++)
                {
                    fifo[core] = [];
                    long acc = 0, synapseFj = 0, neuronFj = 0, networkFj = 0;
                    var updatedCount = 0;
                    foreach (var g in Enumerable.Range(0, n).Where(g => mapped.NeuronCore[g] == core).Order())
                    {
                        var pop = network.Populations.Last(p => p.FirstNeuron <= g);
                        var i = g - pop.FirstNeuron;
                        bool fired;
                        if (pop.Model == NeuronModel.Input)
                        {
                            fired = events.Contains((step, i));
                        }
                        else
                        {
                            var c = pop.CubaLif!;
                            var charged = v[g] != 0;
                            var bias = c.Bias[i];
                            u[g] = u[g] * (1 - (c.TauCurrent is null ? 0 : 1 / c.TauCurrent[i])) + input[g];
                            v[g] = v[g] * (1 - (c.TauVoltage is null ? 0 : 1 / c.TauVoltage[i])) + u[g] + bias;
                            fired = v[g] > c.Threshold[i];
                            if (fired)
                            {
                                v[g] = c.Reset == ResetMode.Zero ? 0 : v[g] - c.Threshold[i];
                                result.Spikes++;
                            }

                            var updated = fired || charged || reached[g] || bias != 0;
                            updatedCount += updated ? 1 : 0;
                            acc += AccessPs + (updated ? UpdatePs : 0) + (fired ? SpikePs : 0);
                            neuronFj += AccessFj + (updated ? UpdateFj : 0) + (fired ? SpikeFj : 0);
                        }

                        if (!fired)
                        {
                            continue;
                        }

                        var destinations = synapses.Where(s => s.Pre == g).Select(s => mapped.NeuronCore[s.Post]).Distinct().OrderBy(Place).ToArray();
                        foreach (var d in destinations)
                        {
                            var count = synapses.Count(s => s.Pre == g && mapped.NeuronCore[s.Post] == d);
                            var (dx, dy) = (mapped.CoreTile[d].X - mapped.CoreTile[core].X, mapped.CoreTile[d].Y - mapped.CoreTile[core].Y);
                            var hops = Math.Abs(dx) + Math.Abs(dy);
                            fifo[core].Add(new RefMessage(step, core, d, count, hops, Math.Abs(dx) * EastWestPs + Math.Abs(dy) * NorthSouthPs, acc + MessageOutPs));
                            acc = 0;
                            networkFj += MessageOutFj + Math.Abs(dx) * EastWestFj + Math.Abs(dy) * NorthSouthFj;
                            foreach (var s in synapses.Where(s => s.Pre == g && mapped.NeuronCore[s.Post] == d))
                            {
                                next[s.Post] += s.W;
                                reachedNext[s.Post] = true;
                            }
                        }
                    }

                    if (acc > 0)
                    {
                        fifo[core].Add(new RefMessage(step, core, -1, 0, 0, 0, acc));
                    }

                    result.CoreEnergy[(step, core)] = (synapseFj, neuronFj, networkFj);
                    result.CoreUpdated[(step, core)] = updatedCount;
                }

                // Synaptic work is charged to the destination core (message in costs 0 fJ on this chip).
                foreach (var m in fifo.SelectMany(f => f).Where(m => !m.Placeholder))
                {
                    var e = result.CoreEnergy[(step, m.Destination)];
                    result.CoreEnergy[(step, m.Destination)] = (e.Synapse + m.Synapses * SynapseFj, e.Neuron, e.Network);
                }

                result.StepPs.Add((model == TimingModel.Detailed ? Detailed(fifo) : Simple(fifo)) + BarrierPs(tiles));
                result.Messages.AddRange(fifo.SelectMany(f => f).Where(m => !m.Placeholder).OrderBy(m => m.Source).ThenBy(m => fifo[m.Source].IndexOf(m)));
                (input, next) = (next, input);
                Array.Clear(next);
                (reached, reachedNext) = (reachedNext, reached);
                Array.Clear(reachedNext);
            }

            return result;
        }

        private long Simple(List<RefMessage>[] fifo)
        {
            var generation = fifo.Max(f => f.Sum(m => m.GenerationPs));
            var receive = Enumerable.Range(0, _cores).Max(c => fifo.SelectMany(f => f).Where(m => m.Destination == c).Sum(m => m.ProcessingPs));
            return Math.Max(generation, receive);
        }

        /// <summary>Link names of a route: the source core's link, then each tile entered along X then Y with the hop's direction.</summary>
        private List<(int X, int Y, int Link)> Route(RefMessage m)
        {
            // SANA-FE's link names: north 0, east 1, south 2, west 3 per tile, then 4 + the core's position for each core.
            var (x, y) = (mapped.CoreTile[m.Source].X, mapped.CoreTile[m.Source].Y);
            var route = new List<(int, int, int)> { (x, y, 4 + mapped.CorePhysical[m.Source] % 4) };
            var target = mapped.CoreTile[m.Destination];
            while (x != target.X)
            {
                var step = Math.Sign(target.X - x);
                x += step;
                route.Add((x, y, step > 0 ? 1 : 3));
            }

            while (y != target.Y)
            {
                var step = Math.Sign(target.Y - y);
                y += step;
                route.Add((x, y, step > 0 ? 0 : 2));
            }

            return route;
        }

        private long Detailed(List<RefMessage>[] fifo)
        {
            var order = Enumerable.Range(0, _cores).OrderBy(Place).ToArray();
            var queues = fifo.Select(f => new Queue<RefMessage>(f)).ToArray();
            var heap = new List<RefMessage>();
            var density = new Dictionary<(int, int, int), double>();
            var inFlight = Enumerable.Range(0, _cores).Select(_ => new List<RefMessage>()).ToArray();
            var free = new long[_cores];
            long sum = 0, last = 0;
            var count = 0;
            void Track(RefMessage m, int sign)
            {
                var share = sign > 0 ? 1.0 / (2.0 + m.Hops) : -(1.0 / (2.0 + m.Hops));
                foreach (var link in Route(m))
                {
                    density[link] = density.GetValueOrDefault(link) + share;
                }

                sum += sign * m.ProcessingPs;
                count += sign;
            }

            foreach (var core in order.Where(c => queues[c].Count > 0))
            {
                var m = queues[core].Dequeue();
                m.SentPs = m.GenerationPs;
                GccHeap.Push(heap, m);
            }

            while (heap.Count > 0)
            {
                var m = GccHeap.Pop(heap);
                last = Math.Max(last, m.SentPs);
                foreach (var c in order)
                {
                    foreach (var x in inFlight[c].ToArray())
                    {
                        if (m.SentPs >= x.ReceivedPs)
                        {
                            inFlight[c].Remove(x);
                            Track(x, -1);
                        }
                    }
                }

                if (!m.Placeholder)
                {
                    var r = 0.0;
                    foreach (var link in Route(m))
                    {
                        r += density.GetValueOrDefault(link);
                    }

                    var mean = count == 0 ? 0.0 : (double)sum / count;
                    var capacity = (double)((m.Hops + 1) * linkBuffer);
                    m.BlockingPs = r > capacity ? (long)Math.Round((r - capacity) * mean, MidpointRounding.AwayFromZero) : 0;
                    m.SentPs += m.BlockingPs;
                    var congestion = r * mean / (m.Hops + 1.0);
                    m.NetworkPs = Math.Max(m.MinHopPs, congestion <= 0 ? 0 : (long)Math.Round(congestion, MidpointRounding.AwayFromZero));
                    var arrive = m.SentPs + m.NetworkPs;
                    m.ReceivedPs = Math.Max(free[m.Destination], arrive);
                    free[m.Destination] = Math.Max(free[m.Destination] + m.ProcessingPs, arrive + m.ProcessingPs);
                    m.ProcessedPs = free[m.Destination];
                    last = Math.Max(last, m.ProcessedPs);
                    inFlight[m.Destination].Add(m);
                    Track(m, +1);
                }

                if (queues[m.Source].Count > 0)
                {
                    var following = queues[m.Source].Dequeue();
                    following.SentPs = m.SentPs + following.GenerationPs;
                    GccHeap.Push(heap, following);
                    last = Math.Max(last, following.SentPs);
                }
            }

            return last;
        }
    }

    /// <summary>std::push_heap / std::pop_heap as GCC implements them, with "sent later" as the comparison (SANA-FE's queue).</summary>
    private static class GccHeap
    {
        private static bool Later(RefMessage a, RefMessage b) => a.SentPs > b.SentPs;

        public static void Push(List<RefMessage> h, RefMessage value)
        {
            h.Add(value);
            PushUp(h, h.Count - 1, 0, value);
        }

        private static void PushUp(List<RefMessage> h, int hole, int top, RefMessage value)
        {
            var parent = (hole - 1) / 2;
            while (hole > top && Later(h[parent], value))
            {
                h[hole] = h[parent];
                hole = parent;
                parent = (hole - 1) / 2;
            }

            h[hole] = value;
        }

        public static RefMessage Pop(List<RefMessage> h)
        {
            var result = h[0];
            var value = h[^1];
            h.RemoveAt(h.Count - 1);
            if (h.Count > 0)
            {
                Adjust(h, 0, h.Count, value);
            }

            return result;
        }

        private static void Adjust(List<RefMessage> h, int hole, int length, RefMessage value)
        {
            var top = hole;
            var second = hole;
            while (second < (length - 1) / 2)
            {
                second = 2 * (second + 1);
                if (Later(h[second], h[second - 1]))
                {
                    second--;
                }

                h[hole] = h[second];
                hole = second;
            }

            if ((length & 1) == 0 && second == (length - 2) / 2)
            {
                second = 2 * (second + 1);
                h[hole] = h[second - 1];
                hole = second - 1;
            }

            PushUp(h, hole, top, value);
        }
    }
}
