using Neuromorphic.Core.Statistics;
using Neuromorphic.Learning.Training;

namespace Neuromorphic.Learning.Experiments;

/// <summary>An output unit that was dead (no EP learning signal) from <see cref="SinceEpoch"/> on.</summary>
public readonly record struct DeadOutput(int Unit, int SinceEpoch);

/// <summary>
/// What one run did, judged by the rules of src/Neuromorphic.Learning/README.md ("Stability study"):
/// final and best test accuracy (a diverged run's final accuracy is chance, 1/classes), collapse
/// and the epoch it happened, drawdown, roughness, the last epoch's equilibrium quality, and its
/// dead outputs: those dead in the last epoch (since the epoch their last dead streak began) and
/// every unit dead in any epoch (since its first).
/// </summary>
public sealed record RunOutcome(
    StabilityRun Run,
    double FinalAccuracy,
    double BestAccuracy,
    int BestEpoch,
    bool Collapsed,
    int? CollapseEpoch,
    double Drawdown,
    double Roughness,
    IReadOnlyList<DeadOutput> DeadAtEnd,
    IReadOnlyList<DeadOutput> EverDead,
    IReadOnlyList<int> SilentAtEnd)
{
    public const double CollapseFloor = 0.5;
    public const double CollapseDrop = 0.10;

    public EpochMetrics? Last => Run.History.Count > 0 ? Run.History[^1] : null;

    public static RunOutcome Of(StabilityRun run, int classes)
    {
        var history = run.History;
        var tested = history.Where(h => !double.IsNaN(h.TestAccuracy)).ToList();
        var best = tested.Count > 0 ? tested.MaxBy(h => h.TestAccuracy)! : null;
        var final = run.Diverged ? 1.0 / classes : history.Count > 0 ? history[^1].TestAccuracy : double.NaN;
        var (collapsed, collapseEpoch) = CollapseOf(run);
        var deadAtEnd = new List<DeadOutput>();
        if (history.Count > 0)
        {
            foreach (var unit in history[^1].DeadOutputs)
            {
                var since = history.Count;
                while (since > 1 && history[since - 2].DeadOutputs.Contains(unit))
                {
                    since--;
                }

                deadAtEnd.Add(new DeadOutput(unit, history[since - 1].Epoch));
            }
        }

        var ever = history.SelectMany(h => h.DeadOutputs.Select(u => new DeadOutput(u, h.Epoch))).GroupBy(d => d.Unit).Select(g => g.MinBy(d => d.SinceEpoch))
            .OrderBy(d => d.Unit).ToList();
        return new RunOutcome(run, final, best?.TestAccuracy ?? double.NaN, best?.Epoch ?? 0, collapsed, collapseEpoch, DrawdownOf(history), RoughnessOf(history),
            deadAtEnd, ever, history.Count > 0 ? history[^1].SilentOutputs : []);
    }

    /// <summary>Collapsed: diverged, or after reaching 50 % the test accuracy fell below 50 % or more than 10 points under its running best.</summary>
    public static (bool Collapsed, int? Epoch) CollapseOf(StabilityRun run)
    {
        var best = double.NegativeInfinity;
        foreach (var h in run.History)
        {
            best = Math.Max(best, h.TestAccuracy);
            if (best >= CollapseFloor && (h.TestAccuracy < CollapseFloor || best - h.TestAccuracy > CollapseDrop))
            {
                return (true, h.Epoch);
            }
        }

        return run.Diverged ? (true, run.DivergedInEpoch) : (false, null);
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
}

/// <summary>The mean test accuracy of a cell's runs after one epoch, with its 95 % bootstrap interval over seeds (a band of the mean, not of the runs).</summary>
public readonly record struct EpochBand(int Epoch, int Runs, Interval TestAccuracy, double StandardDeviation);

/// <summary>
/// One cell over its seeds: mean and 95 % BCa bootstrap interval of final and best test accuracy
/// (with the SD over seeds), collapses with their Wilson interval, drawdown and roughness, the
/// last epoch's residuals and convergence, the realized time steps, dead outputs, and per-epoch bands.
/// </summary>
public sealed record CellSummary(
    StabilityCell Cell,
    int Runs,
    Interval FinalAccuracy,
    double FinalSd,
    Interval BestAccuracy,
    double BestSd,
    int Collapsed,
    Interval CollapseRate,
    Descriptive Drawdown,
    Descriptive Roughness,
    Descriptive FreeResidual,
    Descriptive NudgedResidual,
    Descriptive NotConverged,
    Descriptive Period2,
    Descriptive MeanDt,
    Descriptive ClippedShare,
    Descriptive TauCv,
    int RunsWithDeadOutputs,
    Descriptive DeadOutputs,
    IReadOnlyList<EpochBand> Bands);

/// <summary>
/// A τ condition against the homogeneous cell of its group, runs paired by seed: the mean
/// difference (condition − homogeneous) of final and best test accuracy with a 95 % BCa bootstrap
/// interval, the Wilcoxon signed-rank p-value and its Holm adjustment over every comparison of the
/// study, collapses on each side, and the Brown–Forsythe test of equal spread of final accuracies
/// with the SD ratio (condition / homogeneous).
/// </summary>
public sealed record PairedComparison(
    StabilityCell Cell,
    StabilityCell Baseline,
    int Pairs,
    Interval FinalDifference,
    SignedRankResult FinalTest,
    double FinalHolm,
    Interval BestDifference,
    SignedRankResult BestTest,
    double BestHolm,
    int CollapsedCell,
    int CollapsedBaseline,
    FTestResult FinalVariance,
    double FinalSdRatio);

/// <summary>The dead-output remedy (nudge outside ρ) against the same cell with the nudge inside, paired by seed.</summary>
public sealed record RemedyComparison(
    StabilityCell Cell,
    StabilityCell Baseline,
    int Pairs,
    Interval FinalDifference,
    SignedRankResult FinalTest,
    int DeadRunsCell,
    int DeadRunsBaseline,
    int CollapsedCell,
    int CollapsedBaseline);

/// <summary>The statistics of a whole study, computed from its runs (src/Neuromorphic.Learning/README.md, "Stability study").</summary>
public sealed record StabilityAnalysis(
    IReadOnlyList<CellSummary> Cells,
    IReadOnlyList<PairedComparison> Comparisons,
    IReadOnlyList<RemedyComparison> Remedies,
    IReadOnlyList<RunOutcome> Outcomes,
    ulong BootstrapSeed)
{
    /// <summary>The seed of every bootstrap in a study's report (each statistic has its own key).</summary>
    public const ulong DefaultBootstrapSeed = 20_260_303;

    /// <summary>
    /// Summarises <paramref name="runs"/> per cell of <paramref name="cells"/> and compares each
    /// heterogeneous cell with the homogeneous cell of its group, and each remedy cell with its
    /// inside-nudge twin, over the seeds both have. <paramref name="classes"/> sets the chance
    /// accuracy of diverged runs. Deterministic: bootstraps are keyed by cell and statistic.
    /// </summary>
    public static StabilityAnalysis Of(IReadOnlyList<StabilityCell> cells, IReadOnlyList<StabilityRun> runs, int classes, ulong bootstrapSeed = DefaultBootstrapSeed)
    {
        var outcomes = runs.Select(r => RunOutcome.Of(r, classes)).ToList();
        var byCell = cells.ToDictionary(c => c, c => outcomes.Where(o => o.Run.Cell == c).OrderBy(o => o.Run.Seed).ToList());
        var summaries = cells.Select((c, i) => Summarise(c, byCell[c], bootstrapSeed, (ulong)i)).ToList();

        var pairs = new List<(StabilityCell Cell, StabilityCell Baseline, List<(RunOutcome A, RunOutcome B)> Pairs, int Index)>();
        for (var i = 0; i < cells.Count; i++)
        {
            var cell = cells[i];
            if (!cell.IsHomogeneous && cell.Nudge == Models.OutputNudge.Inside && byCell.TryGetValue(cell.Baseline, out var baseline))
            {
                pairs.Add((cell, cell.Baseline, Pair(byCell[cell], baseline), i));
            }
        }

        var finalTests = pairs.Select(p => SignedRankTest.Of(p.Pairs.Select(x => x.A.FinalAccuracy - x.B.FinalAccuracy))).ToList();
        var bestTests = pairs.Select(p => SignedRankTest.Of(p.Pairs.Select(x => x.A.BestAccuracy - x.B.BestAccuracy))).ToList();
        var finalHolm = MultipleComparisons.Holm(finalTests.Select(t => t.Count == 0 ? double.NaN : t.PValue).ToList());
        var bestHolm = MultipleComparisons.Holm(bestTests.Select(t => t.Count == 0 ? double.NaN : t.PValue).ToList());
        var comparisons = new List<PairedComparison>();
        for (var j = 0; j < pairs.Count; j++)
        {
            var (cell, baseline, paired, index) = pairs[j];
            var key = 1000 + 16 * (ulong)index;
            var finalsA = paired.Select(p => p.A.FinalAccuracy).ToArray();
            var finalsB = paired.Select(p => p.B.FinalAccuracy).ToArray();
            var sdB = Descriptive.Of(finalsB).StandardDeviation;
            comparisons.Add(new PairedComparison(cell, baseline, paired.Count,
                Bootstrap.Mean(paired.Select(p => p.A.FinalAccuracy - p.B.FinalAccuracy).ToList(), bootstrapSeed, key), finalTests[j], finalHolm[j],
                Bootstrap.Mean(paired.Select(p => p.A.BestAccuracy - p.B.BestAccuracy).ToList(), bootstrapSeed, key + 1), bestTests[j], bestHolm[j],
                paired.Count(p => p.A.Collapsed), paired.Count(p => p.B.Collapsed),
                VarianceTest.BrownForsythe([finalsA, finalsB]),
                sdB > 0 ? Descriptive.Of(finalsA).StandardDeviation / sdB : double.NaN));
        }

        var remedies = new List<RemedyComparison>();
        for (var i = 0; i < cells.Count; i++)
        {
            var cell = cells[i];
            if (cell.Nudge != Models.OutputNudge.Outside || !byCell.TryGetValue(cell.WithoutRemedy, out var inside))
            {
                continue;
            }

            var paired = Pair(byCell[cell], inside);
            remedies.Add(new RemedyComparison(cell, cell.WithoutRemedy, paired.Count,
                Bootstrap.Mean(paired.Select(p => p.A.FinalAccuracy - p.B.FinalAccuracy).ToList(), bootstrapSeed, 5000 + 16 * (ulong)i),
                SignedRankTest.Of(paired.Select(p => p.A.FinalAccuracy - p.B.FinalAccuracy)),
                paired.Count(p => p.A.DeadAtEnd.Count > 0), paired.Count(p => p.B.DeadAtEnd.Count > 0),
                paired.Count(p => p.A.Collapsed), paired.Count(p => p.B.Collapsed)));
        }

        return new StabilityAnalysis(summaries, comparisons, remedies, outcomes, bootstrapSeed);
    }

    private static List<(RunOutcome A, RunOutcome B)> Pair(List<RunOutcome> cell, List<RunOutcome> baseline)
    {
        var bySeed = baseline.ToDictionary(o => o.Run.Seed);
        return cell.Where(o => bySeed.ContainsKey(o.Run.Seed)).Select(o => (o, bySeed[o.Run.Seed])).ToList();
    }

    private static CellSummary Summarise(StabilityCell cell, List<RunOutcome> outcomes, ulong seed, ulong index)
    {
        var key = 16 * index;
        var finals = outcomes.Select(o => o.FinalAccuracy).ToList();
        var bests = outcomes.Select(o => o.BestAccuracy).ToList();
        var last = outcomes.Select(o => o.Last).OfType<EpochMetrics>().ToList();
        var collapsed = outcomes.Count(o => o.Collapsed);
        var epochs = outcomes.Count == 0 ? 0 : outcomes.Max(o => o.Run.History.Count);
        var bands = new List<EpochBand>();
        for (var e = 0; e < epochs; e++)
        {
            var values = outcomes.Where(o => o.Run.History.Count > e).Select(o => o.Run.History[e].TestAccuracy).Where(double.IsFinite).ToList();
            bands.Add(new EpochBand(e + 1, values.Count, Bootstrap.Mean(values, seed, 100_000 + 100 * index + (ulong)e), Descriptive.Of(values).StandardDeviation));
        }

        return new CellSummary(cell, outcomes.Count,
            Bootstrap.Mean(finals, seed, key), Descriptive.Of(finals).StandardDeviation,
            Bootstrap.Mean(bests, seed, key + 1), Descriptive.Of(bests).StandardDeviation,
            collapsed, Proportion.Wilson(collapsed, outcomes.Count),
            Descriptive.Of(outcomes.Select(o => o.Drawdown)), Descriptive.Of(outcomes.Select(o => o.Roughness)),
            Descriptive.Of(last.Select(h => h.FreeResidual)), Descriptive.Of(last.Select(h => h.NudgedResidual)),
            Descriptive.Of(last.Select(h => h.FreeNotConverged)), Descriptive.Of(last.Select(h => h.FreePeriod2)),
            Descriptive.Of(outcomes.Select(o => o.Run.TimeSteps.MeanDt)), Descriptive.Of(outcomes.Select(o => o.Run.TimeSteps.ClippedShare)),
            Descriptive.Of(outcomes.Select(o => o.Run.TimeSteps.TauCv)),
            outcomes.Count(o => o.DeadAtEnd.Count > 0), Descriptive.Of(outcomes.Select(o => (double)o.DeadAtEnd.Count)), bands);
    }
}
