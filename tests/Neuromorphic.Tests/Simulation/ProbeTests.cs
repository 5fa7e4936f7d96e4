using Neuromorphic.Cli.Plotting;
using Neuromorphic.Core.Networks;
using Neuromorphic.Tests.Support;
using Neuromorphic.Traces;
using Neuromorphic.Traces.Analysis;
using ScottPlot;

namespace Neuromorphic.Tests.Simulation;

/// <summary>
/// <c>neuro run --probe</c>: the current and potential of chosen neurons every step, checked against
/// values derived by hand from the network contract in both modes and both arithmetics; their
/// export, their plot, their determinism over threads, and bad probe specs.
/// </summary>
public class ProbeTests
{
    /// <summary>One cuba-lif neuron, τ_u = 1, no voltage leak, threshold 1, bias 0.26 (<see cref="StepNumberingTests.BiasOnly"/>).</summary>
    private const string BiasOnly = StepNumberingTests.BiasOnly;

    private static ProbeRecord[] RunBiasOnly(TempDirectory dir, string mode, bool ideal, string level = "summary")
    {
        var model = dir.File("bias.json");
        File.WriteAllText(model, BiasOnly);
        var input = dir.File("events.csv");
        File.WriteAllText(input, "step,index\n");
        var trace = dir.File($"{mode}-{ideal}-{level}.trace");
        string[] args = ["run", "--model", model, "--chip", "tiny", "--input", input, "--steps", "12", "--mode", mode,
            "--trace", trace, "--trace-level", level, "--probe", "n", "--quiet"];
        var run = CliRunner.Run(ideal ? [.. args, "--ideal"] : args);
        Assert.True(run.ExitCode == 0, run.ToString());
        return TraceFile.ReadAll(trace).Records.Probes.Span.ToArray();
    }

    [Theory]
    [InlineData("barrier", false)]
    [InlineData("barrier", true)]
    [InlineData("async", false)]
    [InlineData("async", true)]
    public void A_bias_driven_neuron_charges_by_its_bias_each_step_and_resets_when_it_fires(string mode, bool ideal)
    {
        using var dir = new TempDirectory();
        var probes = RunBiasOnly(dir, mode, ideal);
        Assert.Equal(Enumerable.Range(1, 12), probes.Select(p => p.Step));
        Assert.All(probes, p => Assert.Equal(1, p.Neuron));      // global index: "in" is neuron 0
        Assert.All(probes, p => Assert.Equal(0, p.U));           // no synaptic input
        // v_t = bias · (steps since the last reset); at t = 4, 8, 12 it crosses the threshold and resets to 0.
        // Fixed point on tiny: bias 2130 · 2^7 = 272,640 state units per step, threshold 2^20 (exact integers).
        var (bias, threshold) = ideal ? (0.26, 1.0) : (2130 * 128.0, 1 << 20);
        for (var t = 1; t <= 12; t++)
        {
            var expected = t % 4 == 0 ? 0 : bias * (t % 4);
            Assert.Equal(expected, probes[t - 1].V, ideal ? 1e-6 : 0);
            Assert.Equal(threshold, probes[t - 1].Threshold, ideal ? 1e-9 : 0);
        }
    }

    [Fact]
    public void Probes_are_recorded_at_every_trace_level_and_exported_with_their_neuron_names()
    {
        using var dir = new TempDirectory();
        foreach (var level in new[] { "summary", "counters", "spikes", "messages" })
        {
            Assert.Equal(12, RunBiasOnly(dir, "barrier", true, level).Length);
        }

        var csv = dir.File("csv");
        var export = CliRunner.Run("trace", "export", dir.File("barrier-True-spikes.trace"), "--out", csv);
        Assert.True(export.ExitCode == 0, export.ToString());
        var lines = File.ReadAllLines(Path.Combine(csv, "probes.csv"));
        Assert.Equal("neuron,timestep,inference,step,core,u,v,threshold", lines[0]);
        Assert.Equal(13, lines.Length);
        Assert.StartsWith("n.0,4,0,4,", lines[4]);
        Assert.EndsWith(",0,0,1", lines[4]);                     // u 0, v reset to 0, threshold 1 at the spike step
    }

    [Fact]
    public void A_probed_trace_is_byte_identical_for_one_and_two_threads_and_plots_with_the_threshold_line()
    {
        using var dir = new TempDirectory();
        var model = dir.File("net.json");
        NetworkFile.Save(TestNetworks.EpLayered([784, 30, 10], seed: 21, weightScale: 3), model);
        var traces = new List<byte[]>();
        foreach (var threads in new[] { "1", "2" })
        {
            var trace = dir.File($"t{threads}.trace");
            var run = CliRunner.Run("run", "--model", model, "--chip", "loihi1", "--dataset", "embedded", "--samples", "4", "--steps", "30",
                "--threads", threads, "--trace", trace, "--trace-level", "counters", "--probe", "h1[3..5]", "--probe", "output[0]", "--quiet");
            Assert.True(run.ExitCode == 0, run.ToString());
            traces.Add(File.ReadAllBytes(trace));
        }

        Assert.Equal(traces[0], traces[1]);
        var records = TraceFile.ReadAll(dir.File("t1.trace")).Records.Probes.Span.ToArray();
        Assert.Equal(4 * 30 * 4, records.Length);                 // 4 neurons × 30 steps × 4 inferences
        Assert.Equal([784 + 3, 784 + 4, 784 + 5, 784 + 30], records.Select(r => r.Neuron).Distinct().Order());

        var data = TracePlotData.Probes(dir.File("t1.trace"), 2);
        Assert.NotNull(data);
        Assert.Equal(2, data.Inference);
        Assert.Equal(["h1.3", "h1.4", "h1.5", "output.0"], data.Neurons.Select(n => n.Name));
        var plots = Charts.Probes(dir.File("probes.png"), "Probes", data);
        Assert.True(new FileInfo(dir.File("probes.png")).Length > 1000);
        var potential = plots[0];
        Assert.Contains("threshold", potential.Axes.Left.Label.Text, StringComparison.Ordinal);
        Assert.Matches(@"\(.+\)", potential.Axes.Left.Label.Text);
        Assert.Equal("step (from 1)", potential.Axes.Bottom.Label.Text);
        var line = Assert.Single(potential.GetPlottables().OfType<ScottPlot.Plottables.HorizontalLine>());
        Assert.Equal(1, line.Y);
        Assert.Equal(4, potential.GetPlottables().OfType<ScottPlot.Plottables.Scatter>().Count());
        potential.RenderInMemory(1000, 600);
        Assert.All(potential.Axes.Bottom.TickGenerator.Ticks.Where(t => t.IsMajor), t => Assert.Equal(Math.Round(t.Position), t.Position, 9));

        var plot = CliRunner.Run("trace", "plot", dir.File("t1.trace"), "--out", dir.File("plots"), "--inference", "1");
        Assert.True(plot.ExitCode == 0, plot.ToString());
        Assert.True(File.Exists(Path.Combine(dir.File("plots"), "probes.png")));
    }

    [Theory]
    [InlineData("nope[0]", "one of in, n")]
    [InlineData("n[1]", "0..0")]
    [InlineData("n[3..2]", "first ≤ last")]
    [InlineData("n[a]", "POP[a..b]")]
    public void Bad_probe_specs_exit_2_naming_the_flag_and_what_it_accepts(string spec, string expected)
    {
        using var dir = new TempDirectory();
        var model = dir.File("bias.json");
        File.WriteAllText(model, BiasOnly);
        var input = dir.File("events.csv");
        File.WriteAllText(input, "step,index\n");
        var run = CliRunner.Run("run", "--model", model, "--chip", "tiny", "--input", input, "--trace", dir.File("t.trace"), "--probe", spec);
        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("--probe", run.Stderr, StringComparison.Ordinal);
        Assert.Contains(expected, run.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(dir.File("t.trace")));
    }

    [Fact]
    public void A_probe_without_a_trace_exits_2()
    {
        using var dir = new TempDirectory();
        var model = dir.File("bias.json");
        File.WriteAllText(model, BiasOnly);
        var input = dir.File("events.csv");
        File.WriteAllText(input, "step,index\n");
        var run = CliRunner.Run("run", "--model", model, "--chip", "tiny", "--input", input, "--probe", "n");
        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("--probe", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("a trace", run.Stderr, StringComparison.Ordinal);
    }
}
