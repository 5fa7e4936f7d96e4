using System.Text.Json.Nodes;
using Neuromorphic.Chip.Costs;
using Neuromorphic.Core.Units;
using Neuromorphic.Simulation;
using Neuromorphic.Workflows.Runs;

namespace Neuromorphic.Sweeps.Results;

/// <summary>
/// What a run (or one part of a split run) counted, as exact sums: inferences, correct and agreeing
/// counts, energy by part in integer fJ, latency in integer ps, counters, and the per-inference
/// labels, predictions and latencies in dataset order. Parts merge by addition and concatenation
/// (<see cref="Merge"/>), so the merged parts of a split run equal the unsplit run exactly; every
/// figure of a table derives from these sums the way <see cref="RunSummary"/> derives it.
/// </summary>
public sealed record RunTally
{
    public int Offset { get; init; }
    public int Inferences { get; init; }
    public int Labelled { get; init; }
    public int Correct { get; init; }

    /// <summary>Inferences compared with the float model (0 when the network is not a layered EP model).</summary>
    public int FloatCompared { get; init; }

    public int FloatCorrect { get; init; }
    public int Agree { get; init; }
    public EnergyBreakdown Energy { get; init; }
    public long LatencyPsSum { get; init; }
    public long StepsSum { get; init; }
    public long Overruns { get; init; }
    public long InputSpikes { get; init; }
    public long Spikes { get; init; }
    public long SynapticOps { get; init; }
    public long Messages { get; init; }
    public long? AsyncPeriodPs { get; init; }
    public IReadOnlyList<int> Labels { get; init; } = [];
    public IReadOnlyList<int> Predicted { get; init; } = [];
    public IReadOnlyList<long> LatencyPs { get; init; } = [];

    /// <summary>The tally of a finished run.</summary>
    public static RunTally Of(RunPlan plan, RunReport report)
    {
        var summary = report.Summary;
        var energy = default(EnergyBreakdown);
        var counters = default(CoreStepCounters);
        long latency = 0, steps = 0;
        foreach (var r in summary.Inferences)
        {
            energy.Add(r.Energy);
            counters.Add(r.Totals);
            latency += r.Latency.Picoseconds;
            steps += r.Steps;
        }

        int compared = 0, floatCorrect = 0, agree = 0;
        if (plan.Float is { } reference && reference.Predictions.Count == summary.Count)
        {
            compared = summary.Count;
            for (var i = 0; i < summary.Count; i++)
            {
                floatCorrect += reference.Predictions[i] == reference.Images.Labels[i] ? 1 : 0;
                agree += reference.Predictions[i] == summary.Inferences[i].Predicted ? 1 : 0;
            }
        }

        return new RunTally
        {
            Offset = report.FirstSample,
            Inferences = summary.Count,
            Labelled = summary.Labelled,
            Correct = summary.Correct,
            FloatCompared = compared,
            FloatCorrect = floatCorrect,
            Agree = agree,
            Energy = energy,
            LatencyPsSum = latency,
            StepsSum = steps,
            Overruns = summary.Overruns,
            InputSpikes = counters.InputSpikes,
            Spikes = counters.NeuronsFired,
            SynapticOps = counters.SynapticOps,
            Messages = counters.MessagesOut,
            AsyncPeriodPs = summary.AsyncPeriodPs,
            Labels = summary.Inferences.Select(r => r.Label).ToArray(),
            Predicted = summary.Inferences.Select(r => r.Predicted).ToArray(),
            LatencyPs = summary.Inferences.Select(r => r.Latency.Picoseconds).ToArray(),
        };
    }

    /// <summary>The tally of consecutive parts (in offset order); they must follow each other and share their async period.</summary>
    public static RunTally Merge(IReadOnlyList<RunTally> parts)
    {
        var ordered = parts.OrderBy(p => p.Offset).ToList();
        for (var i = 1; i < ordered.Count; i++)
        {
            if (ordered[i].Offset != ordered[i - 1].Offset + ordered[i - 1].Inferences)
            {
                throw new InvalidDataException($"parts do not follow each other: one ends at {ordered[i - 1].Offset + ordered[i - 1].Inferences}, the next starts at {ordered[i].Offset}");
            }

            if (ordered[i].AsyncPeriodPs != ordered[0].AsyncPeriodPs)
            {
                throw new InvalidDataException($"parts ran with different async periods ({ordered[0].AsyncPeriodPs} and {ordered[i].AsyncPeriodPs} ps)");
            }
        }

        var energy = default(EnergyBreakdown);
        foreach (var p in ordered)
        {
            energy.Add(p.Energy);
        }

        return new RunTally
        {
            Offset = ordered[0].Offset,
            Inferences = ordered.Sum(p => p.Inferences),
            Labelled = ordered.Sum(p => p.Labelled),
            Correct = ordered.Sum(p => p.Correct),
            FloatCompared = ordered.Sum(p => p.FloatCompared),
            FloatCorrect = ordered.Sum(p => p.FloatCorrect),
            Agree = ordered.Sum(p => p.Agree),
            Energy = energy,
            LatencyPsSum = ordered.Sum(p => p.LatencyPsSum),
            StepsSum = ordered.Sum(p => p.StepsSum),
            Overruns = ordered.Sum(p => p.Overruns),
            InputSpikes = ordered.Sum(p => p.InputSpikes),
            Spikes = ordered.Sum(p => p.Spikes),
            SynapticOps = ordered.Sum(p => p.SynapticOps),
            Messages = ordered.Sum(p => p.Messages),
            AsyncPeriodPs = ordered[0].AsyncPeriodPs,
            Labels = ordered.SelectMany(p => p.Labels).ToArray(),
            Predicted = ordered.SelectMany(p => p.Predicted).ToArray(),
            LatencyPs = ordered.SelectMany(p => p.LatencyPs).ToArray(),
        };
    }

    public double Accuracy => Labelled == 0 ? double.NaN : (double)Correct / Labelled;

    public double FloatAccuracy => FloatCompared == 0 ? double.NaN : (double)FloatCorrect / FloatCompared;

    public double Agreement => FloatCompared == 0 ? double.NaN : (double)Agree / FloatCompared;

    /// <summary>Mean energy per inference by part (integer division of the exact sums, as <see cref="RunSummary.MeanEnergy"/>).</summary>
    public EnergyBreakdown MeanEnergy
    {
        get
        {
            var n = Math.Max(1, Inferences);
            return new EnergyBreakdown { SynapseFj = Energy.SynapseFj / n, NeuronFj = Energy.NeuronFj / n, NetworkFj = Energy.NetworkFj / n, StaticFj = Energy.StaticFj / n };
        }
    }

    public double MeanLatencyUs => Inferences == 0 ? 0 : (double)LatencyPsSum / Inferences / 1e6;

    /// <summary>Nearest-rank percentile of per-inference latency, µs.</summary>
    public double LatencyPercentileUs(double p) => SimTime.FromPicoseconds(RunSummary.NearestRank(LatencyPs.Order().ToArray(), p)).TotalMicroseconds;

    /// <summary>The figures of the run, as <c>neuro run --json</c> names them (derived from the sums).</summary>
    public JsonObject Figures()
    {
        var n = Math.Max(1, Inferences);
        return new JsonObject
        {
            ["inferences"] = Inferences,
            ["accuracy"] = Labelled == 0 ? null : Math.Round(Accuracy, 6),
            ["floatAccuracy"] = FloatCompared == 0 ? null : Math.Round(FloatAccuracy, 6),
            ["chipAgreesWithFloat"] = FloatCompared == 0 ? null : Math.Round(Agreement, 6),
            ["energyPerInference"] = RunReport.EnergyJson(MeanEnergy),
            ["latencyPerInference"] = new JsonObject
            {
                ["meanUs"] = Math.Round(MeanLatencyUs, 4),
                ["p50Us"] = Math.Round(LatencyPercentileUs(0.50), 4),
                ["p99Us"] = Math.Round(LatencyPercentileUs(0.99), 4),
                ["meanSteps"] = Math.Round((double)StepsSum / n, 3),
            },
            ["perInference"] = new JsonObject
            {
                ["inputSpikes"] = Math.Round((double)InputSpikes / n, 2),
                ["spikes"] = Math.Round((double)Spikes / n, 2),
                ["synapticOps"] = Math.Round((double)SynapticOps / n, 1),
                ["messages"] = Math.Round((double)Messages / n, 1),
            },
            ["overruns"] = Overruns,
            ["asyncPeriodNs"] = AsyncPeriodPs is { } periodPs ? Math.Round(periodPs / 1000.0, 3) : null,
        };
    }

    public JsonObject ToJson() => new()
    {
        ["offset"] = Offset,
        ["inferences"] = Inferences,
        ["labelled"] = Labelled,
        ["correct"] = Correct,
        ["floatCompared"] = FloatCompared,
        ["floatCorrect"] = FloatCorrect,
        ["agree"] = Agree,
        ["energyFj"] = new JsonObject { ["synapse"] = Energy.SynapseFj, ["neuron"] = Energy.NeuronFj, ["network"] = Energy.NetworkFj, ["static"] = Energy.StaticFj },
        ["latencyPsSum"] = LatencyPsSum,
        ["stepsSum"] = StepsSum,
        ["overruns"] = Overruns,
        ["inputSpikes"] = InputSpikes,
        ["spikes"] = Spikes,
        ["synapticOps"] = SynapticOps,
        ["messages"] = Messages,
        ["asyncPeriodPs"] = AsyncPeriodPs,
        ["labels"] = new JsonArray(Labels.Select(l => (JsonNode)l).ToArray()),
        ["predicted"] = new JsonArray(Predicted.Select(p => (JsonNode)p).ToArray()),
        ["latencyPs"] = new JsonArray(LatencyPs.Select(l => (JsonNode)l).ToArray()),
    };

    public static RunTally FromJson(JsonObject json)
    {
        var energy = json["energyFj"]!.AsObject();
        return new RunTally
        {
            Offset = json["offset"]!.GetValue<int>(),
            Inferences = json["inferences"]!.GetValue<int>(),
            Labelled = json["labelled"]!.GetValue<int>(),
            Correct = json["correct"]!.GetValue<int>(),
            FloatCompared = json["floatCompared"]!.GetValue<int>(),
            FloatCorrect = json["floatCorrect"]!.GetValue<int>(),
            Agree = json["agree"]!.GetValue<int>(),
            Energy = new EnergyBreakdown
            {
                SynapseFj = energy["synapse"]!.GetValue<long>(), NeuronFj = energy["neuron"]!.GetValue<long>(),
                NetworkFj = energy["network"]!.GetValue<long>(), StaticFj = energy["static"]!.GetValue<long>(),
            },
            LatencyPsSum = json["latencyPsSum"]!.GetValue<long>(),
            StepsSum = json["stepsSum"]!.GetValue<long>(),
            Overruns = json["overruns"]!.GetValue<long>(),
            InputSpikes = json["inputSpikes"]!.GetValue<long>(),
            Spikes = json["spikes"]!.GetValue<long>(),
            SynapticOps = json["synapticOps"]!.GetValue<long>(),
            Messages = json["messages"]!.GetValue<long>(),
            AsyncPeriodPs = json["asyncPeriodPs"]?.GetValue<long>(),
            Labels = json["labels"]!.AsArray().Select(n => n!.GetValue<int>()).ToArray(),
            Predicted = json["predicted"]!.AsArray().Select(n => n!.GetValue<int>()).ToArray(),
            LatencyPs = json["latencyPs"]!.AsArray().Select(n => n!.GetValue<long>()).ToArray(),
        };
    }
}
