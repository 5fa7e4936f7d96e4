using System.Runtime.InteropServices;
using Neuromorphic.Chip.Costs;

namespace Neuromorphic.Traces;

/// <summary>
/// What one core did during one of its algorithmic steps: the pipeline counters that energy is
/// computed from (<see cref="CoreStepCounters"/>, stored as they are), its times, and the dynamic
/// energy the chip's cost table gave them. 116 bytes. Recorded from <see cref="TraceLevel.Counters"/>
/// up. Re-costing multiplies the counters by another cost table; the energies here are the ones of
/// the run's own table (the header's).
/// </summary>
[StructLayout(LayoutKind.Sequential, Pack = 1)]
public readonly record struct CoreStepRecord : ITraceRecord
{
    public const int Size = 68 + CoreStepCounters.Size;

    public static TraceRecordKind Kind => TraceRecordKind.CoreStep;

    /// <summary>Time the core started this step, picoseconds from the inference start.</summary>
    public long StepStartPs { get; init; }

    /// <summary>Time the step ended for this core (in barrier mode: when the barrier released it).</summary>
    public long StepEndPs { get; init; }

    /// <summary>Time the core spent on its neuron work (access, update, spike-out) and message sends during the step.</summary>
    public long BusyPs { get; init; }

    /// <summary>Energy of the synaptic operations of the step, femtojoules.</summary>
    public long SynapseFj { get; init; }

    /// <summary>Energy of the neuron (soma) accesses, updates and spike outputs, femtojoules.</summary>
    public long NeuronFj { get; init; }

    /// <summary>Energy of the messages this core sent and received and of their hops, femtojoules.</summary>
    public long NetworkFj { get; init; }

    /// <summary>Static (leakage) energy charged to this core for the step, femtojoules (0: static energy is charged per inference).</summary>
    public long StaticFj { get; init; }

    public int Inference { get; init; }

    /// <summary>Algorithmic step of this core.</summary>
    public int Step { get; init; }

    public int Core { get; init; }

    /// <summary>The step's counters (neurons accessed, updated, fired; input spikes; synaptic ops; messages; hops per direction).</summary>
    public CoreStepCounters Counters { get; init; }

    /// <summary>Dynamic energy of the step: synapse + neuron + network.</summary>
    public long DynamicFj => SynapseFj + NeuronFj + NetworkFj;
}
