using System.Text.Json.Nodes;
using Neuromorphic.Chip;
using Neuromorphic.Mapping.Partitioning;
using Neuromorphic.Mapping.Quantization;

namespace Neuromorphic.Mapping;

/// <summary>Resource use of one core, counted from the built tables.</summary>
public sealed record CoreUsage(int Core, int TileX, int TileY, int Slot, string Populations, int Neurons, int InputAxons, long OutputAxons,
    long SynapticMemoryBits, double SynapticMemoryShare, int Prototypes);

/// <summary>
/// What a mapping costs and loses: per-core resource use (counted from the tables the simulator
/// runs, not from the mapper's plan), traffic × hops before and after placement improvement, and
/// quantization error of weights and decays.
/// </summary>
public sealed class MappingReport
{
    public required IReadOnlyList<CoreUsage> Cores { get; init; }
    public required int TilesInUse { get; init; }
    public required int Neurons { get; init; }
    public required long Synapses { get; init; }

    /// <summary>Messages per step if every neuron fired once.</summary>
    public required long MessagesPerStepAtFullActivity { get; init; }

    /// <summary>Σ messages × hops if every neuron fired once: greedy placement, and after improvement.</summary>
    public required double SpikeHopsGreedy { get; init; }
    public required double SpikeHopsFinal { get; init; }

    /// <summary>√(Σ(w_chip − w)² / Σw²) over all synapses, w in threshold units (0 for float chips).</summary>
    public required double WeightRelativeRmsError { get; init; }

    /// <summary>Largest |w_chip − w| in thresholds.</summary>
    public required double WeightMaxAbsError { get; init; }

    /// <summary>Share of non-zero weights that became zero.</summary>
    public required double WeightsZeroedShare { get; init; }

    /// <summary>Mean and largest |δu_chip − δu| over non-input neurons (12-bit decay fields and prototype clustering).</summary>
    public required double DecayMeanAbsError { get; init; }
    public required double DecayMaxAbsError { get; init; }

    /// <summary>Cores whose decays had to be clustered to fit the prototype limit.</summary>
    public required int ClusteredCores { get; init; }

    /// <summary>How prototypes were resolved and what the partition optimized.</summary>
    public required PrototypePolicy Prototypes { get; init; }
    public required MappingObjective Objective { get; init; }

    /// <summary>
    /// Relative error of each neuron's steady-state input gain, |gain · δu / δu_chip − 1| (decay clustering and 12-bit
    /// rounding): mean and largest as mapped, and as they would be without decay compensation (gain 1).
    /// </summary>
    public required double GainMeanError { get; init; }
    public required double GainMaxError { get; init; }
    public required double GainMeanErrorUncompensated { get; init; }
    public required double GainMaxErrorUncompensated { get; init; }

    /// <summary>The step time with every neuron firing once (the busiest step), under both timing models.</summary>
    public required PredictedStep PredictedStep { get; init; }

    public static MappingReport Create(MappedNetwork mapped)
    {
        var chip = mapped.Chip;
        var limits = chip.Core.Limits;
        var fixedKernel = chip.Core.Kernel == NeuronKernel.LoihiFixed;
        var cores = new List<CoreUsage>();
        var inputAxons = new HashSet<int>[mapped.CoreCount];
        var memory = new long[mapped.CoreCount];
        for (var c = 0; c < mapped.CoreCount; c++)
        {
            inputAxons[c] = [];
        }

        long messages = 0;
        double hops = 0;
        for (var g = 0; g < mapped.NeuronCount; g++)
        {
            for (var m = mapped.MessageStart[g]; m < mapped.MessageStart[g + 1]; m++)
            {
                var destination = mapped.MessageDestinationCore[m];
                inputAxons[destination].Add(g);
                memory[destination] += CoreResources.BitsPerAxon(mapped.SynapseStart[m + 1] - mapped.SynapseStart[m], limits);
                messages++;
                hops += mapped.Route(mapped.NeuronCore[g], destination).Total;
            }
        }

        for (var c = 0; c < mapped.CoreCount; c++)
        {
            var assignment = mapped.Plan.Cores[c];
            long outputs = 0;
            var prototypes = new HashSet<string>();
            for (var i = mapped.CoreNeuronStart[c]; i < mapped.CoreNeuronStart[c + 1]; i++)
            {
                var g = mapped.CoreNeurons[i];
                outputs += mapped.MessageStart[g + 1] - mapped.MessageStart[g];
                if (!mapped.IsInput[g])
                {
                    prototypes.Add(fixedKernel
                        ? $"{mapped.DecayUField[g]}|{mapped.DecayVField[g]}|{mapped.ThresholdUnits[g]}|{mapped.Refractory[g]}|{mapped.Reset[g]}|{mapped.VMinUnits[g]}|{mapped.VMaxUnits[g]}"
                        : $"{mapped.DecayU[g]:R}|{mapped.DecayV[g]:R}|{mapped.Threshold[g]:R}|{mapped.Refractory[g]}|{mapped.Reset[g]}|{mapped.VMin[g]:R}|{mapped.VMax[g]:R}");
                }
            }

            cores.Add(new CoreUsage(c, assignment.TileX, assignment.TileY, assignment.Slot,
                string.Join(", ", assignment.Slices.Select(s => $"{s.Population}[{s.First}..{s.First + s.Count - 1}]")),
                mapped.NeuronsOnCore(c), inputAxons[c].Count, outputs, memory[c], (double)memory[c] / limits.SynapticMemoryBits, prototypes.Count));
        }

        // Weight error: the chip's contribution against the float one, in thresholds.
        double errorSq = 0, normSq = 0, maxAbs = 0;
        long nonZero = 0, zeroed = 0;
        if (fixedKernel)
        {
            for (var g = 0; g < mapped.NeuronCount; g++)
            {
                for (var m = mapped.MessageStart[g]; m < mapped.MessageStart[g + 1]; m++)
                {
                    var destination = mapped.MessageDestinationCore[m];
                    var coreStart = mapped.CoreNeuronStart[destination];
                    for (var s = mapped.SynapseStart[m]; s < mapped.SynapseStart[m + 1]; s++)
                    {
                        var target = mapped.CoreNeurons[coreStart + mapped.SynapseTargetLocal[s]];
                        double reference = mapped.SynapseWeightFloat[s];
                        var chipValue = mapped.SynapseWeightUnits[s] / mapped.UnitsPerFloat[target];
                        var error = chipValue - reference;
                        errorSq += error * error;
                        normSq += reference * reference;
                        maxAbs = Math.Max(maxAbs, Math.Abs(error) / mapped.Threshold[target]);
                        if (reference != 0)
                        {
                            nonZero++;
                            if (mapped.SynapseWeightUnits[s] == 0)
                            {
                                zeroed++;
                            }
                        }
                    }
                }
            }
        }

        var realized = mapped.Realization.Compartments;
        double decaySum = 0, decayMax = 0;
        var decayCount = 0;
        double gainSum = 0, gainMax = 0, rawSum = 0, rawMax = 0;
        var gainCount = 0;
        for (var g = 0; g < mapped.NeuronCount; g++)
        {
            if (mapped.IsInput[g])
            {
                continue;
            }

            var used = fixedKernel ? LoihiFixedPoint.CurrentDecayFraction(mapped.DecayUField[g]) : mapped.DecayU[g];
            var error = Math.Abs(used - realized[g].DecayU);
            decaySum += error;
            decayMax = Math.Max(decayMax, error);
            decayCount++;
            if (DecayCompensation.GainError(realized[g].DecayU, used, mapped.InputGain[g]) is { } gainError)
            {
                var raw = DecayCompensation.GainError(realized[g].DecayU, used, 1.0)!.Value;
                gainSum += gainError;
                gainMax = Math.Max(gainMax, gainError);
                rawSum += raw;
                rawMax = Math.Max(rawMax, raw);
                gainCount++;
            }
        }

        return new MappingReport
        {
            Cores = cores,
            TilesInUse = mapped.TilesInUse,
            Neurons = mapped.NeuronCount,
            Synapses = mapped.SynapseCount,
            MessagesPerStepAtFullActivity = messages,
            SpikeHopsGreedy = mapped.Plan.TrafficHopsGreedy,
            SpikeHopsFinal = hops,
            WeightRelativeRmsError = normSq > 0 ? Math.Sqrt(errorSq / normSq) : 0,
            WeightMaxAbsError = maxAbs,
            WeightsZeroedShare = nonZero > 0 ? (double)zeroed / nonZero : 0,
            DecayMeanAbsError = decayCount > 0 ? decaySum / decayCount : 0,
            DecayMaxAbsError = decayMax,
            ClusteredCores = mapped.Plan.Cores.Count(c => c.Slices.Any(s => s.DecayU is not null)),
            Prototypes = mapped.Plan.Prototypes,
            Objective = mapped.Plan.Objective,
            GainMeanError = gainCount > 0 ? gainSum / gainCount : 0,
            GainMaxError = gainMax,
            GainMeanErrorUncompensated = gainCount > 0 ? rawSum / gainCount : 0,
            GainMaxErrorUncompensated = rawMax,
            PredictedStep = StepTimePrediction.AtFullActivity(mapped),
        };
    }

    public JsonObject ToJson() => new()
    {
        ["cores"] = Cores.Count,
        ["tiles"] = TilesInUse,
        ["neurons"] = Neurons,
        ["synapses"] = Synapses,
        ["messagesPerStepAtFullActivity"] = MessagesPerStepAtFullActivity,
        ["spikeHopsGreedy"] = SpikeHopsGreedy,
        ["spikeHopsFinal"] = SpikeHopsFinal,
        ["weightRelativeRmsError"] = WeightRelativeRmsError,
        ["weightMaxAbsError"] = WeightMaxAbsError,
        ["weightsZeroedShare"] = WeightsZeroedShare,
        ["decayMeanAbsError"] = DecayMeanAbsError,
        ["decayMaxAbsError"] = DecayMaxAbsError,
        ["clusteredCores"] = ClusteredCores,
        ["prototypes"] = Prototypes.Name(),
        ["objective"] = Objective.Name(),
        ["gainMeanError"] = GainMeanError,
        ["gainMaxError"] = GainMaxError,
        ["gainMeanErrorUncompensated"] = GainMeanErrorUncompensated,
        ["gainMaxErrorUncompensated"] = GainMaxErrorUncompensated,
        ["predictedStepPs"] = new JsonObject { ["activity"] = 1, ["simple"] = PredictedStep.SimplePs, ["detailed"] = PredictedStep.DetailedPs },
        ["perCore"] = new JsonArray(Cores.Select(c => (JsonNode)new JsonObject
        {
            ["core"] = c.Core,
            ["tile"] = new JsonArray(c.TileX, c.TileY),
            ["slot"] = c.Slot,
            ["populations"] = c.Populations,
            ["neurons"] = c.Neurons,
            ["inputAxons"] = c.InputAxons,
            ["outputAxons"] = c.OutputAxons,
            ["synapticMemoryBits"] = c.SynapticMemoryBits,
            ["synapticMemoryShare"] = Math.Round(c.SynapticMemoryShare, 4),
            ["prototypes"] = c.Prototypes,
        }).ToArray()),
    };
}
