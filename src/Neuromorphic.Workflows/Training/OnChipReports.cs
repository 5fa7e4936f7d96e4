using System.Text.Json.Nodes;
using Neuromorphic.Chip;
using Neuromorphic.Simulation.Learning;

namespace Neuromorphic.Workflows.Training;

/// <summary>
/// JSON of on-chip training: the summary kept in the network file's <c>training.onChip</c>
/// (deterministic: no wall-clock times) and the learning ledger (<c>neuromorphic.learning/1</c>,
/// src/Neuromorphic.Workflows/README.md), which holds every counter a re-costing needs.
/// </summary>
public static class OnChipReports
{
    public const string LedgerSchema = "neuromorphic.learning/1";

    public static JsonObject Summary(OnChipRequest request, OnChipLearner learner, IReadOnlyList<OnChipEpoch> epochs)
    {
        var l = request.EffectiveLearning;
        return new JsonObject
        {
            ["chip"] = request.Chip.Name,
            ["chipHash"] = request.Chip.ContentHash,
            ["mode"] = l.Mode.ToString().ToLowerInvariant(),
            ["timing"] = l.Timing.ToString().ToLowerInvariant(),
            ["encoding"] = l.Encoding == Simulation.InputEncoding.SigmaDelta ? "sigma-delta" : "bernoulli",
            ["weightBits"] = learner.WeightBits,
            ["traceBits"] = learner.TraceBits,
            ["traceTauSteps"] = l.TraceTauSteps,
            ["weightHeadroom"] = l.WeightHeadroom,
            ["weightExponents"] = new JsonArray(learner.WeightExponents.Select(e => (JsonNode)e).ToArray()),
            ["learningRatesPerSample"] = new JsonArray(l.LearningRates.Select(r => (JsonNode)r).ToArray()),
            ["plasticSynapses"] = learner.PlasticSynapseCount,
            ["traces"] = learner.TraceCount,
            ["history"] = new JsonArray(epochs.Select(e => (JsonNode)Epoch(e, times: false)).ToArray()),
        };
    }

    /// <summary>The learning ledger: chip, costs, options and per-epoch counters and costs.</summary>
    public static JsonObject Ledger(OnChipRequest request, OnChipLearner learner, IReadOnlyList<OnChipEpoch> epochs)
    {
        var result = Summary(request, learner, epochs);
        result.Remove("history");
        var ledger = new JsonObject { ["schema"] = LedgerSchema };
        foreach (var (key, value) in result)
        {
            ledger[key] = value?.DeepClone();
        }

        ledger["busiestCore"] = new JsonObject { ["plasticSynapses"] = learner.BusiestCore.Synapses, ["traces"] = learner.BusiestCore.Traces };
        ledger["tilesInUse"] = learner.Chip.Mapped.TilesInUse;
        ledger["inferenceCosts"] = learner.Chip.Costs.ToJson();
        ledger["learningCosts"] = Costs(learner.LearningCosts);
        ledger["epochs"] = new JsonArray(epochs.Select(e => (JsonNode)Epoch(e, times: true)).ToArray());
        return ledger;
    }

    public static JsonObject Costs(LearningCosts costs) => new()
    {
        ["synapticUpdate"] = new JsonObject { ["energyFj"] = costs.SynapticUpdate.EnergyFj, ["latencyPs"] = costs.SynapticUpdate.LatencyPs },
        ["traceUpdate"] = new JsonObject { ["energyFj"] = costs.TraceUpdate.EnergyFj, ["latencyPs"] = costs.TraceUpdate.LatencyPs },
    };

    public static JsonObject Epoch(OnChipEpoch e, bool times)
    {
        var l = e.Ledger;
        var json = new JsonObject
        {
            ["epoch"] = e.Epoch,
            ["samples"] = l.Samples,
            ["trainAccuracy"] = Json.Finite(l.Accuracy),
            ["testAccuracy"] = Json.Finite(e.TestAccuracy),
            ["floatTestAccuracy"] = Json.Finite(e.FloatTestAccuracy),
            ["tieDrift"] = Json.Finite(e.TieDrift),
            ["counters"] = Counters(l.Counters),
            ["freeCounters"] = Counters(l.FreeCounters),
            ["nudgedCounters"] = Counters(l.NudgedCounters),
            ["free"] = Part(l.Free),
            ["nudged"] = Part(l.Nudged),
            ["learning"] = Part(l.Learning),
            ["perSample"] = PerSample(l),
            ["testInference"] = e.Test is { } t ? new JsonObject
            {
                ["count"] = t.Count,
                ["energyUj"] = t.MeanEnergy.TotalFj / 1e9,
                ["latencyUs"] = t.MeanLatencyPs / 1e6,
            } : null,
        };
        if (times)
        {
            json["trainSeconds"] = e.Seconds;
            json["samplesPerSecond"] = Json.Finite(e.SamplesPerSecond);
        }

        return json;
    }

    /// <summary>Energy (µJ) and time (µs) per training sample, split into free phase (inference), nudged phases and learning.</summary>
    public static JsonObject PerSample(LearningLedger l)
    {
        var n = Math.Max(1, l.Samples);
        JsonObject Of(PartCost p) => new()
        {
            ["energyUj"] = p.TotalFj / 1e9 / n,
            ["dynamicUj"] = p.DynamicFj / 1e9 / n,
            ["staticUj"] = p.StaticFj / 1e9 / n,
            ["timeUs"] = p.TimePs / 1e6 / n,
        };
        var total = l.Free;
        total.Add(l.Nudged);
        total.Add(l.Learning);
        return new JsonObject { ["free"] = Of(l.Free), ["nudged"] = Of(l.Nudged), ["learning"] = Of(l.Learning), ["total"] = Of(total) };
    }

    private static JsonObject Part(PartCost p) => new() { ["dynamicFj"] = p.DynamicFj, ["staticFj"] = p.StaticFj, ["timePs"] = p.TimePs };

    private static JsonObject Counters(LearningCounters c) => new()
    {
        ["synapticUpdates"] = c.SynapticUpdates,
        ["traceUpdates"] = c.TraceUpdates,
        ["weightsChanged"] = c.WeightsChanged,
        ["learningEpochs"] = c.Epochs,
        ["nudgeOps"] = c.NudgeOps,
    };

    private static JsonObject Counters(CounterTotals c) => new()
    {
        ["steps"] = c.Steps,
        ["synapticOps"] = c.SynapticOps,
        ["neuronsAccessed"] = c.NeuronsAccessed,
        ["neuronsUpdated"] = c.NeuronsUpdated,
        ["neuronsFired"] = c.NeuronsFired,
        ["inputSpikes"] = c.InputSpikes,
        ["messagesOut"] = c.MessagesOut,
        ["messagesIn"] = c.MessagesIn,
        ["hopsEast"] = c.HopsEast,
        ["hopsWest"] = c.HopsWest,
        ["hopsNorth"] = c.HopsNorth,
        ["hopsSouth"] = c.HopsSouth,
    };
}
