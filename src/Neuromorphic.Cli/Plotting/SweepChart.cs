using ScottPlot;

namespace Neuromorphic.Cli.Plotting;

public static partial class Charts
{
    /// <summary>
    /// Many runs of a sweep: accuracy against a cost, one grey dot per run and the Pareto front (flagged
    /// by the sweep's tables: no other run is as accurate and as cheap, and better in one) joined by a line.
    /// Without a legend entry per run, so it stays readable for a thousand chip instances.
    /// </summary>
    public static Plot SweepFront(string path, string title, string xLabel, string yLabel, IReadOnlyList<(double X, double Y, bool Front)> points)
    {
        var plot = NewPlot(title, xLabel, yLabel);
        var others = points.Where(p => !p.Front).ToArray();
        if (others.Length > 0)
        {
            var dots = plot.Add.ScatterPoints(others.Select(p => p.X).ToArray(), others.Select(p => p.Y).ToArray());
            dots.Color = Colors.Gray;
            dots.MarkerSize = 6;
            dots.LegendText = $"runs ({others.Length})";
        }

        var front = points.Where(p => p.Front).OrderBy(p => p.X).ToArray();
        if (front.Length > 0)
        {
            var line = plot.Add.Scatter(front.Select(p => p.X).ToArray(), front.Select(p => p.Y).ToArray());
            line.Color = ColorOf(3);
            line.LineWidth = 2;
            line.MarkerSize = 9;
            line.LegendText = $"Pareto front ({front.Length})";
        }

        plot.ShowLegend(Alignment.LowerRight);
        plot.Axes.Margins(0.1, 0.15);
        return Save(plot, path);
    }
}
