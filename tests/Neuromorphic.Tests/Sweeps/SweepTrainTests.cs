using System.Text.Json.Nodes;
using Neuromorphic.Tests.Support;

namespace Neuromorphic.Tests.Sweeps;

/// <summary>Training sweeps: train then run, and the stability study as a sweep on shards.</summary>
public sealed class SweepTrainTests
{
    private static readonly string[] s_study =
    [
        "experiment", "stability", "--dataset", "embedded", "--layers", "784,24,10", "--free-steps", "20", "--nudged-steps", "8",
        "--train-limit", "128", "--test-limit", "40", "--epochs", "2", "--seeds", "2", "--tau-dist", "homogeneous,lognormal:0.5", "-q",
    ];

    [Fact]
    public void Train_then_run_runs_every_trained_model_on_every_chip_instance()
    {
        using var temp = new TempDirectory();
        File.WriteAllText(temp.File("spec.json"), """
            { "schema": "neuromorphic.sweep/1", "name": "train then run", "kind": "train+run",
              "train": { "dataset": "embedded", "layers": "784,12,10", "epochs": 1, "train-limit": 96, "test-limit": 20, "free-steps": 15, "nudged-steps": 5 },
              "run": { "chip": "analog-mismatch", "range": 8, "steps": 20 },
              "grid": { "tau-dist": ["homogeneous", "lognormal:0.5"], "lr-scale": [1, 2], "run.seed": [1, 2] } }
            """);
        var result = CliRunner.Run("sweep", temp.File("spec.json"), "--out", temp.File("out"), "--json");
        Assert.True(result.ExitCode == 0, result.ToString());
        var json = JsonNode.Parse(result.Stdout)!;
        Assert.Equal(4, json["trainings"]!.AsArray().Count);
        var runs = json["runs"]!.AsArray();
        Assert.Equal(8, runs.Count);
        Assert.All(runs, r => Assert.Equal(8, r!["figures"]!["inferences"]!.GetValue<int>()));
        Assert.Equal("lognormal:0.5", runs[4]!["point"]!["tau-dist"]!.GetValue<string>());
        Assert.True(File.Exists(temp.File("out/training.csv")));
        Assert.Equal(5, File.ReadAllLines(temp.File("out/training.csv")).Length);
        Assert.Equal(9, File.ReadAllLines(temp.File("out/results.csv")).Length);
        var trainJob = json["trainings"]![0]!["job"]!.GetValue<string>()[..16];
        Assert.True(File.Exists(temp.File($"out/jobs/{trainJob}/model.json")));

        var again = CliRunner.Run("sweep", temp.File("spec.json"), "--out", temp.File("out"), "--json");
        Assert.Equal(12, JsonNode.Parse(again.Stdout)!["skipped"]!.GetValue<int>());
    }

    [Fact]
    public void The_stability_study_on_shards_then_gathered_equals_the_study_in_one_process()
    {
        using var temp = new TempDirectory();
        var whole = CliRunner.Run([.. s_study, "--out", temp.File("whole")]);
        Assert.True(whole.ExitCode == 0, whole.ToString());
        foreach (var shard in new[] { "1/2", "2/2" })
        {
            var part = CliRunner.Run([.. s_study, "--shard", shard, "--out", temp.File("shard" + shard[0])]);
            Assert.True(part.ExitCode == 0, part.ToString());
        }

        Assert.Equal(0, CliRunner.Run("sweep", "merge", temp.File("shard1"), temp.File("shard2"), "--out", temp.File("gathered"), "-q").ExitCode);
        var summary = CliRunner.Run([.. s_study, "--out", temp.File("gathered"), "--json"]);
        Assert.True(summary.ExitCode == 0, summary.ToString());
        Assert.Equal(4, JsonNode.Parse(summary.Stdout)!["runs"]!.AsArray().Count);
        Assert.Equal(File.ReadAllText(temp.File("whole/summary.csv")), File.ReadAllText(temp.File("gathered/summary.csv")));
        SweepFixture.AssertSameResults(temp.File("whole/jobs"), temp.File("gathered/jobs"));
    }
}
