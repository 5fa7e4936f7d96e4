using Neuromorphic.Tests.Support;
using Neuromorphic.Traces;
using Neuromorphic.Traces.Analysis;

namespace Neuromorphic.Tests.Simulation;

/// <summary>
/// Steps are numbered from 1 in everything a user sees, as the network contract numbers them
/// (src/Neuromorphic.Core/README.md): input events, trace records, their CSV export, the raster, the
/// early-exit step count. The expected steps are derived by hand from the contract, in both modes
/// and both arithmetics (Loihi fixed point on <c>tiny</c>, and <c>--ideal</c> float).
/// </summary>
public class StepNumberingTests
{
    /// <summary>
    /// One cuba-lif neuron, τ_u = 1, no voltage leak, threshold 1, bias 0.26, no input: v = 0.26·t, so
    /// v &gt; 1 first at t = 4 (1.04), then reset to 0 and again at t = 8 and 12. (Fixed point: the bias is
    /// 2130·2^7 state units against a threshold of 2^20, 0.2600098 thresholds: the same steps.)
    /// </summary>
    internal const string BiasOnly = """
        { "schema": "neuromorphic.network/1", "name": "bias-only",
          "populations": [
            { "name": "in", "size": 1, "model": "input" },
            { "name": "n", "size": 1, "model": "cuba-lif", "params": { "tauCurrent": 1, "tauVoltage": null, "threshold": 1, "bias": 0.26 } } ],
          "projections": [] }
        """;

    /// <summary>in → a → b, weights 1.5 onto thresholds of 1, τ_u = τ_v = 1 (no memory): a spike at step s reaches its target at s + 1.</summary>
    private const string Chain = """
        { "schema": "neuromorphic.network/1", "name": "chain",
          "populations": [
            { "name": "in", "size": 1, "model": "input" },
            { "name": "a", "size": 1, "model": "cuba-lif", "params": { "tauCurrent": 1, "tauVoltage": 1, "threshold": 1 } },
            { "name": "b", "size": 2, "model": "cuba-lif", "params": { "tauCurrent": 1, "tauVoltage": 1, "threshold": 1 } } ],
          "projections": [
            { "from": "in", "to": "a", "weights": [[1.5]] },
            { "from": "a", "to": "b", "weights": [[1.5], [0]] } ],
          "readout": { "population": "b" } }
        """;

    private static List<(string Neuron, int Timestep, int Step)> ExportedSpikes(TempDirectory dir, string network, string events, int steps, string mode, bool ideal,
        params string[] extra)
    {
        var model = dir.File("net.json");
        File.WriteAllText(model, network);
        var input = dir.File("events.csv");
        File.WriteAllText(input, events);
        var trace = dir.File($"{mode}-{ideal}.trace");
        string[] args = ["run", "--model", model, "--chip", "tiny", "--input", input, "--steps", steps.ToString(), "--mode", mode,
            "--trace", trace, "--trace-level", "spikes", "--quiet", .. extra];
        var run = CliRunner.Run(ideal ? [.. args, "--ideal"] : args);
        Assert.True(run.ExitCode == 0, run.ToString());
        var csv = dir.File($"csv-{mode}-{ideal}");
        var export = CliRunner.Run("trace", "export", trace, "--out", csv);
        Assert.True(export.ExitCode == 0, export.ToString());
        return File.ReadAllLines(Path.Combine(csv, "spikes.csv")).Skip(1).Select(l => l.Split(','))
            .Select(f => (f[0], int.Parse(f[1]), int.Parse(f[3]))).ToList();
    }

    [Theory]
    [InlineData("barrier", false)]
    [InlineData("barrier", true)]
    [InlineData("async", false)]
    [InlineData("async", true)]
    [InlineData("handshake", false)]
    public void A_bias_driven_neuron_spikes_at_steps_4_8_and_12(string mode, bool ideal)
    {
        using var dir = new TempDirectory();
        var spikes = ExportedSpikes(dir, BiasOnly, "step,index\n", 12, mode, ideal);
        Assert.Equal([("n.0", 4, 4), ("n.0", 8, 8), ("n.0", 12, 12)], spikes);
    }

    [Theory]
    [InlineData("barrier", false)]
    [InlineData("barrier", true)]
    [InlineData("async", false)]
    [InlineData("async", true)]
    [InlineData("handshake", false)]
    public void An_input_event_at_step_s_moves_the_next_neuron_at_s_plus_1(string mode, bool ideal)
    {
        using var dir = new TempDirectory();
        var spikes = ExportedSpikes(dir, Chain, "step,index\n2,0\n5,0\n", 8, mode, ideal);
        // Input rows (SANA-FE's in.k) come first in their step; a fires one step after the input, b one after a.
        Assert.Equal([("in.0", 2, 2), ("a.0", 3, 3), ("b.0", 4, 4), ("in.0", 5, 5), ("a.0", 6, 6), ("b.0", 7, 7)], spikes);
    }

    [Fact]
    public void Early_exit_reports_the_step_of_the_decision_counted_from_1()
    {
        // Input every step: b.0 fires from step 3 on, b.1 never. After step s, b.0 has s − 2 spikes and 12 − s steps
        // remain, so the leader is certain once s − 2 > 12 − s: at step 8. Counting from step 5 instead: s − 4 > 12 − s at step 9.
        using var dir = new TempDirectory();
        var events = "step,index\n" + string.Concat(Enumerable.Range(1, 12).Select(s => $"{s},0\n"));
        foreach (var (countFrom, decided) in new[] { (1, 8), (5, 9) })
        {
            var spikes = ExportedSpikes(dir, Chain, events, 12, "barrier", false, "--early-exit", "--count-from", countFrom.ToString());
            Assert.Equal(decided, spikes.Max(s => s.Step));
            var trace = dir.File("barrier-False.trace");
            var summary = TraceFile.ReadAll(trace).Records.Summaries.Span[0];
            Assert.Equal(decided, summary.Steps);
            Assert.Equal(1, summary.Flags);
            var coreSteps = TraceFile.ReadAll(trace).Records.CoreSteps.Span.ToArray();
            Assert.Equal(1, coreSteps.Min(c => c.Step));
            Assert.Equal(decided, coreSteps.Max(c => c.Step));
        }
    }

    [Fact]
    public void The_raster_shows_input_spikes_in_the_input_band_at_their_steps()
    {
        using var dir = new TempDirectory();
        ExportedSpikes(dir, Chain, "step,index\n2,0\n5,0\n", 8, "barrier", false);
        var raster = TracePlotData.Raster(dir.File("barrier-False.trace"), null);
        Assert.NotNull(raster);
        Assert.Equal([0.0, 0.0], raster.InputNeurons);          // global index 0: the input population comes first
        Assert.Equal([1.0, 2.0, 1.0, 2.0], raster.Neurons);     // a.0 = 1, b.0 = 2
        var inputs = TraceFile.ReadAll(dir.File("barrier-False.trace")).Records.InputEvents.Span.ToArray();
        var cores = TraceFile.ReadAll(dir.File("barrier-False.trace")).Records.CoreSteps.Span.ToArray();
        // An input spike's time is the start of its step.
        Assert.Equal(inputs.Select(e => cores.First(c => c.Step == e.Step).StepStartPs / 1e6), raster.InputTimesUs);
        Assert.Equal([2, 5], inputs.Select(e => e.Step));
    }
}
