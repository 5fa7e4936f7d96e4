using ScottPlot;

namespace Neuromorphic.Cli.Plotting;

/// <summary>One distribution of a multi-series histogram.</summary>
public sealed record HistogramSeries(string Label, IReadOnlyList<double> Values);

public static partial class Charts
{
    /// <summary>A histogram of <paramref name="values"/> with <paramref name="binCount"/> bins; counts on integer ticks.</summary>
    public static Plot Histogram(string path, string title, string xLabel, IReadOnlyList<double> values, int binCount = 40, string yLabel = "inferences") =>
        Histograms(path, title, xLabel, [new HistogramSeries("", values)], binCount, yLabel);

    /// <summary>
    /// Overlaid histograms on shared bins (one colour per series, translucent), counts on integer ticks;
    /// each series' median marked by a dashed line.
    /// </summary>
    public static Plot Histograms(string path, string title, string xLabel, IReadOnlyList<HistogramSeries> series, int binCount = 40, string yLabel = "inferences")
    {
        var plot = NewPlot(title, xLabel, yLabel);
        var all = series.SelectMany(s => s.Values).Where(double.IsFinite).ToList();
        if (all.Count > 0)
        {
            var min = all.Min();
            var max = all.Max();
            if (max <= min)
            {
                max = min + Math.Max(1, Math.Abs(min) * 0.01);
            }

            var width = (max - min) / binCount;
            for (var s = 0; s < series.Count; s++)
            {
                var counts = new double[binCount];
                foreach (var v in series[s].Values.Where(double.IsFinite))
                {
                    counts[Math.Min(binCount - 1, (int)((v - min) / width))]++;
                }

                var color = ColorOf(s);
                var bars = new List<Bar>();
                for (var b = 0; b < binCount; b++)
                {
                    bars.Add(new Bar { Position = min + (b + 0.5) * width, Value = counts[b], Size = width * 0.95, FillColor = series.Count > 1 ? color.WithAlpha(0.45) : color });
                }

                plot.Add.Bars(bars);
                if (series[s].Values.Count > 0)
                {
                    var sorted = series[s].Values.Order().ToArray();
                    var median = plot.Add.VerticalLine(sorted[sorted.Length / 2]);
                    median.LineColor = color;
                    median.LinePattern = LinePattern.Dashed;
                    median.LineWidth = 1.5f;
                }

                if (series.Count > 1 || series[s].Label.Length > 0)
                {
                    plot.Legend.ManualItems.Add(new LegendItem { LabelText = series[s].Label, FillColor = color });
                }
            }

            plot.Axes.Margins(bottom: 0);
            if (plot.Legend.ManualItems.Count > 0)
            {
                plot.ShowLegend(Alignment.UpperRight);
            }
        }

        IntegerTicks(plot.Axes.Left);
        return Save(plot, path);
    }
}
