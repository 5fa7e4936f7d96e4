namespace Neuromorphic.Traces;

/// <summary>Tuning of a <see cref="TraceWriter"/>. The defaults are measured (traces/README.md, "Performance").</summary>
public sealed record TraceWriterOptions
{
    /// <summary>Compressor tried on every block; a block is stored raw unless compression saves at least an eighth.</summary>
    public TraceCompression Compression { get; init; } = TraceCompression.Deflate;

    /// <summary>Byte-shuffle records before compressing them.</summary>
    public bool Shuffle { get; init; } = true;

    /// <summary>Brotli quality (0–11) when <see cref="Compression"/> is Brotli.</summary>
    public int BrotliQuality { get; init; } = 1;

    /// <summary>Target size of a block before encoding, in bytes (a block holds at least one record).</summary>
    public int BlockBytes { get; init; } = 64 * 1024;

    /// <summary>Blocks that may wait for the background encoder before the producer blocks.</summary>
    public int ChannelCapacity { get; init; } = 16;

    /// <summary>
    /// Pending partial batches are flushed as blocks after every this many inferences (deterministic
    /// block boundaries, so equal runs give equal files). 1 loses at most the inference in progress
    /// when a run is killed.
    /// </summary>
    public int FlushEveryInferences { get; init; } = 1;

    /// <summary>
    /// Pending partial batches are also flushed as blocks whenever this many bytes of records have
    /// been added since the last flush (deterministic: it depends on the records only). Within a long
    /// inference this bounds what a kill can lose, even for a kind that rarely fills a block (input
    /// events). 0: only at inference ends.
    /// </summary>
    public int FlushEveryBytes { get; init; } = 256 * 1024;

    public static TraceWriterOptions Default { get; } = new();
}
