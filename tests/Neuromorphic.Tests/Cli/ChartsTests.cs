using Neuromorphic.Cli.Plotting;
using Neuromorphic.Tests.Support;

namespace Neuromorphic.Tests.Cli;

public class ChartsTests
{
    private static void AssertPng(string path)
    {
        var bytes = File.ReadAllBytes(path);
        Assert.True(bytes.Length > 1000);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, bytes[..4]);
    }

    [Fact]
    public void Every_chart_kind_renders_a_png()
    {
        using var dir = new TempDirectory();
        var x = Enumerable.Range(1, 20).Select(i => (double)i).ToArray();
        Charts.Lines(dir.File("lines.png"), "Accuracy", "epoch", "accuracy (%)",
            [new LineSeries("HTS", x, x.Select(v => 80 + v / 4).ToArray(), x.Select(v => 79 + v / 4).ToArray(), x.Select(v => 81 + v / 4).ToArray()),
             new LineSeries("homogeneous", x, x.Select(v => 78 + v / 4).ToArray())]);
        Charts.StackedBars(dir.File("bars.png"), "Energy per inference", "µJ", ["loihi1", "calibrated"],
            [new BarSegment("synapse", [10, 12]), new BarSegment("neuron", [5, 6]), new BarSegment("network", [1, 2])]);
        Charts.Bars(dir.File("simple.png"), "Accuracy", "%", ["float", "chip"], [88, 87]);
        Charts.Histogram(dir.File("hist.png"), "Latency", "µs", x.Select(v => v * v).ToList());
        Charts.Raster(dir.File("raster.png"), "Spikes", "step", x, x.Select(v => v % 7).ToArray(), [(3.5, "hidden")]);
        foreach (var name in new[] { "lines.png", "bars.png", "simple.png", "hist.png", "raster.png" })
        {
            AssertPng(dir.File(name));
        }
    }
}
