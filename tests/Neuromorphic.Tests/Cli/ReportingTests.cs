using System.Text.Json;
using Neuromorphic.Tests.Support;

namespace Neuromorphic.Tests.Cli;

/// <summary>What reports say beyond accuracy: outputs of unlabelled runs, confusion matrices, and the static-power policy in comparisons.</summary>
public class ReportingTests
{
    private static readonly string ThreeNeurons = RepoPaths.Path("traces", "golden", "three-neurons.json");
    private static readonly string Events = RepoPaths.Path("traces", "golden", "three-neurons-input.csv");

    [Fact]
    public void An_unlabelled_run_reports_output_counts_and_the_winner_per_inference()
    {
        var json = CliRunner.Run("run", "--model", ThreeNeurons, "--chip", "tiny", "--input", Events, "--steps", "12", "--json");
        Assert.True(json.ExitCode == 0, json.ToString());
        using var doc = JsonDocument.Parse(json.Stdout);
        var outputs = doc.RootElement.GetProperty("outputs");
        Assert.Equal(1, outputs.GetArrayLength());
        var first = outputs[0];
        var counts = first.GetProperty("counts").EnumerateArray().Select(c => c.GetInt32()).ToArray();
        Assert.Single(counts);                                   // the read-out population "out" has one neuron
        Assert.Equal(0, first.GetProperty("winner").GetInt32());
        Assert.Equal(12, first.GetProperty("steps").GetInt32());
        Assert.Equal("assumed", doc.RootElement.GetProperty("staticPower").GetProperty("basis").GetString());

        var table = CliRunner.Run("run", "--model", ThreeNeurons, "--chip", "tiny", "--input", Events, "--steps", "12");
        Assert.Contains("output spike counts", table.Stdout, StringComparison.Ordinal);
        Assert.Contains("winner", table.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_and_eval_draw_a_confusion_matrix_and_refuse_one_without_labels()
    {
        using var dir = new TempDirectory();
        var model = dir.File("net.json");
        Neuromorphic.Core.Networks.NetworkFile.Save(TestNetworks.EpLayered([784, 16, 10], seed: 2, weightScale: 3), model);
        var run = CliRunner.Run("run", "--model", model, "--chip", "loihi1", "--dataset", "embedded", "--samples", "6", "--steps", "20", "--confusion", dir.File("run.png"));
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.True(new FileInfo(dir.File("run.png")).Length > 1000);
        var eval = CliRunner.Run("eval", "--model", model, "--dataset", "embedded", "--test-limit", "20", "--confusion", dir.File("eval.png"));
        Assert.True(eval.ExitCode == 0, eval.ToString());
        Assert.True(new FileInfo(dir.File("eval.png")).Length > 1000);
        CliRunner.AssertBadInput(CliRunner.Run("run", "--model", ThreeNeurons, "--chip", "tiny", "--input", Events, "--confusion", dir.File("x.png")), "--confusion", "labelled");
    }

    [Fact]
    public void Replay_flags_totals_that_compare_static_powers_known_differently()
    {
        using var dir = new TempDirectory();
        var trace = dir.File("t.trace");
        Assert.Equal(0, CliRunner.Run("run", "--model", ThreeNeurons, "--chip", "tiny", "--input", Events, "--steps", "12", "--trace", trace).ExitCode);
        var own = CliRunner.Run("replay", trace, "--json");
        using (var doc = JsonDocument.Parse(own.Stdout))
        {
            Assert.Equal(JsonValueKind.Null, doc.RootElement.GetProperty("staticPowerCaveat").ValueKind);   // same chip: totals compare
        }

        var other = CliRunner.Run("replay", trace, "--chip", "loihi1");
        Assert.True(other.ExitCode == 0, other.ToString());
        Assert.Contains("1 mW (assumed)", other.Stdout, StringComparison.Ordinal);
        Assert.Contains("104 mW (derived)", other.Stdout, StringComparison.Ordinal);
        Assert.Contains("compare dynamic energy", other.Stdout, StringComparison.Ordinal);
    }
}

/// <summary>Log lines on a terminal are wrapped at its width, each piece written alone (Spectre restores the progress bar correctly only around single-line writes).</summary>
public class TerminalLogTests
{
    [Fact]
    public void Long_log_lines_wrap_at_spaces_within_the_width()
    {
        var line = "[11:09:06 INF] Epoch 1/3: train 53.85 % (loss 0.3142), test 72.50 %, residual free 4.9e-6 nudged 2.9e-4, not converged 0.0 %, period-2 0.0 %";
        var pieces = Neuromorphic.Cli.Hosting.AnsiConsoleSink.Wrap(line, 60).ToList();
        Assert.True(pieces.Count >= 3);
        Assert.All(pieces, p => Assert.True(p.Length <= 60, p));
        Assert.Equal(line.Replace(" ", ""), string.Concat(pieces).Replace(" ", ""));
        Assert.Equal(["a", "b"], Neuromorphic.Cli.Hosting.AnsiConsoleSink.Wrap("a\nb", 60));
        Assert.Equal(["0123456789", "abc"], Neuromorphic.Cli.Hosting.AnsiConsoleSink.Wrap("0123456789abc", 10));
    }
}
