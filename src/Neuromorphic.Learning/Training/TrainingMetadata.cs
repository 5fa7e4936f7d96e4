using System.Reflection;
using System.Text.Json.Nodes;
using Neuromorphic.Core.Data;
using Neuromorphic.Learning.Models;
using Neuromorphic.Learning.TimeConstants;

namespace Neuromorphic.Learning.Training;

/// <summary>
/// The <c>training</c> object of a model file: how to reproduce it, the data, every
/// hyperparameter, the time-constant draw, and the metrics. Wall-clock times are left out so that
/// equal runs write byte-identical files.
/// </summary>
public static class TrainingMetadata
{
    public static JsonObject Build(EpTrainingOptions options, string datasetSpec, Dataset dataset, int trainCount, int testCount,
        TimeStepDraw draw, IReadOnlyList<EpochMetrics> history)
    {
        var layers = new JsonArray();
        foreach (var size in options.Layers)
        {
            layers.Add(size);
        }

        var rates = new JsonArray();
        foreach (var rate in options.LearningRates)
        {
            rates.Add(rate);
        }

        var distribution = options.TimeSteps.Distribution;
        var result = new JsonObject
        {
            ["algorithm"] = "hts-ep",
            ["tool"] = "neuro " + ToolVersion,
            ["command"] = options.ReproduceCommand(datasetSpec),
            ["dataset"] = new JsonObject
            {
                ["spec"] = datasetSpec,
                ["name"] = dataset.Name,
                ["contentHash"] = dataset.ContentHash,
                ["trainImages"] = trainCount,
                ["testImages"] = testCount,
            },
            ["seeds"] = new JsonObject { ["seed"] = options.Seed, ["tauSeed"] = options.EffectiveTauSeed },
            ["hyperparameters"] = new JsonObject
            {
                ["layers"] = layers,
                ["epochs"] = options.Epochs,
                ["batch"] = options.BatchSize,
                ["estimator"] = EpTrainingOptions.EstimatorName(options.Estimator),
                ["beta"] = options.Beta,
                ["freeSteps"] = options.FreeSteps,
                ["nudgedSteps"] = options.NudgedSteps,
                ["optimizer"] = EpTrainingOptions.OptimizerName(options.Optimizer),
                ["learningRates"] = rates,
                ["momentum"] = options.Optimizer == OptimizerKind.Sgd ? options.Momentum : null,
                ["weightDecay"] = options.WeightDecay,
                ["cosineSchedule"] = options.Cosine,
                ["initScale"] = options.InitScale,
                ["activation"] = "hard-sigmoid",
                ["primitive"] = DynamicsNames.Primitive(options.Dynamics),
                ["nudge"] = DynamicsNames.NudgeRecord(options.Dynamics, options.Nudge),
                ["updates"] = "synchronous",
                ["initialState"] = "zero",
            },
            ["timeConstants"] = new JsonObject
            {
                ["distribution"] = distribution.Name,
                ["spread"] = distribution.Family == TauFamily.Homogeneous ? null : distribution.Spread,
                ["spreadParameter"] = TauDistribution.SpreadName(distribution.Family) switch { "σ" => "sigma", var name => name },
                ["targetTauCv"] = distribution.CoefficientOfVariation,
                ["tauCv"] = draw.TauCoefficientOfVariation,
                ["matching"] = options.TimeSteps.Matching == TauMatching.MeanDt ? "mean-dt" : "mean-tau",
                ["dtMeanTarget"] = options.TimeSteps.DtMean,
                ["dtMin"] = options.TimeSteps.DtMin,
                ["dtMax"] = 1.0,
                ["dtMean"] = draw.MeanDt,
                ["tauMean"] = draw.MeanTau,
                ["clippedShare"] = draw.ClippedShare,
                ["clippedLowShare"] = draw.ClippedLowShare,
                ["clippedHighShare"] = draw.ClippedHighShare,
            },
            ["epochsCompleted"] = history.Count,
        };

        if (history.Count > 0)
        {
            result["final"] = EpochJson(history[^1]);
            var best = history.Where(h => !double.IsNaN(h.TestAccuracy)).MaxBy(h => h.TestAccuracy);
            if (best is not null)
            {
                result["best"] = new JsonObject { ["epoch"] = best.Epoch, ["testAccuracy"] = best.TestAccuracy };
            }
        }

        var rows = new JsonArray();
        foreach (var metrics in history)
        {
            rows.Add(EpochJson(metrics));
        }

        result["history"] = rows;
        return result;
    }

    private static string ToolVersion =>
        typeof(TrainingMetadata).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion?.Split('+')[0] ?? "0.0.0";

    /// <summary>One epoch's metrics as a model file's <c>training.history</c> holds them: no wall-clock times; dead and silent outputs only when there are any.</summary>
    public static JsonObject EpochJson(EpochMetrics m)
    {
        var json = DeterministicMetrics(m);
        if (m.DeadOutputs.Count > 0)
        {
            json["deadOutputs"] = new JsonArray(m.DeadOutputs.Select(c => (JsonNode)c).ToArray());
        }

        if (m.SilentOutputs.Count > 0)
        {
            json["silentOutputs"] = new JsonArray(m.SilentOutputs.Select(c => (JsonNode)c).ToArray());
        }

        return json;
    }

    /// <summary>
    /// The per-epoch metrics of a model file's <c>training.history</c> (wall-clock times are not
    /// recorded there and read as 0; missing values as NaN; dead and silent outputs as empty).
    /// </summary>
    public static IReadOnlyList<EpochMetrics> ReadHistory(JsonObject? training)
    {
        if (training?["history"] is not JsonArray rows)
        {
            return [];
        }

        return rows.OfType<JsonObject>().Select(EpochFromJson).ToList();
    }

    /// <summary>
    /// One epoch's metrics from JSON written by <see cref="EpochJson"/> or by the reports of
    /// training results: missing or null values as NaN, no dead or silent outputs when left out,
    /// wall-clock times as 0 when left out.
    /// </summary>
    public static EpochMetrics EpochFromJson(JsonObject row)
    {
        double Value(string key) => row[key] is JsonValue v && v.TryGetValue<double>(out var d) ? d : double.NaN;
        double Seconds(string key) => row.ContainsKey(key) ? Value(key) : 0;
        int[] Units(string key) => row[key] is JsonArray a ? a.Select(n => n!.GetValue<int>()).ToArray() : [];
        return new EpochMetrics
        {
            Epoch = row["epoch"]!.GetValue<int>(),
            TrainAccuracy = Value("trainAccuracy"),
            TrainLoss = Value("trainLoss"),
            TestAccuracy = Value("testAccuracy"),
            TestLoss = Value("testLoss"),
            FreeResidual = Value("freeResidual"),
            NudgedResidual = Value("nudgedResidual"),
            FreeNotConverged = Value("freeNotConverged"),
            NudgedNotConverged = Value("nudgedNotConverged"),
            FreePeriod2 = Value("freePeriod2"),
            NudgedPeriod2 = Value("nudgedPeriod2"),
            TestResidual = Value("testResidual"),
            TestNotConverged = Value("testNotConverged"),
            LearningRateScale = Value("learningRateScale"),
            DeadOutputs = Units("deadOutputs"),
            SilentOutputs = Units("silentOutputs"),
            EpochSeconds = Seconds("epochSeconds"),
            TrainSeconds = Seconds("trainSeconds"),
            SamplesPerSecond = Seconds("samplesPerSecond"),
        };
    }

    private static JsonObject DeterministicMetrics(EpochMetrics m) => new()
    {
        ["epoch"] = m.Epoch,
        ["trainAccuracy"] = Value(m.TrainAccuracy),
        ["trainLoss"] = Value(m.TrainLoss),
        ["testAccuracy"] = Value(m.TestAccuracy),
        ["testLoss"] = Value(m.TestLoss),
        ["freeResidual"] = Value(m.FreeResidual),
        ["nudgedResidual"] = Value(m.NudgedResidual),
        ["freeNotConverged"] = Value(m.FreeNotConverged),
        ["nudgedNotConverged"] = Value(m.NudgedNotConverged),
        ["freePeriod2"] = Value(m.FreePeriod2),
        ["nudgedPeriod2"] = Value(m.NudgedPeriod2),
        ["testResidual"] = Value(m.TestResidual),
        ["testNotConverged"] = Value(m.TestNotConverged),
        ["learningRateScale"] = Value(m.LearningRateScale),
    };

    private static JsonNode? Value(double value) => double.IsFinite(value) ? JsonValue.Create(value) : null;
}
