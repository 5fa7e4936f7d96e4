using Neuromorphic.Core.IO;
using Neuromorphic.Core.Networks;
using Neuromorphic.Tests.Support;
using Neuromorphic.Traces;

namespace Neuromorphic.Tests.Cli;

/// <summary>
/// Kills of a real <c>neuro</c> child process (SIGKILL: no chance to clean up), at exactly the
/// moment under test — the writers pause at a named point (<see cref="FaultInjection"/>) and the
/// test kills them there — or in the middle of a long inference. What is left on disk must be
/// usable: the old or the new model, never a mix; a trace prefix holding all but the last records.
/// </summary>
public sealed class KillTests
{
    private static readonly string[] s_train = ["train", "--dataset", "embedded", "--layers", "784,16,10", "--train-limit", "128", "--test-limit", "50", "--threads", "1"];

    [Theory]
    [InlineData("network-file:sidecars-written", 1)]
    [InlineData("network-file:json-written", 2)]
    [InlineData("atomic-file:before-rename", 1)]
    public async Task A_train_killed_between_the_writes_of_a_model_leaves_the_old_or_the_new_model(string point, int epochsLeft)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        using var temp = new TempDirectory();
        var model = temp.File("m.json");
        var signal = temp.File("paused");

        // Epoch 1 saves the model (sidecar, then JSON); the second save — after epoch 2 — is where the child stops and is killed.
        // Atomic writes per epoch: checkpoint, sidecar, JSON, metrics; the 7th is epoch 2's JSON, renamed over epoch 1's.
        var occurrence = point == "atomic-file:before-rename" ? 7 : 2;
        using var child = new ChildNeuro([.. s_train, "--epochs", "2", "--out", model], new Dictionary<string, string>
        {
            [FaultInjection.PauseVariable] = $"{point}#{occurrence}",
            [FaultInjection.SignalVariable] = signal,
        });
        Assert.True(await child.WaitUntilAsync(() => File.Exists(signal), TimeSpan.FromSeconds(60)), "the child never reached " + point);
        var output = await child.KillAsync();

        // Whatever was on disk at the kill loads, with its sidecars verified against the JSON.
        var loaded = NetworkFile.Load(model);
        Assert.Empty(loaded.UnverifiedSidecars);
        Assert.True(epochsLeft == loaded.Training!["epochsCompleted"]!.GetValue<int>(), output);

        // A later save removes what the killed one left: the next epoch with --resume from the checkpoint.
        var resumed = CliRunner.Run([.. s_train, "--epochs", "3", "--resume", "--out", model]);
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        Assert.Equal(3, NetworkFile.Load(model).Training!["epochsCompleted"]!.GetValue<int>());
        Assert.Single(Directory.GetFiles(temp.Path, "m.0.*.f32"));
        Assert.Empty(Directory.GetFiles(temp.Path, "*.tmp"));
    }

    [Fact]
    public void A_sidecar_replaced_by_another_models_is_refused_naming_both_files()
    {
        using var temp = new TempDirectory();
        Assert.Equal(0, CliRunner.Run([.. s_train, "--epochs", "1", "--out", temp.File("a.json"), "-q"]).ExitCode);
        Assert.Equal(0, CliRunner.Run([.. s_train, "--epochs", "2", "--out", temp.File("b.json"), "-q"]).ExitCode);
        var sidecar = Sidecars.Of(temp.File("a.json"), 0);
        File.Copy(Sidecars.Of(temp.File("b.json"), 0), sidecar, overwrite: true);
        CliRunner.AssertBadInput(CliRunner.Run("eval", "--model", temp.File("a.json"), "--dataset", "embedded"),
            "a.json", "$.projections[0].weights.sha256", Path.GetFileName(sidecar), "do not belong together");
    }

    [Fact]
    public async Task A_long_inference_killed_midway_leaves_a_readable_prefix_of_all_but_its_last_records_in_bounded_memory()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        using var temp = new TempDirectory();
        var network = OutputGuardCommandTests.TestNetworkFile(temp);
        var trace = temp.File("t.trace");
        var partial = trace + TraceWriter.PartialSuffix;
        using var child = new ChildNeuro(["run", "--model", network, "--chip", "tiny", "--input", temp.File("in.csv"), "--steps", "100000000",
            "--trace", trace, "--trace-level", "messages", "-q"]);

        // Killed while its one inference runs, once several flushes (every 256 kB of records) have reached the disk.
        Assert.True(await child.WaitUntilAsync(() => File.Exists(partial) && new FileInfo(partial).Length > 400_000, TimeSpan.FromSeconds(60)),
            "the partial trace did not grow");
        var resident = child.ResidentKilobytes();
        await child.KillAsync();
        Assert.InRange(resident, 1, 400_000);
        Assert.False(File.Exists(trace));

        var contents = TraceFile.ReadAll(partial);
        Assert.Null(contents.End);
        Assert.Contains("without an end block", contents.Damage!.Reason, StringComparison.Ordinal);
        var records = contents.Records;
        Assert.Empty(records.Summaries.ToArray());

        // Every input event of the file (steps 1–9) is there, though its kind never fills a block.
        var expectedInputs = File.ReadLines(temp.File("in.csv")).Skip(1).Count(l => l.Length > 0 && !l.StartsWith('#'));
        Assert.Equal(expectedInputs, records.InputEvents.Count);

        // Core steps: steps 1..S on each of the three cores, in order, nothing missing before the last.
        var steps = records.CoreSteps.ToArray();
        Assert.True(steps.Length > 3000, $"{steps.Length} core steps");
        for (var i = 0; i < steps.Length; i++)
        {
            Assert.Equal(steps[0].Step + i / 3, steps[i].Step);
            Assert.Equal(steps[i % 3].Core, steps[i].Core);
        }

        // Spikes and messages agree with the counters of every step before the last step they reach.
        var spikes = records.Spikes.ToArray();
        var messages = records.Messages.ToArray();
        var lastSpikeStep = spikes[^1].Step;
        var lastMessageStep = messages[^1].Step;
        Assert.True(lastSpikeStep > steps[^1].Step / 2, $"spikes stop at step {lastSpikeStep}, core steps at {steps[^1].Step}");
        // The kill can land between the core-step records of one step: compare only steps all three cores recorded.
        var lastCompleteStep = steps.Length % 3 == 0 ? steps[^1].Step : steps[^1].Step - 1;
        var firedByStep = steps.GroupBy(s => s.Step).ToDictionary(g => g.Key, g => g.Sum(s => s.Counters.NeuronsFired));
        var sentByStep = steps.GroupBy(s => s.Step).ToDictionary(g => g.Key, g => g.Sum(s => s.Counters.MessagesOut));
        foreach (var group in spikes.GroupBy(s => s.Step).Where(g => g.Key < lastSpikeStep && g.Key <= lastCompleteStep))
        {
            Assert.Equal(firedByStep[group.Key], group.Count());
        }

        foreach (var group in messages.GroupBy(m => m.Step).Where(g => g.Key < lastMessageStep && g.Key <= lastCompleteStep))
        {
            Assert.Equal(sentByStep[group.Key], group.Count());
        }
    }
}
