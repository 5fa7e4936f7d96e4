using Neuromorphic.Traces;

namespace Neuromorphic.Simulation.Tracing;

/// <summary>
/// Records one inference into a sink: its own <see cref="InMemoryTraceSink"/> by default (tests,
/// re-simulation), or a lane of an <see cref="InferenceOrderedSink"/>, which streams the inference
/// into the trace file as it runs while keeping inference order (workers run inferences in
/// parallel; the file is identical for any thread count). What is recorded follows the trace level:
/// input events and per-core counters at <c>counters</c>, spikes at <c>spikes</c>, messages at <c>messages</c>;
/// probed neurons' state at every level.
/// </summary>
public sealed class TraceRecorder(int inference, int sampleIndex, TraceLevel level, ITraceSink? sink = null) : ISimulationObserver
{
    private IReadOnlyList<int> _probed = [];

    /// <summary>Flag bit of <see cref="InferenceSummaryRecord.Flags"/>: the inference stopped early.</summary>
    public const int EarlyExitFlag = 1;

    private readonly ITraceSink _sink = sink ?? new InMemoryTraceSink(level);
    private int _requestedSteps = int.MaxValue;

    /// <summary>The in-memory buffer, when the recorder was created without a sink.</summary>
    public InMemoryTraceSink Buffer => _sink as InMemoryTraceSink ?? throw new InvalidOperationException("this recorder streams into a sink, not a buffer");

    public bool WantsInputs => level >= TraceLevel.Counters;

    public bool WantsSpikes => level >= TraceLevel.Spikes;

    public bool WantsMessages => level >= TraceLevel.Messages;

    public bool WantsCoreSteps => level >= TraceLevel.Counters;

    /// <summary>Steps requested, to flag early exits in the summary.</summary>
    public TraceRecorder WithRequestedSteps(int steps)
    {
        _requestedSteps = steps;
        return this;
    }

    public IReadOnlyList<int> ProbedNeurons => _probed;

    /// <summary>Also records the current and potential of <paramref name="neurons"/> (global indices) every step, at any level.</summary>
    public TraceRecorder WithProbes(IReadOnlyList<int> neurons)
    {
        _probed = neurons;
        return this;
    }

    public void OnProbe(int step, int neuron, int core, double u, double v, double threshold) =>
        _sink.Add(new ProbeRecord { Inference = inference, Step = step, Neuron = neuron, Core = core, U = u, V = v, Threshold = threshold });

    public void OnInputSpike(int step, int inputIndex, int core, long timePs) =>
        _sink.Add(new InputEventRecord { Inference = inference, Step = step, Input = inputIndex, Value = 1, Core = core, TimePs = timePs });

    public void OnSpike(int step, int neuron, int core, long timePs) =>
        _sink.Add(new SpikeRecord { Inference = inference, Step = step, Neuron = neuron, Core = core, TimePs = timePs });

    public void OnGradedInput(int step, int inputIndex, int core, long timePs, int payload) =>
        _sink.Add(new InputEventRecord { Inference = inference, Step = step, Input = inputIndex, Value = payload, Core = core, TimePs = timePs });

    public void OnGradedSpike(int step, int neuron, int core, long timePs, int payload)
    {
        OnSpike(step, neuron, core, timePs);
        _sink.Add(new PayloadRecord { Inference = inference, Step = step, Neuron = neuron, Payload = payload });
    }

    public void OnMessage(in MessageEvent m) => _sink.Add(new MessageRecord
    {
        Inference = inference,
        Step = m.Step,
        SourceNeuron = m.SourceNeuron,
        SourceCore = m.SourceCore,
        DestinationCore = m.DestinationCore,
        Synapses = m.Synapses,
        HopsEast = (ushort)m.HopsEast,
        HopsWest = (ushort)m.HopsWest,
        HopsNorth = (ushort)m.HopsNorth,
        HopsSouth = (ushort)m.HopsSouth,
        SentPs = m.SentPs,
        ReceivedPs = m.ReceivedPs,
        ProcessedPs = m.ProcessedPs,
        GenerationDelayPs = m.GenerationDelayPs,
        NetworkDelayPs = m.NetworkDelayPs,
        BlockingPs = m.BlockingPs,
        AccessedBefore = m.AccessedBefore,
        UpdatedBefore = m.UpdatedBefore,
        FiredBefore = m.FiredBefore,
    });

    public void OnCoreStep(in CoreStepEvent step) => _sink.Add(new CoreStepRecord
    {
        Inference = inference,
        Step = step.Step,
        Core = step.Core,
        Counters = step.Counters,
        StepStartPs = step.StartPs,
        StepEndPs = step.EndPs,
        BusyPs = step.BusyPs,
        SynapseFj = step.Energy.SynapseFj,
        NeuronFj = step.Energy.NeuronFj,
        NetworkFj = step.Energy.NetworkFj,
    });

    public void OnInferenceEnd(InferenceResult result)
    {
        var t = result.Totals;
        _sink.EndInference(new InferenceSummaryRecord
        {
            Inference = inference,
            SampleIndex = sampleIndex,
            Label = result.Label,
            Predicted = result.Predicted,
            Steps = result.Steps,
            Flags = result.Steps < _requestedSteps ? EarlyExitFlag : 0,
            FirstInputPs = 0,
            DecisionPs = result.Latency.Picoseconds,
            EndPs = result.Latency.Picoseconds,
            SynapseFj = result.Energy.SynapseFj,
            NeuronFj = result.Energy.NeuronFj,
            NetworkFj = result.Energy.NetworkFj,
            StaticFj = result.Energy.StaticFj,
            TotalFj = result.Energy.TotalFj,
            Spikes = t.NeuronsFired,
            SynapticOps = t.SynapticOps,
            Messages = t.MessagesOut,
            Hops = t.Hops,
        });
    }
}
