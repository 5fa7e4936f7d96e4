using Neuromorphic.Core.Networks;
using Neuromorphic.Tests.Support;
using Neuromorphic.Traces;
using Neuromorphic.Traces.Analysis;

namespace Neuromorphic.Tests.Traces;

/// <summary>Accuracy against the read-out window, against a direct recount of the trace's output spikes and the chip's own decisions.</summary>
public class ReadoutWindowTests
{
    [Fact]
    public void Each_window_counts_the_output_spikes_up_to_it_and_the_full_window_matches_the_chip()
    {
        using var dir = new TempDirectory();
        var model = dir.File("net.json");
        NetworkFile.Save(TestNetworks.EpLayered([784, 30, 10], seed: 21, weightScale: 3), model);
        var trace = dir.File("t.trace");
        Directory.CreateDirectory(dir.File("plots-dir"));
        var run = CliRunner.Run("run", "--model", model, "--chip", "loihi1", "--dataset", "embedded", "--samples", "12", "--steps", "30",
            "--count-from", "3", "--trace", trace, "--trace-level", "spikes", "--quiet");
        Assert.True(run.ExitCode == 0, run.ToString());

        var window = ReadoutWindow.Of(trace);
        Assert.NotNull(window);
        Assert.Equal("output", window.Population);
        Assert.Equal(Enumerable.Range(1, 30), window.Windows.Select(w => w.Steps));
        Assert.All(window.Windows, w => Assert.Equal(12, w.Labelled));

        var contents = TraceFile.ReadAll(trace).Records;
        var summaries = contents.Summaries.Span.ToArray();
        var spikes = contents.Spikes.Span.ToArray();
        const int outputStart = 784 + 30;
        foreach (var s in new[] { 2, 3, 10, 30 })
        {
            var correct = summaries.Count(summary =>
            {
                var counts = Enumerable.Range(0, 10).Select(o => spikes.Count(x => x.Inference == summary.Inference && x.Neuron == outputStart + o && x.Step >= 3 && x.Step <= s)).ToArray();
                return Array.IndexOf(counts, counts.Max()) == summary.Label;   // the first maximum: ties to the lower index
            });
            Assert.Equal(correct, window.Windows[s - 1].Correct);
        }

        // Before the count starts (step 3) nothing is counted: every image is read as class 0.
        Assert.Equal(summaries.Count(x => x.Label == 0), window.Windows[1].Correct);
        var fullWindowLeaders = window.AgreeingWithChip;
        Assert.True(fullWindowLeaders >= 10, $"full-window leader equals the chip's decision on {fullWindowLeaders} of 12");
        if (fullWindowLeaders == 12)
        {
            Assert.Equal(summaries.Count(x => x.Predicted == x.Label), window.Windows[^1].Correct);
        }

        var plot = Neuromorphic.Cli.Plotting.TracePlots.Steps(dir.File("plots-dir"), trace, "Accuracy", Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        Assert.NotNull(plot);
        Assert.True(new FileInfo(plot).Length > 1000);
    }

    [Fact]
    public void A_trace_without_spikes_has_no_window_plot()
    {
        using var dir = new TempDirectory();
        var model = dir.File("net.json");
        NetworkFile.Save(TestNetworks.EpLayered([784, 30, 10], seed: 21, weightScale: 3), model);
        var trace = dir.File("t.trace");
        var run = CliRunner.Run("run", "--model", model, "--chip", "loihi1", "--dataset", "embedded", "--samples", "2", "--steps", "10",
            "--trace", trace, "--trace-level", "counters", "--quiet");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Null(ReadoutWindow.Of(trace));
    }
}
