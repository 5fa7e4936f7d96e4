using System.Globalization;
using ScottPlot;

namespace Neuromorphic.Cli.Plotting;

/// <summary>One line of an interval chart: a label and one estimate (with its interval) per x value.</summary>
public sealed record IntervalSeries(string Label, double[] X, Estimate[] Values);

public static partial class Charts
{
    /// <summary>
    /// Lines with an interval bar at every point, one line per series: for study results such as
    /// final accuracy or collapse probability against the learning-rate scale. Series are nudged
    /// apart sideways by a small offset so their bars do not hide each other (the ticks stay at the
    /// true x values). <paramref name="log2X"/> spaces the x values by their base-2 logarithm (1, 2,
    /// 4 evenly) and labels ticks ×1, ×2, ×4 (unless <paramref name="xTicks"/> formats them); <paramref name="note"/> says what the intervals are.
    /// </summary>
    public static Plot IntervalLines(string path, string title, string xLabel, string yLabel, IReadOnlyList<IntervalSeries> series, bool log2X = false,
        string? note = null, double? yMin = null, double? yMax = null, Func<double, string>? xTicks = null)
    {
        var plot = NewPlot(title, xLabel, yLabel);
        double Position(double x) => log2X ? Math.Log2(x) : x;
        var xs = series.SelectMany(s => s.X).Distinct().Order().ToArray();
        var span = xs.Length > 1 ? Position(xs[^1]) - Position(xs[0]) : 1;
        var step = series.Count > 1 ? 0.12 * span / Math.Max(1, xs.Length - 1) / series.Count : 0;
        for (var i = 0; i < series.Count; i++)
        {
            var s = series[i];
            var offset = (i - (series.Count - 1) / 2.0) * step;
            var positions = s.X.Select(x => Position(x) + offset).ToArray();
            AddIntervals(plot, positions, s.Values, ColorOf(i));
            var line = AddLine(plot, s.Label, positions, s.Values.Select(v => v.Value).ToArray(), i);
            line.MarkerSize = 8;
        }

        xTicks ??= x => (log2X ? "×" : "") + x.ToString("0.##", CultureInfo.InvariantCulture);
        plot.Axes.Bottom.SetTicks(xs.Select(Position).ToArray(), xs.Select(xTicks).ToArray());
        if (yMin is not null || yMax is not null)
        {
            plot.Axes.AutoScale();
            var limits = plot.Axes.GetLimits();
            plot.Axes.SetLimitsY(yMin ?? limits.Bottom, yMax ?? limits.Top);
        }

        plot.Axes.Margins(horizontal: 0.08);
        if (note is not null)
        {
            var text = plot.Add.Annotation(note, Alignment.LowerLeft);
            text.LabelFontSize = 11;
        }

        plot.ShowLegend(Edge.Right);
        return Save(plot, path);
    }
}
