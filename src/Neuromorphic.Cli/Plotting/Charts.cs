using Neuromorphic.Core.IO;
using ScottPlot;

namespace Neuromorphic.Cli.Plotting;

/// <summary>A line with an optional shaded band (mean ± spread), for learning curves and sweeps.</summary>
public sealed record LineSeries(string Label, double[] X, double[] Y, double[]? BandLow = null, double[]? BandHigh = null);

/// <summary>One stack segment of a stacked bar chart: a label and one value per bar.</summary>
public sealed record BarSegment(string Label, double[] Values);

/// <summary>
/// PNG charts for the command line (ScottPlot, rendered headless with SkiaSharp). Every chart is
/// written atomically: a half-written PNG is never left behind.
/// </summary>
public static class Charts
{
    public const int DefaultWidth = 900;
    public const int DefaultHeight = 540;

    /// <summary>Lines, each with an optional band, on shared axes.</summary>
    public static void Lines(string path, string title, string xLabel, string yLabel, IReadOnlyList<LineSeries> series)
    {
        var plot = NewPlot(title, xLabel, yLabel);
        var palette = new ScottPlot.Palettes.Category10();
        for (var i = 0; i < series.Count; i++)
        {
            var s = series[i];
            var color = palette.GetColor(i);
            if (s.BandLow is not null && s.BandHigh is not null)
            {
                var band = plot.Add.FillY(s.X, s.BandLow, s.BandHigh);
                band.FillColor = color.WithAlpha(0.2);
                band.LineWidth = 0;
            }

            var line = plot.Add.Scatter(s.X, s.Y);
            line.Color = color;
            line.LineWidth = 2;
            line.MarkerSize = s.X.Length <= 40 ? 4 : 0;
            line.LegendText = s.Label;
        }

        if (series.Count > 1)
        {
            plot.ShowLegend(Alignment.LowerRight);
        }

        Save(plot, path);
    }

    /// <summary>Stacked bars: one bar per category, one colour per segment.</summary>
    public static void StackedBars(string path, string title, string yLabel, IReadOnlyList<string> categories, IReadOnlyList<BarSegment> segments)
    {
        var plot = NewPlot(title, "", yLabel);
        var palette = new ScottPlot.Palettes.Category10();
        var bars = new List<Bar>();
        var baseValues = new double[categories.Count];
        for (var s = 0; s < segments.Count; s++)
        {
            for (var c = 0; c < categories.Count; c++)
            {
                var value = segments[s].Values[c];
                bars.Add(new Bar { Position = c, ValueBase = baseValues[c], Value = baseValues[c] + value, FillColor = palette.GetColor(s) });
                baseValues[c] += value;
            }
        }

        plot.Add.Bars(bars);
        for (var s = 0; s < segments.Count; s++)
        {
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = segments[s].Label, FillColor = palette.GetColor(s) });
        }

        plot.ShowLegend(Alignment.UpperRight);
        plot.Axes.Bottom.SetTicks(Enumerable.Range(0, categories.Count).Select(i => (double)i).ToArray(), categories.ToArray());
        plot.Axes.Margins(bottom: 0);
        Save(plot, path);
    }

    /// <summary>Grouped or simple bars: one bar per category.</summary>
    public static void Bars(string path, string title, string yLabel, IReadOnlyList<string> categories, IReadOnlyList<double> values)
    {
        var plot = NewPlot(title, "", yLabel);
        var bars = plot.Add.Bars(values.ToArray());
        bars.Color = new ScottPlot.Palettes.Category10().GetColor(0);
        plot.Axes.Bottom.SetTicks(Enumerable.Range(0, categories.Count).Select(i => (double)i).ToArray(), categories.ToArray());
        plot.Axes.Margins(bottom: 0);
        Save(plot, path);
    }

    /// <summary>A histogram of <paramref name="values"/> with <paramref name="binCount"/> bins.</summary>
    public static void Histogram(string path, string title, string xLabel, IReadOnlyList<double> values, int binCount = 40)
    {
        var plot = NewPlot(title, xLabel, "count");
        if (values.Count > 0)
        {
            var min = values.Min();
            var max = values.Max();
            if (max <= min)
            {
                max = min + 1;
            }

            var width = (max - min) / binCount;
            var counts = new double[binCount];
            foreach (var v in values)
            {
                counts[Math.Min(binCount - 1, (int)((v - min) / width))]++;
            }

            var bars = new List<Bar>();
            for (var b = 0; b < binCount; b++)
            {
                bars.Add(new Bar { Position = min + (b + 0.5) * width, Value = counts[b], Size = width * 0.95 });
            }

            plot.Add.Bars(bars);
            plot.Axes.Margins(bottom: 0);
        }

        Save(plot, path);
    }

    /// <summary>A spike raster: one dot per (time, neuron); input spikes, when given, in their own colour.</summary>
    public static void Raster(string path, string title, string xLabel, IReadOnlyList<double> times, IReadOnlyList<double> neurons,
        IReadOnlyList<(double Position, string Label)>? groupBoundaries = null, IReadOnlyList<double>? inputTimes = null, IReadOnlyList<double>? inputNeurons = null)
    {
        var plot = NewPlot(title, xLabel, "neuron");
        var total = times.Count + (inputTimes?.Count ?? 0);
        if (inputTimes is { Count: > 0 } && inputNeurons is not null)
        {
            var inputs = plot.Add.ScatterPoints(inputTimes.ToArray(), inputNeurons.ToArray());
            inputs.MarkerSize = total > 20_000 ? 1 : 2;
            inputs.Color = Colors.SteelBlue;
            inputs.LegendText = "input spikes";
        }

        if (times.Count > 0)
        {
            var dots = plot.Add.ScatterPoints(times.ToArray(), neurons.ToArray());
            dots.MarkerSize = total > 20_000 ? 1 : 2;
            dots.Color = Colors.Black;
            dots.LegendText = "neuron spikes";
        }

        if (inputTimes is { Count: > 0 })
        {
            plot.ShowLegend();
        }

        foreach (var (position, label) in groupBoundaries ?? [])
        {
            var line = plot.Add.HorizontalLine(position);
            line.LineColor = Colors.Gray.WithAlpha(0.6);
            line.LinePattern = LinePattern.Dashed;
            line.Text = label;
        }

        Save(plot, path);
    }

    private static Plot NewPlot(string title, string xLabel, string yLabel)
    {
        var plot = new Plot();
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        return plot;
    }

    private static void Save(Plot plot, string path, int width = DefaultWidth, int height = DefaultHeight)
    {
        var bytes = plot.GetImageBytes(width, height, ImageFormat.Png);
        AtomicFile.WriteAllBytes(path, bytes);
    }
}
