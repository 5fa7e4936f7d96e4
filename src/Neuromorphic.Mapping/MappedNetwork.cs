using Neuromorphic.Chip;
using Neuromorphic.Core.Networks;
using Neuromorphic.Core.Units;
using Neuromorphic.Mapping.Realization;

namespace Neuromorphic.Mapping;

/// <summary>
/// A network placed on a chip, as flat structure-of-arrays tables for the simulator. Neurons keep
/// their global index (network order); each belongs to one logical core. Synapses are stored by
/// presynaptic neuron as <em>messages</em> (one per source neuron and destination core, as spikes
/// travel on Loihi and in SANA-FE), each message owning a contiguous run of synapses that name the
/// target by its index local to the destination core. Every neuron has both its fixed-point
/// parameters (state units, for the <c>loihi-fixed</c> kernel) and its float parameters (for the
/// <c>float</c> kernel and ideal runs).
/// </summary>
public sealed class MappedNetwork
{
    /// <summary>The network as given (ep-rate populations included).</summary>
    public required NetworkSpec Network { get; init; }

    /// <summary>The network as the chip realizes it (cuba-lif terms) and its compartments before quantization, computed once.</summary>
    public required RealizedNetwork Realization { get; init; }
    public required ChipSpec Chip { get; init; }
    public required MappingPlan Plan { get; init; }

    public int NeuronCount => NeuronCore.Length;
    public int CoreCount => CoreTile.Length;

    // ---- cores ----
    /// <summary>Tile of each logical core.</summary>
    public required TileId[] CoreTile { get; init; }

    /// <summary>Physical core index on the chip (row-major tiles, then slot in tile).</summary>
    public required int[] CorePhysical { get; init; }

    /// <summary>Position of each logical core within its tile.</summary>
    public int[] CoreSlots => _coreSlots ??= CorePhysical.Select(p => p % Chip.Mesh.CoresPerTile).ToArray();

    private int[]? _coreSlots;

    /// <summary>Neurons of core c are <c>CoreNeurons[CoreNeuronStart[c] .. CoreNeuronStart[c + 1])</c> (global ids, ascending).</summary>
    public required int[] CoreNeuronStart { get; init; }
    public required int[] CoreNeurons { get; init; }

    /// <summary>Number of distinct tiles that hold at least one core (the barrier table's key).</summary>
    public required int TilesInUse { get; init; }

    // ---- neurons ----
    public required int[] NeuronCore { get; init; }
    public required int[] NeuronLocal { get; init; }
    public required bool[] IsInput { get; init; }

    // Fixed-point parameters (state units; threshold = vth_mant << 6).
    public required int[] DecayUField { get; init; }
    public required int[] DecayVField { get; init; }
    public required int[] ThresholdUnits { get; init; }
    public required int[] BiasUnits { get; init; }
    public required int[] VMinUnits { get; init; }
    public required int[] VMaxUnits { get; init; }

    // Float parameters (threshold-relative units; thresholds as in the network).
    public required float[] DecayU { get; init; }
    public required float[] DecayV { get; init; }
    public required float[] Threshold { get; init; }
    public required float[] Bias { get; init; }

    /// <summary>Bias added to u every step (float dynamics; folded into <see cref="BiasUnits"/> for Loihi fixed point).</summary>
    public required float[] CurrentBias { get; init; }
    public required float[] VMin { get; init; }
    public required float[] VMax { get; init; }

    public required ResetMode[] Reset { get; init; }
    public required int[] Refractory { get; init; }

    /// <summary>State units per float unit for each neuron's population (2^ScaleLog2); 1 for float chips.</summary>
    public required double[] UnitsPerFloat { get; init; }

    /// <summary>Factor on each neuron's incoming weights and current bias: δu_chip / δu for a clustered decay (its steady state kept), else 1.</summary>
    public required double[] InputGain { get; init; }

    // ---- synapses ----
    /// <summary>Messages of neuron n are <c>[MessageStart[n], MessageStart[n + 1])</c>.</summary>
    public required int[] MessageStart { get; init; }
    public required int[] MessageDestinationCore { get; init; }

    /// <summary>Synapses of message m are <c>[SynapseStart[m], SynapseStart[m + 1])</c>.</summary>
    public required int[] SynapseStart { get; init; }

    /// <summary>Target neuron, local index within the destination core.</summary>
    public required int[] SynapseTargetLocal { get; init; }

    /// <summary>Quantized contribution to u in state units: w_mant·2^(6 + exp).</summary>
    public required int[] SynapseWeightUnits { get; init; }

    /// <summary>Unquantized contribution to u in float units (w · input scale of the target).</summary>
    public required float[] SynapseWeightFloat { get; init; }

    public long SynapseCount => SynapseTargetLocal.LongLength;
    public int MessageCount => MessageDestinationCore.Length;

    public int NeuronsOnCore(int core) => CoreNeuronStart[core + 1] - CoreNeuronStart[core];

    /// <summary>Hops of the X-then-Y route between two logical cores (0 within a tile).</summary>
    public HopCounts Route(int sourceCore, int destinationCore) => HopCounts.Between(CoreTile[sourceCore], CoreTile[destinationCore]);
}

/// <summary>Hops per direction of an X-then-Y (dimension-order) route; +x is east, +y is north.</summary>
public readonly record struct HopCounts(int East, int West, int North, int South)
{
    public int Total => East + West + North + South;

    public static HopCounts Between(TileId from, TileId to)
    {
        var dx = to.X - from.X;
        var dy = to.Y - from.Y;
        return new HopCounts(Math.Max(dx, 0), Math.Max(-dx, 0), Math.Max(dy, 0), Math.Max(-dy, 0));
    }
}
