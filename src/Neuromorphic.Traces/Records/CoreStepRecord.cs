using System.Runtime.InteropServices;

namespace Neuromorphic.Traces;

/// <summary>
/// What one core did during one of its algorithmic steps: the pipeline counters that energy is
/// computed from (neurons accessed, updated, fired; synaptic operations; messages; hops per
/// direction), its times, and the dynamic energy the chip's cost table gave them. 108 bytes.
/// Recorded from <see cref="TraceLevel.Counters"/> up. Re-costing multiplies the counters by
/// another cost table; the energies here are the ones of the run's own table (the header's).
/// </summary>
[StructLayout(LayoutKind.Sequential, Pack = 1)]
public readonly record struct CoreStepRecord : ITraceRecord
{
    public const int Size = 108;

    public static TraceRecordKind Kind => TraceRecordKind.CoreStep;

    /// <summary>Time the core started this step, picoseconds from the inference start.</summary>
    public long StepStartPs { get; init; }

    /// <summary>Time the step ended for this core (in barrier mode: when the barrier released it).</summary>
    public long StepEndPs { get; init; }

    /// <summary>Time the core spent working (neuron updates, message generation and processing) during the step.</summary>
    public long BusyPs { get; init; }

    /// <summary>Energy of the synaptic operations of the step, femtojoules.</summary>
    public long SynapseFj { get; init; }

    /// <summary>Energy of the neuron (soma) accesses, updates and spike outputs, femtojoules.</summary>
    public long NeuronFj { get; init; }

    /// <summary>Energy of the messages this core sent and received and of their hops, femtojoules.</summary>
    public long NetworkFj { get; init; }

    /// <summary>Static (leakage) energy charged to this core for the step, femtojoules (0 when the chip has none).</summary>
    public long StaticFj { get; init; }

    public int Inference { get; init; }

    /// <summary>Algorithmic step (from 1) of this core.</summary>
    public int Step { get; init; }

    public int Core { get; init; }

    /// <summary>Neurons read this step (SANA-FE: every mapped neuron pays an access each step).</summary>
    public int NeuronsAccessed { get; init; }

    /// <summary>Neurons whose state changed (input, leak, bias): SANA-FE's <c>updated</c>.</summary>
    public int NeuronsUpdated { get; init; }

    public int NeuronsFired { get; init; }

    /// <summary>Synapses processed for incoming spikes.</summary>
    public int SynapticOps { get; init; }

    public int MessagesOut { get; init; }

    public int MessagesIn { get; init; }

    /// <summary>Mesh hops of the messages this core sent, per direction.</summary>
    public int HopsEast { get; init; }

    public int HopsWest { get; init; }

    public int HopsNorth { get; init; }

    public int HopsSouth { get; init; }

    public int Hops => HopsEast + HopsWest + HopsNorth + HopsSouth;

    /// <summary>Dynamic energy of the step: synapse + neuron + network.</summary>
    public long DynamicFj => SynapseFj + NeuronFj + NetworkFj;
}
