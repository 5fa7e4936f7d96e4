using System.Runtime.InteropServices;

namespace Neuromorphic.Traces;

/// <summary>
/// One message on the network-on-chip: the spikes of one neuron sent to one destination core
/// (SANA-FE sends one message per destination core, not per synapse). 92 bytes. Recorded at
/// <see cref="TraceLevel.Messages"/>. The fields mirror SANA-FE's <c>messages.csv</c>
/// (SANA-FE's detailed timing model; src/Neuromorphic.Chip/README.md, "Timing models"); <see cref="ProcessingDelayPs"/> is derived.
/// The source core's neuron work since its previous message (<see cref="AccessedBefore"/>, <see cref="UpdatedBefore"/>,
/// <see cref="FiredBefore"/>) is what its generation delay is made of, so a trace can be re-timed exactly under other costs.
/// </summary>
[StructLayout(LayoutKind.Sequential, Pack = 1)]
public readonly record struct MessageRecord : ITraceRecord
{
    public const int Size = 92;

    public static TraceRecordKind Kind => TraceRecordKind.Message;

    /// <summary>Time the message left the source core (after any blocking), picoseconds from the inference start.</summary>
    public long SentPs { get; init; }

    /// <summary>Time the destination core accepted it (its arrival, or later if the core was busy).</summary>
    public long ReceivedPs { get; init; }

    /// <summary>Time the destination core finished processing it (all its synapses).</summary>
    public long ProcessedPs { get; init; }

    /// <summary>Compute time of the source core spent producing it since its previous message (SANA-FE <c>generation_delay</c>).</summary>
    public long GenerationDelayPs { get; init; }

    /// <summary>Time spent travelling the mesh: the larger of the hop latencies and the congestion estimate (SANA-FE <c>network_delay</c>).</summary>
    public long NetworkDelayPs { get; init; }

    /// <summary>Time the message waited for link buffer space before it could be sent (SANA-FE <c>blocking_delay</c>).</summary>
    public long BlockingPs { get; init; }

    public int Inference { get; init; }

    /// <summary>Algorithmic step (from 1) of the source core when it sent the message.</summary>
    public int Step { get; init; }

    /// <summary>Global index of the neuron whose spike the message carries.</summary>
    public int SourceNeuron { get; init; }

    public int SourceCore { get; init; }

    public int DestinationCore { get; init; }

    /// <summary>Synapses the message touched at the destination (synaptic operations; SANA-FE's <c>spikes</c> column).</summary>
    public int Synapses { get; init; }

    public ushort HopsEast { get; init; }

    public ushort HopsWest { get; init; }

    public ushort HopsNorth { get; init; }

    public ushort HopsSouth { get; init; }

    /// <summary>Neurons the source core accessed since its previous message (0 for a neuron's second and later messages).</summary>
    public int AccessedBefore { get; init; }

    /// <summary>Of those, neurons updated.</summary>
    public int UpdatedBefore { get; init; }

    /// <summary>Of those, neurons that fired (the message's own neuron included on its first message).</summary>
    public int FiredBefore { get; init; }

    /// <summary>Total mesh hops (X-then-Y route).</summary>
    public int Hops => HopsEast + HopsWest + HopsNorth + HopsSouth;

    /// <summary>Time the destination spent on the message: processed − received.</summary>
    public long ProcessingDelayPs => ProcessedPs - ReceivedPs;
}
