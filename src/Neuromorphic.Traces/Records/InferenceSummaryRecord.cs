using System.Runtime.InteropServices;

namespace Neuromorphic.Traces;

/// <summary>
/// The outcome of one inference: label, prediction, timing and energy breakdown, and event totals.
/// 120 bytes. Recorded at every level; the writer's <see cref="ITraceSink.EndInference"/> takes it.
/// </summary>
[StructLayout(LayoutKind.Sequential, Pack = 1)]
public readonly record struct InferenceSummaryRecord : ITraceRecord
{
    public const int Size = 120;

    public static TraceRecordKind Kind => TraceRecordKind.InferenceSummary;

    /// <summary>Time of the first input event (normally 0), picoseconds on the inference's clock.</summary>
    public long FirstInputPs { get; init; }

    /// <summary>Time the read-out decided (early exit, or the end of the window).</summary>
    public long DecisionPs { get; init; }

    /// <summary>Time the last step of the inference ended.</summary>
    public long EndPs { get; init; }

    public long SynapseFj { get; init; }

    public long NeuronFj { get; init; }

    public long NetworkFj { get; init; }

    /// <summary>Static (leakage) energy over the inference: static power × duration.</summary>
    public long StaticFj { get; init; }

    /// <summary>Total energy; equals synapse + neuron + network + static in traces written by the simulator.</summary>
    public long TotalFj { get; init; }

    /// <summary>Spikes of mapped neurons (input events not included).</summary>
    public long Spikes { get; init; }

    public long SynapticOps { get; init; }

    public long Messages { get; init; }

    public long Hops { get; init; }

    public int Inference { get; init; }

    /// <summary>Index of the sample in its dataset (test split), or −1 when the input came from an events file.</summary>
    public int SampleIndex { get; init; }

    /// <summary>True class, or −1 when unknown.</summary>
    public int Label { get; init; }

    /// <summary>Predicted class, or −1 when the read-out had no spike to decide on.</summary>
    public int Predicted { get; init; }

    /// <summary>Algorithmic steps simulated.</summary>
    public int Steps { get; init; }

    /// <summary>Bit 0: the read-out exited early. Other bits are reserved (0).</summary>
    public int Flags { get; init; }

    /// <summary>Latency of the inference: decision − first input.</summary>
    public long LatencyPs => DecisionPs - FirstInputPs;

    public bool ExitedEarly => (Flags & 1) != 0;

    public bool Correct => Label >= 0 && Predicted == Label;

    public const int EarlyExitFlag = 1;
}
