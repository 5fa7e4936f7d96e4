using System.Runtime.InteropServices;

namespace Neuromorphic.Traces;

/// <summary>
/// The payload of a graded spike of a mapped neuron (the sigma-delta realization: the change of its output, a signed
/// integer in the chip's payload units), beside that spike's <see cref="SpikeRecord"/> (same inference, step and neuron).
/// 16 bytes. Recorded from <see cref="TraceLevel.Spikes"/> up, in runs on graded spikes only (format 3.2); input
/// neurons' payloads are in <see cref="InputEventRecord.Value"/>.
/// </summary>
[StructLayout(LayoutKind.Sequential, Pack = 1)]
public readonly record struct PayloadRecord : ITraceRecord
{
    public const int Size = 16;

    public static TraceRecordKind Kind => TraceRecordKind.Payload;

    public int Inference { get; init; }

    /// <summary>Algorithmic step (from 1) at which the neuron sent.</summary>
    public int Step { get; init; }

    /// <summary>Global neuron index (populations concatenated in network-file order).</summary>
    public int Neuron { get; init; }

    /// <summary>The graded spike's payload (signed; full scale 2^(payload bits − 1) = the neuron's threshold).</summary>
    public int Payload { get; init; }
}
