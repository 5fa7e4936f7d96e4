using System.Text.Json.Nodes;
using Neuromorphic.Sweeps;
using Neuromorphic.Sweeps.Planning;
using Neuromorphic.Tests.Support;

namespace Neuromorphic.Tests.Sweeps;

/// <summary>Run sweeps in-process: exact merges of split test sets, shards, re-runs, thread counts.</summary>
public sealed class SweepRunTests
{
    [Fact]
    public async Task Split_parts_merge_to_exactly_the_unsplit_run()
    {
        using var temp = new TempDirectory();
        var modes = ", \"mode\": [\"barrier\", \"async\"]";
        var split = SweepFixture.Plan(SweepFixture.RunSpec(temp.Path, seeds: 2, range: 25, split: 10, extraGrid: modes));
        var whole = SweepFixture.Plan(SweepFixture.RunSpec(temp.Path, seeds: 2, range: 25, extraGrid: modes));
        Assert.Equal(12, split.Jobs.Count);
        Assert.Equal(4, whole.Jobs.Count);
        Assert.Equal(whole.Jobs.Select(j => j.Id), split.Jobs.Select(j => j.RunKey).Distinct());

        var a = await SweepFixture.RunInProcessAsync(split, temp.File("split"));
        var b = await SweepFixture.RunInProcessAsync(whole, temp.File("whole"));
        Assert.Empty(a.Failed);
        Assert.Equal(File.ReadAllBytes(temp.File("whole/results.csv")), File.ReadAllBytes(temp.File("split/results.csv")));
        for (var i = 0; i < 4; i++)
        {
            var x = a.Tables.Runs[i].Tally;
            var y = b.Tables.Runs[i].Tally;
            Assert.Equal(y.ToJson().ToJsonString(), x.ToJson().ToJsonString());
        }

        // The instances differ (analog mismatch): the seed axis is not a no-op.
        Assert.NotEqual(b.Tables.Runs[0].Tally.Energy, b.Tables.Runs[2].Tally.Energy);
        Assert.Contains(b.Tables.Runs, r => r.ParetoEnergy);
    }

    [Fact]
    public async Task Shards_merged_equal_one_run_for_any_thread_count_and_a_rerun_skips_finished_jobs()
    {
        using var temp = new TempDirectory();
        var plan = SweepFixture.Plan(SweepFixture.RunSpec(temp.Path, seeds: 5, range: 12, split: 6));
        var full = await SweepFixture.RunInProcessAsync(plan, temp.File("full"), threads: 1);
        Assert.Equal(10, full.Completed);
        await SweepFixture.RunInProcessAsync(plan, temp.File("s1"), threads: 2, shard: new Shard(1, 3));
        await SweepFixture.RunInProcessAsync(plan, temp.File("s2"), threads: 2, shard: new Shard(2, 3));
        var third = await SweepFixture.RunInProcessAsync(plan, temp.File("s3"), threads: 2, shard: new Shard(3, 3));
        Assert.Equal(3, third.Selected);
        Assert.True(third.Tables.IncompleteRuns > 0);
        SweepMerge.Merge([temp.File("s1"), temp.File("s2"), temp.File("s3")], temp.File("merged"));
        SweepFixture.AssertSameResults(temp.File("full"), temp.File("merged"));

        var again = await SweepFixture.RunInProcessAsync(plan, temp.File("full"));
        Assert.Equal((10, 0), (again.Skipped, again.Completed));
        File.Delete(Path.Combine(temp.File("full"), "jobs", plan.Jobs[3].Name + ".json"));
        var repaired = await SweepFixture.RunInProcessAsync(plan, temp.File("full"));
        Assert.Equal((9, 1), (repaired.Skipped, repaired.Completed));
        SweepFixture.AssertSameResults(temp.File("merged"), temp.File("full"));
    }

    [Fact]
    public void Merging_folders_of_different_sweeps_is_bad_input()
    {
        using var temp = new TempDirectory();
        CliRunner.Run("sweep", SweepFixture.RunSpec(temp.Path, seeds: 1, range: 3), "--out", temp.File("a"), "-q");
        CliRunner.Run("sweep", SweepFixture.RunSpec(temp.Path, seeds: 2, range: 3), "--out", temp.File("b"), "-q");
        CliRunner.AssertBadInput(CliRunner.Run("sweep", "merge", temp.File("a"), temp.File("b"), "--out", temp.File("c")), "specHash");
        CliRunner.AssertBadInput(CliRunner.Run("sweep", "merge", temp.File("missing"), "--out", temp.File("c")), "does not exist");
    }

    [Fact]
    public void The_command_writes_results_tables_and_plots()
    {
        using var temp = new TempDirectory();
        var spec = SweepFixture.RunSpec(temp.Path, seeds: 2, range: 6);
        var result = CliRunner.Run("sweep", spec, "--out", temp.File("out"), "--json");
        Assert.True(result.ExitCode == 0, result.ToString());
        var json = JsonNode.Parse(result.Stdout)!;
        Assert.Equal(2, json["runs"]!.AsArray().Count);
        Assert.Equal(6, json["runs"]![0]!["figures"]!["inferences"]!.GetValue<int>());
        foreach (var file in new[] { "sweep.json", "results.csv", "results.md", "accuracy-energy.png", "accuracy-latency.png" })
        {
            Assert.True(File.Exists(temp.File("out/" + file)), file);
        }

        Assert.StartsWith("run,seed,network,chip,inferences,accuracy", File.ReadAllText(temp.File("out/results.csv")));
        Assert.False(Directory.Exists(temp.File("out/.work")));
    }
}
