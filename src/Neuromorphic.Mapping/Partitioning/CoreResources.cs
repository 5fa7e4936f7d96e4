using Neuromorphic.Chip;
using Neuromorphic.Core.Networks;

namespace Neuromorphic.Mapping.Partitioning;

/// <summary>
/// What a set of neurons costs a core, counted as NengoLoihi does (NengoLoihi nengo_loihi/block.py,
/// SynapseConfig.bits_per_axon; Davies et al. 2018 p.89): one input axon per presynaptic neuron of each incoming projection; per axon,
/// <c>synapses × (weight bits + delay bits) + 4 + 6</c> bits rounded up to a 64-bit word; one output
/// axon per neuron and destination core.
/// </summary>
public static class CoreResources
{
    /// <summary>Fixed bits per axon: synapse_idx (4) + n_synapses (6).</summary>
    public const int AxonOverheadBits = 10;

    public static long BitsPerAxon(int synapses, CoreLimits limits) =>
        (((long)synapses * (limits.WeightBits + limits.DelayBits) + AxonOverheadBits + 63) / 64) * 64;

    /// <summary>Input axons per population: the presynaptic neurons of every projection into it.</summary>
    public static Dictionary<Population, long> InputAxons(NetworkSpec network)
    {
        var result = network.Populations.ToDictionary(p => p, _ => 0L);
        foreach (var projection in network.Projections)
        {
            result[projection.To] += projection.From.Size;
        }

        return result;
    }

    /// <summary>Synaptic memory of a slice of <paramref name="neurons"/> neurons with <paramref name="inputAxons"/> input axons (dense: every axon reaches every neuron).</summary>
    public static long SynapticMemoryBits(long inputAxons, int neurons, CoreLimits limits) =>
        inputAxons == 0 ? 0 : inputAxons * BitsPerAxon(neurons, limits);
}
