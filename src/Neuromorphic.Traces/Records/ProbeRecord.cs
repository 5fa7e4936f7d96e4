using System.Runtime.InteropServices;

namespace Neuromorphic.Traces;

/// <summary>
/// The state of one probed neuron after its update at one step: current u, potential v and its
/// threshold, in the arithmetic the run used (the chip's integer units in fixed point, the model's
/// units in float). 40 bytes. Recorded at every trace level for the neurons a run probes
/// (<c>neuro run --probe POP[a..b]</c>), none otherwise.
/// </summary>
[StructLayout(LayoutKind.Sequential, Pack = 1)]
public readonly record struct ProbeRecord : ITraceRecord
{
    public const int Size = 40;

    public static TraceRecordKind Kind => TraceRecordKind.Probe;

    public int Inference { get; init; }

    /// <summary>Algorithmic step (from 1) of the neuron's core.</summary>
    public int Step { get; init; }

    /// <summary>Global neuron index (populations concatenated in network-file order).</summary>
    public int Neuron { get; init; }

    /// <summary>Core the neuron is mapped to.</summary>
    public int Core { get; init; }

    /// <summary>Synaptic current after the step's update.</summary>
    public double U { get; init; }

    /// <summary>Membrane potential after the step's update (after the reset when the neuron fired).</summary>
    public double V { get; init; }

    /// <summary>The neuron's firing threshold, in the units of <see cref="V"/>.</summary>
    public double Threshold { get; init; }
}
