using System.Runtime.InteropServices;

namespace Neuromorphic.Traces;

/// <summary>
/// One spike of an input neuron, as the encoder or an input-events file delivered it (the network contract, src/Neuromorphic.Core/README.md:
/// <c>step,index</c>, steps from 1). 28 bytes. Recorded from <see cref="TraceLevel.Counters"/> up, so that a run
/// can be re-simulated from its trace; exports list it in <c>spikes.csv</c> as SANA-FE does and plots in the raster's input band.
/// </summary>
[StructLayout(LayoutKind.Sequential, Pack = 1)]
public readonly record struct InputEventRecord : ITraceRecord
{
    public const int Size = 28;

    public static TraceRecordKind Kind => TraceRecordKind.InputEvent;

    /// <summary>Simulated time of the spike (the start of the input neuron's step on its core), picoseconds from the inference start.</summary>
    public long TimePs { get; init; }

    public int Inference { get; init; }

    /// <summary>Algorithmic step (from 1) at which the input neuron spikes.</summary>
    public int Step { get; init; }

    /// <summary>Index of the input neuron within the input population.</summary>
    public int Input { get; init; }

    /// <summary>Spike payload: 1 for a binary spike, the magnitude of a graded spike otherwise.</summary>
    public int Value { get; init; }

    /// <summary>Core the input neuron is mapped to (−1 when unknown).</summary>
    public int Core { get; init; }
}
