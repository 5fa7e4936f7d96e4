using Neuromorphic.Chip.Costs;
using Neuromorphic.Chip.Timing;

namespace Neuromorphic.Mapping;

/// <summary>A mapping's step time at full activity under both timing models (ps, barrier included).</summary>
public readonly record struct PredictedStep(long SimplePs, long DetailedPs);

/// <summary>
/// Predicts a mapping's step time from its tables: one step in which every neuron fires (inputs
/// included) and every compartment is accessed and updated — the busiest a step can be — timed by
/// the chip's barrier timing models (<see cref="BarrierStepTiming"/>), messages sent as their neurons
/// fire, in slot order.
/// </summary>
public static class StepTimePrediction
{
    public static PredictedStep AtFullActivity(MappedNetwork mapped)
    {
        var mesh = mapped.Chip.Mesh;
        var costs = CostTable.FromChip(mapped.Chip, mapped.TilesInUse);
        var timing = new BarrierStepTiming(mapped.CoreTile, mesh.Width, mesh.Height, mapped.CoreSlots);
        var counters = new CoreStepCounters[mapped.CoreCount];
        timing.Reset();
        for (var core = 0; core < mapped.CoreCount; core++)
        {
            int sentAccessed = 0, sentUpdated = 0, sentFired = 0;
            for (var i = mapped.CoreNeuronStart[core]; i < mapped.CoreNeuronStart[core + 1]; i++)
            {
                var g = mapped.CoreNeurons[i];
                ref var own = ref counters[core];
                if (mapped.IsInput[g])
                {
                    own.InputSpikes++;
                }
                else
                {
                    own.NeuronsAccessed++;
                    own.NeuronsUpdated++;
                    own.NeuronsFired++;
                }

                for (var m = mapped.MessageStart[g]; m < mapped.MessageStart[g + 1]; m++)
                {
                    var destination = mapped.MessageDestinationCore[m];
                    var synapses = mapped.SynapseStart[m + 1] - mapped.SynapseStart[m];
                    var route = mapped.Route(core, destination);
                    timing.AddMessage(core, destination, synapses, route.East, route.West, route.North, route.South,
                        own.NeuronsAccessed - sentAccessed, own.NeuronsUpdated - sentUpdated, own.NeuronsFired - sentFired);
                    (sentAccessed, sentUpdated, sentFired) = (own.NeuronsAccessed, own.NeuronsUpdated, own.NeuronsFired);
                    own.MessagesOut++;
                    counters[destination].MessagesIn++;
                    counters[destination].SynapticOps += synapses;
                }
            }
        }

        for (var core = 0; core < mapped.CoreCount; core++)
        {
            timing.SetCoreWork(core, counters[core]);
        }

        return new PredictedStep(timing.ComputeSimple(costs), timing.Compute(costs));
    }
}
