using Neuromorphic.Chip;
using Neuromorphic.Core.Errors;
using Neuromorphic.Core.Networks;
using Neuromorphic.Core.Units;
using Neuromorphic.Mapping.Quantization;
using Neuromorphic.Mapping.Realization;

namespace Neuromorphic.Mapping;

/// <summary>
/// Rebuilds the full tables of a mapping from the network, the chip and the plan's decisions.
/// Deterministic: the same three inputs always give the same tables. A plan that does not match
/// the network (a hand-edited or stale mapping file) is rejected with the offending field.
/// </summary>
public static class MappedNetworkBuilder
{
    private sealed record Block(int Core, Projection Projection, int PostFirst, int PostCount, int LocalOffset, int Exponent, WeightSignMode Mode, double Scale);

    public static MappedNetwork Build(NetworkSpec original, ChipSpec chip, MappingPlan plan, string? planFile = null)
    {
        Mapper.CheckMemory(original);
        return Build(original, RealizedNetwork.Of(original), chip, plan, planFile);
    }

    /// <summary>Builds the tables from a realization computed once by the caller (the mapper).</summary>
    internal static MappedNetwork Build(NetworkSpec original, RealizedNetwork realization, ChipSpec chip, MappingPlan plan, string? planFile = null)
    {
        var network = realization.Network;
        var n = network.NeuronCount;
        var coreCount = plan.Cores.Count;
        var fixedKernel = chip.Core.Kernel == NeuronKernel.LoihiFixed;
        var limits = chip.Core.Limits;
        var compartments = realization.Compartments;

        var neuronCore = new int[n];
        Array.Fill(neuronCore, -1);
        var decayU = compartments.Select(c => c.DecayU).ToArray();
        var inputGain = new double[n];
        Array.Fill(inputGain, 1.0);
        var coreTile = new TileId[coreCount];
        var corePhysical = new int[coreCount];
        var coreNeuronStart = new int[coreCount + 1];
        var coreNeurons = new int[n];
        var neuronLocal = new int[n];
        var usedSlots = new HashSet<int>();
        var cursor = 0;
        for (var c = 0; c < coreCount; c++)
        {
            var core = plan.Cores[c];
            var field = $"$.cores[{c}]";
            if (core.TileX < 0 || core.TileY < 0 || core.TileX >= chip.Mesh.Width || core.TileY >= chip.Mesh.Height || core.Slot < 0 || core.Slot >= chip.Mesh.CoresPerTile)
            {
                throw new InvalidInputException(planFile, field, $"tile [{core.TileX}, {core.TileY}] slot {core.Slot}", $"a core inside {chip.Name}'s {chip.Mesh.Width}×{chip.Mesh.Height} mesh of {chip.Mesh.CoresPerTile}-core tiles");
            }

            coreTile[c] = new TileId(core.TileX, core.TileY);
            corePhysical[c] = (core.TileY * chip.Mesh.Width + core.TileX) * chip.Mesh.CoresPerTile + core.Slot;
            if (!usedSlots.Add(corePhysical[c]))
            {
                throw new InvalidInputException(planFile, field, $"tile [{core.TileX}, {core.TileY}] slot {core.Slot}", "a physical core not used by another logical core");
            }

            coreNeuronStart[c] = cursor;
            var members = new List<int>();
            for (var s = 0; s < core.Slices.Count; s++)
            {
                var slice = core.Slices[s];
                var pop = network.FindPopulation(slice.Population)
                    ?? throw new InvalidInputException(planFile, $"{field}.slices[{s}].population", $"\"{slice.Population}\"", "a population of the network");
                if (slice.First < 0 || slice.Count <= 0 || slice.First + slice.Count > pop.Size)
                {
                    throw new InvalidInputException(planFile, $"{field}.slices[{s}]", $"[{slice.First}, {slice.Count}]", $"a slice inside population '{pop.Name}' of {pop.Size}");
                }

                if (slice.DecayU is { } d && d.Length != slice.Count)
                {
                    throw new InvalidInputException(planFile, $"{field}.slices[{s}].decayU", $"{d.Length} values", $"{slice.Count}, one per neuron of the slice");
                }

                for (var i = 0; i < slice.Count; i++)
                {
                    var g = pop.FirstNeuron + slice.First + i;
                    if (neuronCore[g] >= 0)
                    {
                        throw new InvalidInputException(planFile, $"{field}.slices[{s}]", $"neuron {slice.First + i} of '{pop.Name}'", "each neuron on exactly one core (this one is on two)");
                    }

                    neuronCore[g] = c;
                    members.Add(g);
                    if (slice.DecayU is { } decays)
                    {
                        // A clustered decay: its incoming weights and current bias are compensated (DecayCompensation).
                        decayU[g] = decays[i];
                        inputGain[g] = plan.DecayCompensation ? DecayCompensation.Gain(compartments[g].DecayU, decays[i], fixedKernel) : 1.0;
                    }
                }
            }

            members.Sort();
            foreach (var g in members)
            {
                neuronLocal[g] = cursor - coreNeuronStart[c];
                coreNeurons[cursor++] = g;
            }
        }

        coreNeuronStart[coreCount] = cursor;
        for (var g = 0; g < n; g++)
        {
            if (neuronCore[g] < 0)
            {
                var pop = network.Populations.Last(p => p.FirstNeuron <= g);
                throw new InvalidInputException(planFile, "$.cores", $"neuron {g - pop.FirstNeuron} of '{pop.Name}' on no core", "every neuron of the network on a core");
            }
        }

        // Neuron parameters.
        var isInput = new bool[n];
        var duField = new int[n];
        var dvField = new int[n];
        var thresholdUnits = new int[n];
        var biasUnits = new int[n];
        var vminUnits = new int[n];
        var vmaxUnits = new int[n];
        var du = new float[n];
        var dv = new float[n];
        var threshold = new float[n];
        var bias = new float[n];
        var currentBias = new float[n];
        var vmin = new float[n];
        var vmax = new float[n];
        var reset = new ResetMode[n];
        var refractory = new int[n];
        var unitsPerFloat = new double[n];
        foreach (var pop in network.Populations)
        {
            var scaleLog2 = plan.PopulationScaleLog2.TryGetValue(pop.Name, out var k) ? k
                : fixedKernel ? throw new InvalidInputException(planFile, "$.populations", $"'{pop.Name}' missing", "a fixed-point scale for every population") : 0;
            for (var i = 0; i < pop.Size; i++)
            {
                var g = pop.FirstNeuron + i;
                var c = compartments[g] with { CurrentBias = compartments[g].CurrentBias * inputGain[g] };
                isInput[g] = c.IsInput;
                du[g] = (float)decayU[g];
                dv[g] = (float)c.DecayV;
                threshold[g] = (float)c.Threshold;
                bias[g] = (float)c.Bias;
                currentBias[g] = (float)c.CurrentBias;
                vmin[g] = (float)c.VMin;
                vmax[g] = (float)c.VMax;
                reset[g] = c.Reset;
                refractory[g] = c.Refractory;
                unitsPerFloat[g] = fixedKernel ? Math.Pow(2, scaleLog2) : 1;
                if (c.Refractory > limits.RefractoryMax)
                {
                    throw new InvalidInputException(chip.Name, "limit refractoryMax", $"{c.Refractory} (population '{pop.Name}')", $"at most {limits.RefractoryMax} steps");
                }

                if (fixedKernel && !c.IsInput)
                {
                    if (!NeuronQuantizer.TryQuantize(c, decayU[g], scaleLog2, limits, out var f))
                    {
                        throw new InvalidInputException(planFile, $"$.populations.{pop.Name}.scaleLog2", scaleLog2.ToString(),
                            "a scale at which the population's threshold and bias fit the chip's fields");
                    }

                    duField[g] = f.DecayUField;
                    dvField[g] = f.DecayVField;
                    thresholdUnits[g] = f.ThresholdUnits;
                    biasUnits[g] = f.BiasUnits;
                    vminUnits[g] = f.VMinUnits;
                    vmaxUnits[g] = f.VMaxUnits;
                }
            }
        }

        // Every core within the chip's compartment prototypes (distinct settings as the chip stores them).
        if (limits.CompartmentPrototypes > 0)
        {
            for (var c = 0; c < coreCount; c++)
            {
                var settings = new HashSet<(double, double, double, int, ResetMode, double, double)>();
                for (var i = coreNeuronStart[c]; i < coreNeuronStart[c + 1]; i++)
                {
                    var g = coreNeurons[i];
                    if (!isInput[g])
                    {
                        settings.Add(fixedKernel
                            ? (duField[g], dvField[g], thresholdUnits[g], refractory[g], reset[g], vminUnits[g], vmaxUnits[g])
                            : (du[g], dv[g], threshold[g], refractory[g], reset[g], vmin[g], vmax[g]));
                    }
                }

                if (settings.Count > limits.CompartmentPrototypes)
                {
                    throw new Partitioning.CapacityException(chip.Name, "compartmentPrototypes", $"core {c}: distinct decay/threshold settings", settings.Count,
                        limits.CompartmentPrototypes, "map again (neuro map spreads such neurons over more cores, or clusters their decays with --prototypes cluster)");
                }
            }
        }

        // Synapse groups.
        var groupOf = new Dictionary<(string, int), SynapseGroupPlan>();
        foreach (var group in plan.SynapseGroups)
        {
            if (network.FindProjection(group.Projection) is null || group.Core < 0 || group.Core >= coreCount)
            {
                throw new InvalidInputException(planFile, "$.synapseGroups", $"{group.Projection} on core {group.Core}", "a projection of the network and a core of the mapping");
            }

            groupOf[(group.Projection, group.Core)] = group;
        }

        // Blocks per presynaptic population: (destination core, projection, slice of the target population).
        var blocksOf = network.Populations.ToDictionary(p => p, _ => new List<Block>());
        foreach (var projection in network.Projections)
        {
            for (var c = 0; c < coreCount; c++)
            {
                foreach (var slice in plan.Cores[c].Slices.Where(s => s.Population == projection.To.Name))
                {
                    var exponent = 0;
                    var mode = WeightSignMode.Mixed;
                    if (fixedKernel)
                    {
                        var group = groupOf.GetValueOrDefault((projection.Name, c))
                            ?? throw new InvalidInputException(planFile, "$.synapseGroups", $"none for {projection.Name} on core {c}", "one synapse group per projection and destination core");
                        exponent = group.WeightExponent;
                        mode = group.SignMode;
                        if (exponent < Math.Max(limits.WeightExponentMin, -LoihiFixedPoint.AlignShift) || exponent > limits.WeightExponentMax)
                        {
                            throw new InvalidInputException(planFile, "$.synapseGroups", $"exponent {exponent} for {projection.Name} on core {c}",
                                $"an exponent in {Math.Max(limits.WeightExponentMin, -LoihiFixedPoint.AlignShift)}..{limits.WeightExponentMax}");
                        }
                    }

                    var localOffset = neuronLocal[projection.To.FirstNeuron + slice.First];
                    blocksOf[projection.From].Add(new Block(c, projection, slice.First, slice.Count, localOffset, exponent, mode,
                        unitsPerFloat[projection.To.FirstNeuron]));
                }
            }
        }

        // A neuron's messages go out in mesh order of their destination cores (tile x, tile y, core in tile), as in SANA-FE.
        var meshRank = new int[coreCount];
        var byMesh = Enumerable.Range(0, coreCount).OrderBy(c => plan.Cores[c].TileX).ThenBy(c => plan.Cores[c].TileY).ThenBy(c => plan.Cores[c].Slot).ToArray();
        for (var r = 0; r < coreCount; r++)
        {
            meshRank[byMesh[r]] = r;
        }

        // Pass 1: message and synapse counts (dense: the same for every neuron of a population).
        var messageStart = new int[n + 1];
        var messagesPer = new Dictionary<Population, (int[] Cores, int[] Synapses)>();
        foreach (var pop in network.Populations)
        {
            var byCore = blocksOf[pop].GroupBy(b => b.Core).OrderBy(g => meshRank[g.Key]).ToArray();
            messagesPer[pop] = (byCore.Select(g => g.Key).ToArray(), byCore.Select(g => g.Sum(b => b.PostCount)).ToArray());
        }

        long messageTotal = 0;
        for (var g = 0; g < n; g++)
        {
            messageStart[g] = checked((int)messageTotal);
            messageTotal += messagesPer[PopulationOf(network, g)].Cores.Length;
        }

        messageStart[n] = checked((int)messageTotal);
        var messageDestination = new int[messageTotal];
        var synapseStart = new int[messageTotal + 1];
        long synapseTotal = 0;
        for (var g = 0; g < n; g++)
        {
            var (cores, synapses) = messagesPer[PopulationOf(network, g)];
            for (var m = 0; m < cores.Length; m++)
            {
                var index = messageStart[g] + m;
                messageDestination[index] = cores[m];
                synapseStart[index] = checked((int)synapseTotal);
                synapseTotal += synapses[m];
            }
        }

        synapseStart[messageTotal] = checked((int)synapseTotal);

        // Pass 2: fill synapses, in parallel over presynaptic neurons (each writes its own range).
        var targetLocal = new int[synapseTotal];
        var weightFloat = new float[synapseTotal];
        var weightUnits = fixedKernel ? new int[synapseTotal] : [];
        var bits = limits.WeightBits;
        Parallel.ForEach(network.Populations, pop =>
        {
            var blocks = blocksOf[pop].OrderBy(b => meshRank[b.Core]).ToArray();
            Parallel.For(0, pop.Size, pre =>
            {
                var g = pop.FirstNeuron + pre;
                var cursorSyn = synapseStart[messageStart[g]];
                foreach (var block in blocks)
                {
                    var projection = block.Projection;
                    var unit = Math.Pow(2, LoihiFixedPoint.AlignShift + block.Exponent);
                    for (var post = block.PostFirst; post < block.PostFirst + block.PostCount; post++)
                    {
                        var w = projection.Weights[post * projection.From.Size + pre] * inputGain[projection.To.FirstNeuron + post];
                        targetLocal[cursorSyn] = block.LocalOffset + (post - block.PostFirst);
                        weightFloat[cursorSyn] = (float)w;
                        if (fixedKernel)
                        {
                            var mantissa = LoihiFixedPoint.RoundWeightMantissa(w * block.Scale / unit, bits, block.Mode);
                            weightUnits[cursorSyn] = LoihiFixedPoint.WeightUnits(mantissa, block.Exponent);
                        }

                        cursorSyn++;
                    }
                }
            });
        });

        return new MappedNetwork
        {
            Network = original,
            Realization = realization,
            Chip = chip,
            Plan = plan,
            CoreTile = coreTile,
            CorePhysical = corePhysical,
            CoreNeuronStart = coreNeuronStart,
            CoreNeurons = coreNeurons,
            TilesInUse = coreTile.Distinct().Count(),
            NeuronCore = neuronCore,
            NeuronLocal = neuronLocal,
            IsInput = isInput,
            DecayUField = duField,
            DecayVField = dvField,
            ThresholdUnits = thresholdUnits,
            BiasUnits = biasUnits,
            VMinUnits = vminUnits,
            VMaxUnits = vmaxUnits,
            DecayU = du,
            DecayV = dv,
            Threshold = threshold,
            Bias = bias,
            CurrentBias = currentBias,
            VMin = vmin,
            VMax = vmax,
            Reset = reset,
            Refractory = refractory,
            UnitsPerFloat = unitsPerFloat,
            InputGain = inputGain,
            MessageStart = messageStart,
            MessageDestinationCore = messageDestination,
            SynapseStart = synapseStart,
            SynapseTargetLocal = targetLocal,
            SynapseWeightUnits = weightUnits,
            SynapseWeightFloat = weightFloat,
        };
    }

    private static Population PopulationOf(NetworkSpec network, int neuron)
    {
        var populations = network.Populations;
        int lo = 0, hi = populations.Count - 1;
        while (lo < hi)
        {
            var mid = (lo + hi + 1) / 2;
            if (populations[mid].FirstNeuron <= neuron)
            {
                lo = mid;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return populations[lo];
    }
}
