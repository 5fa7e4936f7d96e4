using Neuromorphic.Core.IO;
using ScottPlot;

namespace Neuromorphic.Cli.Plotting;

/// <summary>A line with an optional shaded band, for learning curves and studies; <see cref="BandLabel"/> says what the band is (e.g. "± 1 SD").</summary>
public sealed record LineSeries(string Label, double[] X, double[] Y, double[]? BandLow = null, double[]? BandHigh = null, string? BandLabel = null);

/// <summary>One stack segment of a stacked bar chart: a label and one value per bar.</summary>
public sealed record BarSegment(string Label, double[] Values);

/// <summary>How an axis is scaled.</summary>
public enum AxisScale
{
    Linear,

    /// <summary>Base-10 logarithmic: values are plotted as log10 and ticks labelled with the original values.</summary>
    Log10,
}

/// <summary>
/// The shared pieces of every PNG the command line writes (ScottPlot, rendered headless with
/// SkiaSharp): a plot with title and axis labels at readable sizes, integer ticks where the axis
/// counts things, log scales where values span decades, and atomic writes (a half-written PNG is
/// never left behind). Every chart method returns its <see cref="Plot"/> after saving it, so tests
/// can read labels, ticks and plottables from the model rather than from pixels.
/// </summary>
public static partial class Charts
{
    public const int DefaultWidth = 1000;
    public const int DefaultHeight = 600;

    private static readonly ScottPlot.Palettes.Category10 s_palette = new();

    /// <summary>The palette colour of series <paramref name="index"/>.</summary>
    public static Color ColorOf(int index) => s_palette.GetColor(index);

    /// <summary>A new plot with a title and axis labels (units belong in the labels: "latency (µs)").</summary>
    public static Plot NewPlot(string title, string xLabel, string yLabel)
    {
        var plot = new Plot();
        plot.Title(title);
        plot.Axes.Title.Label.FontSize = 18;
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        plot.Axes.Bottom.Label.FontSize = 15;
        plot.Axes.Left.Label.FontSize = 15;
        plot.Axes.Bottom.TickLabelStyle.FontSize = 13;
        plot.Axes.Left.TickLabelStyle.FontSize = 13;
        return plot;
    }

    /// <summary>Ticks only at integers (counts, epochs, steps), labelled without decimals.</summary>
    public static void IntegerTicks(IAxis axis) =>
        axis.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true, LabelFormatter = v => Math.Round(v).ToString("N0", System.Globalization.CultureInfo.InvariantCulture) };

    /// <summary>
    /// A base-10 log axis for values plotted as log10(value): major ticks at powers of ten labelled
    /// 1e-9 … 1e3, minor ticks at 2…9 × each power.
    /// </summary>
    public static void LogTicks(IAxis axis) =>
        axis.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
        {
            IntegerTicksOnly = true,
            LabelFormatter = v => Math.Pow(10, Math.Round(v)).ToString("0.#e0", System.Globalization.CultureInfo.InvariantCulture),
            MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
        };

    /// <summary>log10 of each value; values ≤ 0 become NaN (not drawn).</summary>
    public static double[] Log10(IEnumerable<double> values) => values.Select(v => v > 0 ? Math.Log10(v) : double.NaN).ToArray();

    /// <summary>
    /// Category labels along the bottom axis; a label longer than its share of the width is wrapped
    /// onto two or three lines at spaces, so labels never overlap.
    /// </summary>
    public static void CategoryTicks(Plot plot, IReadOnlyList<string> categories, int plotWidth = DefaultWidth)
    {
        var perCategory = Math.Max(8, plotWidth / Math.Max(1, categories.Count) / 8);
        var labels = categories.Select(c => Wrap(c, perCategory)).ToArray();
        plot.Axes.Bottom.SetTicks(Enumerable.Range(0, categories.Count).Select(i => (double)i).ToArray(), labels);
        var lines = labels.Length == 0 ? 1 : labels.Max(l => l.Count(ch => ch == '\n') + 1);
        plot.Axes.Bottom.MinimumSize = 30 + 18 * lines;
    }

    /// <summary>Wraps <paramref name="text"/> at spaces into lines of at most <paramref name="width"/> characters (longer words stay whole).</summary>
    public static string Wrap(string text, int width)
    {
        var lines = new List<string>();
        var line = "";
        foreach (var word in text.Split(' '))
        {
            if (line.Length > 0 && line.Length + 1 + word.Length > width)
            {
                lines.Add(line);
                line = word;
            }
            else
            {
                line = line.Length == 0 ? word : line + " " + word;
            }
        }

        lines.Add(line);
        return string.Join("\n", lines);
    }

    /// <summary>Renders <paramref name="plot"/> to PNG at <paramref name="path"/> (atomically) and returns it.</summary>
    public static Plot Save(Plot plot, string path, int width = DefaultWidth, int height = DefaultHeight)
    {
        var bytes = plot.GetImageBytes(width, height, ImageFormat.Png);
        AtomicFile.WriteAllBytes(path, bytes);
        return plot;
    }

    /// <summary>Renders several plots side by side into one PNG (atomically).</summary>
    public static IReadOnlyList<Plot> SaveSideBySide(string path, IReadOnlyList<Plot> plots, int width = DefaultWidth * 3 / 2, int height = DefaultHeight)
    {
        var multiplot = new Multiplot(plots[0]);
        foreach (var plot in plots.Skip(1))
        {
            multiplot.AddPlot(plot);
        }

        multiplot.Layout = new ScottPlot.MultiplotLayouts.Columns();
        var bytes = multiplot.Render(width, height).GetImageBytes(ImageFormat.Png);
        AtomicFile.WriteAllBytes(path, bytes);
        return plots;
    }
}
