using Neuromorphic.Chip.Costs;
using Neuromorphic.Core.Units;

namespace Neuromorphic.Simulation;

/// <summary>What one inference did and cost.</summary>
public sealed record InferenceResult
{
    public required int Index { get; init; }

    /// <summary>True class, or −1 when unknown.</summary>
    public required int Label { get; init; }

    public required int Predicted { get; init; }

    /// <summary>Spike count per output neuron over the counted window.</summary>
    public required int[] OutputCounts { get; init; }

    /// <summary>Steps simulated (fewer than requested after an early exit).</summary>
    public required int Steps { get; init; }

    /// <summary>Time from the first input to the decision (end of the decision step).</summary>
    public required SimTime Latency { get; init; }

    public required EnergyBreakdown Energy { get; init; }

    public required CoreStepCounters Totals { get; init; }

    /// <summary>Async mode: local steps in which a core's work outlasted its clock period.</summary>
    public int Overruns { get; init; }

    /// <summary>Async mode: sends that found the destination's input queue full and waited.</summary>
    public int Stalls { get; init; }

    /// <summary>Async mode: the time those senders waited, summed (ps).</summary>
    public long StallPs { get; init; }

    /// <summary>Async mode: messages integrated into a destination step more than one after the step that sent them.</summary>
    public int LateSpikes { get; init; }

    public bool Correct => Label >= 0 && Predicted == Label;
}
