using System.Globalization;
using System.Text.Json.Nodes;
using Neuromorphic.Core.Errors;
using Neuromorphic.Core.IO;
using Neuromorphic.Learning.Experiments;
using Neuromorphic.Learning.TimeConstants;
using Neuromorphic.Workflows.Training;

namespace Neuromorphic.Workflows.Studies;

/// <summary>The conditions of a stability study, parsed from "homogeneous,lognormal:0.5,gamma".</summary>
public static class StabilityConditions
{
    /// <summary>
    /// Parses a comma-separated list of distributions, each optionally with its spread
    /// (<c>lognormal:0.5</c>); <paramref name="spreads"/> applies to entries given without one.
    /// Errors name <c>Distributions</c> or <c>Spreads</c>.
    /// </summary>
    public static List<StabilityCondition> Parse(string distributions, string? spreads)
    {
        var spreadList = string.IsNullOrWhiteSpace(spreads)
            ? new List<double?> { null }
            : spreads.Split(',', StringSplitOptions.TrimEntries).Select(s => ParseSpread(s, "Spreads")).ToList();
        var conditions = new List<StabilityCondition>();
        foreach (var entry in distributions.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = entry.Split(':', 2, StringSplitOptions.TrimEntries);
            var given = parts.Length == 2 ? new List<double?> { ParseSpread(parts[1], "Distributions") } : spreadList;
            foreach (var spread in given)
            {
                var distribution = TauDistribution.Parse(parts[0], spread, "Distributions", parts.Length == 2 ? "Distributions" : "Spreads");
                var condition = new StabilityCondition(distribution);
                if (!conditions.Contains(condition))
                {
                    conditions.Add(condition);
                }
            }
        }

        if (conditions.Count == 0)
        {
            throw new InvalidInputException(null, "Distributions", $"\"{distributions}\"", "at least one distribution");
        }

        return conditions;
    }

    /// <summary>Parses one spread value; null when absent. Errors name <paramref name="field"/>.</summary>
    public static double? ParseSpread(string? text, string field)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
        {
            throw new InvalidInputException(null, field, $"\"{text}\"", "a number");
        }

        return value;
    }
}

/// <summary>
/// The outcome of a stability study: one summary per condition, the runs, and the files that hold
/// them (<c>summary.csv</c>, <c>summary.md</c>; plots are drawn by front ends).
/// </summary>
public sealed record StabilityReport(string Directory, string Title, IReadOnlyList<ulong> Seeds, IReadOnlyList<ConditionSummary> Conditions,
    IReadOnlyList<StabilityRun> Runs)
{
    public static StabilityReport Of(string directory, string title, IReadOnlyList<ulong> seeds, IReadOnlyList<StabilityCondition> conditions, IReadOnlyList<StabilityRun> runs) =>
        new(directory, title, seeds, conditions.Select(c => ConditionSummary.Of(c, runs.Where(r => r.Condition == c).ToList())).ToList(), runs);

    /// <summary>Writes summary.csv and summary.md (with the command that reproduces the study).</summary>
    public void WriteSummaries(string reproduceCommand)
    {
        AtomicFile.WriteAllText(Path.Combine(Directory, "summary.csv"), ConditionSummary.Csv(Conditions));
        AtomicFile.WriteAllText(Path.Combine(Directory, "summary.md"), ConditionSummary.Markdown(Conditions, Title) + $"\nReproduce: `{reproduceCommand}`\n");
    }

    /// <summary>The <c>--json</c> summary of a study.</summary>
    public JsonObject ToJson() => new()
    {
        ["directory"] = Path.GetFullPath(Directory),
        ["seeds"] = new JsonArray(Seeds.Select(s => (JsonNode)s).ToArray()),
        ["conditions"] = new JsonArray(Conditions.Select(s => (JsonNode)new JsonObject
        {
            ["label"] = s.Condition.Label,
            ["distribution"] = s.Condition.Distribution.Name,
            ["spread"] = s.Condition.Distribution.Spread,
            ["runs"] = s.Runs,
            ["finalAccuracy"] = new JsonObject { ["mean"] = Json.Finite(s.FinalAccuracy.Mean), ["std"] = Json.Finite(s.FinalAccuracy.StandardDeviation) },
            ["bestAccuracy"] = new JsonObject { ["mean"] = Json.Finite(s.BestAccuracy.Mean), ["std"] = Json.Finite(s.BestAccuracy.StandardDeviation) },
            ["collapseRate"] = Json.Finite(s.CollapseRate),
            ["drawdownMean"] = Json.Finite(s.Drawdown.Mean),
            ["largestDrawdown"] = Json.Finite(s.LargestDrawdown),
            ["roughness"] = Json.Finite(s.Roughness.Mean),
            ["freeResidual"] = Json.Finite(s.FreeResidual.Mean),
            ["nudgedResidual"] = Json.Finite(s.NudgedResidual.Mean),
            ["notConverged"] = Json.Finite(s.NotConverged.Mean),
            ["period2"] = Json.Finite(s.Period2.Mean),
            ["meanDt"] = Json.Finite(s.MeanDt.Mean),
            ["clippedShare"] = Json.Finite(s.ClippedShare.Mean),
        }).ToArray()),
        ["runs"] = new JsonArray(Runs.Select(r => (JsonNode)new JsonObject
        {
            ["condition"] = r.Condition.Label,
            ["seed"] = r.Seed,
            ["diverged"] = r.Diverged,
            ["model"] = r.ModelPath,
            ["metrics"] = r.MetricsPath,
            ["epochs"] = new JsonArray(r.History.Select(h => (JsonNode)TrainingReports.Json(h)).ToArray()),
        }).ToArray()),
    };
}
