namespace Neuromorphic.Chip;

/// <summary>
/// A virtual neuromorphic chip, as described by a <c>neuromorphic.chip/1</c> file in
/// <c>chip-models/</c> (see its README for every field, unit and range). Immutable.
/// </summary>
public sealed record ChipSpec
{
    public const string SchemaId = "neuromorphic.chip/1";

    public required string Name { get; init; }

    /// <summary>Where the numbers come from (papers, code, assumptions).</summary>
    public required string Provenance { get; init; }

    public string? Description { get; init; }

    public required MeshSpec Mesh { get; init; }

    public required NocSpec Noc { get; init; }

    public required CoreSpec Core { get; init; }

    public required SyncSpec Sync { get; init; }

    public required TimingSpec Timing { get; init; }

    /// <summary>Leakage power of the whole modelled chip (all its tiles), in milliwatts.</summary>
    public required double StaticPowerMw { get; init; }

    /// <summary>Where <see cref="StaticPowerMw"/> comes from: a measurement, a figure derived from one, an assumption, or none (the model has no static term).</summary>
    public StaticPowerBasis StaticPowerBasis { get; init; } = StaticPowerBasis.Assumed;

    public required VariabilitySpec Variability { get; init; }

    /// <summary>The on-chip learning engine, or null when the chip has none.</summary>
    public LearningSpec? Learning { get; init; }

    /// <summary>The resolved JSON (overlays applied, <c>extends</c> removed), as stored in traces.</summary>
    public required string ResolvedJson { get; init; }

    /// <summary>SHA-256 (hex) of <see cref="ResolvedJson"/>.</summary>
    public required string ContentHash { get; init; }

    /// <summary>The file it was loaded from, or "builtin:name".</summary>
    public required string Source { get; init; }

    /// <summary>The bases its <c>extends</c> chain went through, nearest first (full paths, or "builtin:name").</summary>
    public IReadOnlyList<string> Extends { get; init; } = [];

    /// <summary>The files the model was read from (full paths; built-in models have none).</summary>
    public IReadOnlyList<string> Files { get; init; } = [];

    public int CoreCount => Mesh.Width * Mesh.Height * Mesh.CoresPerTile;

    public int TileCount => Mesh.Width * Mesh.Height;
}

/// <summary>The 2-D mesh of tiles; each tile holds <see cref="CoresPerTile"/> cores and one router.</summary>
public sealed record MeshSpec(int Width, int Height, int CoresPerTile, int LinkBufferMessages);

/// <summary>Energy and latency of one event.</summary>
public readonly record struct EventCost(double EnergyPj, double LatencyNs)
{
    public static EventCost Free => default;
}

/// <summary>
/// The network-on-chip: a message crossing a tile boundary pays one hop per tile in its X-then-Y
/// route, with per-direction costs (+x = east, +y = north).
/// </summary>
public sealed record NocSpec(EventCost HopEast, EventCost HopWest, EventCost HopNorth, EventCost HopSouth);

/// <summary>
/// One neuromorphic core's pipeline (after SANA-FE: axon in → synapse → dendrite → soma → axon
/// out), with energy and latency per event, and its resource limits.
/// </summary>
public sealed record CoreSpec
{
    /// <summary>Lava's default <c>num_message_bits</c> for sigma-delta networks, the payload width of a graded chip that gives none.</summary>
    public const int DefaultPayloadBits = 16;

    /// <summary>The widest payload the engine accepts: its product with a 24-bit weight stays exact in 64-bit arithmetic.</summary>
    public const int MaxPayloadBits = 24;

    public required CoreLimits Limits { get; init; }

    /// <summary><see cref="NeuronKernel.LoihiFixed"/> (bit-accurate 24-bit fixed point) or <see cref="NeuronKernel.Float"/>.</summary>
    public required NeuronKernel Kernel { get; init; }

    /// <summary>Spikes may carry an integer payload (Loihi 2).</summary>
    public required bool GradedSpikes { get; init; }

    /// <summary>
    /// Width of a graded spike's signed integer payload in bits (Lava's <c>num_message_bits</c>): 0 = binary spikes only
    /// (the default without <see cref="GradedSpikes"/>); with graded spikes 1..24, default 16 (Lava's default for sigma-delta networks).
    /// </summary>
    public int MessagePayloadBits { get; init; }

    /// <summary>One synapse read, multiply by the payload, and accumulate, per synapse touched by a graded message (default: <see cref="SynapticOp"/>).</summary>
    public EventCost? GradedSynapticOp { get; init; }

    /// <summary>Receiving one graded message (default: <see cref="MessageIn"/>).</summary>
    public EventCost? GradedMessageIn { get; init; }

    /// <summary>Sending one graded message (default: <see cref="MessageOut"/>).</summary>
    public EventCost? GradedMessageOut { get; init; }

    /// <summary>Receiving one spike message (axon in).</summary>
    public required EventCost MessageIn { get; init; }

    /// <summary>One synapse read and accumulate (per synapse touched by an incoming spike).</summary>
    public required EventCost SynapticOp { get; init; }

    /// <summary>Per neuron per step, dendrite accumulation (0 on Loihi per SANA-FE).</summary>
    public required EventCost DendriteUpdate { get; init; }

    /// <summary>Every mapped neuron pays this every step (Davies's "inactive" update, SANA-FE's access).</summary>
    public required EventCost NeuronAccess { get; init; }

    /// <summary>Extra for a neuron that is active: had input, non-zero state, a bias, or fired.</summary>
    public required EventCost NeuronUpdate { get; init; }

    /// <summary>Extra for a neuron that fires.</summary>
    public required EventCost SpikeOut { get; init; }

    /// <summary>Sending one message (one per fired neuron and destination core).</summary>
    public required EventCost MessageOut { get; init; }
}

public enum NeuronKernel
{
    /// <summary>Loihi's bit-accurate fixed-point CUBA compartment.</summary>
    LoihiFixed,

    /// <summary>Single-precision floating point (analog-style or ideal chips).</summary>
    Float,
}

/// <summary>Per-core resource limits that the mapper must respect.</summary>
public sealed record CoreLimits
{
    public required int Neurons { get; init; }
    public required int InputAxons { get; init; }
    public required int OutputAxons { get; init; }
    public required long SynapticMemoryBits { get; init; }

    /// <summary>Distinct compartment prototypes (decay/threshold sets) per core; 0 means unlimited.</summary>
    public required int CompartmentPrototypes { get; init; }

    /// <summary>Weight mantissa bits (Loihi 1: 8, plus sign; mixed-sign synapse groups lose one bit).</summary>
    public required int WeightBits { get; init; }
    public required int WeightExponentMin { get; init; }
    public required int WeightExponentMax { get; init; }
    public required int DecayBits { get; init; }
    public required int ThresholdMantissaBits { get; init; }
    public required int BiasMantissaBits { get; init; }
    public required int BiasExponentMax { get; init; }
    public required int RefractoryMax { get; init; }

    /// <summary>Delay bits stored per synapse (counted in synaptic memory).</summary>
    public required int DelayBits { get; init; }
}

/// <summary>
/// The barrier that ends an algorithmic step in <c>barrier</c> mode: latency as a function of the
/// number of tiles in use. <see cref="Interpolate"/> false: the entry with the largest key ≤ tiles
/// (SANA-FE's rule; below the first key, the first entry); true: linear between entries.
/// </summary>
public sealed record SyncSpec(IReadOnlyList<(int Tiles, double LatencyNs)> BarrierLatency, bool Interpolate, double BarrierEnergyPj)
{
    public double LatencyNsFor(int tiles)
    {
        var table = BarrierLatency;
        if (tiles <= table[0].Tiles)
        {
            return table[0].LatencyNs;
        }

        for (var i = table.Count - 1; i >= 0; i--)
        {
            if (table[i].Tiles <= tiles)
            {
                if (!Interpolate || i == table.Count - 1)
                {
                    return table[i].LatencyNs;
                }

                var (t0, l0) = table[i];
                var (t1, l1) = table[i + 1];
                return l0 + (l1 - l0) * (tiles - t0) / (t1 - t0);
            }
        }

        return table[0].LatencyNs;
    }
}

/// <summary>
/// Clocking in <c>async</c> mode: each core steps on its own clock with this nominal period, and
/// buffers at most <paramref name="InputQueueMessages"/> messages sent to it and not yet processed
/// by its synapse unit (a sender whose destination queue is full waits).
/// </summary>
public sealed record TimingSpec(double AsyncStepPeriodNs, int InputQueueMessages = TimingSpec.DefaultInputQueueMessages)
{
    /// <summary>
    /// The input queue depth when a chip file gives none: 16 messages, SANA-FE's link buffer depth for
    /// Loihi (arch/loihi.yaml) taken for the core's input buffer too, an ASSUMPTION (Loihi's input
    /// buffering is not published; chip-models/README.md).
    /// </summary>
    public const int DefaultInputQueueMessages = 16;
}

public enum VariationDistribution
{
    None,

    /// <summary>Multiplicative Gaussian: p·(1 + σ·N(0,1)), clipped at zero.</summary>
    Normal,

    /// <summary>Multiplicative log-normal with median 1: p·exp(σ·N(0,1)).</summary>
    LogNormal,
}

/// <summary>A relative spread of one parameter class.</summary>
public sealed record Variation(VariationDistribution Distribution, double RelativeSigma)
{
    public static Variation None { get; } = new(VariationDistribution.None, 0);

    public bool IsNone => Distribution == VariationDistribution.None || RelativeSigma == 0;
}

/// <summary>
/// Device variability, drawn once per chip instance from the run's seed: per-neuron mismatch of
/// thresholds, decays and weights (analog-style), per-core clock skew and per-event latency jitter
/// (asynchronous digital), and a per-instance energy scale.
/// </summary>
public sealed record VariabilitySpec(Variation Threshold, Variation Decay, Variation Weight, Variation ClockSkew, Variation LatencyJitter, Variation EnergyScale)
{
    public static VariabilitySpec None { get; } = new(Variation.None, Variation.None, Variation.None, Variation.None, Variation.None, Variation.None);

    public bool IsNone => Threshold.IsNone && Decay.IsNone && Weight.IsNone && ClockSkew.IsNone && LatencyJitter.IsNone && EnergyScale.IsNone;
}
