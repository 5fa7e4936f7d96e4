using System.Text.Json.Nodes;
using Neuromorphic.Tests.Support;

namespace Neuromorphic.Tests.Cli;

/// <summary><c>neuro train --on-chip</c>: a small run end to end (files, split, ledger re-costing, run and eval of the result) and its bad input.</summary>
public sealed class OnChipCommandTests
{
    private static readonly string[] s_small =
        ["--dataset", "embedded", "--layers", "784,16,10", "--free-steps", "20", "--nudged-steps", "8", "--epochs", "1", "--train-limit", "12", "--test-limit", "6", "--threads", "2"];

    [Fact]
    public void A_small_on_chip_run_writes_the_network_and_the_ledger_and_the_result_runs_and_evaluates()
    {
        using var temp = new TempDirectory();
        var model = temp.File("m.json");
        var train = CliRunner.Run(["train", "--on-chip", "loihi1", .. s_small, "--json", "--out", model]);
        Assert.True(train.ExitCode == 0, train.ToString());
        var final = JsonNode.Parse(train.Stdout)!["final"]!;
        Assert.Equal(12, final["samples"]!.GetValue<long>());
        const long synapses = 784 * 16 + 16 * 10 + 10 * 16;
        Assert.Equal(12 * 2 * synapses, final["counters"]!["synapticUpdates"]!.GetValue<long>());
        Assert.Equal(12L * (20 + 2 * 8) * (784 + 16 + 10 + 16 + 10), final["counters"]!["traceUpdates"]!.GetValue<long>());
        foreach (var part in new[] { "free", "nudged", "learning", "total" })
        {
            Assert.True(final["perSample"]![part]!["energyUj"]!.GetValue<double>() > 0, part);
            Assert.True(final["perSample"]![part]!["timeUs"]!.GetValue<double>() > 0, part);
        }

        var network = JsonNode.Parse(File.ReadAllText(model))!;
        Assert.Equal("neuromorphic.network/1", network["schema"]!.GetValue<string>());
        Assert.Equal("loihi1", network["training"]!["onChip"]!["chip"]!.GetValue<string>());

        var ledger = temp.File("m.learning.json");
        Assert.Equal("neuromorphic.learning/1", JsonNode.Parse(File.ReadAllText(ledger))!["schema"]!.GetValue<string>());

        // Re-costed under its own chip, the ledger reproduces the recorded dynamic energy of every part exactly.
        var replay = CliRunner.Run("replay", ledger, "--json");
        Assert.True(replay.ExitCode == 0, replay.ToString());
        var row = JsonNode.Parse(replay.Stdout)!["epochs"]![0]!;
        foreach (var part in new[] { "free", "nudged", "learning" })
        {
            Assert.Equal(row[part]!["recordedDynamicUj"]!.GetValue<double>(), row[part]!["dynamicUj"]!.GetValue<double>());
        }

        var calibrated = JsonNode.Parse(CliRunner.Run("replay", ledger, "--chip", "loihi1-calibrated", "--json").Stdout)!["epochs"]![0]!;
        Assert.NotEqual(row["free"]!["dynamicUj"]!.GetValue<double>(), calibrated["free"]!["dynamicUj"]!.GetValue<double>());

        var run = CliRunner.Run("run", "--model", model, "--chip", "loihi1", "--dataset", "embedded", "--samples", "3", "--steps", "20", "--json");
        Assert.True(run.ExitCode == 0, run.ToString());
        var eval = CliRunner.Run("eval", "--model", model, "--dataset", "embedded", "--test-limit", "6", "--json");
        Assert.True(eval.ExitCode == 0, eval.ToString());
        Assert.Equal(final["floatTestAccuracy"]!.GetValue<double>(), JsonNode.Parse(eval.Stdout)!["accuracy"]!.GetValue<double>());
    }

    [Fact]
    public void The_trained_network_is_byte_identical_for_any_thread_count()
    {
        using var temp = new TempDirectory();
        string[] Args(int threads) =>
            ["train", "--on-chip", "loihi1", .. s_small.Select(a => a == "2" ? threads.ToString() : a), "--out", temp.File($"{threads}/m.json")];
        Directory.CreateDirectory(temp.File("1"));
        Directory.CreateDirectory(temp.File("2"));
        Assert.Equal(0, CliRunner.Run(Args(1)).ExitCode);
        Assert.Equal(0, CliRunner.Run(Args(2)).ExitCode);
        Assert.Equal(File.ReadAllBytes(temp.File("1/m.json")), File.ReadAllBytes(temp.File("2/m.json")));
        Assert.Equal(File.ReadAllBytes(Sidecars.Of(temp.File("1/m.json"), 0)), File.ReadAllBytes(Sidecars.Of(temp.File("2/m.json"), 0)));
    }

    [Fact]
    public void A_chip_without_a_learning_engine_exits_2_naming_it()
    {
        using var temp = new TempDirectory();
        CliRunner.AssertBadInput(CliRunner.Run(["train", "--on-chip", "tiny", .. s_small, "--out", temp.File("m.json")]), "$.learning", "tiny");
        Assert.False(File.Exists(temp.File("m.json")));
    }

    [Fact]
    public void A_network_that_does_not_fit_exits_2_naming_the_limit()
    {
        using var temp = new TempDirectory();
        var loihi = File.ReadAllText(RepoPaths.Path("chip-models", "loihi1.json"));
        var oneCore = loihi.Replace("\"name\": \"loihi1\"", "\"name\": \"loihi1-one-core\"")
            .Replace("\"width\": 8, \"height\": 4, \"coresPerTile\": 4", "\"width\": 1, \"height\": 1, \"coresPerTile\": 1");
        Assert.NotEqual(loihi, oneCore);
        var chip = temp.File("one-core.json");
        File.WriteAllText(chip, oneCore);
        var result = CliRunner.Run(["train", "--on-chip", chip, .. s_small.Select(a => a == "784,16,10" ? "784,300,10" : a), "--out", temp.File("m.json")]);
        CliRunner.AssertBadInput(result, "limit");
        Assert.Contains("at most", result.Stderr);
    }

    [Theory]
    [InlineData("--nudged-steps", "64", "maxEpochSteps")]
    [InlineData("--estimator", "one-sided", "--estimator")]
    [InlineData("--mode", "async", "barrier or handshake")]
    [InlineData("--weight-bits", "9", "weightBits")]
    [InlineData("--trace-bits", "12", "traceBits")]
    public void On_chip_options_the_chip_cannot_run_exit_2(string option, string value, string expected)
    {
        using var temp = new TempDirectory();
        var args = s_small.ToList();
        var at = args.IndexOf(option);
        if (at >= 0)
        {
            args[at + 1] = value;
        }
        else
        {
            args.AddRange([option, value]);
        }

        CliRunner.AssertBadInput(CliRunner.Run(["train", "--on-chip", "loihi1", .. args, "--out", temp.File("m.json")]), expected);
    }
}
