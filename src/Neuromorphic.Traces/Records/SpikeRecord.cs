using System.Runtime.InteropServices;

namespace Neuromorphic.Traces;

/// <summary>
/// One spike of a mapped neuron. 24 bytes. Recorded from <see cref="TraceLevel.Spikes"/> up.
/// </summary>
[StructLayout(LayoutKind.Sequential, Pack = 1)]
public readonly record struct SpikeRecord : ITraceRecord
{
    public const int Size = 24;

    public static TraceRecordKind Kind => TraceRecordKind.Spike;

    /// <summary>Simulated time of the spike (the firing core's clock), picoseconds from the inference start.</summary>
    public long TimePs { get; init; }

    public int Inference { get; init; }

    /// <summary>Algorithmic step (from 1) of the firing core.</summary>
    public int Step { get; init; }

    /// <summary>Global neuron index (populations concatenated in network-file order).</summary>
    public int Neuron { get; init; }

    /// <summary>Core the neuron is mapped to.</summary>
    public int Core { get; init; }
}
