using ScottPlot;

namespace Neuromorphic.Cli.Plotting;

public static partial class Charts
{
    /// <summary>
    /// Lines, each with an optional band, on shared axes. <paramref name="integerX"/>: the x axis counts
    /// (epochs, steps); <paramref name="yScale"/>: log for values spanning decades (residuals).
    /// </summary>
    public static Plot Lines(string path, string title, string xLabel, string yLabel, IReadOnlyList<LineSeries> series,
        bool integerX = false, AxisScale yScale = AxisScale.Linear)
    {
        var plot = NewPlot(title, xLabel, yLabel);
        var log = yScale == AxisScale.Log10;
        for (var i = 0; i < series.Count; i++)
        {
            var s = series[i];
            var color = ColorOf(i);
            if (s.BandLow is not null && s.BandHigh is not null)
            {
                var band = plot.Add.FillY(s.X, log ? Log10(s.BandLow.Select(v => Math.Max(v, 1e-300))) : s.BandLow, log ? Log10(s.BandHigh) : s.BandHigh);
                band.FillColor = color.WithAlpha(0.2);
                band.LineWidth = 0;
                if (s.BandLabel is not null)
                {
                    band.LegendText = $"{s.Label}: {s.BandLabel}";
                }
            }

            var line = plot.Add.Scatter(s.X, log ? Log10(s.Y) : s.Y);
            line.Color = color;
            line.LineWidth = 2;
            line.MarkerSize = s.X.Length <= 40 ? 5 : 0;
            line.LegendText = s.Label;
        }

        if (integerX)
        {
            IntegerTicks(plot.Axes.Bottom);
        }

        if (log)
        {
            LogTicks(plot.Axes.Left);
        }

        if (series.Count > 1 || series.Any(s => s.BandLabel is not null))
        {
            plot.ShowLegend(Alignment.LowerRight);
        }

        return Save(plot, path);
    }

    /// <summary>Adds one line (markers when short) in palette colour <paramref name="colorIndex"/> to <paramref name="plot"/>.</summary>
    public static ScottPlot.Plottables.Scatter AddLine(Plot plot, string label, double[] x, double[] y, int colorIndex)
    {
        var line = plot.Add.Scatter(x, y);
        line.Color = ColorOf(colorIndex);
        line.LineWidth = 2;
        line.MarkerSize = x.Length <= 40 ? 5 : 0;
        line.LegendText = label;
        return line;
    }
}
