using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Neuromorphic.Chip;
using Neuromorphic.Core.Errors;
using Neuromorphic.Core.IO;
using Neuromorphic.Core.Networks;
using Neuromorphic.Mapping.Partitioning;
using Neuromorphic.Mapping.Placement;
using Neuromorphic.Mapping.Quantization;
using Neuromorphic.Mapping.Realization;

namespace Neuromorphic.Mapping;

/// <summary>
/// Fits a network onto a chip: realizes its neurons as compartments, partitions them into cores
/// within every per-core limit (compartment prototypes included: spread over more cores, or
/// clustered with compensated input gains; <see cref="MappingOptions"/>), optionally with more cores
/// for a lower predicted step time or energy, places the cores on the mesh (greedy start, then
/// improvement), chooses fixed-point scales and one weight exponent per synapse group, and builds the
/// tables the simulator runs.
/// </summary>
public sealed partial class Mapper(ILogger<Mapper>? logger = null)
{
    private readonly ILogger _logger = logger ?? NullLogger<Mapper>.Instance;

    public MappedNetwork Map(NetworkSpec network, ChipSpec chip, string toolVersion, MappingOptions? options = null)
    {
        CheckMemory(network);
        var clock = Stopwatch.StartNew();
        var realization = RealizedNetwork.Of(network);
        var plan = Plan(network, realization, chip, toolVersion, options ?? MappingOptions.Default);
        var mapped = MappedNetworkBuilder.Build(network, realization, chip, plan);
        LogMapped(network.Name, network.NeuronCount, network.SynapseCount, chip.Name, mapped.CoreCount, mapped.TilesInUse, clock.ElapsedMilliseconds);
        return mapped;
    }

    public MappingPlan Plan(NetworkSpec original, ChipSpec chip, string toolVersion, MappingOptions? options = null)
    {
        CheckMemory(original);
        return Plan(original, RealizedNetwork.Of(original), chip, toolVersion, options ?? MappingOptions.Default);
    }

    /// <summary>
    /// Before anything is built: the mapping's tables (about <see cref="BytesPerNeuron"/> per neuron
    /// and <see cref="BytesPerSynapse"/> per synapse: the realization, the tables, the chip instance)
    /// must fit this machine's memory. Whether the network fits the chip is the partitioner's to say.
    /// </summary>
    public static void CheckMemory(NetworkSpec network)
    {
        MemoryBudget.Check(network.NeuronCount * BytesPerNeuron + network.SynapseCount * BytesPerSynapse, network.SourceFile, null,
            $"{network.NeuronCount:N0} neurons and {network.SynapseCount:N0} synapses to map");
    }

    /// <summary>Memory per neuron of a mapping and its chip instance (parameters, fixed-point fields, state), an upper estimate.</summary>
    public const long BytesPerNeuron = 256;

    /// <summary>Memory per synapse: the realized weight, the table entry and the instance's weight.</summary>
    public const long BytesPerSynapse = 24;

    private MappingPlan Plan(NetworkSpec original, RealizedNetwork realization, ChipSpec chip, string toolVersion, MappingOptions options)
    {
        options.Validate();
        var network = realization.Network;
        var compartments = realization.Compartments;
        var fixedKernel = chip.Core.Kernel == NeuronKernel.LoihiFixed;
        var limit = chip.Core.Limits.CompartmentPrototypes;
        var originalDecays = compartments.Select(c => c.DecayU).ToArray();
        var scales = fixedKernel ? ChooseScales(original, network, chip, compartments, originalDecays, null) : network.Populations.ToDictionary(p => p.Name, _ => 0);

        // Prototypes: spread over cores where the chip has room, else cluster each over-full core's decays.
        var policy = options.Prototypes;
        List<LogicalCore> cores;
        if (policy == PrototypePolicy.Spread && limit > 0)
        {
            try
            {
                cores = ObjectiveSearch.Partition(network, chip, new PartitionConstraints(PrototypeKeys(network, chip, compartments, scales), limit), options);
            }
            catch (CapacityException e) when (e.Limit == "cores")
            {
                LogSpreadFallback(network.Name, e.ValueNeeded, e.Bound, limit);
                policy = PrototypePolicy.Cluster;
                cores = ObjectiveSearch.Partition(network, chip, PartitionConstraints.None, options);
            }
        }
        else
        {
            cores = ObjectiveSearch.Partition(network, chip, PartitionConstraints.None, options);
        }

        var traffic = Traffic(network, cores);
        var (slots, greedy, final) = Placer.Place(chip, cores.Select(c => c.PinnedSlot).ToArray(), traffic);
        LogPlaced(cores.Count, greedy, final);

        // Clustered decays, and the input gain that keeps each clustered neuron's steady state: δu_chip / δu.
        var clustered = new double[][]?[cores.Count];
        var chipDecays = (double[])originalDecays.Clone();
        var gain = new double[network.NeuronCount];
        Array.Fill(gain, 1.0);
        for (var c = 0; c < cores.Count; c++)
        {
            clustered[c] = ClusterDecays(chip, compartments, cores[c], scales, c);
            for (var s = 0; clustered[c] is { } perSlice && s < perSlice.Length; s++)
            {
                var slice = cores[c].Slices[s];
                for (var i = 0; i < slice.Count; i++)
                {
                    var g = slice.Population.FirstNeuron + slice.First + i;
                    chipDecays[g] = perSlice[s][i];
                    gain[g] = options.CompensateDecays ? DecayCompensation.Gain(originalDecays[g], chipDecays[g], fixedKernel) : 1.0;
                }
            }
        }

        if (fixedKernel && clustered.Any(c => c is not null))
        {
            scales = ChooseScales(original, network, chip, compartments, chipDecays, gain, scales);
        }

        var groups = fixedKernel ? ChooseGroups(network, chip, cores, scales, gain) : [];
        var assignments = new List<CoreAssignment>();
        for (var c = 0; c < cores.Count; c++)
        {
            var tile = Placer.TileOf(chip.Mesh, slots[c]);
            assignments.Add(new CoreAssignment(tile.X, tile.Y, slots[c] % chip.Mesh.CoresPerTile,
                cores[c].Slices.Select((s, i) => new CoreSlice(s.Population.Name, s.First, s.Count, clustered[c]?[i])).ToArray(),
                cores[c].PinnedSlot is not null));
        }

        return new MappingPlan
        {
            NetworkName = original.Name,
            NetworkHash = original.ContentHash,
            ChipName = chip.Name,
            ChipHash = chip.ContentHash,
            ToolVersion = toolVersion,
            Cores = assignments,
            PopulationScaleLog2 = scales,
            SynapseGroups = groups,
            TrafficHopsGreedy = greedy,
            TrafficHopsFinal = final,
            Prototypes = policy,
            Objective = options.Objective,
            DecayCompensation = options.CompensateDecays,
        };
    }

    /// <summary>
    /// Each neuron's compartment prototype at the population scales, as an id per distinct setting
    /// (−1 for inputs): what a core must hold no more than the chip's limit of. For Loihi fixed point
    /// the setting is the quantized one (decay fields, threshold units, refractory, reset, clamp), so
    /// neurons whose values round alike share a prototype.
    /// </summary>
    private static Dictionary<Population, int[]> PrototypeKeys(NetworkSpec network, ChipSpec chip, CompartmentParameters[] compartments, Dictionary<string, int> scales)
    {
        var fixedKernel = chip.Core.Kernel == NeuronKernel.LoihiFixed;
        var ids = new Dictionary<string, int>();
        var result = new Dictionary<Population, int[]>();
        foreach (var pop in network.Populations)
        {
            var keys = new int[pop.Size];
            for (var i = 0; i < pop.Size; i++)
            {
                var c = compartments[pop.FirstNeuron + i];
                if (c.IsInput)
                {
                    keys[i] = -1;
                    continue;
                }

                string key;
                if (fixedKernel)
                {
                    NeuronQuantizer.TryQuantize(c, c.DecayU, scales[pop.Name], chip.Core.Limits, out var f);
                    key = $"{f.DecayUField}|{f.DecayVField}|{f.ThresholdUnits}|{c.Refractory}|{c.Reset}|{f.VMinUnits}|{f.VMaxUnits}";
                }
                else
                {
                    key = $"{c.DecayU:R}|{c.DecayV:R}|{c.Threshold:R}|{c.Refractory}|{c.Reset}|{c.VMin:R}|{c.VMax:R}";
                }

                if (!ids.TryGetValue(key, out var id))
                {
                    id = ids.Count;
                    ids[key] = id;
                }

                keys[i] = id;
            }

            result[pop] = keys;
        }

        return result;
    }

    /// <summary>Messages per step between logical cores if every neuron fired once: one per neuron and destination core.</summary>
    private static List<TrafficEdge> Traffic(NetworkSpec network, List<LogicalCore> cores)
    {
        var coresOf = new Dictionary<Population, List<int>>();
        for (var c = 0; c < cores.Count; c++)
        {
            foreach (var slice in cores[c].Slices)
            {
                (coresOf.TryGetValue(slice.Population, out var list) ? list : coresOf[slice.Population] = []).Add(c);
            }
        }

        var targets = network.Populations.ToDictionary(p => p, _ => new SortedSet<int>());
        foreach (var projection in network.Projections)
        {
            foreach (var core in coresOf.GetValueOrDefault(projection.To) ?? [])
            {
                targets[projection.From].Add(core);
            }
        }

        var edges = new List<TrafficEdge>();
        for (var c = 0; c < cores.Count; c++)
        {
            var perTarget = new SortedDictionary<int, double>();
            foreach (var slice in cores[c].Slices)
            {
                foreach (var target in targets[slice.Population])
                {
                    perTarget[target] = perTarget.GetValueOrDefault(target) + slice.Count;
                }
            }

            foreach (var (target, messages) in perTarget)
            {
                edges.Add(new TrafficEdge(c, target, messages));
            }
        }

        return edges;
    }

    /// <summary>
    /// Per population, the largest scale 2^k (k ≤ 20 − ⌈log2 θmax⌉, and ≤ <paramref name="ceiling"/>'s when given) at
    /// which thresholds, biases (with each neuron's decay on chip) and incoming weights (× each neuron's input gain) all fit.
    /// </summary>
    private static Dictionary<string, int> ChooseScales(NetworkSpec original, NetworkSpec network, ChipSpec chip, CompartmentParameters[] compartments, double[] decays,
        double[]? gain, IReadOnlyDictionary<string, int>? ceiling = null)
    {
        var limits = chip.Core.Limits;
        var result = new Dictionary<string, int>();
        var (_, _, mantissaMax) = LoihiFixedPoint.WeightMantissaRange(limits.WeightBits, WeightSignMode.Mixed);
        var weightCeiling = mantissaMax * Math.Pow(2, LoihiFixedPoint.AlignShift + limits.WeightExponentMax);
        foreach (var pop in network.Populations)
        {
            if (pop.Model == NeuronModel.Input)
            {
                result[pop.Name] = 0;
                continue;
            }

            var maxThreshold = 0.0;
            for (var i = 0; i < pop.Size; i++)
            {
                maxThreshold = Math.Max(maxThreshold, compartments[pop.FirstNeuron + i].Threshold);
            }

            var maxWeight = 0.0;
            foreach (var projection in network.Projections.Where(p => p.To == pop))
            {
                for (var post = 0; post < pop.Size; post++)
                {
                    var g = gain?[pop.FirstNeuron + post] ?? 1.0;
                    foreach (var w in projection.Weights.AsSpan(post * projection.From.Size, projection.From.Size))
                    {
                        maxWeight = Math.Max(maxWeight, Math.Abs(w) * g);
                    }
                }
            }

            var k = NeuronQuantizer.MaxScaleLog2 - (int)Math.Ceiling(Math.Log2(maxThreshold));
            if (ceiling?.GetValueOrDefault(pop.Name, k) is { } top && top < k)
            {
                k = top;
            }

            for (; k >= -30; k--)
            {
                var fits = maxWeight * Math.Pow(2, k) <= weightCeiling;
                for (var i = 0; fits && i < pop.Size; i++)
                {
                    var g = pop.FirstNeuron + i;
                    var c = compartments[g];
                    fits = NeuronQuantizer.TryQuantize(c with { CurrentBias = c.CurrentBias * (gain?[g] ?? 1.0) }, decays[g], k, limits, out _);
                }

                if (fits)
                {
                    break;
                }
            }

            if (k < -30)
            {
                throw ScaleConflict(original, network, chip, compartments, pop, weightCeiling);
            }

            result[pop.Name] = k;
        }

        return result;
    }

    /// <summary>
    /// Why no fixed-point scale fits a population, as an error in the network file: the smallest
    /// scale its thresholds allow (a threshold mantissa of at least 1) is still too large for its
    /// largest incoming weight or bias. Names the file, the JSON path and the value, and the largest
    /// value that would fit beside those thresholds.
    /// </summary>
    private static InvalidInputException ScaleConflict(NetworkSpec original, NetworkSpec network, ChipSpec chip, CompartmentParameters[] compartments,
        Population pop, double weightCeiling)
    {
        var limits = chip.Core.Limits;
        var file = original.SourceFile ?? $"network '{original.Name}'";
        var index = network.Populations.ToList().IndexOf(pop);
        var minThreshold = double.PositiveInfinity;
        for (var i = 0; i < pop.Size; i++)
        {
            minThreshold = Math.Min(minThreshold, compartments[pop.FirstNeuron + i].Threshold);
        }

        // The smallest scale at which every threshold keeps a mantissa of at least 1: the most room for weights and biases.
        var kLow = (int)Math.Ceiling(Math.Log2(0.5 * (1 << LoihiFixedPoint.AlignShift) / minThreshold));
        var thresholdPath = $"$.populations[{index}].params.threshold";
        if (kLow > NeuronQuantizer.MaxScaleLog2 || !double.IsFinite(minThreshold))
        {
            return new InvalidInputException(file, thresholdPath, $"{JsonInput.Format(minThreshold)} (population '{pop.Name}')",
                $"a threshold {chip.Name}'s fixed point can hold ({limits.ThresholdMantissaBits}-bit mantissa)");
        }

        var scale = Math.Pow(2, kLow);
        var (worstWeight, at) = (0.0, -1);
        Projection? worstProjection = null;
        foreach (var projection in network.Projections.Where(p => p.To == pop))
        {
            for (var w = 0; w < projection.Weights.Length; w++)
            {
                if (Math.Abs(projection.Weights[w]) > Math.Abs(worstWeight))
                {
                    (worstWeight, at, worstProjection) = (projection.Weights[w], w, projection);
                }
            }
        }

        if (worstProjection is not null && Math.Abs(worstWeight) * scale > weightCeiling)
        {
            var declared = original.FindProjection(worstProjection.Name)!;
            var pre = at % worstProjection.From.Size;
            var post = at / worstProjection.From.Size;
            var source = declared.TransposeOf is { } of ? original.FindProjection(of)! : declared;
            var (row, column) = declared.TransposeOf is null ? (post, pre) : (pre, post);
            var value = declared.Weights[at];
            var limit = Math.Abs(value) * weightCeiling / (Math.Abs(worstWeight) * scale);
            return new InvalidInputException(file, $"$.projections[{original.Projections.ToList().IndexOf(source)}].weights[{row}][{column}]",
                $"{JsonInput.Format(value)} (projection '{source.Name}' into population '{pop.Name}')",
                $"|weight| ≤ {limit:G4}: the largest weight {chip.Name} can hold ({limits.WeightBits}-bit mantissa, weightExponentMax {limits.WeightExponentMax}) beside the population's smallest threshold {JsonInput.Format(minThreshold)}");
        }

        for (var i = 0; i < pop.Size; i++)
        {
            var c = compartments[pop.FirstNeuron + i];
            if (!NeuronQuantizer.TryQuantize(c, c.DecayU, kLow, limits, out _))
            {
                if (Math.Round(c.Threshold * scale / (1 << LoihiFixedPoint.AlignShift), MidpointRounding.AwayFromZero) > (1L << limits.ThresholdMantissaBits) - 1)
                {
                    return new InvalidInputException(file, thresholdPath, $"{JsonInput.Format(c.Threshold)} for neuron {i} beside {JsonInput.Format(minThreshold)} (population '{pop.Name}')",
                        $"thresholds within a factor 2^{limits.ThresholdMantissaBits} of each other in one population ({chip.Name}'s {limits.ThresholdMantissaBits}-bit threshold mantissa at a shared scale)");
                }

                var declared = original.Populations[index];
                var bias = declared.CubaLif?.Bias[i] ?? declared.EpRate?.Bias[i] ?? 0;
                var currentBias = declared.CubaLif is { HasNoCurrentBias: false } lif ? lif.CurrentBias[i] : 0;
                var field = currentBias != 0 && bias == 0 ? "currentBias" : "bias";
                var value = field == "bias" ? bias : currentBias;
                var maxUnits = ((1L << (limits.BiasMantissaBits - 1)) - 1) * Math.Pow(2, limits.BiasExponentMax);
                var voltageBias = Math.Abs(c.Bias + (c.CurrentBias == 0 ? 0 : c.CurrentBias / LoihiFixedPoint.CurrentDecayFraction(LoihiFixedPoint.CurrentDecayField(c.DecayU))));
                var limit = voltageBias > 0 ? Math.Abs(value) * maxUnits / (voltageBias * scale) : double.NaN;
                return new InvalidInputException(file, $"$.populations[{index}].params.{field}",
                    $"{JsonInput.Format(value)} (neuron {i} of population '{pop.Name}')",
                    $"|{field}| ≤ {limit:G4}: the largest bias {chip.Name} can hold (biasMantissaBits {limits.BiasMantissaBits}, biasExponentMax {limits.BiasExponentMax}) beside the population's smallest threshold {JsonInput.Format(minThreshold)}");
            }
        }

        return new CapacityException(chip.Name, "weightExponentMax", $"population '{pop.Name}': weights, thresholds and biases cannot share a fixed-point scale", 0, limits.WeightExponentMax);
    }

    /// <summary>
    /// One synapse group per projection and destination core, all of a projection's groups with the
    /// exponent and sign mode its whole weight matrix needs: the quantized weights, and so the answers,
    /// do not depend on how the target population is partitioned (the objectives change time and energy only).
    /// </summary>
    private static List<SynapseGroupPlan> ChooseGroups(NetworkSpec network, ChipSpec chip, List<LogicalCore> cores, Dictionary<string, int> scales, double[] gain)
    {
        var limits = chip.Core.Limits;
        var groups = new List<SynapseGroupPlan>();
        foreach (var projection in network.Projections)
        {
            var scale = Math.Pow(2, scales[projection.To.Name]);
            double maxPositive = 0, maxNegative = 0;
            for (var post = 0; post < projection.To.Size; post++)
            {
                var g = gain[projection.To.FirstNeuron + post];
                foreach (var w in projection.Weights.AsSpan(post * projection.From.Size, projection.From.Size))
                {
                    var units = w * scale * g;
                    maxPositive = Math.Max(maxPositive, units);
                    maxNegative = Math.Min(maxNegative, units);
                }
            }

            var mode = maxNegative < 0 && maxPositive > 0 ? WeightSignMode.Mixed : maxNegative < 0 ? WeightSignMode.Inhibitory : WeightSignMode.Excitatory;
            var exponent = NeuronQuantizer.WeightExponent(maxPositive, maxNegative, mode, limits)
                ?? throw new CapacityException(chip.Name, "weightExponentMax", $"projection '{projection.Name}'", limits.WeightExponentMax + 1, limits.WeightExponentMax);
            for (var c = 0; c < cores.Count; c++)
            {
                if (cores[c].Slices.Any(s => s.Population == projection.To))
                {
                    groups.Add(new SynapseGroupPlan(projection.Name, c, exponent, mode));
                }
            }
        }

        return groups;
    }

    /// <summary>
    /// Clusters the current decays of a core's neurons so that the core needs no more compartment
    /// prototypes than the chip allows (optimal 1-D k-means within each group of otherwise equal
    /// prototypes). Returns per-slice decays, or null when everything already fits.
    /// </summary>
    private static double[][]? ClusterDecays(ChipSpec chip, CompartmentParameters[] compartments, LogicalCore core, Dictionary<string, int> scales, int coreIndex)
    {
        var limit = chip.Core.Limits.CompartmentPrototypes;
        if (limit == 0)
        {
            return null;
        }

        var fixedKernel = chip.Core.Kernel == NeuronKernel.LoihiFixed;
        var neurons = new List<(int Slice, int Offset, CompartmentParameters C, string RestKey, double DecayKey)>();
        for (var s = 0; s < core.Slices.Count; s++)
        {
            var slice = core.Slices[s];
            for (var i = 0; i < slice.Count; i++)
            {
                var c = compartments[slice.Population.FirstNeuron + slice.First + i];
                if (c.IsInput)
                {
                    continue;
                }

                string rest;
                double decayKey;
                if (fixedKernel)
                {
                    NeuronQuantizer.TryQuantize(c, c.DecayU, scales[slice.Population.Name], chip.Core.Limits, out var f);
                    rest = $"{f.DecayVField}|{f.ThresholdUnits}|{c.Refractory}|{c.Reset}|{f.VMinUnits}|{f.VMaxUnits}";
                    decayKey = f.DecayUField;
                }
                else
                {
                    rest = $"{c.DecayV:R}|{c.Threshold:R}|{c.Refractory}|{c.Reset}|{c.VMin:R}|{c.VMax:R}";
                    decayKey = c.DecayU;
                }

                neurons.Add((s, i, c, rest, decayKey));
            }
        }

        var prototypes = neurons.Select(n => (n.RestKey, n.DecayKey)).Distinct().Count();
        if (prototypes <= limit)
        {
            return null;
        }

        var byRest = neurons.GroupBy(n => n.RestKey).ToList();
        var perGroup = limit / byRest.Count;
        if (perGroup < 1)
        {
            throw new CapacityException(chip.Name, "compartmentPrototypes", $"core {coreIndex}: {byRest.Count} distinct threshold/decay-v/refractory settings", byRest.Count, limit);
        }

        var result = core.Slices.Select(s => Enumerable.Range(0, s.Count)
            .Select(i => compartments[s.Population.FirstNeuron + s.First + i].DecayU).ToArray()).ToArray();
        foreach (var group in byRest)
        {
            var members = group.ToList();
            var centroids = OneDimensionalClustering.Cluster(members.Select(m => m.DecayKey).ToArray(), perGroup);
            for (var m = 0; m < members.Count; m++)
            {
                result[members[m].Slice][members[m].Offset] = fixedKernel
                    ? LoihiFixedPoint.CurrentDecayFraction((int)Math.Round(centroids[m], MidpointRounding.AwayFromZero))
                    : centroids[m];
            }
        }

        return result;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Mapped {Network} ({Neurons} neurons, {Synapses} synapses) onto {Chip}: {Cores} cores on {Tiles} tiles in {ElapsedMs} ms")]
    private partial void LogMapped(string network, int neurons, long synapses, string chip, int cores, int tiles, long elapsedMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Spreading {Network}'s compartment settings ({Limit} per core) needs {Needed} cores, {Cores} are available (the chip's, or the core budget): clustering decays instead (--prototypes cluster)")]
    private partial void LogSpreadFallback(string network, long needed, long cores, int limit);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Placed {Cores} cores: traffic × hops {Greedy} (greedy) → {Final} (improved)")]
    private partial void LogPlaced(int cores, double greedy, double final);
}
