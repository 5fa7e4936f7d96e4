using System.Globalization;
using Neuromorphic.Core.Errors;

namespace Neuromorphic.Mapping;

/// <summary>How a core that would hold more distinct compartment settings than the chip's prototypes is resolved.</summary>
public enum PrototypePolicy
{
    /// <summary>
    /// Partition so that no core holds more distinct settings than the chip allows (more cores, exact
    /// decays); where the chip has no room for that, cluster as <see cref="Cluster"/> does.
    /// </summary>
    Spread,

    /// <summary>
    /// Pack densely and cluster each core's current decays into its prototypes, compensating every
    /// clustered neuron's incoming weights and current bias by δu_chip / δu (its steady state keeps its gain).
    /// </summary>
    Cluster,
}

/// <summary>What the partitioning optimizes, within every per-core limit and the chip's cores.</summary>
public enum MappingObjective
{
    /// <summary>As few cores as the limits allow (the default).</summary>
    Cores,

    /// <summary>Spread the busiest populations over more cores to minimize the predicted step time.</summary>
    Latency,

    /// <summary>Minimize the predicted energy per step: dynamic energy plus static power × step time.</summary>
    Energy,
}

/// <summary>Options of a mapping. Validated here; errors name the property (front ends map names to their flags).</summary>
public sealed record MappingOptions
{
    public static MappingOptions Default { get; } = new();

    public PrototypePolicy Prototypes { get; init; } = PrototypePolicy.Spread;

    public MappingObjective Objective { get; init; } = MappingObjective.Cores;

    /// <summary>Scale a clustered neuron's incoming weights and current bias by δu_chip / δu (default); false keeps them, for comparison.</summary>
    public bool CompensateDecays { get; init; } = true;

    /// <summary>With <see cref="MappingObjective.Latency"/> or <see cref="MappingObjective.Energy"/>: use at most this many cores (null: the chip's).</summary>
    public int? MaxCores { get; init; }

    /// <summary>
    /// Spikes per neuron per step that the objectives assume, per population name (others: <see cref="DefaultActivity"/>).
    /// </summary>
    public IReadOnlyDictionary<string, double>? Activity { get; init; }

    /// <summary>Spikes per neuron per step assumed for a population without its own figure (1: every neuron fires every step).</summary>
    public double DefaultActivity { get; init; } = 1;

    public double ActivityOf(string population) => Activity is { } a && a.TryGetValue(population, out var rate) ? rate : DefaultActivity;

    public void Validate()
    {
        if (MaxCores is { } max && max < 1)
        {
            throw new InvalidInputException(null, nameof(MaxCores), max.ToString(CultureInfo.InvariantCulture), "a positive number of cores");
        }

        if (MaxCores is not null && Objective == MappingObjective.Cores)
        {
            throw new InvalidInputException(null, nameof(MaxCores), MaxCores.Value.ToString(CultureInfo.InvariantCulture),
                "no core budget with the cores objective (it uses as few as the limits allow); choose the latency or energy objective");
        }

        if (!(DefaultActivity is >= 0 and <= 1) || (Activity?.Values.Any(a => !(a is >= 0 and <= 1)) ?? false))
        {
            throw new InvalidInputException(null, nameof(Activity), "a rate outside [0, 1]", "spikes per neuron per step in [0, 1]");
        }
    }
}

/// <summary>The names of mapping options on the command line and in files.</summary>
public static class MappingOptionNames
{
    public static string Name(this PrototypePolicy policy) => policy == PrototypePolicy.Cluster ? "cluster" : "spread";

    public static string Name(this MappingObjective objective) => objective.ToString().ToLowerInvariant();

    public static PrototypePolicy ParsePrototypes(string? name) => name == "cluster" ? PrototypePolicy.Cluster : PrototypePolicy.Spread;

    public static MappingObjective ParseObjective(string? name) => name switch
    {
        "latency" => MappingObjective.Latency,
        "energy" => MappingObjective.Energy,
        _ => MappingObjective.Cores,
    };
}
