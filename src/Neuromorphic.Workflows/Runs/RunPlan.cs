using Neuromorphic.Core.Data;
using Neuromorphic.Core.Networks;
using Neuromorphic.Mapping;
using Neuromorphic.Simulation;
using Neuromorphic.Simulation.Variability;

namespace Neuromorphic.Workflows.Runs;

/// <summary>How the async step period of a plan was chosen.</summary>
public enum PeriodSource
{
    /// <summary>Not async mode.</summary>
    None,

    /// <summary>Given by the caller.</summary>
    Given,

    /// <summary>The chip model's nominal period (<c>timing.asyncStepPeriodNs</c>).</summary>
    ChipNominal,
}

/// <summary>
/// Everything a run needs, resolved once by <see cref="RunPlanner"/>: the network (and the path it came
/// from), the mapped chip and its instance after variability, the simulator's options with the async
/// period settled, the inputs, the float reference (when the network is a layered EP model on
/// images) and the trace request.
/// </summary>
public sealed record RunPlan
{
    /// <summary>Path of the network file (recorded in traces so a re-simulation can load it again).</summary>
    public required string ModelPath { get; init; }

    public required NetworkSpec Network { get; init; }
    public required MappedNetwork Mapped { get; init; }
    public required ChipInstance Instance { get; init; }
    public required RunOptions Options { get; init; }
    public required RunInputs Inputs { get; init; }
    public PeriodSource Period { get; init; }
    public FloatReference? Float { get; init; }
    public TraceRequest? Trace { get; init; }

    /// <summary>Global indices of the neurons the trace probes every step (sorted; empty: none).</summary>
    public IReadOnlyList<int> ProbedNeurons { get; init; } = [];

    /// <summary>The dataset the images came from, or null (input events, or inputs the caller made).</summary>
    public Dataset? Dataset { get; init; }
}
