using System.Text.Json.Nodes;
using Neuromorphic.Learning.Training;

namespace Neuromorphic.Workflows.Training;

/// <summary>JSON of training results, shared by <c>train</c>, studies and sweeps.</summary>
public static class TrainingReports
{
    /// <summary>One epoch's metrics (non-finite values as null); the wall-clock times only with <paramref name="times"/>.</summary>
    public static JsonObject Json(EpochMetrics m, bool times = true)
    {
        var json = Deterministic(m);
        if (times)
        {
            json["epochSeconds"] = m.EpochSeconds;
            json["trainSeconds"] = m.TrainSeconds;
            json["samplesPerSecond"] = m.SamplesPerSecond;
        }

        return json;
    }

    private static JsonObject Deterministic(EpochMetrics m) => new()
    {
        ["epoch"] = m.Epoch,
        ["trainAccuracy"] = Workflows.Json.Finite(m.TrainAccuracy),
        ["trainLoss"] = Workflows.Json.Finite(m.TrainLoss),
        ["testAccuracy"] = Workflows.Json.Finite(m.TestAccuracy),
        ["testLoss"] = Workflows.Json.Finite(m.TestLoss),
        ["freeResidual"] = Workflows.Json.Finite(m.FreeResidual),
        ["nudgedResidual"] = Workflows.Json.Finite(m.NudgedResidual),
        ["freeNotConverged"] = Workflows.Json.Finite(m.FreeNotConverged),
        ["nudgedNotConverged"] = Workflows.Json.Finite(m.NudgedNotConverged),
        ["freePeriod2"] = Workflows.Json.Finite(m.FreePeriod2),
        ["nudgedPeriod2"] = Workflows.Json.Finite(m.NudgedPeriod2),
        ["testResidual"] = Workflows.Json.Finite(m.TestResidual),
        ["testNotConverged"] = Workflows.Json.Finite(m.TestNotConverged),
        ["learningRateScale"] = m.LearningRateScale,
        ["deadOutputs"] = new JsonArray(m.DeadOutputs.Select(c => (JsonNode)c).ToArray()),
        ["silentOutputs"] = new JsonArray(m.SilentOutputs.Select(c => (JsonNode)c).ToArray()),
    };

    /// <summary>Reads metrics written by <see cref="Json"/> (missing or null values as NaN, times as 0 when left out).</summary>
    public static EpochMetrics FromJson(JsonObject json) => TrainingMetadata.EpochFromJson(json);
}
