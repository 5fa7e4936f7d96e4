using Neuromorphic.Chip;
using Neuromorphic.Core.Networks;
using Neuromorphic.Tests.Support;
using Neuromorphic.Traces;
using Neuromorphic.Traces.Synthetic;
using Neuromorphic.Workflows.Runs;

namespace Neuromorphic.Tests.Traces;

/// <summary>
/// Traces are streamed in inference order while inferences run in parallel: the file's bytes must
/// not depend on the thread count, on which inferences waited, or on whether they waited in memory
/// or in a spill file; a full disk fails the run with exit 1 and leaves nothing half-written.
/// </summary>
public sealed class TraceStreamingTests
{
    [Fact]
    public async Task Trace_files_are_byte_identical_for_any_thread_count_and_memory_budget()
    {
        using var temp = new TempDirectory();
        var model = temp.File("m.json");
        NetworkFile.Save(TestNetworks.EpLayered([784, 24, 10], seed: 3, weightScale: 3), model);
        string[] run = ["run", "--model", model, "--chip", "loihi1", "--dataset", "embedded", "--samples", "7", "--steps", "40", "--trace-level", "messages", "-q"];

        // Whole files, header and end block included: the metadata holds no command line, and no wall-clock time.
        Assert.Equal(0, CliRunner.Run([.. run, "--threads", "1", "--trace", temp.File("t1.trace")]).ExitCode);
        Assert.Equal(0, CliRunner.Run([.. run, "--threads", "3", "--trace", temp.File("t3.trace")]).ExitCode);
        var reference = File.ReadAllBytes(temp.File("t1.trace"));
        Assert.True(reference.AsSpan().SequenceEqual(File.ReadAllBytes(temp.File("t3.trace"))), "1 and 3 threads wrote different trace files");

        // Through the library with no memory for waiting inferences: every later inference spills to disk, the bytes are the same.
        var planner = new RunPlanner(null, Neuromorphic.Cli.Hosting.NeuroApp.Version);
        var request = new RunRequest
        {
            Model = model, Chip = "loihi1", Dataset = "embedded", Samples = 7, Steps = 40, Threads = 3,
            Trace = new TraceRequest(temp.File("spill.trace"), TraceLevel.Messages, MemoryBudgetBytes: 0),
        };
        var plan = planner.Plan(request);
        await new RunSession(null, Neuromorphic.Cli.Hosting.NeuroApp.Version).RunAsync(plan);
        Assert.True(reference.AsSpan().SequenceEqual(File.ReadAllBytes(temp.File("spill.trace"))), "a zero memory budget changed the trace");
        Assert.Empty(Directory.EnumerateFiles(temp.Path, "*.tmp"));
    }

    [Fact]
    public void The_ordered_sink_gives_the_writer_the_same_calls_whatever_the_order_inferences_run_in()
    {
        // Records of several inferences, produced concurrently in a scrambled order, against the same records written one inference after another.
        var records = SyntheticTrace.Generate(TestTraces.SmallSynthetic with { Inferences = 6, Steps = 40 }, TraceLevel.Messages);
        using var reference = new MemoryStream();
        var direct = TraceWriter.Create(reference, TestTraces.Header(TraceLevel.Messages), leaveOpen: true);
        for (var inference = 0; inference < 6; inference++)
        {
            Feed(records, inference, direct);
        }

        direct.Complete();
        var sequential = reference.ToArray();
        Assert.True(sequential.Length > 4 * InferenceOrderedSink.ChunkBytes, "too few records to stream in several chunks");

        foreach (var (budget, seed) in new[] { (0L, 1), (20_000L, 2), (InferenceOrderedSink.DefaultMemoryBudgetBytes, 3) })
        {
            using var temp = new TempDirectory();
            using var file = new MemoryStream();
            var writer = TraceWriter.Create(file, TestTraces.Header(TraceLevel.Messages), leaveOpen: true);
            using var sink = new InferenceOrderedSink(writer, 0, budget, temp.File("t.trace"));
            var lanes = Enumerable.Range(0, 6).Select(sink.Open).ToArray();
            var order = Enumerable.Range(0, 6).OrderBy(i => (i * 7 + seed * 3) % 6).ToArray();
            Parallel.ForEach(order, new ParallelOptions { MaxDegreeOfParallelism = 3 }, inference => Feed(records, inference, lanes[inference]));
            writer.Complete();
            Assert.True(sequential.AsSpan().SequenceEqual(file.ToArray()), $"budget {budget}: the file differs from a sequential write");
            Assert.True(budget > 0 || sink.PeakBufferedBytes == 0, "a zero budget kept chunks in memory");
            Assert.Empty(Directory.EnumerateFiles(temp.Path));
        }
    }

    /// <summary>One inference's records in the engine's order (time, then kind), then its summary.</summary>
    private static void Feed(InMemoryTraceSink records, int inference, ITraceSink lane)
    {
        var input = records.InputEvents.ToArray().Where(r => r.Inference == inference).ToArray();
        var steps = records.CoreSteps.ToArray().Where(r => r.Inference == inference).ToArray();
        var spikes = records.Spikes.ToArray().Where(r => r.Inference == inference).ToArray();
        var messages = records.Messages.ToArray().Where(r => r.Inference == inference).ToArray();
        int i = 0, s = 0, p = 0, m = 0;
        for (var step = 0; step <= steps.Max(r => r.Step); step++)
        {
            for (; i < input.Length && input[i].Step <= step; i++)
            {
                lane.Add(in input[i]);
            }

            for (; p < spikes.Length && spikes[p].Step <= step; p++)
            {
                lane.Add(in spikes[p]);
            }

            for (; m < messages.Length && messages[m].Step <= step; m++)
            {
                lane.Add(in messages[m]);
            }

            for (; s < steps.Length && steps[s].Step <= step; s++)
            {
                lane.Add(in steps[s]);

                // A probe record per core step (format 3.1): probes stream through the lanes like every other kind.
                var probe = new ProbeRecord
                {
                    Inference = inference, Step = steps[s].Step, Neuron = steps[s].Core, Core = steps[s].Core,
                    U = steps[s].Step * 0.25, V = s * 0.5, Threshold = 1,
                };
                lane.Add(in probe);
            }
        }

        foreach (ref readonly var summary in records.Summaries.Span)
        {
            if (summary.Inference == inference)
            {
                lane.EndInference(in summary);
            }
        }
    }

    [Fact]
    public void A_full_disk_fails_the_run_with_exit_1_and_leaves_nothing_half_written()
    {
        if (!OperatingSystem.IsLinux() || Environment.UserName != "root")
        {
            // Mounting a small tmpfs needs root; the writer's own handling is tested with a size-limited stream below.
            return;
        }

        using var temp = new TempDirectory();
        var disk = Directory.CreateDirectory(temp.File("disk")).FullName;
        using var mount = System.Diagnostics.Process.Start("mount", ["-t", "tmpfs", "-o", "size=160k", "tmpfs", disk])!;
        mount.WaitForExit();
        if (mount.ExitCode != 0)
        {
            return;
        }

        try
        {
            var model = temp.File("m.json");
            NetworkFile.Save(TestNetworks.EpLayered([784, 24, 10], seed: 3, weightScale: 3), model);
            var run = CliRunner.Run("run", "--model", model, "--chip", "loihi1", "--dataset", "embedded", "--samples", "20", "--trace", Path.Combine(disk, "t.trace"));
            Assert.True(run.ExitCode == 1, run.ToString());
            Assert.Contains("--trace", run.Stderr, StringComparison.Ordinal);
            Assert.Contains("No space left on device", run.Stderr, StringComparison.Ordinal);
            Assert.Contains("more than the", run.Stderr, StringComparison.Ordinal); // the size warning came first
            Assert.DoesNotContain(".partial'", run.Stderr, StringComparison.Ordinal);
            Assert.Empty(Directory.EnumerateFileSystemEntries(disk));

            // An export that fills the disk leaves no file and no empty folder.
            Assert.Equal(0, CliRunner.Run("run", "--model", model, "--chip", "loihi1", "--dataset", "embedded", "--samples", "3", "--trace", temp.File("t.trace"), "-q").ExitCode);
            var export = CliRunner.Run("trace", "export", temp.File("t.trace"), "--out", Path.Combine(disk, "csv"));
            Assert.True(export.ExitCode == 1, export.ToString());
            Assert.Contains("--out", export.Stderr, StringComparison.Ordinal);
            Assert.DoesNotContain(".tmp", export.Stderr, StringComparison.Ordinal);
            Assert.Empty(Directory.EnumerateFileSystemEntries(disk));
        }
        finally
        {
            System.Diagnostics.Process.Start("umount", [disk])!.WaitForExit();
        }
    }

    [Fact]
    public void A_writer_whose_stream_runs_out_of_space_fails_with_an_io_error()
    {
        var records = SyntheticTrace.Generate(TestTraces.SmallSynthetic, TraceLevel.Messages);
        using var full = new LimitedStream(1_000);
        var writer = TraceWriter.Create(full, TestTraces.Header(TraceLevel.Messages), leaveOpen: true);
        var error = Assert.ThrowsAny<IOException>(() =>
        {
            records.DrainTo(writer);
            writer.Complete();
        });
        Assert.Contains("No space left", error.Message, StringComparison.Ordinal);
        writer.Dispose();
    }

    /// <summary>A stream that fails like a full disk after <paramref name="capacity"/> bytes.</summary>
    private sealed class LimitedStream(long capacity) : MemoryStream
    {
        public override void Write(byte[] buffer, int offset, int count)
        {
            if (Length + count > capacity)
            {
                throw new IOException("No space left on device");
            }

            base.Write(buffer, offset, count);
        }

        public override void Write(ReadOnlySpan<byte> buffer) => Write(buffer.ToArray(), 0, buffer.Length);
    }

    [Fact]
    public void Chip_values_at_the_accounting_bounds_stay_exact_or_stop_the_run_with_a_clear_error()
    {
        using var temp = new TempDirectory();
        File.WriteAllText(temp.File("max.json"), """
            { "extends": "tiny", "staticPowerMw": 10000000,
              "core": { "synapticOp": { "energyPj": 1000000, "latencyNs": 1000000 }, "neuronAccess": { "energyPj": 1000000, "latencyNs": 1000000 } } }
            """);
        Assert.NotNull(ChipLoader.Load(temp.File("max.json")));
        File.Copy(RepoPaths.Path("traces", "golden", "three-neurons.json"), temp.File("three.json"));
        File.Copy(RepoPaths.Path("traces", "golden", "three-neurons-input.csv"), temp.File("in.csv"));

        // 12 steps: exact. 10^5 steps of about 3 ms each at 10 kW: the static energy leaves the range, and the run says so instead of reporting a wrong figure.
        var small = CliRunner.Run("run", "--model", temp.File("three.json"), "--chip", temp.File("max.json"), "--input", temp.File("in.csv"), "--steps", "12", "--json");
        Assert.True(small.ExitCode == 0, small.ToString());
        var large = CliRunner.Run("run", "--model", temp.File("three.json"), "--chip", temp.File("max.json"), "--input", temp.File("in.csv"), "--steps", "100000");
        Assert.True(large.ExitCode == 1, large.ToString());
        Assert.Contains("integer accounting", large.Stderr, StringComparison.Ordinal);
        Assert.Contains("inference 0", large.Stderr, StringComparison.Ordinal);
    }
}
