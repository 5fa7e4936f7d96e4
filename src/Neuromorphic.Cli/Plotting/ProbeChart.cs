using Neuromorphic.Traces.Analysis;
using ScottPlot;

namespace Neuromorphic.Cli.Plotting;

public static partial class Charts
{
    /// <summary>At most this many probed neurons are drawn in one chart (the CSV export holds them all).</summary>
    public const int MaxProbeLines = 8;

    /// <summary>
    /// Probed neurons over the steps of one inference: potential v (left, with the threshold line) and
    /// current u (right), each divided by the neuron's threshold θ, so that neurons with different
    /// thresholds and both arithmetics (chip integer units, model units) share one dimensionless axis
    /// on which the threshold is 1. A neuron whose threshold is not positive is drawn unscaled.
    /// </summary>
    public static IReadOnlyList<Plot> Probes(string path, string title, ProbePlotData probes)
    {
        var potential = NewPlot($"{title}: potential", "step (from 1)", "potential v / threshold θ (dimensionless)");
        var current = NewPlot($"{title}: current", "step (from 1)", "current u / threshold θ (dimensionless)");
        var threshold = potential.Add.HorizontalLine(1);
        threshold.LineColor = Colors.Black.WithAlpha(0.7);
        threshold.LinePattern = LinePattern.Dashed;
        threshold.LegendText = "threshold (v = θ)";
        var drawn = probes.Neurons.Take(MaxProbeLines).ToList();
        for (var i = 0; i < drawn.Count; i++)
        {
            var n = drawn[i];
            var scale = n.Threshold > 0 ? 1 / n.Threshold : 1;
            var label = n.Threshold > 0 ? n.Name : $"{n.Name} (θ = {n.Threshold:G4}, unscaled)";
            AddLine(potential, label, n.Steps, n.V.Select(v => v * scale).ToArray(), i).MarkerSize = 0;
            AddLine(current, label, n.Steps, n.U.Select(u => u * scale).ToArray(), i).MarkerSize = 0;
        }

        foreach (var plot in new[] { potential, current })
        {
            IntegerTicks(plot.Axes.Bottom);
            plot.ShowLegend(Alignment.UpperRight);
        }

        return SaveSideBySide(path, [potential, current]);
    }
}
