using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Neuromorphic.Core.IO;
using Neuromorphic.Core.Statistics;
using Neuromorphic.Learning.Mechanism;
using Neuromorphic.Learning.Models;

namespace Neuromorphic.Workflows.Studies;

/// <summary>The outcome of a mechanism study and its files (<c>mechanism.json</c>, <c>mechanism.md</c>, <c>mechanism.csv</c>).</summary>
public sealed record MechanismReport(string Directory, string Title, MechanismSettings Settings, IReadOnlyList<MechanismMeasurement> Measurements,
    IReadOnlyList<MechanismSummary> Summaries, string ReproduceCommand)
{
    public const string Schema = "neuromorphic.mechanism-summary/1";

    public static MechanismReport Of(string directory, string title, MechanismSettings settings, IReadOnlyList<MechanismMeasurement> measurements, string command) =>
        new(directory, title, settings, measurements, MechanismStudy.Summarise(settings, measurements), command);

    public IReadOnlyList<string> Write()
    {
        System.IO.Directory.CreateDirectory(Directory);
        var files = new List<string>();
        void Save(string name, string text)
        {
            var path = Path.Combine(Directory, name);
            AtomicFile.WriteAllText(path, text);
            files.Add(path);
        }

        Save("mechanism.json", JsonText.Format(ToJson()));
        Save("mechanism.md", Markdown());
        Save("mechanism.csv", Csv());
        return files;
    }

    public JsonObject ToJson() => new()
    {
        ["schema"] = Schema,
        ["title"] = Title,
        ["reproduce"] = ReproduceCommand,
        ["settings"] = new JsonObject
        {
            ["layers"] = string.Join(",", Settings.Layers),
            ["distributions"] = new JsonArray(Settings.Distributions.Select(d => (JsonNode)d.Label).ToArray()),
            ["freeSteps"] = new JsonArray(Settings.FreeSteps.Select(t => (JsonNode)t).ToArray()),
            ["dynamics"] = new JsonArray(Settings.Dynamics.Select(d => (JsonNode)DynamicsNames.Name(d)).ToArray()),
            ["seeds"] = new JsonArray(Settings.Seeds.Select(s => (JsonNode)s).ToArray()),
            ["nudgedSteps"] = Settings.NudgedSteps,
            ["beta"] = Settings.Beta,
            ["samples"] = Settings.Samples,
            ["convergedSteps"] = Settings.ConvergedSteps,
            ["weights"] = Settings.Weights is null ? "initialisation per seed" : Settings.Weights.Name,
        },
        ["summaries"] = new JsonArray(Summaries.Select(s => (JsonNode)new JsonObject
        {
            ["distribution"] = s.Condition.Distribution.Label,
            ["dynamics"] = DynamicsNames.Name(s.Condition.Dynamics),
            ["freeSteps"] = s.Condition.FreeSteps,
            ["seeds"] = s.Seeds,
            ["cosine"] = Interval(s.Cosine),
            ["cosineToFixedPoint"] = Interval(s.CosineToFixedPoint),
            ["cosineMinusHomogeneous"] = s.CosineDifference is { } d ? Interval(d) : null,
            ["wilcoxonP"] = s.DifferenceTest is { } t ? Json.Finite(t.PValue) : null,
            ["normRatio"] = Json.Finite(s.NormRatio.Mean),
            ["freeResidual"] = Json.Finite(s.Residual.Mean),
            ["notConverged"] = Json.Finite(s.NotConverged.Mean),
            ["period2"] = Json.Finite(s.Period2.Mean),
        }).ToArray()),
    };

    private static JsonObject Interval(Interval i) => new() { ["estimate"] = Json.Finite(i.Estimate), ["low"] = Json.Finite(i.Low), ["high"] = Json.Finite(i.High) };

    public string Markdown()
    {
        var sb = new StringBuilder();
        sb.Append("# ").Append(Title).Append("\n\n");
        sb.Append(Inv($"EP update of T1 free and {Settings.NudgedSteps} nudged steps (β = {Settings.Beta}, {Settings.Estimator.ToString().ToLowerInvariant()}) against −∇L of the same T1-step network by BPTT "));
        sb.Append(Inv($"(double precision), on {Settings.Samples} training images per seed, {Settings.Seeds.Count} seeds ("));
        sb.Append(Settings.Weights is null ? "each its own initialisation, images and τ draw" : $"weights of {Settings.Weights.Name}, each seed its images and τ draw");
        sb.Append(Inv($"). \"fixed point\": −∇L by BPTT through {Settings.ConvergedSteps} steps. Cosines: mean [95 % BCa bootstrap CI]; Δ: paired difference from homogeneous (same seed), Wilcoxon p.\n\n"));
        sb.Append("| dynamics | T1 | τ condition | cos(EP, −∇L_T1) | Δ vs homog. | p | cos(EP, −∇L_fixed point) | ‖EP‖/‖∇L_T1‖ | free residual | not converged (%) | period-2 (%) |\n");
        sb.Append("|---|---|---|---|---|---|---|---|---|---|---|\n");
        foreach (var s in Summaries)
        {
            sb.Append(Inv($"| {DynamicsNames.Name(s.Condition.Dynamics)} | {s.Condition.FreeSteps} | {s.Condition.Distribution.Label} | {s.Cosine.Format(1, "0.000")} | "));
            sb.Append(Inv($"{(s.CosineDifference is { } d ? d.Format(1, "0.000") : "–")} | {(s.DifferenceTest is { } t ? P(t) : "–")} | {s.CosineToFixedPoint.Format(1, "0.000")} | "));
            sb.Append(Inv($"{s.NormRatio.Mean:0.00} | {s.Residual.Mean:0.0e0} | {100 * s.NotConverged.Mean:0.0} | {100 * s.Period2.Mean:0.0} |\n"));
        }

        sb.Append("\nReproduce: `").Append(ReproduceCommand).Append("`\n");
        return sb.ToString();
    }

    public string Csv()
    {
        var sb = new StringBuilder("dynamics,free_steps,distribution,spread,seed,cosine,cosine_fixed_point,norm_ratio,loss,free_residual,not_converged,period2\n");
        foreach (var m in Measurements)
        {
            var c = m.Condition;
            sb.Append(string.Join(",", DynamicsNames.Name(c.Dynamics), c.FreeSteps.ToString(CultureInfo.InvariantCulture), c.Distribution.Name,
                c.Distribution.Family == Learning.TimeConstants.TauFamily.Homogeneous ? "" : N(c.Distribution.Spread), m.Seed.ToString(CultureInfo.InvariantCulture),
                N(m.Cosine), N(m.CosineToFixedPoint), N(m.NormRatio), N(m.Loss), N(m.Free.MeanResidual), N(m.Free.NotConvergedShare), N(m.Free.Period2Share))).Append('\n');
        }

        return sb.ToString();
    }

    private static string P(SignedRankResult t) => t.Count == 0 ? "–" : (t.PValue < 0.001 ? t.PValue.ToString("0.0e0", CultureInfo.InvariantCulture) : t.PValue.ToString("0.000", CultureInfo.InvariantCulture)) + (t.Exact ? " e" : "");

    private static string N(double v) => double.IsFinite(v) ? v.ToString("G9", CultureInfo.InvariantCulture) : "";

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
