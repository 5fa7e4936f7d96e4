using System.Globalization;
using Neuromorphic.Learning.Experiments;
using Neuromorphic.Learning.Models;
using Neuromorphic.Learning.Training;
using Neuromorphic.Workflows.Studies;

namespace Neuromorphic.Cli.Plotting;

/// <summary>
/// The plots of a stability study: for every dynamics and T1, final accuracy, collapse probability
/// and the paired difference against homogeneous as functions of the learning-rate scale (one line
/// per τ condition, with intervals); for every group, the per-epoch test accuracy with the bootstrap
/// band of the mean.
/// </summary>
public static class StudyPlots
{
    public const string IntervalNote = "bars: 95 % BCa bootstrap CI of the mean over seeds";

    /// <summary>Writes every plot into <paramref name="directory"/> and returns their paths.</summary>
    public static IReadOnlyList<string> Write(string directory, StabilityReport report, EpTrainingOptions baseOptions)
    {
        var files = new List<string>();
        var analysis = report.Analysis;
        var main = analysis.Cells.Where(c => c.Cell.Nudge == OutputNudge.Inside).ToList();
        var rates = string.Join(", ", baseOptions.LearningRates.Select(r => r.ToString("0.####", CultureInfo.InvariantCulture)));
        var xLabel = $"learning-rate scale (× base rates {rates})";
        foreach (var panel in main.GroupBy(c => (c.Cell.Dynamics, c.Cell.FreeSteps)))
        {
            var (dynamics, steps) = panel.Key;
            var suffix = $"{DynamicsNames.Name(dynamics)}-t{steps.ToString(CultureInfo.InvariantCulture)}";
            var context = $"{DynamicsNames.Name(dynamics)} dynamics, T1 = {steps}";
            var conditions = panel.GroupBy(c => c.Cell.Distribution).ToList();

            var final = Path.Combine(directory, $"final-accuracy-{suffix}.png");
            Charts.IntervalLines(final, $"Final test accuracy ({context})", xLabel, "final test accuracy (%)",
                conditions.Select(g => Series(g.Key.Label, g, c => Charts.Of(c.FinalAccuracy), 100)).ToList(), log2X: true, note: IntervalNote);
            files.Add(final);

            var collapse = Path.Combine(directory, $"collapse-{suffix}.png");
            Charts.IntervalLines(collapse, $"Collapse probability ({context})", xLabel, "runs collapsed (%)",
                conditions.Select(g => Series(g.Key.Label, g, c => Charts.Of(c.CollapseRate), 100)).ToList(), log2X: true,
                note: "bars: 95 % Wilson score interval of the collapse rate", yMin: -5, yMax: 105);
            files.Add(collapse);

            var comparisons = analysis.Comparisons.Where(p => p.Cell.Dynamics == dynamics && p.Cell.FreeSteps == steps && p.Cell.Nudge == OutputNudge.Inside)
                .GroupBy(p => p.Cell.Distribution).ToList();
            if (comparisons.Count > 0)
            {
                var delta = Path.Combine(directory, $"delta-final-{suffix}.png");
                Charts.IntervalLines(delta, $"Final accuracy minus homogeneous, paired by seed ({context})", xLabel, "Δ final test accuracy (percentage points)",
                    comparisons.Select(g => new IntervalSeries(g.Key.Label, g.Select(p => p.Cell.LearningRateScale).ToArray(),
                        g.Select(p => Scale(Charts.Of(p.FinalDifference), 100)).ToArray())).ToList(), log2X: true,
                    note: "bars: 95 % BCa bootstrap CI of the mean paired difference; 0 = no difference");
                files.Add(delta);
            }
        }

        foreach (var group in analysis.Cells.GroupBy(c => c.Cell.Group))
        {
            var g = group.Key;
            var name = $"accuracy-{DynamicsNames.Name(g.Dynamics)}-lr{g.LearningRateScale.ToString("0.####", CultureInfo.InvariantCulture)}-t{g.FreeSteps}" +
                       (g.Nudge == OutputNudge.Outside ? "-outside" : "") + ".png";
            var series = group.Where(c => c.Bands.Count > 0).Select(c => new LineSeries($"{c.Cell.Distribution.Label} (n = {c.Runs})",
                c.Bands.Select(b => (double)b.Epoch).ToArray(), c.Bands.Select(b => 100 * b.TestAccuracy.Estimate).ToArray(),
                c.Bands.Select(b => 100 * Or(b.TestAccuracy.Low, b.TestAccuracy.Estimate)).ToArray(),
                c.Bands.Select(b => 100 * Or(b.TestAccuracy.High, b.TestAccuracy.Estimate)).ToArray(), "95 % bootstrap CI of the mean over seeds")).ToList();
            if (series.Count == 0)
            {
                continue;
            }

            var path = Path.Combine(directory, name);
            Charts.Lines(path, $"Test accuracy per epoch ({g.Label})", "epoch", "test accuracy (%, mean over seeds)", series, integerX: true);
            files.Add(path);
        }

        return files;
    }

    /// <summary>One bar chart per chip: the accuracy loss (float − chip) of the HTS and homogeneous models of every group, with intervals.</summary>
    public static IReadOnlyList<string> WriteChip(string directory, IReadOnlyList<ChipComparisonSummary> summaries, string htsLabel)
    {
        var files = new List<string>();
        foreach (var chip in summaries.GroupBy(s => s.Chip))
        {
            var categories = new List<string>();
            var values = new List<Estimate>();
            foreach (var s in chip)
            {
                var dynamics = s.Group.Split(',')[0];
                categories.Add($"{dynamics} homogeneous");
                values.Add(Scale(Charts.Of(s.BaselineLoss), 100));
                categories.Add($"{dynamics} {htsLabel}");
                values.Add(Scale(Charts.Of(s.HtsLoss), 100));
            }

            var name = $"chip-loss-{chip.Key.Chip}-{Workflows.Runs.RunOptionNames.Mode(chip.Key.Mode)}.png".Replace('/', '_');
            var path = Path.Combine(directory, name);
            var pairs = chip.Max(s => s.Pairs);
            Charts.BarsWithIntervals(path, $"Accuracy lost on {chip.Key.Label} ({pairs} instances)", "float − chip test accuracy (percentage points)", categories, values,
                "0.00", $"bars: 95 % BCa bootstrap CI of the mean over {pairs} chip instances");
            files.Add(path);
        }

        return files;
    }

    private static IntervalSeries Series(string label, IEnumerable<CellSummary> cells, Func<CellSummary, Estimate> value, double scale)
    {
        var ordered = cells.OrderBy(c => c.Cell.LearningRateScale).ToList();
        return new IntervalSeries(label, ordered.Select(c => c.Cell.LearningRateScale).ToArray(), ordered.Select(c => Scale(value(c), scale)).ToArray());
    }

    private static Estimate Scale(Estimate e, double scale) => new(e.Value * scale, Or(e.Low, e.Value) * scale, Or(e.High, e.Value) * scale);

    private static double Or(double value, double fallback) => double.IsNaN(value) ? fallback : value;
}
