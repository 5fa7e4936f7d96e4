using Neuromorphic.Traces;
using Neuromorphic.Traces.Synthetic;

namespace Neuromorphic.Tests.Traces;

/// <summary>Small traces and helpers shared by the trace tests.</summary>
internal static class TestTraces
{
    /// <summary>A synthetic run small enough for tests: 3 inferences of 4 steps on 4 cores.</summary>
    public static SyntheticTraceOptions SmallSynthetic { get; } = new() { Inferences = 3, Steps = 4, Cores = 4, Inputs = 100, Seed = 7 };

    public static TraceHeader Header(TraceLevel level) => new()
    {
        ToolVersion = "test",
        ChipHash = new string('1', 64),
        NetworkHash = new string('2', 64),
        MappingHash = "",
        Seed = 42,
        Mode = TraceMode.Async,
        Level = level,
        StartedAt = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000),
        CostTableJson = """{"synapticOpFj": 23600, "name": "tést ✓"}""",
        MetadataJson = """{"command": "neuro run --trace x.trace"}""",
    };

    /// <summary>Writes the records held by <paramref name="records"/> to a trace in memory.</summary>
    public static byte[] Write(InMemoryTraceSink records, TraceLevel level, TraceWriterOptions? options = null, TraceHeader? header = null)
    {
        using var file = new MemoryStream();
        var writer = TraceWriter.Create(file, header ?? Header(level), options, leaveOpen: true);
        var copy = new InMemoryTraceSink();
        Copy(records, copy);
        copy.DrainTo(writer);
        writer.Complete();
        return file.ToArray();
    }

    public static TraceContents ReadAll(byte[] bytes)
    {
        using var reader = TraceReader.Open(new MemoryStream(bytes), "memory");
        return TraceFile.ReadAll(reader);
    }

    /// <summary>A multi-block synthetic trace (small blocks) and its records.</summary>
    public static byte[] ManyBlocks(TraceCompression compression = TraceCompression.Deflate) =>
        Write(SyntheticTrace.Generate(SmallSynthetic), TraceLevel.Messages,
            new TraceWriterOptions { BlockBytes = 1024, Compression = compression });

    private static void Copy(InMemoryTraceSink from, InMemoryTraceSink to)
    {
        to.InputEvents.AddRange(from.InputEvents.Span);
        to.Spikes.AddRange(from.Spikes.Span);
        to.Messages.AddRange(from.Messages.Span);
        to.CoreSteps.AddRange(from.CoreSteps.Span);
        to.Summaries.AddRange(from.Summaries.Span);
    }
}
