using Microsoft.Extensions.Logging;
using Neuromorphic.Core.Networks;
using Neuromorphic.Tests.Support;
using Neuromorphic.Traces;
using Neuromorphic.Workflows.Runs;

namespace Neuromorphic.Tests.Traces;

/// <summary>
/// Before a traced run, and again after its first inference, the trace's size is estimated and
/// compared with the free space of its disk (issue 14: the default level filled disks without a word).
/// </summary>
public sealed class TraceSizeEstimateTests
{
    [Fact]
    public async Task A_trace_larger_than_the_free_disk_is_announced_before_the_run()
    {
        using var temp = new TempDirectory();
        var model = temp.File("m.json");
        NetworkFile.Save(TestNetworks.EpLayered([784, 16, 10]), model);

        // 1000 inferences of 10^8 steps: at least one core-step record per core and step, about 2.4 TB at level counters.
        var plan = new RunPlanner(null, "test").Plan(new RunRequest
        {
            Model = model, Chip = "loihi1", Dataset = "embedded", Samples = 1000, Steps = 100_000_000,
            Trace = new TraceRequest(temp.File("t.trace"), TraceLevel.Counters),
        });
        var minimumBytes = 1000.0 * plan.Mapped.CoreCount * 100_000_000 * TraceRecording.BytesPerRecord(TraceRecordKind.CoreStep, TraceCompression.Deflate);
        var free = new DriveInfo(temp.Path).AvailableFreeSpace;
        Assert.True(minimumBytes > free, $"this disk has {free:N0} bytes free, more than the {minimumBytes:N0} the test relies on");

        using var logs = new CapturingLoggerProvider();
        using (var factory = LoggerFactory.Create(b => b.AddProvider(logs)))
        {
            await using var recording = TraceRecording.Create(plan, new TraceRequest(temp.File("t.trace"), TraceLevel.Counters), "test", factory.CreateLogger("trace"));
        }

        var warning = Assert.Single(logs.Lines, l => l.StartsWith("Warning:", StringComparison.Ordinal) && l.Contains("will need at least", StringComparison.Ordinal));
        Assert.Contains("t.trace", warning, StringComparison.Ordinal);
        Assert.Contains("1000 inferences", warning, StringComparison.Ordinal);
        Assert.Contains("free on its disk", warning, StringComparison.Ordinal);
        Assert.Contains("--trace-level", warning, StringComparison.Ordinal);
    }

    [Fact]
    public void After_the_first_inference_the_estimate_is_close_to_the_size_written()
    {
        using var temp = new TempDirectory();
        var model = temp.File("m.json");
        NetworkFile.Save(TestNetworks.EpLayered([784, 16, 10]), model);
        var result = CliRunner.Run("run", "--model", model, "--chip", "loihi1", "--dataset", "embedded", "--samples", "6", "--threads", "1", "--trace", temp.File("t.trace"));
        Assert.Equal(0, result.ExitCode);
        var line = Assert.Single(result.Stderr.Split('\n'), l => l.Contains("will take about", StringComparison.Ordinal));
        Assert.Contains("for 6 inferences", line, StringComparison.Ordinal);

        // "about 1.4 MB per inference, 8.5 MB for 6 inferences": the total within a factor 2 of the file's size.
        var total = System.Text.RegularExpressions.Regex.Match(line, @", ""?([0-9.]+) (bytes|kB|MB|GB)""? for 6 inferences");
        Assert.True(total.Success, line);
        var unit = total.Groups[2].Value switch { "kB" => 1e3, "MB" => 1e6, "GB" => 1e9, _ => 1.0 };
        var estimated = double.Parse(total.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) * unit;
        var actual = new FileInfo(temp.File("t.trace")).Length;
        Assert.InRange(estimated / actual, 0.5, 2.0);
    }
}
