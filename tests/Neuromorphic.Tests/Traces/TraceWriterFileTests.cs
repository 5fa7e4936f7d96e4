using Neuromorphic.Tests.Support;
using Neuromorphic.Traces;
using Neuromorphic.Traces.Synthetic;

namespace Neuromorphic.Tests.Traces;

public class TraceWriterFileTests
{
    [Fact]
    public void A_trace_is_written_to_partial_and_renamed_when_complete()
    {
        using var dir = new TempDirectory();
        var path = dir.File("run.trace");
        var writer = TraceWriter.Create(path, TestTraces.Header(TraceLevel.Spikes));
        Assert.Equal(path + ".partial", writer.PartialPath);
        SyntheticTrace.Write(writer, TestTraces.SmallSynthetic);
        Assert.False(File.Exists(path));
        Assert.True(File.Exists(path + ".partial"));
        writer.Complete();
        Assert.True(File.Exists(path));
        Assert.False(File.Exists(path + ".partial"));
        Assert.Equal(new FileInfo(path).Length, writer.Statistics.FileBytes);
        Assert.True(TraceVerifier.Verify(path).Ok);
        Assert.Equal(TestTraces.SmallSynthetic.Inferences, writer.Statistics.Records(TraceRecordKind.InferenceSummary));
    }

    [Fact]
    public void A_writer_disposed_without_completing_leaves_a_readable_partial_trace()
    {
        using var dir = new TempDirectory();
        var path = dir.File("run.trace");
        var expected = SyntheticTrace.Generate(TestTraces.SmallSynthetic);
        using (var writer = TraceWriter.Create(path, TestTraces.Header(TraceLevel.Messages)))
        {
            SyntheticTrace.Write(writer, TestTraces.SmallSynthetic);
        }

        Assert.False(File.Exists(path));
        var contents = TraceFile.ReadAll(path + ".partial");
        Assert.Null(contents.End);
        Assert.Contains("without an end block", contents.Damage!.Reason);
        Assert.Equal(expected.Summaries.ToArray(), contents.Records.Summaries.ToArray());
        Assert.Equal(expected.Messages.ToArray(), contents.Records.Messages.ToArray());
    }

    [Fact]
    public void An_interrupted_run_is_closed_cleanly_and_says_so()
    {
        using var dir = new TempDirectory();
        var path = dir.File("run.trace");
        var writer = TraceWriter.Create(path, TestTraces.Header(TraceLevel.Summary));
        SyntheticTrace.WriteInference(writer, TestTraces.SmallSynthetic, 0);
        writer.Complete(TraceCompletion.Interrupted);
        var verification = TraceVerifier.Verify(path);
        Assert.True(verification.Ok);
        Assert.Equal(TraceCompletion.Interrupted, verification.End!.Status);
        Assert.Equal(1, verification.Records(TraceRecordKind.InferenceSummary));
        Assert.Contains("interrupted", CliRunner.Run("trace", "verify", path).Stdout);
    }

    [Fact]
    public void A_killed_writer_process_leaves_a_trace_readable_up_to_its_last_flushed_block()
    {
        using var dir = new TempDirectory();
        var path = dir.File("killed.trace");
        var partial = path + TraceWriter.PartialSuffix;
        var neuro = Path.Combine(AppContext.BaseDirectory, "neuro.dll");
        var options = new SyntheticTraceOptions { Inferences = 100_000, Steps = 4, Cores = 4, Inputs = 50 };
        var start = new System.Diagnostics.ProcessStartInfo("dotnet")
        {
            ArgumentList =
            {
                neuro, "trace", "synth", "--out", path, "--inferences", options.Inferences.ToString(), "--steps", "4", "--cores", "4",
                "--inputs", "50", "--level", "messages", "--delay-ms", "20", "--quiet",
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var child = System.Diagnostics.Process.Start(start)!;
        try
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            while (CountSummaries(partial) < 5)
            {
                if (child.HasExited)
                {
                    Assert.Fail("the writer exited early: " + child.StandardError.ReadToEnd());
                }

                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), "the writer wrote no inference within a minute");
                Thread.Sleep(50);
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
        Assert.NotNull(contents.Damage);
        var read = contents.Records;
        Assert.True(read.Summaries.Count >= 5);
        Assert.True(read.Summaries.Count < options.Inferences);

        // What was read is exactly the beginning of what the writer was asked to write.
        var expected = SyntheticTrace.Generate(options with { Inferences = read.Summaries.Count + 1 });
        AssertPrefix(expected.Summaries.Span, read.Summaries.Span);
        AssertPrefix(expected.InputEvents.Span, read.InputEvents.Span);
        AssertPrefix(expected.CoreSteps.Span, read.CoreSteps.Span);
        AssertPrefix(expected.Spikes.Span, read.Spikes.Span);
        AssertPrefix(expected.Messages.Span, read.Messages.Span);

        var verify = CliRunner.Run("trace", "verify", partial);
        Assert.True(verify.ExitCode == 2, verify.ToString());
        Assert.Contains("without an end block", verify.Stdout);
        var info = CliRunner.Run("trace", "info", partial, "--json");
        Assert.True(info.ExitCode == 0, info.ToString());
    }

    private static void AssertPrefix<T>(ReadOnlySpan<T> expected, ReadOnlySpan<T> actual) where T : unmanaged, IEquatable<T>
    {
        Assert.True(actual.Length <= expected.Length, $"{typeof(T).Name}: read {actual.Length}, expected at most {expected.Length}");
        Assert.True(expected[..actual.Length].SequenceEqual(actual), $"{typeof(T).Name} records differ from what was written");
    }

    private static int CountSummaries(string path)
    {
        if (!File.Exists(path))
        {
            return 0;
        }

        try
        {
            using var reader = TraceReader.Open(path, new TraceReadOptions { Kinds = TraceKinds.InferenceSummaries });
            reader.SkipToEnd();
            return (int)reader.RecordsRead(TraceRecordKind.InferenceSummary);
        }
        catch (Neuromorphic.Core.Errors.InvalidInputException)
        {
            return 0; // the header is not written yet
        }
    }
}
