using Neuromorphic.Chip;
using Neuromorphic.Core.Errors;
using Neuromorphic.Core.Networks;

namespace Neuromorphic.Mapping.Partitioning;

/// <summary>Neurons [First, First + Count) of a population, on one logical core.</summary>
internal sealed record SliceRef(Population Population, int First, int Count);

/// <summary>A core's worth of slices, optionally pinned to a physical core.</summary>
internal sealed class LogicalCore
{
    public List<SliceRef> Slices { get; } = [];

    /// <summary>Physical core index if the network pins it, else null.</summary>
    public int? PinnedSlot { get; init; }

    public int NeuronCount => Slices.Sum(s => s.Count);
}

/// <summary>
/// What a partition must respect beyond the chip's per-core limits: the compartment prototype of
/// each neuron (an id per distinct setting, −1 for inputs; null: prototypes are not limited) and,
/// from an objective, a largest slice per population.
/// </summary>
internal sealed record PartitionConstraints(IReadOnlyDictionary<Population, int[]>? Prototypes, int PrototypeLimit,
    IReadOnlyDictionary<Population, int>? SliceCap = null)
{
    public static PartitionConstraints None { get; } = new(null, 0);
}

/// <summary>
/// Splits populations into slices that fit a core and packs slices into cores, within every
/// per-core limit: neurons, input axons, synaptic memory, output axons and, when constrained,
/// compartment prototypes (distinct settings per core). Slices are balanced (a population of 500
/// on cores of at most 128 gets 4 slices of 125) unless prototypes force a greedy cut; consecutive
/// slices of different populations share a core when everything still fits; a core never holds
/// two slices of the same population.
/// </summary>
internal static class Partitioner
{
    private const int MaxIterations = 64;

    public static List<LogicalCore> Partition(NetworkSpec network, ChipSpec chip) => Partition(network, chip, PartitionConstraints.None);

    public static List<LogicalCore> Partition(NetworkSpec network, ChipSpec chip, PartitionConstraints constraints)
    {
        var limits = chip.Core.Limits;
        var maxSlice = new Dictionary<Population, int>();
        var axonsIn = CoreResources.InputAxons(network);
        foreach (var pop in network.Populations)
        {
            var axons = axonsIn[pop];
            if (axons > limits.InputAxons)
            {
                throw new CapacityException(chip.Name, "inputAxons", $"population '{pop.Name}': every neuron has {axons:N0} presynaptic neurons", axons, limits.InputAxons);
            }

            var bitsForOne = CoreResources.SynapticMemoryBits(axons, 1, limits);
            if (bitsForOne > limits.SynapticMemoryBits)
            {
                throw new CapacityException(chip.Name, "synapticMemoryBits", $"population '{pop.Name}': one neuron's synapses need {bitsForOne:N0} bits", bitsForOne, limits.SynapticMemoryBits);
            }

            int lo = 1, hi = limits.Neurons;
            while (lo < hi)
            {
                var mid = lo + (hi - lo + 1) / 2;
                if (CoreResources.SynapticMemoryBits(axons, mid, limits) <= limits.SynapticMemoryBits)
                {
                    lo = mid;
                }
                else
                {
                    hi = mid - 1;
                }
            }

            maxSlice[pop] = Math.Min(lo, pop.Size);
            if (constraints.SliceCap?.GetValueOrDefault(pop) is > 0 and var cap)
            {
                maxSlice[pop] = Math.Min(maxSlice[pop], cap);
            }
        }

        var targets = network.Populations.ToDictionary(p => p, p => network.Projections.Where(x => x.From == p).Select(x => x.To).Distinct().ToArray());
        var destinationCores = network.Populations.ToDictionary(p => p, _ => 0L);
        List<LogicalCore> cores = [];
        for (var iteration = 0; iteration < MaxIterations; iteration++)
        {
            cores = Pack(network, chip, maxSlice, axonsIn, destinationCores, constraints);
            if (cores.Count > chip.CoreCount)
            {
                // Later iterations only split further, so the network cannot fit.
                break;
            }

            var coresOf = new Dictionary<Population, HashSet<LogicalCore>>();
            foreach (var core in cores)
            {
                foreach (var slice in core.Slices)
                {
                    (coresOf.TryGetValue(slice.Population, out var set) ? set : coresOf[slice.Population] = []).Add(core);
                }
            }

            var changed = false;
            foreach (var pop in network.Populations)
            {
                var distinct = new HashSet<LogicalCore>(targets[pop].SelectMany(t => coresOf.GetValueOrDefault(t) ?? []));
                if (distinct.Count > limits.OutputAxons)
                {
                    throw new CapacityException(chip.Name, "outputAxons", $"population '{pop.Name}': every neuron projects to {distinct.Count:N0} cores", distinct.Count, limits.OutputAxons);
                }

                if (distinct.Count != destinationCores[pop])
                {
                    destinationCores[pop] = distinct.Count;
                    changed = true;
                }

                if (distinct.Count > 0)
                {
                    var fit = (int)Math.Min(int.MaxValue, limits.OutputAxons / distinct.Count);
                    if (fit < maxSlice[pop])
                    {
                        maxSlice[pop] = fit;
                        changed = true;
                    }
                }
            }

            if (!changed)
            {
                break;
            }
        }

        if (cores.Count > chip.CoreCount)
        {
            throw new CapacityException(chip.Name, "cores", $"network '{network.Name}' needs {cores.Count:N0} cores", cores.Count, chip.CoreCount,
                "use a larger chip model or a smaller network");
        }

        return cores;
    }

    private static List<LogicalCore> Pack(NetworkSpec network, ChipSpec chip, Dictionary<Population, int> maxSlice,
        Dictionary<Population, long> axonsIn, Dictionary<Population, long> destinationCores, PartitionConstraints constraints)
    {
        var limits = chip.Core.Limits;
        var pinned = new Dictionary<int, LogicalCore>();
        var cores = new List<LogicalCore>();
        LogicalCore? open = null;
        foreach (var pop in network.Populations)
        {
            var covered = new bool[pop.Size];
            foreach (var pin in pop.Placement)
            {
                var slot = PhysicalSlot(chip, pop, pin);
                var count = pin.Count ?? pop.Size - pin.FirstNeuron;
                if (!pinned.TryGetValue(slot, out var core))
                {
                    core = new LogicalCore { PinnedSlot = slot };
                    pinned[slot] = core;
                    cores.Add(core);
                }

                for (var i = pin.FirstNeuron; i < pin.FirstNeuron + count; i++)
                {
                    if (covered[i])
                    {
                        throw new InvalidInputException(null, $"populations '{pop.Name}' placement", $"neuron {i} pinned twice", "placement slices that do not overlap");
                    }

                    covered[i] = true;
                }

                core.Slices.Add(new SliceRef(pop, pin.FirstNeuron, count));
            }

            foreach (var (first, length) in UncoveredRanges(covered))
            {
                foreach (var slice in Slices(pop, first, length, maxSlice[pop], constraints))
                {
                    if (open is null || !Fits(limits, open, slice, axonsIn, destinationCores, constraints))
                    {
                        open = new LogicalCore();
                        cores.Add(open);
                    }

                    open.Slices.Add(slice);
                }
            }
        }

        return cores;
    }

    /// <summary>
    /// Neurons [first, first + length) of a population as slices of at most <paramref name="cap"/>
    /// neurons, each within the prototype limit: equal pieces when they fit it, else cut greedily.
    /// </summary>
    private static IEnumerable<SliceRef> Slices(Population pop, int first, int length, int cap, PartitionConstraints constraints)
    {
        var keys = constraints.Prototypes?.GetValueOrDefault(pop);
        var limit = constraints.PrototypeLimit;
        if (keys is null || limit <= 0 || Distinct(keys, first, length) <= limit)
        {
            return EqualPieces(pop, first, length, (length + cap - 1) / cap);
        }

        // The fewest greedy pieces, then equal pieces of that many if each stays within the limit.
        var greedy = new List<SliceRef>();
        var start = first;
        var seen = new HashSet<int>();
        for (var i = first; i < first + length; i++)
        {
            var key = keys[i];
            if (i - start == cap || (key >= 0 && !seen.Contains(key) && seen.Count == limit))
            {
                greedy.Add(new SliceRef(pop, start, i - start));
                start = i;
                seen.Clear();
            }

            if (key >= 0)
            {
                seen.Add(key);
            }
        }

        greedy.Add(new SliceRef(pop, start, first + length - start));
        var equal = EqualPieces(pop, first, length, Math.Max(greedy.Count, (length + cap - 1) / cap)).ToList();
        return equal.All(s => Distinct(keys, s.First, s.Count) <= limit) ? equal : greedy;
    }

    private static IEnumerable<SliceRef> EqualPieces(Population pop, int first, int length, int pieces)
    {
        var offset = first;
        for (var k = 0; k < pieces; k++)
        {
            var count = length / pieces + (k < length % pieces ? 1 : 0);
            yield return new SliceRef(pop, offset, count);
            offset += count;
        }
    }

    private static int Distinct(int[] keys, int first, int length)
    {
        var seen = new HashSet<int>();
        for (var i = first; i < first + length; i++)
        {
            if (keys[i] >= 0)
            {
                seen.Add(keys[i]);
            }
        }

        return seen.Count;
    }

    /// <summary>Distinct prototypes of a core's slices (with <paramref name="extra"/>), counted against the limit.</summary>
    public static int Prototypes(LogicalCore core, PartitionConstraints constraints, SliceRef? extra = null)
    {
        if (constraints.Prototypes is not { } all)
        {
            return 0;
        }

        var seen = new HashSet<int>();
        foreach (var slice in extra is null ? core.Slices : core.Slices.Append(extra))
        {
            if (all.GetValueOrDefault(slice.Population) is { } keys)
            {
                for (var i = slice.First; i < slice.First + slice.Count; i++)
                {
                    if (keys[i] >= 0)
                    {
                        seen.Add(keys[i]);
                    }
                }
            }
        }

        return seen.Count;
    }

    private static bool Fits(CoreLimits limits, LogicalCore core, SliceRef slice,
        Dictionary<Population, long> axonsIn, Dictionary<Population, long> destinationCores, PartitionConstraints constraints)
    {
        if (core.Slices.Any(s => s.Population == slice.Population))
        {
            return false;
        }

        long neurons = slice.Count, axons = axonsIn[slice.Population], outputs = slice.Count * destinationCores[slice.Population];
        var bits = CoreResources.SynapticMemoryBits(axons, slice.Count, limits);
        foreach (var s in core.Slices)
        {
            neurons += s.Count;
            axons += axonsIn[s.Population];
            outputs += s.Count * destinationCores[s.Population];
            bits += CoreResources.SynapticMemoryBits(axonsIn[s.Population], s.Count, limits);
        }

        return neurons <= limits.Neurons && axons <= limits.InputAxons && bits <= limits.SynapticMemoryBits && outputs <= limits.OutputAxons
            && (constraints.PrototypeLimit <= 0 || Prototypes(core, constraints, slice) <= constraints.PrototypeLimit);
    }

    private static int PhysicalSlot(ChipSpec chip, Population pop, PlacementPin pin)
    {
        var mesh = chip.Mesh;
        if (pin.TileX >= mesh.Width || pin.TileY >= mesh.Height || pin.Core >= mesh.CoresPerTile)
        {
            throw new InvalidInputException(null, $"population '{pop.Name}' placement", $"tile [{pin.TileX}, {pin.TileY}] core {pin.Core}",
                $"a tile inside the {mesh.Width}×{mesh.Height} mesh of {chip.Name} and a core below {mesh.CoresPerTile}");
        }

        return (pin.TileY * mesh.Width + pin.TileX) * mesh.CoresPerTile + pin.Core;
    }

    private static IEnumerable<(int First, int Length)> UncoveredRanges(bool[] covered)
    {
        var i = 0;
        while (i < covered.Length)
        {
            if (covered[i])
            {
                i++;
                continue;
            }

            var start = i;
            while (i < covered.Length && !covered[i])
            {
                i++;
            }

            yield return (start, i - start);
        }
    }
}
