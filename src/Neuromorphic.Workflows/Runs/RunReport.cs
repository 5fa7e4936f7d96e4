using System.Text.Json.Nodes;
using Neuromorphic.Chip;
using Neuromorphic.Chip.Costs;
using Neuromorphic.Chip.Timing;
using Neuromorphic.Simulation;

namespace Neuromorphic.Workflows.Runs;

/// <summary>
/// What a run did, typed: the network and chip it ran, its options, its <see cref="RunSummary"/>
/// and, when the inputs were images of a layered EP network, the float model's accuracy on the same
/// images and how often the chip agreed with it. <see cref="ToJson"/> is the <c>--json</c> summary of
/// <c>neuro run</c>; front ends render the typed properties.
/// </summary>
public sealed record RunReport
{
    public required string Network { get; init; }
    public required string NetworkHash { get; init; }
    public required string Chip { get; init; }
    public required string ChipHash { get; init; }
    public required int Cores { get; init; }
    public required RunOptions Options { get; init; }
    public required string Source { get; init; }

    /// <summary>Dataset index of the first inference (the offset of a test-set slice; 0 otherwise).</summary>
    public int FirstSample { get; init; }
    public required RunSummary Summary { get; init; }
    public required PeriodSource Period { get; init; }

    /// <summary>The chip's static power and how it is known (reports flag totals of chips whose static power is assumed or absent).</summary>
    public required double StaticPowerMw { get; init; }

    public required StaticPowerBasis StaticPowerBasis { get; init; }

    /// <summary>Messages each core's input queue holds in async mode (the chip model's <c>timing.inputQueueMessages</c>).</summary>
    public int InputQueueMessages { get; init; }

    /// <summary>The float model's accuracy on the same images, or null.</summary>
    public double? FloatAccuracy { get; init; }

    /// <summary>Share of inferences where the chip's class equals the float model's, or null.</summary>
    public double? ChipAgreesWithFloat { get; init; }

    /// <summary>Where the trace went, or null.</summary>
    public string? TracePath { get; init; }

    /// <summary>Names of the classes when the inputs were dataset images, else null.</summary>
    public IReadOnlyList<string>? ClassNames { get; init; }

    /// <summary>Builds the report of <paramref name="plan"/> from its summary (compares with the float model when there is one).</summary>
    public static RunReport Of(RunPlan plan, RunSummary summary, string? tracePath = null)
    {
        double? floatAccuracy = null, agree = null;
        if (plan.Float is { } reference && reference.Predictions.Count == summary.Count && summary.Count > 0)
        {
            var same = 0;
            for (var i = 0; i < summary.Count; i++)
            {
                same += reference.Predictions[i] == summary.Inferences[i].Predicted ? 1 : 0;
            }

            floatAccuracy = reference.Accuracy;
            agree = (double)same / summary.Count;
        }

        return new RunReport
        {
            Network = plan.Network.Name,
            NetworkHash = plan.Network.ContentHash,
            Chip = plan.Mapped.Chip.Name,
            ChipHash = plan.Mapped.Chip.ContentHash,
            Cores = plan.Mapped.CoreCount,
            Options = plan.Options,
            Source = plan.Inputs.Source,
            FirstSample = plan.Inputs.FirstSample,
            Summary = summary,
            Period = plan.Period,
            StaticPowerMw = plan.Mapped.Chip.StaticPowerMw,
            StaticPowerBasis = plan.Mapped.Chip.StaticPowerBasis,
            InputQueueMessages = plan.Mapped.Chip.Timing.InputQueueMessages,
            FloatAccuracy = floatAccuracy,
            ChipAgreesWithFloat = agree,
            TracePath = tracePath,
            ClassNames = plan.Inputs.ClassNames,
        };
    }

    /// <summary>Mean counts per inference (input spikes, spikes, synaptic ops, messages).</summary>
    public (double InputSpikes, double Spikes, double SynapticOps, double Messages) PerInference
    {
        get
        {
            var n = Math.Max(1, Summary.Count);
            var t = Summary.Totals;
            return ((double)t.InputSpikes / n, (double)t.NeuronsFired / n, (double)t.SynapticOps / n, (double)t.MessagesOut / n);
        }
    }

    /// <summary>The <c>--json</c> summary of a run.</summary>
    public JsonObject ToJson()
    {
        var summary = Summary;
        var energy = summary.MeanEnergy;
        var per = PerInference;
        var json = new JsonObject
        {
            ["network"] = Network,
            ["networkHash"] = NetworkHash,
            ["chip"] = Chip,
            ["chipHash"] = ChipHash,
            ["cores"] = Cores,
            ["mode"] = RunOptionNames.Mode(Options.Mode),
            ["timing"] = Options.Timing.Name(),
            ["steps"] = Options.Steps,
            ["seed"] = Options.Seed,
            ["ideal"] = Options.Ideal,
            ["encoding"] = RunOptionNames.Encoding(Options.Encoding),
            ["source"] = Source,
            ["offset"] = FirstSample,
            ["inferences"] = summary.Count,
            ["accuracy"] = summary.Labelled == 0 ? null : Math.Round(summary.Accuracy, 6),
            ["energyPerInference"] = EnergyJson(energy),
            ["staticPower"] = new JsonObject { ["mw"] = StaticPowerMw, ["basis"] = StaticPowerBasis.Name() },
            ["latencyPerInference"] = new JsonObject
            {
                ["meanUs"] = Math.Round(summary.MeanLatencyPs / 1e6, 4),
                ["p50Us"] = Math.Round(summary.LatencyP50.TotalMicroseconds, 4),
                ["p99Us"] = Math.Round(summary.LatencyP99.TotalMicroseconds, 4),
                ["meanSteps"] = Math.Round(summary.MeanSteps, 3),
            },
            ["perInference"] = new JsonObject
            {
                ["inputSpikes"] = Math.Round(per.InputSpikes, 2),
                ["spikes"] = Math.Round(per.Spikes, 2),
                ["synapticOps"] = Math.Round(per.SynapticOps, 1),
                ["messages"] = Math.Round(per.Messages, 1),
            },
            ["overruns"] = summary.Overruns,
            ["asyncPeriodNs"] = summary.AsyncPeriodPs is { } periodPs ? Math.Round(periodPs / 1000.0, 3) : null,
            ["async"] = Options.Mode != SyncMode.Async ? null : new JsonObject
            {
                ["periodSource"] = Period == PeriodSource.Given ? "given" : "chip",
                ["inputQueueMessages"] = InputQueueMessages,
                ["stallsPerInference"] = Math.Round(summary.StallsPerInference, 3),
                ["stallUsPerInference"] = Math.Round(summary.StallPsPerInference / 1e6, 4),
                ["lateSpikesPerInference"] = Math.Round(summary.LateSpikesPerInference, 3),
            },
            ["performance"] = new JsonObject
            {
                ["wallSeconds"] = Math.Round(summary.WallSeconds, 3),
                ["threads"] = summary.Threads,
                ["synapticEventsPerSecond"] = Math.Round(summary.SynapticEventsPerSecond),
                ["synapticEventsPerSecondPerThread"] = Math.Round(summary.SynapticEventsPerSecond / summary.Threads),
            },
        };
        if (Options.Realization == NeuronRealization.SigmaDelta)
        {
            json["realization"] = RunOptionNames.Realization(Options.Realization);
            json["deltaThreshold"] = Options.DeltaThreshold;
        }

        if (FloatAccuracy is not null)
        {
            json["floatAccuracy"] = Math.Round(FloatAccuracy.Value, 6);
            json["chipAgreesWithFloat"] = Math.Round(ChipAgreesWithFloat!.Value, 6);
        }

        if (summary.Labelled == 0)
        {
            // Unlabelled inputs (events): what the read-out saw and decided, per inference.
            json["outputs"] = new JsonArray(summary.Inferences.Select(r => (JsonNode)new JsonObject
            {
                ["inference"] = r.Index,
                ["counts"] = new JsonArray(r.OutputCounts.Select(c => (JsonNode)c).ToArray()),
                ["winner"] = r.Predicted,
                ["steps"] = r.Steps,
            }).ToArray());
        }

        return json;
    }

    /// <summary>An energy breakdown as µJ fields (dynamic, static, total, synapse, neuron, network).</summary>
    public static JsonObject EnergyJson(EnergyBreakdown energy) => new()
    {
        ["dynamicUj"] = Uj(energy.Dynamic),
        ["staticUj"] = Uj(energy.Static),
        ["totalUj"] = Uj(energy.Total),
        ["synapseUj"] = Uj(energy.Synapse),
        ["neuronUj"] = Uj(energy.Neuron),
        ["networkUj"] = Uj(energy.Network),
    };

    private static double Uj(Core.Units.Energy energy) => Math.Round(energy.TotalMicrojoules, 6);
}
