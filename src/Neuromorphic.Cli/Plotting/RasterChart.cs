using ScottPlot;

namespace Neuromorphic.Cli.Plotting;

public static partial class Charts
{
    /// <summary>
    /// A spike raster: one dot per (time, neuron), input spikes in their own colour, population bands
    /// separated by dashed lines and named at the right edge (clear of the tick labels).
    /// </summary>
    public static Plot Raster(string path, string title, string xLabel, IReadOnlyList<double> times, IReadOnlyList<double> neurons,
        IReadOnlyList<(double Position, string Label)>? groupBoundaries = null, IReadOnlyList<double>? inputTimes = null, IReadOnlyList<double>? inputNeurons = null)
    {
        var plot = NewPlot(title, xLabel, "neuron (global index)");
        var total = times.Count + (inputTimes?.Count ?? 0);
        var size = total > 100_000 ? 2 : total > 20_000 ? 2.5f : 3.5f;
        if (inputTimes is { Count: > 0 } && inputNeurons is not null)
        {
            var inputs = plot.Add.ScatterPoints(inputTimes.ToArray(), inputNeurons.ToArray());
            inputs.MarkerSize = size;
            inputs.Color = ColorOf(0).WithAlpha(0.6);
            inputs.LegendText = $"input spikes ({inputTimes.Count:N0})";
        }

        if (times.Count > 0)
        {
            var dots = plot.Add.ScatterPoints(times.ToArray(), neurons.ToArray());
            dots.MarkerSize = size;
            dots.Color = Colors.Black;
            dots.LegendText = $"spikes ({times.Count:N0})";
        }

        var maxTime = Math.Max(times.Count == 0 ? 0 : times.Max(), inputTimes is { Count: > 0 } ? inputTimes.Max() : 0);
        foreach (var (position, label) in groupBoundaries ?? [])
        {
            var line = plot.Add.HorizontalLine(position);
            line.LineColor = Colors.Gray.WithAlpha(0.6);
            line.LinePattern = LinePattern.Dashed;
            var text = plot.Add.Text(label, maxTime, position);
            text.LabelAlignment = Alignment.LowerRight;
            text.LabelFontColor = Colors.DimGray;
            text.LabelFontSize = 12;
        }

        IntegerTicks(plot.Axes.Left);
        plot.ShowLegend(Alignment.UpperLeft);
        return Save(plot, path);
    }
}
