using Neuromorphic.Simulation;
using Neuromorphic.Tests.Support;
using Neuromorphic.Traces;
using Neuromorphic.Workflows.Runs;

namespace Neuromorphic.Tests.Sweeps;

/// <summary><c>neuro run --offset K --range N</c>: a slice of the test set runs exactly as the same images in a longer run.</summary>
public sealed class TestSliceTests
{
    [Theory]
    [InlineData(SyncMode.Barrier, InputEncoding.SigmaDelta)]
    [InlineData(SyncMode.Async, InputEncoding.Bernoulli)]
    public async Task A_slice_equals_the_same_images_of_a_longer_run(SyncMode mode, InputEncoding encoding)
    {
        using var temp = new TempDirectory();
        var model = SweepFixture.WriteModel(temp.Path);
        RunRequest Request(int offset, int count) => new()
        {
            Model = model, Chip = "analog-mismatch", Dataset = "embedded", Offset = offset, Samples = count, Steps = 30, Mode = mode, Encoding = encoding, Seed = 7,
        };

        var planner = new RunPlanner();
        var whole = await new RunSession().RunAsync(planner.Plan(Request(0, 12)));
        var slice = await new RunSession().RunAsync(planner.Plan(Request(5, 4)));
        Assert.Equal(5, slice.FirstSample);
        Assert.Equal(whole.Summary.AsyncPeriodPs, slice.Summary.AsyncPeriodPs);
        for (var i = 0; i < 4; i++)
        {
            var a = whole.Summary.Inferences[5 + i];
            var b = slice.Summary.Inferences[i];
            Assert.Equal((a.Label, a.Predicted, a.Latency, a.Energy, a.Totals), (b.Label, b.Predicted, b.Latency, b.Energy, b.Totals));
            Assert.Equal(a.OutputCounts, b.OutputCounts);
        }
    }

    [Fact]
    public void Traces_record_dataset_indices_and_a_bad_offset_is_exit_2()
    {
        using var temp = new TempDirectory();
        var model = SweepFixture.WriteModel(temp.Path);
        var trace = temp.File("slice.trace");
        var run = CliRunner.Run("run", "--model", model, "--chip", "loihi1", "--dataset", "embedded", "--offset", "990", "--range", "20", "--steps", "10",
            "--trace", trace, "--trace-level", "summary", "--json");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("\"offset\": 990", run.Stdout);
        Assert.Contains("\"inferences\": 10", run.Stdout); // the embedded test split has 1,000 images
        var samples = TraceFile.ReadInferences(trace, TraceKinds.InferenceSummaries).Select(i => i.Summary!.Value.SampleIndex).ToList();
        Assert.Equal(Enumerable.Range(990, 10), samples);

        CliRunner.AssertBadInput(CliRunner.Run("run", "--model", model, "--chip", "loihi1", "--dataset", "embedded", "--offset", "1000", "--range", "5"), "--offset", "1000");
        CliRunner.AssertBadInput(CliRunner.Run("run", "--model", model, "--chip", "loihi1", "--dataset", "embedded", "--offset", "-1"), "--offset");
    }
}
