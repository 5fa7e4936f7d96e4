using System.Globalization;
using Neuromorphic.Core.Statistics;
using ScottPlot;

namespace Neuromorphic.Cli.Plotting;

/// <summary>A value with an interval (e.g. accuracy with a 95 % binomial interval), for bars and points.</summary>
public readonly record struct Estimate(double Value, double Low, double High);

public static partial class Charts
{
    /// <summary>Stacked bars: one bar per category, one colour per segment, the total written above each bar.</summary>
    public static Plot StackedBars(string path, string title, string yLabel, IReadOnlyList<string> categories, IReadOnlyList<BarSegment> segments,
        string totalFormat = "0.##")
    {
        var plot = NewPlot(title, "", yLabel);
        AddStackedBars(plot, categories, segments, DefaultWidth, totalFormat);
        return Save(plot, path);
    }

    /// <summary>Adds stacked bars to <paramref name="plot"/> (see <see cref="StackedBars"/>), for plots drawn side by side.</summary>
    public static void AddStackedBars(Plot plot, IReadOnlyList<string> categories, IReadOnlyList<BarSegment> segments, int plotWidth, string totalFormat = "0.##",
        int colorOffset = 0)
    {
        var bars = new List<Bar>();
        var totals = new double[categories.Count];
        for (var s = 0; s < segments.Count; s++)
        {
            for (var c = 0; c < categories.Count; c++)
            {
                var value = segments[s].Values[c];
                bars.Add(new Bar { Position = c, ValueBase = totals[c], Value = totals[c] + value, FillColor = ColorOf(s + colorOffset) });
                totals[c] += value;
            }
        }

        plot.Add.Bars(bars);
        for (var c = 0; c < categories.Count; c++)
        {
            var label = plot.Add.Text(totals[c].ToString(totalFormat, CultureInfo.InvariantCulture), c, totals[c]);
            label.LabelAlignment = Alignment.LowerCenter;
            label.LabelFontSize = 13;
        }

        for (var s = 0; s < segments.Count; s++)
        {
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = segments[s].Label, FillColor = ColorOf(s + colorOffset) });
        }

        plot.ShowLegend(Alignment.UpperRight);
        CategoryTicks(plot, categories, plotWidth);
        plot.Axes.Margins(bottom: 0, top: 0.15);
    }

    /// <summary>
    /// One bar per category with its interval as an error bar and its value written above; the value
    /// axis is zoomed to the data (not from 0), so small differences are visible — the axis label must
    /// say so where it matters.
    /// </summary>
    public static Plot BarsWithIntervals(string path, string title, string yLabel, IReadOnlyList<string> categories, IReadOnlyList<Estimate> values,
        string valueFormat = "0.0", string? note = null)
    {
        var plot = NewPlot(title, "", yLabel);
        var bars = new List<Bar>();
        for (var c = 0; c < categories.Count; c++)
        {
            var v = values[c];
            bars.Add(new Bar { Position = c, Value = v.Value, FillColor = ColorOf(c == 0 ? 7 : 0) });
        }

        plot.Add.Bars(bars);
        AddIntervals(plot, Enumerable.Range(0, categories.Count).Select(c => (double)c).ToArray(), values, Colors.Black);
        for (var c = 0; c < categories.Count; c++)
        {
            var label = plot.Add.Text(values[c].Value.ToString(valueFormat, CultureInfo.InvariantCulture), c, values[c].High);
            label.LabelAlignment = Alignment.LowerCenter;
            label.LabelFontSize = 14;
            label.LabelBold = true;
        }

        var low = values.Count == 0 ? 0 : values.Min(v => v.Low);
        var high = values.Count == 0 ? 1 : values.Max(v => v.High);
        var pad = Math.Max(0.5, (high - low) * 0.25);
        plot.Axes.SetLimitsY(low - pad, high + pad);
        plot.Axes.SetLimitsX(-0.6, categories.Count - 0.4);
        CategoryTicks(plot, categories);
        if (note is not null)
        {
            var text = plot.Add.Annotation(note, Alignment.LowerRight);
            text.LabelFontSize = 11;
        }

        return Save(plot, path);
    }

    /// <summary>Asymmetric vertical intervals at <paramref name="xs"/>.</summary>
    public static ScottPlot.Plottables.ErrorBar AddIntervals(Plot plot, double[] xs, IReadOnlyList<Estimate> values, Color color)
    {
        var zeros = new double[xs.Length];
        var bars = new ScottPlot.Plottables.ErrorBar(xs, values.Select(v => v.Value).ToArray(), zeros, zeros,
            values.Select(v => v.High - v.Value).ToArray(), values.Select(v => v.Value - v.Low).ToArray())
        {
            Color = color,
            LineWidth = 2,
            CapSize = 8,
        };
        plot.Add.Plottable(bars);
        return bars;
    }

    /// <summary>The Wilson score interval of a proportion (95 %), in the proportion's units (<see cref="Proportion.Wilson"/>).</summary>
    public static Estimate Wilson(int successes, int trials) => Of(Proportion.Wilson(successes, trials));

    /// <summary>A statistics interval as a plotted estimate.</summary>
    public static Estimate Of(Interval interval) => new(interval.Estimate, interval.Low, interval.High);
}
