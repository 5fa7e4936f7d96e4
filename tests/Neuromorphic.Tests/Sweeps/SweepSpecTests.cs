using Neuromorphic.Tests.Support;

namespace Neuromorphic.Tests.Sweeps;

/// <summary>Bad sweep specs and endpoints: exit 2 naming the field or endpoint, and no results folder left behind.</summary>
public sealed class SweepSpecTests
{
    private const string Base = """
        "schema": "neuromorphic.sweep/1", "kind": "run",
        "run": { "model": "model.json", "chip": "loihi1", "dataset": "embedded", "range": 2, "steps": 10 }
        """;

    [Theory]
    [InlineData("""{ "schema": "neuromorphic.sweep/1", "kind": "run", "run": { "model": "model.json", "chip": "loihi1", "stepz": 10 } }""", "$.run.stepz", "steps")]
    [InlineData($$"""{ {{Base}}, "grid": {} }""", "$.grid", "at least one option")]
    [InlineData($$"""{ {{Base}}, "grid": { "seed": [] } }""", "$.grid.seed", "at least one value")]
    [InlineData($$"""{ {{Base}}, "grid": { "steps": [10, 0] } }""", "$.grid.steps[1]", "positive number of steps")]
    [InlineData($$"""{ {{Base}}, "grid": { "mode": ["barrier", "gals"] } }""", "$.grid.mode[1]", "barrier, handshake, async")]
    [InlineData($$"""{ {{Base}}, "grid": { "model": ["missing.json"] } }""", "$.grid.model[0]", "does not exist")]
    [InlineData("""{ "schema": "neuromorphic.sweep/1", "kind": "run", "run": { "model": "nope.json", "chip": "loihi1" } }""", "$.run.model", "does not exist")]
    [InlineData($$"""{ {{Base}}, "grid": { "chip": ["loihi9"] } }""", "$.grid.chip[0]", "built-in chip")]
    [InlineData($$"""{ {{Base}}, "split": 0 }""", "$.split", "positive")]
    [InlineData("""{ "schema": "neuromorphic.sweep/1", "kind": "train+run", "train": { "epochs": 1 }, "grid": { "seed": [1, 2] } }""", "$.grid.seed", "train.seed or run.seed")]
    [InlineData("""{ "schema": "neuromorphic.sweep/1", "kind": "train", "train": { "lr-scale": -1 } }""", "$.train.lr-scale", "positive")]
    [InlineData("""{ "schema": "neuromorphic.sweep/1", "kind": "train", "grid": { "tau-dist": ["cauchy"] } }""", "$.grid.tau-dist[0]", "cauchy")]
    [InlineData("""{ "schema": "neuromorphic.sweep/2", "kind": "run" }""", "$.schema", "neuromorphic.sweep/1")]
    [InlineData("""{ "schema": "neuromorphic.sweep/1", "kind": "train", "grid": { "dynamics": ["energy", "hopfield"] } }""", "$.grid.dynamics[1]", "prototypical, energy")]
    [InlineData("""{ "schema": "neuromorphic.sweep/1", "kind": "train", "train": { "dynamics": "energy", "nudge": "outside" } }""", "$.train.nudge", "inside")]
    public void A_bad_spec_is_exit_2_naming_the_field_and_writes_nothing(string spec, string field, string expected)
    {
        using var temp = new TempDirectory();
        SweepFixture.WriteModel(temp.Path);
        File.WriteAllText(temp.File("spec.json"), spec);
        var result = CliRunner.Run("sweep", temp.File("spec.json"), "--out", temp.File("out"));
        CliRunner.AssertBadInput(result, "spec.json", field, expected);
        Assert.False(Directory.Exists(temp.File("out")), "a results folder was left behind");
    }

    [Fact]
    public void An_unreachable_cluster_is_exit_2_naming_the_endpoint_within_the_timeout()
    {
        using var temp = new TempDirectory();
        var spec = SweepFixture.RunSpec(temp.Path, seeds: 1, range: 2);
        var port = NeuroProcess.FreePort();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var result = CliRunner.Run("sweep", spec, "--out", temp.File("out"), "--cluster", $"127.0.0.1:{port}", "--connect-timeout", "2");
        CliRunner.AssertBadInput(result, "--cluster", $"127.0.0.1:{port}", "reachable cluster");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"took {clock.Elapsed}");
        Assert.False(Directory.Exists(temp.File("out")), "a results folder was left behind");
        CliRunner.AssertBadInput(CliRunner.Run("sweep", spec, "--out", temp.File("out"), "--cluster", "redis://"), "--cluster");
        CliRunner.AssertBadInput(CliRunner.Run("sweep", spec, "--out", temp.File("out"), "--shard", "3/2"), "--shard");
    }

    [Fact]
    public void A_job_that_fails_at_run_time_is_exit_1_naming_it_and_leaves_no_result()
    {
        using var temp = new TempDirectory();
        SweepFixture.WriteModel(temp.Path);
        File.WriteAllText(temp.File("spec.json"), $$"""{ {{Base}}, "grid": { "offset": [0, 5000] } }""");
        var result = CliRunner.Run("sweep", temp.File("spec.json"), "--out", temp.File("out"));
        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("1 job(s) failed", result.Stderr);
        Assert.Contains("5000", result.Stderr);
        Assert.Single(Directory.GetFiles(temp.File("out/jobs"), "*.json"));
        Assert.Empty(Directory.GetFiles(temp.File("out"), "*.tmp", SearchOption.AllDirectories));
    }
}
