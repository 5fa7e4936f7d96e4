using Neuromorphic.Cli.Plotting;
using Neuromorphic.Tests.Support;
using Neuromorphic.Traces;
using Neuromorphic.Traces.Analysis;
using Neuromorphic.Workflows.Runs;
using ScottPlot;

namespace Neuromorphic.Tests.Cli;

/// <summary>
/// Every chart, checked on its plot model (labels, units, ticks, plottables), not only on the PNG:
/// units on every axis, integer ticks where the axis counts, log ticks where values span decades,
/// zoomed accuracy axes with intervals, inputs drawn in the raster.
/// </summary>
public class ChartsTests
{
    private static void AssertPng(string path)
    {
        var bytes = File.ReadAllBytes(path);
        Assert.True(bytes.Length > 1000);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, bytes[..4]);
    }

    private static Tick[] MajorTicks(IAxis axis) => axis.TickGenerator.Ticks.Where(t => t.IsMajor).ToArray();

    private static void AssertIntegerTicks(IAxis axis)
    {
        var ticks = MajorTicks(axis);
        Assert.NotEmpty(ticks);
        Assert.All(ticks, t => Assert.Equal(Math.Round(t.Position), t.Position, 9));
        Assert.All(ticks, t => Assert.DoesNotContain(".", t.Label));
    }

    private static void AssertUnit(string label) => Assert.Matches(@"\(.+\)", label);

    [Fact]
    public void Learning_curves_have_integer_epoch_ticks_and_a_labelled_band()
    {
        using var dir = new TempDirectory();
        var x = Enumerable.Range(1, 3).Select(i => (double)i).ToArray();
        var plot = Charts.Lines(dir.File("lines.png"), "Accuracy", "epoch", "accuracy (%)",
            [new LineSeries("HTS", x, [80, 82, 83], [79, 81, 82], [81, 83, 84], "mean ± 1 SD over seeds")], integerX: true);
        AssertPng(dir.File("lines.png"));
        AssertIntegerTicks(plot.Axes.Bottom);
        Assert.Equal("epoch", plot.Axes.Bottom.Label.Text);
        AssertUnit(plot.Axes.Left.Label.Text);
        Assert.Contains(plot.GetPlottables().SelectMany(p => p.LegendItems), i => i.LabelText.Contains("SD", StringComparison.Ordinal));
    }

    [Fact]
    public void Residuals_spanning_decades_get_a_log_axis_labelled_with_the_original_values()
    {
        using var dir = new TempDirectory();
        var x = new double[] { 1, 2, 3, 4 };
        var plot = Charts.Lines(dir.File("residual.png"), "Residual", "epoch", "residual (log scale)",
            [new LineSeries("HTS", x, [1e-2, 1e-4, 5.5e-9, 1e-6])], integerX: true, yScale: AxisScale.Log10);
        var scatter = plot.GetPlottables().OfType<ScottPlot.Plottables.Scatter>().Single();
        Assert.Equal(Math.Log10(5.5e-9), scatter.Data.GetScatterPoints()[2].Y, 9);   // 5.5e-9 is visible, not flattened to 0
        var labels = MajorTicks(plot.Axes.Left).Select(t => t.Label).ToArray();
        Assert.Contains(labels, l => l.Contains("e-", StringComparison.Ordinal));
    }

    [Fact]
    public void Accuracy_bars_are_zoomed_with_wilson_intervals_and_value_labels()
    {
        using var dir = new TempDirectory();
        string[] names = ["float model", "barrier", "async", "async + timing variability", "barrier + analog mismatch", "handshake"];
        Estimate[] values = [.. new[] { 177, 176, 179, 178, 176, 177 }.Select(k => Percent(Charts.Wilson(k, 200)))];
        var plot = Charts.BarsWithIntervals(dir.File("accuracy.png"), "Accuracy", "accuracy (%), 95 % Wilson interval (axis zoomed)", names, values);
        AssertPng(dir.File("accuracy.png"));
        Assert.True(plot.Axes.GetLimits().Bottom > 50, "the accuracy axis is zoomed, not from 0");
        var intervals = plot.GetPlottables().OfType<ScottPlot.Plottables.ErrorBar>().Single();
        Assert.Equal(6, intervals.Ys.Count);
        Assert.Equal(6, plot.GetPlottables().OfType<ScottPlot.Plottables.Text>().Count());
        Assert.DoesNotContain(MajorTicks(plot.Axes.Bottom), t => t.Label.Split('\n').Any(line => line.Length > 20));   // wrapped, not overlapping
    }

    [Fact]
    public void Wilson_interval_matches_the_published_formula()
    {
        // 8 of 10: Wilson 95 % interval [0.4902, 0.9433] (Newcombe 1998, Table I).
        var e = Charts.Wilson(8, 10);
        Assert.Equal(0.8, e.Value, 12);
        Assert.Equal(0.4902, e.Low, 4);
        Assert.Equal(0.9433, e.High, 4);
    }

    [Fact]
    public void Histograms_count_on_integer_ticks_and_mark_medians()
    {
        using var dir = new TempDirectory();
        var plot = Charts.Histograms(dir.File("latency.png"), "Latency", "latency per inference (µs)",
            [new HistogramSeries("barrier", [10.5, 11, 12, 30]), new HistogramSeries("async", [9, 9.5, 10, 10])], 8);
        AssertIntegerTicks(plot.Axes.Left);
        AssertUnit(plot.Axes.Bottom.Label.Text);
        Assert.Equal(2, plot.GetPlottables().OfType<ScottPlot.Plottables.VerticalLine>().Count());
    }

    [Fact]
    public void The_raster_draws_input_spikes_in_their_own_band()
    {
        using var dir = new TempDirectory();
        var plot = Charts.Raster(dir.File("raster.png"), "Raster", "time within the inference (µs)", [5.0, 7.0], [3.0, 4.0], [(-0.5, "in"), (2.5, "hid")],
            inputTimes: [1.0, 2.0, 3.0], inputNeurons: [0.0, 1.0, 0.0]);
        var points = plot.GetPlottables().OfType<ScottPlot.Plottables.Scatter>().ToArray();
        Assert.Equal(2, points.Length);
        Assert.Contains(points, p => p.LegendText.StartsWith("input spikes (3)", StringComparison.Ordinal));
        Assert.Contains(points, p => p.LegendText.StartsWith("spikes (2)", StringComparison.Ordinal));
        AssertUnit(plot.Axes.Bottom.Label.Text);
        AssertIntegerTicks(plot.Axes.Left);
    }

    [Fact]
    public void Pareto_front_keeps_only_undominated_points()
    {
        TradeOffPoint P(string n, double x, double y) => new(n, x, new Estimate(y, y, y));
        var points = new[] { P("a", 1, 80), P("b", 2, 85), P("c", 3, 84), P("d", 2, 90), P("e", 4, 91) };
        Assert.Equal(["a", "d", "e"], Charts.ParetoFront(points).Select(p => p.Label));
    }

    /// <summary>The trace-based plots on a real run: the three-neuron network on the tiny chip, level messages.</summary>
    [Fact]
    public async Task Trace_plots_of_a_real_run_have_units_counts_and_data()
    {
        using var dir = new TempDirectory();
        var plan = new RunPlanner(toolVersion: "test").Plan(new RunRequest
        {
            Model = RepoPaths.Path("traces", "golden", "three-neurons.json"), Chip = "tiny", InputEvents = RepoPaths.Path("traces", "golden", "three-neurons-input.csv"),
            Steps = 12, Trace = new TraceRequest(dir.File("run.trace"), TraceLevel.Messages),
        });
        await new RunSession(toolVersion: "test").RunAsync(plan);
        var trace = dir.File("run.trace");

        var cores = TraceActivity.Cores(trace)!;
        Assert.Equal(plan.Mapped.CoreCount, cores.Count);
        Assert.All(cores, c => Assert.InRange(c.Utilisation, 0, 1));
        var mesh = Charts.MeshHeatmap(dir.File("cores.png"), "Energy per core", "dynamic energy per inference (pJ)", 2, 2, 1,
            cores.Select(c => new MeshCell(c.Tile.X, c.Tile.Y, c.Slot, c.MeanDynamicFj / 1e3)).ToList());
        Assert.Contains(mesh.Axes.GetPanels().OfType<ScottPlot.Panels.ColorBar>(), b => b.Label.Contains("(pJ)", StringComparison.Ordinal));
        Assert.Equal(plan.Mapped.CoreCount, mesh.GetPlottables().OfType<ScottPlot.Plottables.Text>().Count());

        // Messages cross the mesh: in → hid goes one tile east, hid → out one tile north, out → hid one south.
        var links = TraceActivity.Links(trace)!;
        Assert.Contains(links, l => l.DeltaX == 1 && l.Messages > 0);
        Assert.Contains(links, l => l.DeltaY == 1 && l.Messages > 0);
        var fromSpikes = MeshTraffic.FromSpikes(plan.Mapped, TraceActivity.SpikeCounts(trace)!.Value.Spikes);
        Assert.Equal(links.Select(l => (l.From, l.DeltaX, l.DeltaY, l.Messages)), fromSpikes.Select(l => (l.From, l.DeltaX, l.DeltaY, l.Messages)));
        Charts.LinkTraffic(dir.File("links.png"), "Links", 2, 2, links.Select(l => new LinkLoad(l.From.X, l.From.Y, l.DeltaX, l.DeltaY, l.Messages)).ToList());
        AssertPng(dir.File("links.png"));

        var rates = TraceActivity.FiringRates(trace)!;
        Assert.Equal(["in", "hid", "out"], rates.Select(r => r.Population));
        Assert.True(rates[0].SpikesPerStep.Sum() > 0, "input spikes count in the input population's rates");
    }

    [Fact]
    public void Trace_plot_writes_every_plot_of_a_messages_trace()
    {
        using var dir = new TempDirectory();
        var run = CliRunner.Run("run", "--model", RepoPaths.Path("traces", "golden", "three-neurons.json"), "--chip", "tiny",
            "--input", RepoPaths.Path("traces", "golden", "three-neurons-input.csv"), "--steps", "12", "--trace", dir.File("t.trace"));
        Assert.True(run.ExitCode == 0, run.ToString());
        var plot = CliRunner.Run("trace", "plot", dir.File("t.trace"), "--out", dir.File("plots"));
        Assert.True(plot.ExitCode == 0, plot.ToString());
        foreach (var file in new[] { "raster.png", "energy.png", "latency.png", "rates.png", "cores.png", "utilisation.png", "links.png" })
        {
            AssertPng(Path.Combine(dir.File("plots"), file));
        }
    }

    [Fact]
    public void Study_results_against_the_lr_scale_have_one_line_per_condition_with_interval_bars_and_ticks_at_the_scales()
    {
        using var dir = new TempDirectory();
        double[] scales = [1, 2, 4];
        var plot = Charts.IntervalLines(dir.File("final.png"), "Final test accuracy", "learning-rate scale (× base rates 0.05, 0.02)", "final test accuracy (%)",
            [
                new IntervalSeries("homogeneous", scales, [new(85, 84, 86), new(84, 82, 85), new(70, 60, 78)]),
                new IntervalSeries("lognormal(σ=0.5)", scales, [new(85.2, 84.5, 86), new(84.1, 83, 85), new(74, 66, 80)]),
            ], log2X: true, note: StudyPlots.IntervalNote);
        AssertPng(dir.File("final.png"));
        AssertUnit(plot.Axes.Left.Label.Text);
        AssertUnit(plot.Axes.Bottom.Label.Text);
        var ticks = MajorTicks(plot.Axes.Bottom);
        Assert.Equal(["×1", "×2", "×4"], ticks.Select(t => t.Label));
        Assert.Equal([0.0, 1.0, 2.0], ticks.Select(t => t.Position));   // log2 spacing: 1, 2, 4 evenly
        var bars = plot.GetPlottables().OfType<ScottPlot.Plottables.ErrorBar>().ToList();
        Assert.Equal(2, bars.Count);
        var lines = plot.GetPlottables().OfType<ScottPlot.Plottables.Scatter>().ToList();
        Assert.Equal(["homogeneous", "lognormal(σ=0.5)"], lines.Select(l => l.LegendText));
        // Series are nudged apart sideways, less than a quarter of the way to the next scale.
        var first = lines[0].Data.GetScatterPoints().Select(p => p.X).ToArray();
        var second = lines[1].Data.GetScatterPoints().Select(p => p.X).ToArray();
        Assert.All(first.Zip(second), p => Assert.InRange(p.Second - p.First, 0.01, 0.25));
        Assert.Contains(plot.GetPlottables().OfType<ScottPlot.Plottables.Annotation>(), a => a.Text.Contains("bootstrap", StringComparison.Ordinal));
    }

    private static Estimate Percent(Estimate e) => new(100 * e.Value, 100 * e.Low, 100 * e.High);
}
