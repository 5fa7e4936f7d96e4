using System.Text.Json;
using Neuromorphic.Core.Networks;
using Neuromorphic.Tests.Support;
using Neuromorphic.Traces;

namespace Neuromorphic.Tests.Traces;

/// <summary>Traces of real runs: golden files, re-costing, re-simulation, and a run killed mid-way.</summary>
public class RunTraceTests
{
    [Theory]
    [InlineData("barrier")]
    [InlineData("async")]
    [InlineData("handshake")]
    public void Golden_run_traces_are_reproduced_block_for_block(string mode)
    {
        using var dir = new TempDirectory();
        var actual = dir.File($"{mode}.trace");
        var result = CliRunner.Run("run", "--model", RepoPaths.Path("traces", "golden", "three-neurons.json"), "--chip", "tiny",
            "--input", RepoPaths.Path("traces", "golden", "three-neurons-input.csv"), "--steps", "12", "--mode", mode, "--threads", "1",
            "--trace", actual, "--trace-level", "messages", "--trace-compression", "none", "--quiet");
        Assert.True(result.ExitCode == 0, result.ToString());
        var expected = RepoPaths.Path("traces", "golden", $"three-neurons-tiny-{mode}.trace");
        var (expectedHeader, expectedBlocks) = Split(expected);
        var (actualHeader, actualBlocks) = Split(actual);
        // The header's metadata holds paths and the command line, which depend on the machine.
        Assert.Equal(expectedHeader with { MetadataJson = "", ToolVersion = "" }, actualHeader with { MetadataJson = "", ToolVersion = "" });
        Assert.True(expectedBlocks.Length > 1000 && expectedBlocks.SequenceEqual(actualBlocks),
            $"the blocks of {expected} are no longer reproduced: if the change is deliberate, run tools/update-golden.sh and say why in the commit");
    }

    /// <summary>The header and the data blocks (the end block holds absolute offsets, which move with the header's length).</summary>
    private static (TraceHeader Header, byte[] Blocks) Split(string path)
    {
        using var reader = TraceReader.Open(path, new TraceReadOptions { Kinds = TraceKinds.None });
        reader.SkipToEnd();
        Assert.NotNull(reader.End);
        return (reader.Header, File.ReadAllBytes(path)[(int)reader.HeaderBytes..(int)reader.End!.EndBlockOffset]);
    }

    private static string RecordRun(TempDirectory dir, string mode, string level = "messages", string chip = "loihi1")
    {
        var model = dir.File("net.json");
        if (!File.Exists(model))
        {
            NetworkFile.Save(TestNetworks.EpLayered([784, 30, 10], seed: 21, weightScale: 3), model);
        }

        var trace = dir.File($"{mode}-{level}.trace");
        var result = CliRunner.Run("run", "--model", model, "--chip", chip, "--dataset", "embedded", "--samples", "5", "--steps", "30",
            "--mode", mode, "--threads", "2", "--trace", trace, "--trace-level", level, "--quiet");
        Assert.True(result.ExitCode == 0, result.ToString());
        return trace;
    }

    [Fact]
    public void Recosting_a_trace_with_its_own_chip_gives_the_recorded_energy_and_latency_exactly()
    {
        using var dir = new TempDirectory();
        var trace = RecordRun(dir, "barrier");
        foreach (var args in new[] { new[] { "replay", trace, "--json" }, ["replay", trace, "--chip", "loihi1", "--json"] })
        {
            var result = CliRunner.Run(args);
            Assert.True(result.ExitCode == 0, result.ToString());
            using var doc = JsonDocument.Parse(result.Stdout);
            Assert.True(doc.RootElement.GetProperty("identicalToRecorded").GetBoolean(), result.Stdout);
            Assert.Equal("Exact", doc.RootElement.GetProperty("latencyRecost").GetString());
        }

        var other = CliRunner.Run("replay", trace, "--chip", "loihi1-calibrated", "--json");
        using var otherDoc = JsonDocument.Parse(other.Stdout);
        Assert.False(otherDoc.RootElement.GetProperty("identicalToRecorded").GetBoolean());
        Assert.True(otherDoc.RootElement.GetProperty("recosted").GetProperty("synapseUj").GetDouble()
            > otherDoc.RootElement.GetProperty("recorded").GetProperty("synapseUj").GetDouble());   // 35.5 pJ vs 23.6 pJ per synaptic op
    }

    [Fact]
    public void Recosting_a_simple_timing_trace_from_counters_is_exact()
    {
        using var dir = new TempDirectory();
        var model = dir.File("net.json");
        NetworkFile.Save(TestNetworks.EpLayered([784, 30, 10], seed: 21, weightScale: 3), model);
        var trace = dir.File("simple.trace");
        var run = CliRunner.Run("run", "--model", model, "--chip", "loihi1", "--dataset", "embedded", "--samples", "3", "--steps", "30",
            "--timing", "simple", "--trace", trace, "--trace-level", "counters", "--quiet");
        Assert.True(run.ExitCode == 0, run.ToString());
        using var doc = JsonDocument.Parse(CliRunner.Run("replay", trace, "--json").Stdout);
        Assert.True(doc.RootElement.GetProperty("identicalToRecorded").GetBoolean());
        Assert.Equal("SimpleExact", doc.RootElement.GetProperty("latencyRecost").GetString());
    }

    [Fact]
    public void Summary_level_traces_cannot_be_recosted()
    {
        using var dir = new TempDirectory();
        CliRunner.AssertBadInput(CliRunner.Run("replay", RecordRun(dir, "barrier", "summary")), "level counters");
    }

    [Theory]
    [InlineData("barrier")]
    [InlineData("async")]
    [InlineData("handshake")]
    public void Resimulating_a_recorded_run_reproduces_it(string mode)
    {
        using var dir = new TempDirectory();
        var trace = RecordRun(dir, mode, "spikes");
        var result = CliRunner.Run("replay", trace, "--resimulate");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Reproduced: 5 inferences", result.Stdout);

        var other = CliRunner.Run("replay", trace, "--resimulate", "--chip", "analog-mismatch");
        Assert.Equal(1, other.ExitCode);
        Assert.Contains("Diverged", other.Stdout);
    }

    [Fact]
    public void A_run_killed_mid_way_leaves_a_trace_readable_up_to_its_last_flushed_block()
    {
        using var dir = new TempDirectory();
        var model = dir.File("net.json");
        NetworkFile.Save(TestNetworks.EpLayered([784, 200, 10], seed: 3, weightScale: 3), model);
        var path = dir.File("killed.trace");
        var partial = path + TraceWriter.PartialSuffix;
        var start = new System.Diagnostics.ProcessStartInfo("dotnet")
        {
            ArgumentList =
            {
                Path.Combine(AppContext.BaseDirectory, "neuro.dll"), "run", "--model", model, "--chip", "loihi1", "--dataset", "embedded",
                "--samples", "1000", "--steps", "100", "--threads", "1", "--trace", path, "--trace-level", "counters", "--quiet",
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var child = System.Diagnostics.Process.Start(start)!;
        try
        {
            // Wait until several inferences are on disk (about 25 KB each at level counters), then kill the process.
            var clock = System.Diagnostics.Stopwatch.StartNew();
            while (!File.Exists(partial) || new FileInfo(partial).Length < 400_000)
            {
                if (child.HasExited)
                {
                    Assert.Fail($"the run ended (exit {child.ExitCode}) before it could be killed: {child.StandardError.ReadToEnd()}");
                }

                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(90), "the trace did not grow within 90 s");
                Thread.Sleep(20);
            }
        }
        finally
        {
            child.Kill(entireProcessTree: true);
            child.WaitForExit();
        }

        Assert.False(File.Exists(path));
        var contents = TraceFile.ReadAll(partial);
        Assert.Null(contents.End);
        Assert.InRange(contents.Records.Summaries.Count, 3, 999);
        Assert.All(contents.Records.CoreSteps.Span.ToArray(), s => Assert.True(s.Inference < contents.Records.Summaries.Count + 1));
        Assert.Equal(2, CliRunner.Run("trace", "verify", partial).ExitCode);
    }
}
