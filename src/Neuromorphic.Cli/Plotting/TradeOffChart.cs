using ScottPlot;

namespace Neuromorphic.Cli.Plotting;

/// <summary>One configuration of a trade-off plot: its name, its cost (x) and its accuracy with an interval (y); <see cref="Flagged"/> draws it hollow.</summary>
public sealed record TradeOffPoint(string Label, double X, Estimate Y, bool Flagged = false);

public static partial class Charts
{
    /// <summary>
    /// Accuracy against a cost (energy or steps per inference): one labelled point per configuration
    /// with its interval, the Pareto front (no other point is both cheaper and more accurate) joined by
    /// a line. Flagged points (e.g. a chip whose static power is unknown) are drawn hollow and the
    /// <paramref name="flagNote"/> says why.
    /// </summary>
    public static Plot TradeOff(string path, string title, string xLabel, string yLabel, IReadOnlyList<TradeOffPoint> points, string? flagNote = null,
        AxisScale xScale = AxisScale.Linear)
    {
        var plot = NewPlot(title, xLabel, yLabel);
        var log = xScale == AxisScale.Log10;
        double X(double x) => log ? Math.Log10(x) : x;
        for (var i = 0; i < points.Count; i++)
        {
            var p = points[i];
            var color = ColorOf(i);
            AddIntervals(plot, [X(p.X)], [p.Y], color);
            var marker = plot.Add.Marker(X(p.X), p.Y.Value);
            marker.Color = color;
            marker.Size = 11;
            marker.Shape = p.Flagged ? MarkerShape.OpenCircle : MarkerShape.FilledCircle;
            marker.LegendText = p.Flagged ? $"{p.Label} (flagged)" : p.Label;
        }

        var front = ParetoFront(points);
        if (front.Count > 1)
        {
            var line = plot.Add.Scatter(front.Select(p => X(p.X)).ToArray(), front.Select(p => p.Y.Value).ToArray());
            line.LineStyle.Pattern = LinePattern.Dashed;
            line.Color = Colors.Gray;
            line.MarkerSize = 0;
            line.LegendText = "Pareto front";
        }

        if (log)
        {
            LogTicks(plot.Axes.Bottom);
        }

        if (flagNote is not null && points.Any(p => p.Flagged))
        {
            var note = plot.Add.Annotation(flagNote, Alignment.LowerLeft);
            note.LabelFontSize = 11;
        }

        plot.ShowLegend(Edge.Right);
        plot.Axes.Margins(0.1, 0.15);
        return Save(plot, path);
    }

    /// <summary>The points no other point dominates (cheaper or equal and more accurate or equal, one strictly), by increasing cost.</summary>
    public static IReadOnlyList<TradeOffPoint> ParetoFront(IReadOnlyList<TradeOffPoint> points)
    {
        var front = Sweeps.Results.Pareto.Front(points.Select(p => (p.Y.Value, p.X)).ToList());
        return points.Where((_, i) => front[i]).OrderBy(p => p.X).ToList();
    }
}
