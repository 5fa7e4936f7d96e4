using System.Text.Json.Nodes;
using Neuromorphic.Chip;
using Neuromorphic.Chip.Costs;
using Neuromorphic.Core.Errors;
using Neuromorphic.Core.IO;
using Neuromorphic.Simulation.Learning;

namespace Neuromorphic.Workflows.Training;

/// <summary>
/// Re-costs a learning ledger (<see cref="OnChipReports.LedgerSchema"/>) under another chip without
/// re-training: the phases' dynamic energy from their recorded counters (Σ counter × cost, one
/// barrier per step, the nudge's self-synapse events as synaptic ops), the learning engine's energy
/// and time from its counters and the busiest core's synapses and traces. The phases' latency
/// depends on the step-by-step work and stays as recorded (record a trace of the phases with
/// <c>neuro run</c> on the trained network to re-cost latency); their static energy is the new chip's
/// static power over that recorded time.
/// </summary>
public static class LedgerRecost
{
    public static bool IsLedger(string path)
    {
        if (!path.EndsWith(".json", StringComparison.OrdinalIgnoreCase) || !File.Exists(path))
        {
            return false;
        }

        try
        {
            return JsonNode.Parse(File.ReadAllText(path)) is JsonObject o && o["schema"]?.GetValue<string>() == OnChipReports.LedgerSchema;
        }
        catch (System.Text.Json.JsonException)
        {
            return false;
        }
    }

    /// <summary>Per epoch: the recorded and the re-costed energy (µJ) and time (µs) per training sample, split as the ledger is.</summary>
    public static JsonObject Recost(string path, ChipSpec chip)
    {
        var input = new JsonInput(path);
        var ledger = JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new InvalidInputException(path, "$", "not an object", "a learning ledger");
        var learning = chip.Learning ?? throw new InvalidInputException(chip.Source, "$.learning", "absent",
            $"a chip with a learning engine to re-cost a learning run (chip '{chip.Name}' has none)");
        var tiles = input.RequiredInt(ledger, "$", "tilesInUse");
        var costs = CostTable.FromChip(chip, tiles);
        var learningCosts = LearningCosts.From(learning);
        var busiest = input.RequiredObject(ledger, "$", "busiestCore");
        var busiestSynapses = input.RequiredInt(busiest, "$.busiestCore", "plasticSynapses");
        var busiestTraces = input.RequiredInt(busiest, "$.busiestCore", "traces");
        var rows = new JsonArray();
        var epochs = input.RequiredArray(ledger, "$", "epochs");
        for (var i = 0; i < epochs.Count; i++)
        {
            var path0 = $"$.epochs[{i}]";
            var e = epochs[i] as JsonObject ?? throw input.Error(path0, "not an object", "an epoch object");
            var samples = Math.Max(1, e["samples"]!.GetValue<long>());
            var counters = Counters(input, input.RequiredObject(e, path0, "counters"), $"{path0}.counters");
            var free = Totals(input, input.RequiredObject(e, path0, "freeCounters"), $"{path0}.freeCounters");
            var nudged = Totals(input, input.RequiredObject(e, path0, "nudgedCounters"), $"{path0}.nudgedCounters");
            var freeTimePs = input.RequiredObject(e, path0, "free")["timePs"]!.GetValue<long>();
            var nudgedTimePs = input.RequiredObject(e, path0, "nudged")["timePs"]!.GetValue<long>();
            var learningPs = checked(counters.Epochs * busiestSynapses * learningCosts.SynapticUpdate.LatencyPs
                + (free.Steps + nudged.Steps) * busiestTraces * learningCosts.TraceUpdate.LatencyPs);
            var recosted = new PartCost[]
            {
                new() { DynamicFj = free.DynamicFj(costs), StaticFj = costs.StaticEnergyFj(freeTimePs), TimePs = freeTimePs },
                new() { DynamicFj = checked(nudged.DynamicFj(costs) + counters.NudgeOps * costs.SynapticOp.EnergyFj), StaticFj = costs.StaticEnergyFj(nudgedTimePs), TimePs = nudgedTimePs },
                new()
                {
                    DynamicFj = checked(counters.SynapticUpdates * learningCosts.SynapticUpdate.EnergyFj + counters.TraceUpdates * learningCosts.TraceUpdate.EnergyFj),
                    StaticFj = costs.StaticEnergyFj(learningPs), TimePs = learningPs,
                },
            };
            var parts = new[] { "free", "nudged", "learning" };
            var row = new JsonObject { ["epoch"] = e["epoch"]?.DeepClone(), ["samples"] = samples };
            for (var p = 0; p < parts.Length; p++)
            {
                var recorded = input.RequiredObject(e, path0, parts[p]);
                row[parts[p]] = new JsonObject
                {
                    ["recordedDynamicUj"] = recorded["dynamicFj"]!.GetValue<long>() / 1e9 / samples,
                    ["dynamicUj"] = recosted[p].DynamicFj / 1e9 / samples,
                    ["staticUj"] = recosted[p].StaticFj / 1e9 / samples,
                    ["timeUs"] = recosted[p].TimePs / 1e6 / samples,
                    ["dynamicFj"] = recosted[p].DynamicFj,
                };
            }

            rows.Add(row);
        }

        return new JsonObject
        {
            ["ledger"] = Path.GetFullPath(path),
            ["recordedChip"] = ledger["chip"]?.DeepClone(),
            ["chip"] = chip.Name,
            ["chipHash"] = chip.ContentHash,
            ["epochs"] = rows,
        };
    }

    private static LearningCounters Counters(JsonInput input, JsonObject o, string path) => new()
    {
        SynapticUpdates = Long(input, o, path, "synapticUpdates"),
        TraceUpdates = Long(input, o, path, "traceUpdates"),
        WeightsChanged = Long(input, o, path, "weightsChanged"),
        Epochs = Long(input, o, path, "learningEpochs"),
        NudgeOps = Long(input, o, path, "nudgeOps"),
    };

    private static CounterTotals Totals(JsonInput input, JsonObject o, string path) => new()
    {
        Steps = Long(input, o, path, "steps"),
        SynapticOps = Long(input, o, path, "synapticOps"),
        NeuronsAccessed = Long(input, o, path, "neuronsAccessed"),
        NeuronsUpdated = Long(input, o, path, "neuronsUpdated"),
        NeuronsFired = Long(input, o, path, "neuronsFired"),
        InputSpikes = Long(input, o, path, "inputSpikes"),
        MessagesOut = Long(input, o, path, "messagesOut"),
        MessagesIn = Long(input, o, path, "messagesIn"),
        HopsEast = Long(input, o, path, "hopsEast"),
        HopsWest = Long(input, o, path, "hopsWest"),
        HopsNorth = Long(input, o, path, "hopsNorth"),
        HopsSouth = Long(input, o, path, "hopsSouth"),
    };

    private static long Long(JsonInput input, JsonObject o, string path, string key)
    {
        var value = input.RequiredNumber(o, path, key);
        if (value < 0 || value != Math.Floor(value))
        {
            throw input.Error($"{path}.{key}", JsonInput.Format(value), "a count ≥ 0");
        }

        return (long)value;
    }
}
