using Neuromorphic.Chip;
using Neuromorphic.Core.Errors;
using Neuromorphic.Tests.Support;
using Neuromorphic.Traces;
using Neuromorphic.Workflows.Replay;
using Neuromorphic.Workflows.Runs;

namespace Neuromorphic.Tests.Workflows;

/// <summary>A whole inference through the library API alone: load, map, run, report, trace, re-cost, re-simulate — no CLI type involved.</summary>
public class LibraryApiTests
{
    [Fact]
    public async Task Load_map_run_report_trace_recost_and_resimulate_without_the_command_line()
    {
        using var dir = new TempDirectory();
        var model = dir.File("model.json");
        Neuromorphic.Core.Networks.NetworkFile.Save(TestNetworks.EpLayered([784, 24, 10], seed: 4, weightScale: 3), model);

        var planner = new RunPlanner(toolVersion: "test");
        var plan = planner.Plan(new RunRequest
        {
            Model = model, Chip = "loihi1", Dataset = "embedded", Samples = 4, Steps = 30, Threads = 2,
            Trace = new TraceRequest(dir.File("run.trace"), TraceLevel.Messages),
        });
        Assert.Equal(4, plan.Inputs.Count);
        Assert.NotNull(plan.Float);

        var report = await new RunSession(toolVersion: "test").RunAsync(plan);
        Assert.Equal(4, report.Summary.Count);
        Assert.Equal(dir.File("run.trace"), report.TracePath);
        Assert.NotNull(report.FloatAccuracy);
        Assert.True(report.Summary.Totals.SynapticOps > 0);
        Assert.Equal(report.Summary.Count, report.ToJson()["inferences"]!.GetValue<int>());

        // The trace names its run; re-costed with its own chip it gives back the recorded figures exactly.
        var run = RecordedRun.Open(dir.File("run.trace"));
        Assert.Equal("loihi1", run.Manifest.Chip);
        Assert.Equal(30, run.Manifest.Steps);
        Assert.Equal(Path.GetFullPath(model), run.Manifest.Model);
        var own = RecostReport.Of(run, run.Chip(null));
        Assert.True(own.IdenticalToRecorded);
        Assert.Equal(report.Summary.Inferences.Select(r => r.Energy.TotalFj), own.Inferences.Select(r => r.RecordedEnergy.TotalFj));
        var other = RecostReport.Of(run, ChipLoader.Load("loihi1-calibrated"));
        Assert.NotEqual(own.Recosted.DynamicFj, other.Recosted.DynamicFj);

        // Re-simulating the recorded inputs reproduces the run spike for spike.
        var again = await new Resimulation(toolVersion: "test").RunAsync(run, run.Chip(null), null, null, threads: 1);
        Assert.True(again.Reproduced, again.FirstDivergence);
        Assert.Equal(4, again.Compared);
    }

    [Fact]
    public void Requests_are_validated_in_the_library_naming_properties()
    {
        var bad = new RunRequest { Model = "m.json", Chip = "loihi1", Steps = 0 };
        Assert.Equal(nameof(RunRequest.Steps), Assert.Throws<InvalidInputException>(bad.Validate).Field);
        Assert.Equal(nameof(RunRequest.CountFrom), Assert.Throws<InvalidInputException>((bad with { Steps = 10, CountFrom = 11 }).Validate).Field);
        Assert.Equal(nameof(RunRequest.PeriodNs), Assert.Throws<InvalidInputException>((bad with { Steps = 10, PeriodNs = -1 }).Validate).Field);
        Assert.Equal("Threads", Assert.Throws<InvalidInputException>(() => new Neuromorphic.Simulation.RunOptions { Threads = 0 }.Validate()).Field);
    }

    [Fact]
    public void The_command_line_names_its_flags_for_library_validation_errors()
    {
        CliRunner.AssertBadInput(CliRunner.Run("run", "--model", "m.json", "--chip", "tiny", "--steps", "0"), "--steps");
        CliRunner.AssertBadInput(CliRunner.Run("run", "--model", "m.json", "--chip", "tiny", "--count-from", "101"), "--count-from");
        CliRunner.AssertBadInput(CliRunner.Run("run", "--model", "m.json", "--chip", "tiny", "--count-from", "0"), "--count-from");
        CliRunner.AssertBadInput(CliRunner.Run("train", "--layers", "784,500", "--epochs", "1", "--dataset", "embedded", "--out", "x.json"), "--layers");
        CliRunner.AssertBadInput(CliRunner.Run("train", "--free-steps", "0", "--epochs", "1", "--dataset", "embedded", "--out", "x.json"), "--free-steps");
    }
}
