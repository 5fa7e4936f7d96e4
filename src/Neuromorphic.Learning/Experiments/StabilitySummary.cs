using System.Globalization;
using System.Text;
using Neuromorphic.Learning.Training;

namespace Neuromorphic.Learning.Experiments;

/// <summary>Mean and sample standard deviation (n − 1) of some values; NaN when there are none.</summary>
public readonly record struct Spread(double Mean, double StandardDeviation, int Count)
{
    public static Spread Of(IEnumerable<double> values)
    {
        var list = values.Where(v => !double.IsNaN(v)).ToList();
        if (list.Count == 0)
        {
            return new Spread(double.NaN, double.NaN, 0);
        }

        var mean = list.Average();
        var variance = list.Count > 1 ? list.Sum(v => (v - mean) * (v - mean)) / (list.Count - 1) : 0;
        return new Spread(mean, Math.Sqrt(variance), list.Count);
    }

    /// <summary>"87.12 ± 0.31" with values scaled by <paramref name="scale"/>.</summary>
    public string Format(double scale = 1, string format = "0.00") =>
        double.IsNaN(Mean) ? "–" : $"{(Mean * scale).ToString(format, CultureInfo.InvariantCulture)} ± {(StandardDeviation * scale).ToString(format, CultureInfo.InvariantCulture)}";
}

/// <summary>
/// Stability of one condition over its seeds (src/Neuromorphic.Learning/README.md, "Stability"): final and best
/// test accuracy, collapse rate, drawdown, epoch-to-epoch roughness over the second half, and the
/// equilibrium quality of the last epoch. A run collapses when it diverges, or when after reaching
/// 50 % its test accuracy falls below 50 % or more than 10 points under its running best.
/// </summary>
public sealed record ConditionSummary(
    StabilityCondition Condition,
    int Runs,
    Spread FinalAccuracy,
    Spread BestAccuracy,
    double CollapseRate,
    Spread Drawdown,
    double LargestDrawdown,
    Spread Roughness,
    Spread FreeResidual,
    Spread NudgedResidual,
    Spread NotConverged,
    Spread Period2,
    Spread MeanDt,
    Spread ClippedShare,
    Spread TauCv)
{
    public const double CollapseFloor = 0.5;
    public const double CollapseDrop = 0.10;

    public static ConditionSummary Of(StabilityCondition condition, IReadOnlyList<StabilityRun> runs)
    {
        var finals = runs.Select(r => r.History.Count > 0 ? r.History[^1].TestAccuracy : double.NaN).ToList();
        var bests = runs.Select(r => r.History.Count > 0 ? r.History.Max(h => h.TestAccuracy) : double.NaN).ToList();
        var drawdowns = runs.Select(r => DrawdownOf(r.History)).ToList();
        var last = runs.Where(r => r.History.Count > 0).Select(r => r.History[^1]).ToList();
        return new ConditionSummary(
            condition,
            runs.Count,
            Spread.Of(finals),
            Spread.Of(bests),
            runs.Count == 0 ? double.NaN : (double)runs.Count(Collapsed) / runs.Count,
            Spread.Of(drawdowns),
            drawdowns.Count == 0 ? double.NaN : drawdowns.Max(),
            Spread.Of(runs.Select(r => RoughnessOf(r.History))),
            Spread.Of(last.Select(h => h.FreeResidual)),
            Spread.Of(last.Select(h => h.NudgedResidual)),
            Spread.Of(last.Select(h => h.FreeNotConverged)),
            Spread.Of(last.Select(h => h.FreePeriod2)),
            Spread.Of(runs.Select(r => r.TimeSteps.MeanDt)),
            Spread.Of(runs.Select(r => r.TimeSteps.ClippedShare)),
            Spread.Of(runs.Select(r => r.TimeSteps.TauCoefficientOfVariation)));
    }

    /// <summary>Largest fall of test accuracy below its running best.</summary>
    public static double DrawdownOf(IReadOnlyList<EpochMetrics> history)
    {
        double best = double.NegativeInfinity, worst = 0;
        foreach (var h in history)
        {
            best = Math.Max(best, h.TestAccuracy);
            worst = Math.Max(worst, best - h.TestAccuracy);
        }

        return history.Count == 0 ? double.NaN : worst;
    }

    /// <summary>Mean |Δ test accuracy| from one epoch to the next over the second half of training.</summary>
    public static double RoughnessOf(IReadOnlyList<EpochMetrics> history)
    {
        var start = Math.Max(1, history.Count / 2);
        var steps = Enumerable.Range(start, Math.Max(0, history.Count - start)).Select(e => Math.Abs(history[e].TestAccuracy - history[e - 1].TestAccuracy)).ToList();
        return steps.Count == 0 ? double.NaN : steps.Average();
    }

    public static bool Collapsed(StabilityRun run)
    {
        if (run.Diverged)
        {
            return true;
        }

        var best = double.NegativeInfinity;
        foreach (var h in run.History)
        {
            best = Math.Max(best, h.TestAccuracy);
            if (best >= CollapseFloor && (h.TestAccuracy < CollapseFloor || best - h.TestAccuracy > CollapseDrop))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Column names of <see cref="CsvRow"/>.</summary>
    public static readonly IReadOnlyList<string> CsvColumns =
    [
        "condition", "distribution", "spread", "runs", "final_accuracy_mean", "final_accuracy_std", "best_accuracy_mean", "best_accuracy_std",
        "collapse_rate", "drawdown_mean", "drawdown_max", "roughness_mean", "free_residual_mean", "nudged_residual_mean", "not_converged_mean",
        "period2_mean", "dt_mean", "clipped_share_mean", "tau_cv_mean",
    ];

    public IReadOnlyList<string> CsvRow =>
    [
        Condition.Label, Condition.Distribution.Name, Number(Condition.Distribution.Spread), Runs.ToString(CultureInfo.InvariantCulture),
        Number(FinalAccuracy.Mean), Number(FinalAccuracy.StandardDeviation), Number(BestAccuracy.Mean), Number(BestAccuracy.StandardDeviation),
        Number(CollapseRate), Number(Drawdown.Mean), Number(LargestDrawdown), Number(Roughness.Mean), Number(FreeResidual.Mean),
        Number(NudgedResidual.Mean), Number(NotConverged.Mean), Number(Period2.Mean), Number(MeanDt.Mean), Number(ClippedShare.Mean), Number(TauCv.Mean),
    ];

    public static string Csv(IEnumerable<ConditionSummary> summaries)
    {
        var sb = new StringBuilder(string.Join(",", CsvColumns)).Append('\n');
        foreach (var summary in summaries)
        {
            sb.Append(string.Join(",", summary.CsvRow.Select(v => v.Contains(',') ? $"\"{v}\"" : v))).Append('\n');
        }

        return sb.ToString();
    }

    /// <summary>A Markdown table: one row per condition, accuracies in percent.</summary>
    public static string Markdown(IEnumerable<ConditionSummary> summaries, string title)
    {
        var sb = new StringBuilder();
        sb.Append("# ").Append(title).Append("\n\n");
        sb.Append("| condition | runs | final test acc (%, mean ± SD) | best test acc (%, mean ± SD) | collapse rate | drawdown (pts, mean / max) | roughness (pts) | free residual | not converged (%) | period-2 (%) | mean dt | clipped (%) |\n");
        sb.Append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        foreach (var s in summaries)
        {
            sb.Append(CultureInfo.InvariantCulture,
                $"| {s.Condition.Label} | {s.Runs} | {s.FinalAccuracy.Format(100)} | {s.BestAccuracy.Format(100)} | {Percent(s.CollapseRate)} | {(100 * s.Drawdown.Mean).ToString("0.00", CultureInfo.InvariantCulture)} / {(100 * s.LargestDrawdown).ToString("0.00", CultureInfo.InvariantCulture)} | {(100 * s.Roughness.Mean).ToString("0.00", CultureInfo.InvariantCulture)} | {s.FreeResidual.Mean.ToString("0.0e0", CultureInfo.InvariantCulture)} | {(100 * s.NotConverged.Mean).ToString("0.0", CultureInfo.InvariantCulture)} | {(100 * s.Period2.Mean).ToString("0.0", CultureInfo.InvariantCulture)} | {s.MeanDt.Mean.ToString("0.###", CultureInfo.InvariantCulture)} | {(100 * s.ClippedShare.Mean).ToString("0.0", CultureInfo.InvariantCulture)} |\n");
        }

        sb.Append("\nCollapse: a run diverges, or after reaching 50 % its test accuracy falls below 50 % or more than 10 points under its running best. ");
        sb.Append("Drawdown: largest fall of test accuracy below its running best. Roughness: mean |Δ test accuracy| between epochs over the second half. ");
        sb.Append("Residuals and convergence are those of the last epoch's training minibatches. ");
        sb.Append("± is one standard deviation over the runs (not a standard error or an interval).\n");
        return sb.ToString();
    }

    private static string Percent(double value) => double.IsNaN(value) ? "–" : (100 * value).ToString("0", CultureInfo.InvariantCulture) + " %";

    private static string Number(double value) => double.IsNaN(value) ? "" : value.ToString("G9", CultureInfo.InvariantCulture);
}
