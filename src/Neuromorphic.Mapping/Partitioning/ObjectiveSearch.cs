using Neuromorphic.Chip;
using Neuromorphic.Chip.Costs;
using Neuromorphic.Core.Networks;

namespace Neuromorphic.Mapping.Partitioning;

/// <summary>
/// A step of a partition as SANA-FE's simple timing model predicts it, from the slices alone (no
/// tables): each core's generation work (neuron accesses and updates, spikes out, one message per
/// firing neuron and destination core) and receive work (one message in per firing source neuron,
/// one synaptic op per synapse), with an activity (spikes per neuron per step) per population; every
/// non-input neuron is counted as updated. Times in ps, energies in fJ.
/// </summary>
internal sealed class StepEstimate
{
    private StepEstimate(double stepPs, double smoothStepPs, double dynamicFj, int tiles)
    {
        StepPs = stepPs;
        SmoothStepPs = smoothStepPs;
        DynamicFj = dynamicFj;
        Tiles = tiles;
    }

    /// <summary>The busiest core's work plus the barrier for the tiles the cores fill.</summary>
    public double StepPs { get; }

    /// <summary>
    /// As <see cref="StepPs"/> with the busiest core's work replaced by a 16-norm over the cores' work: it
    /// also falls when a core just below the busiest gets lighter, so a search can cross the plateaus of
    /// the maximum (splitting an input population helps only once its targets are split too).
    /// </summary>
    public double SmoothStepPs { get; }

    public double DynamicFj { get; }

    public int Tiles { get; }

    public double EnergyFj(ChipSpec chip) => DynamicFj + chip.StaticPowerMw * StepPs;

    public double SmoothEnergyFj(ChipSpec chip) => DynamicFj + chip.StaticPowerMw * SmoothStepPs;

    public static StepEstimate Of(NetworkSpec network, ChipSpec chip, IReadOnlyList<LogicalCore> cores, MappingOptions options)
    {
        var tiles = (cores.Count + chip.Mesh.CoresPerTile - 1) / chip.Mesh.CoresPerTile;
        var costs = CostTable.FromChip(chip, tiles);
        var coresOf = new Dictionary<Population, List<(int Core, SliceRef Slice)>>();
        for (var c = 0; c < cores.Count; c++)
        {
            foreach (var slice in cores[c].Slices)
            {
                (coresOf.TryGetValue(slice.Population, out var list) ? list : coresOf[slice.Population] = []).Add((c, slice));
            }
        }

        // Per source population: synapses it reaches on each core (one message per spike and core).
        var reach = network.Populations.ToDictionary(p => p, _ => new Dictionary<int, long>());
        foreach (var projection in network.Projections)
        {
            foreach (var (core, slice) in coresOf.GetValueOrDefault(projection.To) ?? [])
            {
                reach[projection.From][core] = reach[projection.From].GetValueOrDefault(core) + slice.Count;
            }
        }

        var generation = new double[cores.Count];
        var receive = new double[cores.Count];
        double dynamic = 0;
        var neuronPs = costs.NeuronAccess.LatencyPs + costs.DendriteUpdate.LatencyPs + costs.NeuronUpdate.LatencyPs;
        var neuronFj = costs.NeuronAccess.EnergyFj + costs.DendriteUpdate.EnergyFj + costs.NeuronUpdate.EnergyFj;
        for (var c = 0; c < cores.Count; c++)
        {
            foreach (var slice in cores[c].Slices)
            {
                var pop = slice.Population;
                var spikes = slice.Count * options.ActivityOf(pop.Name);
                var destinations = reach[pop].Count;
                if (pop.Model != NeuronModel.Input)
                {
                    generation[c] += slice.Count * neuronPs + spikes * costs.SpikeOut.LatencyPs;
                    dynamic += slice.Count * neuronFj + spikes * costs.SpikeOut.EnergyFj;
                }

                generation[c] += spikes * destinations * costs.MessageOut.LatencyPs;
                dynamic += spikes * destinations * (costs.MessageOut.EnergyFj + costs.MessageIn.EnergyFj);
                foreach (var (target, synapses) in reach[pop])
                {
                    receive[target] += spikes * (costs.MessageIn.LatencyPs + synapses * costs.SynapticOp.LatencyPs);
                    dynamic += spikes * synapses * costs.SynapticOp.EnergyFj;
                }
            }
        }

        var busiest = 0.0;
        for (var c = 0; c < cores.Count; c++)
        {
            busiest = Math.Max(busiest, Math.Max(generation[c], receive[c]));
        }

        var norm = 0.0;
        for (var c = 0; busiest > 0 && c < cores.Count; c++)
        {
            norm += Math.Pow(generation[c] / busiest, 16) + Math.Pow(receive[c] / busiest, 16);
        }

        return new StepEstimate(busiest + costs.BarrierLatencyPs, busiest * Math.Pow(norm, 1.0 / 16) + costs.BarrierLatencyPs, dynamic + costs.BarrierEnergyFj, tiles);
    }
}

/// <summary>
/// The latency and energy objectives: starting from the fewest cores, repeatedly gives one
/// population more (smaller) slices — the change that lowers the predicted step time (or energy)
/// most, judged by a smooth maximum over the cores — while the partition stays within the core
/// budget and every per-core limit, until no change helps; the partition with the best predicted
/// step time (or energy) seen is kept. Deterministic: populations are tried in network order and ties
/// keep the earlier.
/// </summary>
internal static class ObjectiveSearch
{
    private const int MaxRounds = 1024;

    public static List<LogicalCore> Partition(NetworkSpec network, ChipSpec chip, PartitionConstraints constraints, MappingOptions options)
    {
        var cores = Partitioner.Partition(network, chip, constraints);
        if (options.Objective == MappingObjective.Cores)
        {
            return cores;
        }

        var budget = Math.Min(options.MaxCores ?? chip.CoreCount, chip.CoreCount);
        if (cores.Count > budget)
        {
            throw new CapacityException(chip.Name, "cores", $"network '{network.Name}' needs {cores.Count:N0} cores at the least", cores.Count, budget,
                "raise the core budget");
        }

        (double Search, double True) Score(List<LogicalCore> candidate)
        {
            var estimate = StepEstimate.Of(network, chip, candidate, options);
            return options.Objective == MappingObjective.Energy
                ? (estimate.SmoothEnergyFj(chip), estimate.EnergyFj(chip))
                : (estimate.SmoothStepPs, estimate.StepPs);
        }

        var caps = new Dictionary<Population, int>();
        var current = Score(cores);
        var (bestCores, bestTrue) = (cores, current.True);
        for (var round = 0; round < MaxRounds; round++)
        {
            (double Search, double True, Population Population, int Cap, List<LogicalCore> Cores)? move = null;
            foreach (var pop in network.Populations)
            {
                var pieces = cores.Sum(c => c.Slices.Count(s => s.Population == pop));
                if (pieces == 0 || pieces >= pop.Size)
                {
                    continue;
                }

                // One more piece, or (to cross a plateau) a quarter more.
                foreach (var more in new[] { pieces + 1, pieces + Math.Max(2, pieces / 4) }.Distinct())
                {
                    var cap = Math.Max(1, (pop.Size + more - 1) / more);
                    var previous = caps.GetValueOrDefault(pop, pop.Size);
                    if (cap >= previous)
                    {
                        cap = previous - 1;
                    }

                    if (cap < 1)
                    {
                        continue;
                    }

                    var trialCaps = new Dictionary<Population, int>(caps) { [pop] = cap };
                    List<LogicalCore> trial;
                    try
                    {
                        trial = Partitioner.Partition(network, chip, constraints with { SliceCap = trialCaps });
                    }
                    catch (CapacityException)
                    {
                        continue;
                    }

                    if (trial.Count > budget)
                    {
                        continue;
                    }

                    var (search, actual) = Score(trial);
                    if (search < current.Search * (1 - 1e-9) && (move is null || search < move.Value.Search))
                    {
                        move = (search, actual, pop, cap, trial);
                    }
                }
            }

            if (move is not { } chosen)
            {
                break;
            }

            caps[chosen.Population] = chosen.Cap;
            cores = chosen.Cores;
            current = (chosen.Search, chosen.True);
            if (chosen.True < bestTrue)
            {
                (bestCores, bestTrue) = (cores, chosen.True);
            }
        }

        cores = bestCores;
        return cores;
    }
}
