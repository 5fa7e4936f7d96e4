using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Neuromorphic.Core.Errors;
using Neuromorphic.Core.IO;
using Neuromorphic.Core.Statistics;
using Neuromorphic.Learning.Experiments;
using Neuromorphic.Learning.Models;
using Neuromorphic.Learning.TimeConstants;
using Neuromorphic.Workflows.Training;

namespace Neuromorphic.Workflows.Studies;

/// <summary>The axes of a stability grid parsed from their command-line or spec text; errors name the grid's properties.</summary>
public static class StabilityConditions
{
    /// <summary>
    /// Parses a comma-separated list of distributions, each optionally with its spread
    /// (<c>lognormal:0.5</c>); <paramref name="spreads"/> applies to entries given without one.
    /// Errors name <paramref name="property"/> (default <c>Distributions</c>) or <c>Spreads</c>.
    /// </summary>
    public static List<TauDistribution> Parse(string distributions, string? spreads, string property = "Distributions")
    {
        var spreadList = string.IsNullOrWhiteSpace(spreads)
            ? new List<double?> { null }
            : spreads.Split(',', StringSplitOptions.TrimEntries).Select(s => ParseSpread(s, "Spreads")).ToList();
        var result = new List<TauDistribution>();
        foreach (var entry in distributions.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = entry.Split(':', 2, StringSplitOptions.TrimEntries);
            var given = parts.Length == 2 ? new List<double?> { ParseSpread(parts[1], property) } : spreadList;
            foreach (var spread in given)
            {
                var distribution = TauDistribution.Parse(parts[0], spread, property, parts.Length == 2 ? property : "Spreads");
                if (!result.Contains(distribution))
                {
                    result.Add(distribution);
                }
            }
        }

        if (result.Count == 0)
        {
            throw new InvalidInputException(null, property, $"\"{distributions}\"", "at least one distribution (e.g. homogeneous,lognormal:0.5)");
        }

        return result;
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

    /// <summary>Parses "1,2,4" (learning-rate scales); errors name <c>LearningRateScales</c>.</summary>
    public static List<double> ParseScales(string text) =>
        Items<double>(text, "LearningRateScales", "positive learning-rate scales (e.g. 1,2,4)", s =>
            double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v > 0 && double.IsFinite(v) ? v : null);

    /// <summary>Parses "20,60" (free-phase lengths T1); errors name <c>FreeSteps</c>.</summary>
    public static List<int> ParseSteps(string text) =>
        Items<int>(text, "FreeSteps", "free-phase lengths T1 in 1..100000 (e.g. 20,60)", s =>
            int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v is >= 1 and <= 100_000 ? v : (int?)null);

    /// <summary>Parses "prototypical,energy"; errors name <paramref name="property"/>.</summary>
    public static List<EpDynamics> ParseDynamics(string text, string property = "Dynamics") =>
        Items<EpDynamics>(text, property, "prototypical, energy or both (prototypical,energy)", s =>
            DynamicsNames.Dynamics.Contains(s.ToLowerInvariant()) ? DynamicsNames.ParseDynamics(s) : (EpDynamics?)null);

    private static List<T> Items<T>(string text, string property, string expected, Func<string, T?> parse)
        where T : struct
    {
        var items = new List<T>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var value = parse(part) ?? throw new InvalidInputException(null, property, $"\"{part}\"", expected);
            if (!items.Contains(value))
            {
                items.Add(value);
            }
        }

        if (items.Count == 0)
        {
            throw new InvalidInputException(null, property, $"\"{text}\"", expected);
        }

        return items;
    }
}

/// <summary>
/// The outcome of a stability study: the grid, its runs and their analysis, and the files that
/// hold them (<c>summary.json</c>, <c>summary.md</c>, <c>summary.csv</c>, <c>runs.csv</c>; plots are drawn by front ends).
/// </summary>
public sealed record StabilityReport(string Directory, string Title, StabilityGrid Grid, IReadOnlyList<StabilityRun> Runs, StabilityAnalysis Analysis,
    string ReproduceCommand)
{
    public const string Schema = "neuromorphic.stability-summary/1";

    public static StabilityReport Of(string directory, string title, StabilityGrid grid, IReadOnlyList<StabilityRun> runs, int classes, string reproduceCommand) =>
        new(directory, title, grid, runs, StabilityAnalysis.Of(grid.Cells, runs, classes), reproduceCommand);

    /// <summary>Writes summary.json, summary.md, summary.csv (one row per cell) and runs.csv (one row per run), atomically.</summary>
    public IReadOnlyList<string> WriteSummaries()
    {
        var files = new List<string>();
        void Write(string name, string text)
        {
            var path = Path.Combine(Directory, name);
            AtomicFile.WriteAllText(path, text);
            files.Add(path);
        }

        Write("summary.json", JsonText.Format(ToJson()));
        Write("summary.md", Markdown());
        Write("summary.csv", CellsCsv());
        Write("runs.csv", RunsCsv());
        return files;
    }

    /// <summary>The summary as JSON (<c>--json</c> and <c>summary.json</c>).</summary>
    public JsonObject ToJson()
    {
        var a = Analysis;
        return new JsonObject
        {
            ["schema"] = Schema,
            ["title"] = Title,
            ["directory"] = Path.GetFullPath(Directory),
            ["reproduce"] = ReproduceCommand,
            ["grid"] = new JsonObject
            {
                ["distributions"] = new JsonArray(Grid.Distributions.Select(d => (JsonNode)d.Label).ToArray()),
                ["lrScales"] = new JsonArray(Grid.LearningRateScales.Select(s => (JsonNode)s).ToArray()),
                ["freeSteps"] = new JsonArray(Grid.FreeSteps.Select(s => (JsonNode)s).ToArray()),
                ["dynamics"] = new JsonArray(Grid.Dynamics.Select(d => (JsonNode)DynamicsNames.Name(d)).ToArray()),
                ["seeds"] = new JsonArray(Grid.Seeds.Select(s => (JsonNode)s).ToArray()),
                ["remedyDistributions"] = new JsonArray((Grid.RemedyDistributions ?? []).Select(d => (JsonNode)d.Label).ToArray()),
            },
            ["statistics"] = new JsonObject
            {
                ["interval"] = "95 % BCa bootstrap of the mean over seeds",
                ["resamples"] = Bootstrap.DefaultResamples,
                ["bootstrapSeed"] = a.BootstrapSeed,
                ["collapseInterval"] = "95 % Wilson score",
                ["pairedTest"] = "two-sided Wilcoxon signed-rank (exact without ties or zeros, n ≤ 50; else normal with tie and continuity corrections), Holm-adjusted over the study's comparisons",
                ["varianceTest"] = "Brown-Forsythe (Levene on medians) of final accuracies, condition vs homogeneous",
                ["bands"] = "per epoch: mean test accuracy over seeds with its 95 % BCa bootstrap interval (a band of the mean, not of the runs)",
            },
            ["cells"] = new JsonArray(a.Cells.Select(c => (JsonNode)CellJson(c)).ToArray()),
            ["comparisons"] = new JsonArray(a.Comparisons.Select(c => (JsonNode)ComparisonJson(c)).ToArray()),
            ["remedies"] = new JsonArray(a.Remedies.Select(r => (JsonNode)new JsonObject
            {
                ["cell"] = r.Cell.ToJson(),
                ["baseline"] = r.Baseline.ToJson(),
                ["pairs"] = r.Pairs,
                ["finalDifference"] = IntervalJson(r.FinalDifference),
                ["finalWilcoxonP"] = Json.Finite(r.FinalTest.PValue),
                ["deadRuns"] = r.DeadRunsCell,
                ["deadRunsBaseline"] = r.DeadRunsBaseline,
                ["collapsed"] = r.CollapsedCell,
                ["collapsedBaseline"] = r.CollapsedBaseline,
            }).ToArray()),
            ["runs"] = new JsonArray(a.Outcomes.Select(o => (JsonNode)new JsonObject
            {
                ["cell"] = o.Run.Cell.Label,
                ["slug"] = o.Run.Cell.Slug,
                ["seed"] = o.Run.Seed,
                ["finalAccuracy"] = Json.Finite(o.FinalAccuracy),
                ["bestAccuracy"] = Json.Finite(o.BestAccuracy),
                ["bestEpoch"] = o.BestEpoch,
                ["collapsed"] = o.Collapsed,
                ["collapseEpoch"] = o.CollapseEpoch,
                ["diverged"] = o.Run.Diverged,
                ["divergedInEpoch"] = o.Run.DivergedInEpoch,
                ["drawdown"] = Json.Finite(o.Drawdown),
                ["deadOutputsAtEnd"] = new JsonArray(o.DeadAtEnd.Select(d => (JsonNode)new JsonObject { ["unit"] = d.Unit, ["sinceEpoch"] = d.SinceEpoch }).ToArray()),
                ["deadOutputsEver"] = new JsonArray(o.EverDead.Select(d => (JsonNode)new JsonObject { ["unit"] = d.Unit, ["firstEpoch"] = d.SinceEpoch }).ToArray()),
                ["silentOutputsAtEnd"] = new JsonArray(o.SilentAtEnd.Select(u => (JsonNode)u).ToArray()),
                ["model"] = o.Run.ModelPath,
                ["epochs"] = new JsonArray(o.Run.History.Select(h => (JsonNode)TrainingReports.Json(h)).ToArray()),
            }).ToArray()),
        };
    }

    private static JsonObject CellJson(CellSummary c) => new()
    {
        ["cell"] = c.Cell.ToJson(),
        ["runs"] = c.Runs,
        ["finalAccuracy"] = IntervalJson(c.FinalAccuracy),
        ["finalAccuracySd"] = Json.Finite(c.FinalSd),
        ["bestAccuracy"] = IntervalJson(c.BestAccuracy),
        ["bestAccuracySd"] = Json.Finite(c.BestSd),
        ["collapsed"] = c.Collapsed,
        ["collapseRate"] = IntervalJson(c.CollapseRate),
        ["drawdownMean"] = Json.Finite(c.Drawdown.Mean),
        ["drawdownMax"] = Json.Finite(c.Drawdown.Max),
        ["roughness"] = Json.Finite(c.Roughness.Mean),
        ["freeResidual"] = Json.Finite(c.FreeResidual.Mean),
        ["nudgedResidual"] = Json.Finite(c.NudgedResidual.Mean),
        ["notConverged"] = Json.Finite(c.NotConverged.Mean),
        ["period2"] = Json.Finite(c.Period2.Mean),
        ["meanDt"] = Json.Finite(c.MeanDt.Mean),
        ["clippedShare"] = Json.Finite(c.ClippedShare.Mean),
        ["tauCv"] = Json.Finite(c.TauCv.Mean),
        ["runsWithDeadOutputs"] = c.RunsWithDeadOutputs,
        ["deadOutputsMean"] = Json.Finite(c.DeadOutputs.Mean),
        ["bands"] = new JsonArray(c.Bands.Select(b => (JsonNode)new JsonObject
        {
            ["epoch"] = b.Epoch,
            ["runs"] = b.Runs,
            ["testAccuracy"] = IntervalJson(b.TestAccuracy),
            ["sd"] = Json.Finite(b.StandardDeviation),
        }).ToArray()),
    };

    private static JsonObject ComparisonJson(PairedComparison c) => new()
    {
        ["cell"] = c.Cell.ToJson(),
        ["baseline"] = c.Baseline.ToJson(),
        ["pairs"] = c.Pairs,
        ["finalDifference"] = IntervalJson(c.FinalDifference),
        ["finalWilcoxon"] = TestJson(c.FinalTest, c.FinalHolm),
        ["bestDifference"] = IntervalJson(c.BestDifference),
        ["bestWilcoxon"] = TestJson(c.BestTest, c.BestHolm),
        ["collapsed"] = c.CollapsedCell,
        ["collapsedBaseline"] = c.CollapsedBaseline,
        ["finalSdRatio"] = Json.Finite(c.FinalSdRatio),
        ["brownForsythe"] = new JsonObject
        {
            ["f"] = Json.Finite(c.FinalVariance.Statistic),
            ["df1"] = c.FinalVariance.DegreesOfFreedom1,
            ["df2"] = c.FinalVariance.DegreesOfFreedom2,
            ["p"] = Json.Finite(c.FinalVariance.PValue),
        },
    };

    private static JsonObject TestJson(SignedRankResult t, double holm) => new()
    {
        ["n"] = t.Count,
        ["zeros"] = t.Zeros,
        ["statistic"] = t.Statistic,
        ["p"] = Json.Finite(t.PValue),
        ["exact"] = t.Exact,
        ["holmP"] = Json.Finite(holm),
    };

    private static JsonObject IntervalJson(Interval i) => new()
    {
        ["estimate"] = Json.Finite(i.Estimate),
        ["low"] = Json.Finite(i.Low),
        ["high"] = Json.Finite(i.High),
        ["level"] = i.Level,
    };

    /// <summary>summary.md: the cells, the paired comparisons, the remedy, the dead outputs of every run, and how to read them.</summary>
    public string Markdown()
    {
        var a = Analysis;
        var sb = new StringBuilder();
        sb.Append("# ").Append(Title).Append("\n\n");
        sb.Append(Inv($"Grid: τ {string.Join(", ", Grid.Distributions.Select(d => d.Label))}; lr scale {string.Join(", ", Grid.LearningRateScales.Select(Num))}; "));
        sb.Append(Inv($"T1 {string.Join(", ", Grid.FreeSteps)}; dynamics {string.Join(", ", Grid.Dynamics.Select(DynamicsNames.Name))}; "));
        sb.Append(Inv($"{Grid.Seeds.Count} seeds ({string.Join(", ", Grid.Seeds)}), paired across cells (a seed fixes initialisation, data order and nudging signs; τ comes from its own stream; mean dt matched)"));
        if (Grid.RemedyDistributions is { Count: > 0 } remedy)
        {
            sb.Append(Inv($"; remedy (nudge outside ρ, prototypical) for {string.Join(", ", remedy.Select(d => d.Label))}"));
        }

        sb.Append(Inv($". {Runs.Count} runs.\n\n"));
        sb.Append("## Cells\n\n");
        sb.Append("Accuracies in %: mean [95 % BCa bootstrap CI] and SD over seeds. Collapse: runs collapsed / runs [95 % Wilson CI].\n\n");
        sb.Append("| group | τ condition | n | final acc | SD | best acc | collapsed | drawdown mean / max (pts) | free residual | not conv. (%) | period-2 (%) | mean dt | clipped (%) | runs with dead outputs |\n");
        sb.Append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        foreach (var c in a.Cells)
        {
            sb.Append(Inv($"| {c.Cell.Group.Label} | {c.Cell.Distribution.Label} | {c.Runs} | {c.FinalAccuracy.Format(100)} | {100 * c.FinalSd:0.00} | {c.BestAccuracy.Format(100)} | "));
            sb.Append(Inv($"{c.Collapsed}/{c.Runs} [{100 * c.CollapseRate.Low:0}, {100 * c.CollapseRate.High:0}] % | {100 * c.Drawdown.Mean:0.00} / {100 * c.Drawdown.Max:0.00} | "));
            sb.Append(Inv($"{c.FreeResidual.Mean:0.0e0} | {100 * c.NotConverged.Mean:0.0} | {100 * c.Period2.Mean:0.0} | {c.MeanDt.Mean:0.###} | {100 * c.ClippedShare.Mean:0.0} | {c.RunsWithDeadOutputs} |\n"));
        }

        sb.Append("\n## Paired against homogeneous (same group, same seeds)\n\n");
        sb.Append("Δ = condition − homogeneous in percentage points: mean [95 % BCa bootstrap CI]; p: two-sided Wilcoxon signed-rank (e = exact), ");
        sb.Append("Holm: adjusted over all comparisons of the study; SD ratio and Brown–Forsythe p: spread of final accuracy (a ratio < 1 is a smaller spread under HTS).\n\n");
        sb.Append("| group | τ condition | pairs | Δ final | p | Holm | Δ best | p | Holm | collapsed (cond. / homog.) | SD ratio | BF p |\n");
        sb.Append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        foreach (var c in a.Comparisons)
        {
            sb.Append(Inv($"| {c.Cell.Group.Label} | {c.Cell.Distribution.Label} | {c.Pairs} | {c.FinalDifference.Format(100)} | {P(c.FinalTest)} | {P(c.FinalHolm)} | "));
            sb.Append(Inv($"{c.BestDifference.Format(100)} | {P(c.BestTest)} | {P(c.BestHolm)} | {c.CollapsedCell} / {c.CollapsedBaseline} | {Num(c.FinalSdRatio, "0.00")} | {P(c.FinalVariance.PValue)} |\n"));
        }

        if (a.Comparisons.Count == 0)
        {
            sb.Append("No comparisons: the grid has no homogeneous cell, or no other condition.\n");
        }

        if (a.Remedies.Count > 0)
        {
            sb.Append("\n## Dead-output remedy: nudge outside ρ against inside (prototypical, same seeds), reported apart from the main comparison\n\n");
            sb.Append("| group | τ condition | pairs | Δ final (pts) | p | runs with dead outputs (outside / inside) | collapsed (outside / inside) |\n");
            sb.Append("|---|---|---|---|---|---|---|\n");
            foreach (var r in a.Remedies)
            {
                sb.Append(Inv($"| {r.Baseline.Group.Label} | {r.Cell.Distribution.Label} | {r.Pairs} | {r.FinalDifference.Format(100)} | {P(r.FinalTest)} | {r.DeadRunsCell} / {r.DeadRunsBaseline} | {r.CollapsedCell} / {r.CollapsedBaseline} |\n"));
            }
        }

        sb.Append("\n## Dead outputs per run\n\n");
        var dead = a.Outcomes.Where(o => o.EverDead.Count > 0).ToList();
        if (dead.Count == 0)
        {
            sb.Append("No output unit died in any run.\n");
        }
        else
        {
            sb.Append("A unit is dead in an epoch when it was exactly 0 at the end of every phase of every training sample (its EP learning signal was exactly zero).\n\n");
            sb.Append("| run | seed | dead at the end (unit since epoch) | dead at some epoch (unit from epoch) | silent at the end | final acc (%) | collapsed |\n");
            sb.Append("|---|---|---|---|---|---|---|\n");
            foreach (var o in dead)
            {
                sb.Append(Inv($"| {o.Run.Cell.Label} | {o.Run.Seed} | {Units(o.DeadAtEnd)} | {Units(o.EverDead)} | {(o.SilentAtEnd.Count == 0 ? "–" : string.Join(", ", o.SilentAtEnd))} | "));
                sb.Append(Inv($"{100 * o.FinalAccuracy:0.00} | {(o.Collapsed ? $"epoch {o.CollapseEpoch}" : "no")} |\n"));
            }
        }

        sb.Append("\nCollapse: a run diverges, or after reaching 50 % its test accuracy falls below 50 % or more than 10 points under its running best; ");
        sb.Append("a diverged run's final accuracy counts as chance. Drawdown: largest fall of test accuracy below its running best. ");
        sb.Append("Residuals and convergence are those of the last epoch's training minibatches. ");
        sb.Append(Inv($"Bootstrap: {Bootstrap.DefaultResamples:N0} resamples, seed {a.BootstrapSeed}, each statistic keyed on its own; "));
        sb.Append("Brown–Forsythe treats the paired runs as independent groups (conservative for positively correlated pairs). ");
        sb.Append("Per-epoch bands in the plots are the 95 % bootstrap CI of the mean over seeds.\n\n");
        sb.Append("Reproduce: `").Append(ReproduceCommand).Append("`\n");
        return sb.ToString();
    }

    private static readonly string[] s_cellColumns =
    [
        "dynamics", "nudge", "lr_scale", "free_steps", "distribution", "spread", "runs", "final_mean", "final_low", "final_high", "final_sd", "best_mean", "best_low",
        "best_high", "best_sd", "collapsed", "collapse_low", "collapse_high", "drawdown_mean", "drawdown_max", "free_residual", "not_converged", "period2", "dt_mean",
        "clipped_share", "tau_cv", "runs_with_dead_outputs", "delta_final", "delta_final_low", "delta_final_high", "p_final", "holm_final", "sd_ratio", "bf_p",
    ];

    /// <summary>summary.csv: one row per cell with its comparison against homogeneous (empty for homogeneous cells).</summary>
    public string CellsCsv()
    {
        var sb = new StringBuilder(string.Join(",", s_cellColumns)).Append('\n');
        foreach (var c in Analysis.Cells)
        {
            var comparison = Analysis.Comparisons.FirstOrDefault(p => p.Cell == c.Cell);
            string[] row =
            [
                DynamicsNames.Name(c.Cell.Dynamics), DynamicsNames.Name(c.Cell.Nudge), Csv(c.Cell.LearningRateScale), c.Cell.FreeSteps.ToString(CultureInfo.InvariantCulture),
                c.Cell.Distribution.Name, c.Cell.IsHomogeneous ? "" : Csv(c.Cell.Distribution.Spread), c.Runs.ToString(CultureInfo.InvariantCulture),
                Csv(c.FinalAccuracy.Estimate), Csv(c.FinalAccuracy.Low), Csv(c.FinalAccuracy.High), Csv(c.FinalSd), Csv(c.BestAccuracy.Estimate), Csv(c.BestAccuracy.Low),
                Csv(c.BestAccuracy.High), Csv(c.BestSd), c.Collapsed.ToString(CultureInfo.InvariantCulture), Csv(c.CollapseRate.Low), Csv(c.CollapseRate.High),
                Csv(c.Drawdown.Mean), Csv(c.Drawdown.Max), Csv(c.FreeResidual.Mean), Csv(c.NotConverged.Mean), Csv(c.Period2.Mean), Csv(c.MeanDt.Mean),
                Csv(c.ClippedShare.Mean), Csv(c.TauCv.Mean), c.RunsWithDeadOutputs.ToString(CultureInfo.InvariantCulture),
                Csv(comparison?.FinalDifference.Estimate), Csv(comparison?.FinalDifference.Low), Csv(comparison?.FinalDifference.High),
                Csv(comparison?.FinalTest.PValue), Csv(comparison?.FinalHolm), Csv(comparison?.FinalSdRatio), Csv(comparison?.FinalVariance.PValue),
            ];
            sb.Append(string.Join(",", row)).Append('\n');
        }

        return sb.ToString();
    }

    /// <summary>runs.csv: one row per run.</summary>
    public string RunsCsv()
    {
        var sb = new StringBuilder("dynamics,nudge,lr_scale,free_steps,distribution,spread,seed,final_accuracy,best_accuracy,best_epoch,collapsed,collapse_epoch,diverged,drawdown,dead_at_end,dead_ever,silent_at_end\n");
        foreach (var o in Analysis.Outcomes)
        {
            var cell = o.Run.Cell;
            string[] row =
            [
                DynamicsNames.Name(cell.Dynamics), DynamicsNames.Name(cell.Nudge), Csv(cell.LearningRateScale), cell.FreeSteps.ToString(CultureInfo.InvariantCulture),
                cell.Distribution.Name, cell.IsHomogeneous ? "" : Csv(cell.Distribution.Spread), o.Run.Seed.ToString(CultureInfo.InvariantCulture), Csv(o.FinalAccuracy),
                Csv(o.BestAccuracy), o.BestEpoch.ToString(CultureInfo.InvariantCulture), o.Collapsed ? "1" : "0", o.CollapseEpoch?.ToString(CultureInfo.InvariantCulture) ?? "",
                o.Run.Diverged ? "1" : "0", Csv(o.Drawdown), string.Join(" ", o.DeadAtEnd.Select(d => Inv($"{d.Unit}@{d.SinceEpoch}"))),
                string.Join(" ", o.EverDead.Select(d => Inv($"{d.Unit}@{d.SinceEpoch}"))), string.Join(" ", o.SilentAtEnd),
            ];
            sb.Append(string.Join(",", row)).Append('\n');
        }

        return sb.ToString();
    }

    private static string Units(IReadOnlyList<DeadOutput> units) => units.Count == 0 ? "–" : string.Join(", ", units.Select(d => Inv($"{d.Unit} (epoch {d.SinceEpoch})")));

    private static string P(SignedRankResult test) => test.Count == 0 ? "–" : P(test.PValue) + (test.Exact ? " e" : "");

    private static string P(double p) => double.IsNaN(p) ? "–" : p < 0.001 ? p.ToString("0.0e0", CultureInfo.InvariantCulture) : p.ToString("0.000", CultureInfo.InvariantCulture);

    private static string Num(double value) => value.ToString("0.####", CultureInfo.InvariantCulture);

    private static string Num(double value, string format) => double.IsNaN(value) ? "–" : value.ToString(format, CultureInfo.InvariantCulture);

    private static string Csv(double? value) => value is { } v && double.IsFinite(v) ? v.ToString("G9", CultureInfo.InvariantCulture) : "";

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
