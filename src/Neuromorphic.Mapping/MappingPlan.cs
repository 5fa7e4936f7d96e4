using Neuromorphic.Mapping.Quantization;

namespace Neuromorphic.Mapping;

/// <summary>
/// The decisions a mapping consists of — which neurons go to which core, where each core sits on
/// the mesh, the fixed-point scale of each population, the weight exponent and sign mode of each
/// synapse group, and clustered decays — from which <see cref="MappedNetworkBuilder"/> rebuilds the
/// full tables deterministically. Stored as a <c>neuromorphic.mapping/1</c> file
/// (<see cref="MappingFile"/>) together with the hashes of the network and chip it belongs to.
/// </summary>
public sealed class MappingPlan
{
    public const string SchemaId = "neuromorphic.mapping/1";

    public required string NetworkName { get; init; }
    public required string NetworkHash { get; init; }
    public required string ChipName { get; init; }
    public required string ChipHash { get; init; }
    public required string ToolVersion { get; init; }

    /// <summary>Logical cores in order.</summary>
    public required IReadOnlyList<CoreAssignment> Cores { get; init; }

    /// <summary>Fixed-point scale per population: one float unit (one threshold) = 2^ScaleLog2 state units.</summary>
    public required IReadOnlyDictionary<string, int> PopulationScaleLog2 { get; init; }

    public required IReadOnlyList<SynapseGroupPlan> SynapseGroups { get; init; }

    /// <summary>Traffic × hops of the greedy placement and after the improvement pass (estimates, activity 1).</summary>
    public required double TrafficHopsGreedy { get; init; }
    public required double TrafficHopsFinal { get; init; }

    /// <summary>How prototypes were resolved (spread, or cluster when asked or when the chip had no room to spread).</summary>
    public PrototypePolicy Prototypes { get; init; } = PrototypePolicy.Spread;

    /// <summary>Whether clustered neurons have their input gain compensated (the default; false only for comparisons).</summary>
    public bool DecayCompensation { get; init; } = true;

    /// <summary>What the partition optimized.</summary>
    public MappingObjective Objective { get; init; } = MappingObjective.Cores;
}

/// <summary>A logical core, placed on core <see cref="Slot"/> of tile (<see cref="TileX"/>, <see cref="TileY"/>), holding one or more population slices.</summary>
public sealed record CoreAssignment(int TileX, int TileY, int Slot, IReadOnlyList<CoreSlice> Slices, bool Pinned);

/// <summary>
/// Neurons [<see cref="First"/>, + <see cref="Count"/>) of a population. <see cref="DecayU"/> holds the
/// current-decay fraction per neuron after prototype clustering, or null when the neurons' own
/// decays fit the core's prototype limit; clustered neurons have their incoming weights and current
/// bias scaled by δu_chip / δu (<c>DecayCompensation</c>), so their steady state keeps its gain.
/// </summary>
public sealed record CoreSlice(string Population, int First, int Count, double[]? DecayU);

/// <summary>The synapses of one projection onto one core: one shared weight exponent and sign mode.</summary>
public sealed record SynapseGroupPlan(string Projection, int Core, int WeightExponent, WeightSignMode SignMode);
