using Neuromorphic.Tests.Support;
using Neuromorphic.Traces;

namespace Neuromorphic.Tests.Traces;

/// <summary>
/// The committed traces in traces/golden/ pin the format: the writer must still produce the
/// uncompressed one byte for byte, and the reader must still read both (traces/README.md says how
/// to regenerate them).
/// </summary>
public class GoldenTraceTests
{
    private static readonly string[] s_synthArguments =
        ["trace", "synth", "--inferences", "2", "--steps", "4", "--cores", "4", "--inputs", "50", "--level", "messages", "--tool-version", "golden", "--seed", "1"];

    [Fact]
    public void The_writer_reproduces_the_uncompressed_golden_trace_byte_for_byte()
    {
        using var dir = new TempDirectory();
        var path = dir.File("synthetic-raw.trace");
        var result = CliRunner.Run([.. s_synthArguments, "--compression", "none", "--out", path]);
        Assert.True(result.ExitCode == 0, result.ToString());
        var golden = File.ReadAllBytes(RepoPaths.Path("traces", "golden", "synthetic-raw.trace"));
        Assert.True(golden.AsSpan().SequenceEqual(File.ReadAllBytes(path)),
            "the writer no longer produces traces/golden/synthetic-raw.trace: a format change needs a new major version (traces/README.md)");
    }

    [Fact]
    public void The_golden_traces_verify_and_hold_the_same_records()
    {
        var raw = RepoPaths.Path("traces", "golden", "synthetic-raw.trace");
        var deflate = RepoPaths.Path("traces", "golden", "synthetic-deflate.trace");
        Assert.True(TraceVerifier.Verify(raw).Ok);
        Assert.True(TraceVerifier.Verify(deflate).Ok);
        var a = TraceFile.ReadAll(raw);
        var b = TraceFile.ReadAll(deflate);
        Assert.Equal(a.Header, b.Header);
        Assert.Equal("golden", a.Header.ToolVersion);
        Assert.Equal(TraceLevel.Messages, a.Header.Level);
        Assert.Equal(2, a.Records.Summaries.Count);
        Assert.Equal(a.Records.InputEvents.ToArray(), b.Records.InputEvents.ToArray());
        Assert.Equal(a.Records.Spikes.ToArray(), b.Records.Spikes.ToArray());
        Assert.Equal(a.Records.Messages.ToArray(), b.Records.Messages.ToArray());
        Assert.Equal(a.Records.CoreSteps.ToArray(), b.Records.CoreSteps.ToArray());
        Assert.Equal(a.Records.Summaries.ToArray(), b.Records.Summaries.ToArray());
        Assert.True(new FileInfo(deflate).Length < new FileInfo(raw).Length / 3);
    }
}
