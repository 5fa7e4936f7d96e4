using Neuromorphic.Chip.Costs;
using Neuromorphic.Core.Random;

namespace Neuromorphic.Traces.Synthetic;

/// <summary>Shape of a synthetic run (see <see cref="SyntheticTrace"/>).</summary>
public sealed record SyntheticTraceOptions
{
    public int Inferences { get; init; } = 10;

    public int Steps { get; init; } = 64;

    /// <summary>Cores on a square-ish mesh, row-major.</summary>
    public int Cores { get; init; } = 16;

    public int NeuronsPerCore { get; init; } = 64;

    public int Inputs { get; init; } = 784;

    /// <summary>Mean spike probability per input per step (the mean pixel intensity of Fashion-MNIST is about 0.29).</summary>
    public double InputRate { get; init; } = 0.29;

    /// <summary>Spike probability per neuron per step.</summary>
    public double FiringRate { get; init; } = 0.05;

    /// <summary>Destination cores of each spiking neuron (one message per destination).</summary>
    public int FanOutCores { get; init; } = 3;

    public int SynapsesPerMessage { get; init; } = 64;

    public int Classes { get; init; } = 10;

    public ulong Seed { get; init; } = 1;
}

/// <summary>
/// Deterministic, plausible trace records without a simulator: Bernoulli input and neuron spikes,
/// one message per (spiking neuron, destination core) routed X-then-Y on a mesh, per-core counters
/// consistent with those events, and energies from Davies et al. 2018's Loihi per-operation costs
/// (Davies et al. 2018, Table 2; chip-models/README.md, "Sources"). For tests, benchmarks and the hidden <c>neuro trace synth</c>;
/// the numbers are not a simulation of anything.
/// </summary>
public static class SyntheticTrace
{
    // Davies et al. 2018, Table 2 (chip-models/README.md, "Sources"), in fJ and ps.
    private const long SynapticOpFj = 23_600;
    private const long NeuronActiveFj = 81_000;
    private const long NeuronInactiveFj = 52_000;
    private const long SpikeOutFj = 1_700;
    private const long HopEastWestFj = 3_000;
    private const long HopNorthSouthFj = 4_000;
    private const long SynapticOpPs = 3_500;
    private const long NeuronActivePs = 8_400;
    private const long NeuronInactivePs = 5_300;
    private const long HopEastWestPs = 4_100;
    private const long HopNorthSouthPs = 6_500;
    private const long BarrierPs = 113_000;
    private const long StaticPowerMilliwatts = 104;

    /// <summary>Writes the records of every inference of <paramref name="options"/> to <paramref name="sink"/> (without completing it).</summary>
    public static void Write(ITraceSink sink, SyntheticTraceOptions options, Action<int>? afterInference = null)
    {
        for (var inference = 0; inference < options.Inferences; inference++)
        {
            WriteInference(sink, options, inference);
            afterInference?.Invoke(inference);
        }
    }

    /// <summary>All records of a synthetic run, in memory.</summary>
    public static InMemoryTraceSink Generate(SyntheticTraceOptions options, TraceLevel level = TraceLevel.Messages)
    {
        var sink = new InMemoryTraceSink(level);
        Write(sink, options);
        sink.Complete();
        return sink;
    }

    public static void WriteInference(ITraceSink sink, SyntheticTraceOptions o, int inference)
    {
        var rng = new CounterRng(o.Seed, (ulong)inference);
        var meshWidth = (int)Math.Ceiling(Math.Sqrt(o.Cores));
        var label = rng.NextInt(o.Classes);
        var inputRates = new double[o.Inputs];
        for (var j = 0; j < o.Inputs; j++)
        {
            inputRates[j] = Math.Min(1, rng.NextDouble() * 2 * o.InputRate);
        }

        var messagesIn = new int[o.Cores];
        var synapsesIn = new int[o.Cores];
        var steps = new CoreStepRecord[o.Cores];
        var stepStartPs = 0L;
        long synapseFj = 0, neuronFj = 0, networkFj = 0, spikes = 0, synops = 0, messages = 0, hops = 0;
        for (var step = 1; step <= o.Steps; step++)
        {
            for (var j = 0; j < o.Inputs; j++)
            {
                if (rng.NextDouble() < inputRates[j])
                {
                    sink.Add(new InputEventRecord { TimePs = stepStartPs, Inference = inference, Step = step, Input = j, Value = 1, Core = -1 });
                }
            }

            Array.Clear(messagesIn);
            Array.Clear(synapsesIn);
            var stepLengthPs = 0L;
            for (var core = 0; core < o.Cores; core++)
            {
                var busyPs = 0L;
                int fired = 0, updated = 0, sent = 0;
                int east = 0, west = 0, north = 0, south = 0;
                long coreNetworkFj = 0;
                for (var n = 0; n < o.NeuronsPerCore; n++)
                {
                    var active = rng.NextDouble() < 0.6;
                    updated += active ? 1 : 0;
                    busyPs += active ? NeuronActivePs : NeuronInactivePs;
                    if (!active || rng.NextDouble() >= o.FiringRate / 0.6)
                    {
                        continue;
                    }

                    fired++;
                    var neuron = o.Inputs + core * o.NeuronsPerCore + n;
                    var firedPs = stepStartPs + busyPs;
                    sink.Add(new SpikeRecord { TimePs = firedPs, Inference = inference, Step = step, Neuron = neuron, Core = core });
                    for (var f = 0; f < o.FanOutCores; f++)
                    {
                        var destination = (core + 1 + f * 5 + n % 3) % o.Cores;
                        var (dx, dy) = (destination % meshWidth - core % meshWidth, destination / meshWidth - core / meshWidth);
                        var (e, w, nn, s) = ((ushort)Math.Max(dx, 0), (ushort)Math.Max(-dx, 0), (ushort)Math.Max(dy, 0), (ushort)Math.Max(-dy, 0));
                        var networkPs = (e + w) * HopEastWestPs + (nn + s) * HopNorthSouthPs;
                        var synapses = o.SynapsesPerMessage / 2 + rng.NextInt(o.SynapsesPerMessage);
                        var receivedPs = firedPs + networkPs;
                        var processedPs = receivedPs + synapses * SynapticOpPs;
                        sink.Add(new MessageRecord
                        {
                            SentPs = firedPs, ReceivedPs = receivedPs, ProcessedPs = processedPs, GenerationDelayPs = NeuronActivePs,
                            NetworkDelayPs = networkPs, BlockingPs = 0, Inference = inference, Step = step, SourceNeuron = neuron,
                            SourceCore = core, DestinationCore = destination, Synapses = synapses,
                            HopsEast = e, HopsWest = w, HopsNorth = nn, HopsSouth = s,
                        });
                        sent++;
                        east += e;
                        west += w;
                        north += nn;
                        south += s;
                        messagesIn[destination]++;
                        synapsesIn[destination] += synapses;
                        coreNetworkFj += SpikeOutFj + (e + w) * HopEastWestFj + (nn + s) * HopNorthSouthFj;
                        stepLengthPs = Math.Max(stepLengthPs, processedPs - stepStartPs);
                    }
                }

                stepLengthPs = Math.Max(stepLengthPs, busyPs);
                steps[core] = new CoreStepRecord
                {
                    StepStartPs = stepStartPs, BusyPs = busyPs, NeuronFj = updated * NeuronActiveFj + (o.NeuronsPerCore - updated) * NeuronInactiveFj,
                    NetworkFj = coreNetworkFj, Inference = inference, Step = step, Core = core,
                    Counters = new CoreStepCounters
                    {
                        NeuronsAccessed = o.NeuronsPerCore, NeuronsUpdated = updated, NeuronsFired = fired, MessagesOut = sent,
                        HopsEast = east, HopsWest = west, HopsNorth = north, HopsSouth = south,
                    },
                };
            }

            var stepEndPs = stepStartPs + stepLengthPs + BarrierPs;
            for (var core = 0; core < o.Cores; core++)
            {
                var record = steps[core] with
                {
                    StepEndPs = stepEndPs,
                    BusyPs = steps[core].BusyPs + synapsesIn[core] * SynapticOpPs,
                    Counters = steps[core].Counters with { SynapticOps = synapsesIn[core], MessagesIn = messagesIn[core] },
                    SynapseFj = synapsesIn[core] * SynapticOpFj,
                    StaticFj = StaticPowerMilliwatts * (stepEndPs - stepStartPs) / o.Cores,
                };
                sink.Add(record);
                synapseFj += record.SynapseFj;
                neuronFj += record.NeuronFj;
                networkFj += record.NetworkFj;
                spikes += record.Counters.NeuronsFired;
                synops += record.Counters.SynapticOps;
                messages += record.Counters.MessagesOut;
                hops += record.Counters.Hops;
            }

            stepStartPs = stepEndPs;
        }

        var staticFj = StaticPowerMilliwatts * stepStartPs;
        // A plausible classifier: right 85 % of the time.
        var predicted = rng.NextDouble() < 0.85 ? label : (label + 1 + rng.NextInt(o.Classes - 1)) % o.Classes;
        sink.EndInference(new InferenceSummaryRecord
        {
            FirstInputPs = 0, DecisionPs = stepStartPs, EndPs = stepStartPs,
            SynapseFj = synapseFj, NeuronFj = neuronFj, NetworkFj = networkFj, StaticFj = staticFj,
            TotalFj = synapseFj + neuronFj + networkFj + staticFj,
            Spikes = spikes, SynapticOps = synops, Messages = messages, Hops = hops,
            Inference = inference, SampleIndex = inference, Label = label, Predicted = predicted, Steps = o.Steps,
        });
    }

    /// <summary>A header for synthetic traces (fixed hashes, no start time: byte-identical across runs).</summary>
    public static TraceHeader Header(SyntheticTraceOptions options, TraceLevel level, string toolVersion = "synthetic") => new()
    {
        ToolVersion = toolVersion,
        ChipHash = new string('c', 64),
        NetworkHash = new string('a', 64),
        MappingHash = new string('b', 64),
        Seed = options.Seed,
        Mode = TraceMode.Barrier,
        Level = level,
        CostTableJson = """{"synapticOpFj":23600,"neuronActiveFj":81000,"neuronInactiveFj":52000,"spikeOutFj":1700,"hopEastWestFj":3000,"hopNorthSouthFj":4000,"staticPowerMw":104}""",
        MetadataJson = new RunManifest
        {
            Generator = "synthetic",
            Populations = [new PopulationRange("input", 0, options.Inputs), new PopulationRange("neurons", options.Inputs, options.Cores * options.NeuronsPerCore)],
            InputPopulation = "input",
        }.ToJson(),
    };
}
