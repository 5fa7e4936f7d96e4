using Neuromorphic.Chip;
using Neuromorphic.Core.Networks;
using Neuromorphic.Mapping;

namespace Neuromorphic.Tests.Mapping;

/// <summary>
/// Re-checks a mapping from its tables alone, without any of the mapper's own accounting code:
/// per-core limits (neurons, distinct input axons, output axons, synaptic memory in 64-bit words
/// per axon as NengoLoihi counts it, prototypes), and that every neuron and synapse of the network
/// is present exactly once with its weight.
/// </summary>
internal static class IndependentChecks
{
    public static void AssertWithinLimits(MappedNetwork mapped)
    {
        var limits = mapped.Chip.Core.Limits;
        Assert.True(mapped.CoreCount <= mapped.Chip.CoreCount);
        Assert.Equal(mapped.CoreCount, mapped.CorePhysical.Distinct().Count());
        var axons = new HashSet<int>[mapped.CoreCount];
        var bits = new long[mapped.CoreCount];
        var outputs = new long[mapped.CoreCount];
        for (var c = 0; c < mapped.CoreCount; c++)
        {
            axons[c] = [];
        }

        for (var n = 0; n < mapped.NeuronCount; n++)
        {
            for (var m = mapped.MessageStart[n]; m < mapped.MessageStart[n + 1]; m++)
            {
                var core = mapped.MessageDestinationCore[m];
                Assert.True(axons[core].Add(n), "one message per source neuron and destination core");
                var synapses = mapped.SynapseStart[m + 1] - mapped.SynapseStart[m];
                var raw = synapses * (limits.WeightBits + limits.DelayBits) + 4 + 6;
                bits[core] += (raw + 63) / 64 * 64;
                outputs[mapped.NeuronCore[n]]++;
            }
        }

        for (var c = 0; c < mapped.CoreCount; c++)
        {
            var neurons = mapped.CoreNeuronStart[c + 1] - mapped.CoreNeuronStart[c];
            Assert.InRange(neurons, 1, limits.Neurons);
            Assert.InRange(axons[c].Count, 0, limits.InputAxons);
            Assert.InRange(outputs[c], 0, limits.OutputAxons);
            Assert.InRange(bits[c], 0, limits.SynapticMemoryBits);
            if (limits.CompartmentPrototypes > 0)
            {
                var prototypes = new HashSet<(int, int, int, int, ResetMode, int, int, float)>();
                for (var i = mapped.CoreNeuronStart[c]; i < mapped.CoreNeuronStart[c + 1]; i++)
                {
                    var g = mapped.CoreNeurons[i];
                    if (!mapped.IsInput[g])
                    {
                        prototypes.Add((mapped.DecayUField[g], mapped.DecayVField[g], mapped.ThresholdUnits[g], mapped.Refractory[g], mapped.Reset[g],
                            mapped.VMinUnits[g], mapped.VMaxUnits[g], mapped.Chip.Core.Kernel == NeuronKernel.Float ? mapped.DecayU[g] : 0));
                    }
                }

                Assert.InRange(prototypes.Count, 0, limits.CompartmentPrototypes);
            }
        }
    }

    public static void AssertNothingLost(MappedNetwork mapped)
    {
        var network = mapped.Network;
        Assert.Equal(network.NeuronCount, mapped.NeuronCount);
        Assert.Equal(Enumerable.Range(0, network.NeuronCount), mapped.CoreNeurons.Order());
        Assert.Equal(network.SynapseCount, mapped.SynapseCount);

        // A neuron whose decay the plan clustered has its inputs scaled by δu_chip / δu (its own decay: dt for ep-rate, 1/τu for cuba-lif).
        var gain = new double[network.NeuronCount];
        Array.Fill(gain, 1.0);
        foreach (var core in mapped.Plan.Cores)
        {
            foreach (var slice in core.Slices.Where(s => s.DecayU is not null))
            {
                var pop = network.GetPopulation(slice.Population);
                for (var i = 0; i < slice.Count && pop.Model != NeuronModel.Input; i++)
                {
                    var g = pop.FirstNeuron + slice.First + i;
                    var own = pop.Model == NeuronModel.EpRate ? pop.EpRate!.Dt[slice.First + i] : 1.0 / pop.CubaLif!.TauCurrent![slice.First + i];
                    var onChip = mapped.Chip.Core.Kernel == NeuronKernel.LoihiFixed ? (mapped.DecayUField[g] + 1) / 4096.0 : mapped.DecayU[g];
                    gain[g] = onChip / own;
                }
            }
        }

        // Rebuild each (pre, post) weight from the tables and compare with the network's sum of projections.
        var expected = new Dictionary<(int Pre, int Post), double>();
        foreach (var projection in network.Projections)
        {
            for (var post = 0; post < projection.To.Size; post++)
            {
                var postGlobal = projection.To.FirstNeuron + post;
                var scale = (projection.To.Model == NeuronModel.EpRate ? projection.To.EpRate!.Dt[post] : 1.0) * gain[postGlobal];
                for (var pre = 0; pre < projection.From.Size; pre++)
                {
                    if (!projection.IsConnected(post, pre))
                    {
                        continue; // a sparse projection's missing pair has no synapse
                    }

                    var key = (projection.From.FirstNeuron + pre, postGlobal);
                    expected[key] = expected.GetValueOrDefault(key) + projection.Weights[post * projection.From.Size + pre] * scale;
                }
            }
        }

        var actual = new Dictionary<(int Pre, int Post), double>();
        for (var n = 0; n < mapped.NeuronCount; n++)
        {
            for (var m = mapped.MessageStart[n]; m < mapped.MessageStart[n + 1]; m++)
            {
                var core = mapped.MessageDestinationCore[m];
                for (var s = mapped.SynapseStart[m]; s < mapped.SynapseStart[m + 1]; s++)
                {
                    var post = mapped.CoreNeurons[mapped.CoreNeuronStart[core] + mapped.SynapseTargetLocal[s]];
                    Assert.Equal(core, mapped.NeuronCore[post]);
                    var key = (n, post);
                    actual[key] = actual.GetValueOrDefault(key) + mapped.SynapseWeightFloat[s];
                }
            }
        }

        Assert.Equal(expected.Count, actual.Count);
        foreach (var (key, value) in expected)
        {
            Assert.True(actual.TryGetValue(key, out var got), $"synapse {key} lost");
            Assert.True(Math.Abs(value - got) <= 1e-6 * (1 + Math.Abs(value)), $"synapse {key}: {got} instead of {value}");
        }
    }
}
