using System.Runtime.InteropServices;
using Neuromorphic.Traces.Format;

namespace Neuromorphic.Traces;

/// <summary>
/// One decoded block: records of one kind, exposed as a span over the reader's buffer. Valid until
/// the reader reads the next block.
/// </summary>
public readonly ref struct TraceBlock
{
    internal TraceBlock(BlockHeader header, long offset, ReadOnlySpan<byte> bytes)
    {
        Kind = (TraceRecordKind)header.Kind;
        Index = header.Index;
        Offset = offset;
        RecordCount = (int)header.RecordCount;
        FirstInference = header.FirstInference;
        LastInference = header.LastInference;
        Encoding = header.Encoding;
        StoredLength = (int)header.StoredLength;
        Bytes = bytes;
    }

    public TraceRecordKind Kind { get; }

    /// <summary>Position of the block in the file (0 for the first block after the header).</summary>
    public long Index { get; }

    /// <summary>Byte offset of the block's header in the file.</summary>
    public long Offset { get; }

    public int RecordCount { get; }

    public int FirstInference { get; }

    public int LastInference { get; }

    public BlockEncoding Encoding { get; }

    /// <summary>Payload bytes on disk (after compression).</summary>
    public int StoredLength { get; }

    /// <summary>The decoded records as bytes.</summary>
    public ReadOnlySpan<byte> Bytes { get; }

    /// <summary>The records, typed; <typeparamref name="T"/> must be the block's kind.</summary>
    public ReadOnlySpan<T> Records<T>() where T : unmanaged, ITraceRecord
    {
        if (T.Kind != Kind)
        {
            throw new InvalidOperationException($"block {Index} holds {Kind} records, not {T.Kind}");
        }

        return MemoryMarshal.Cast<byte, T>(Bytes);
    }

    public ReadOnlySpan<InputEventRecord> InputEvents => Records<InputEventRecord>();

    public ReadOnlySpan<SpikeRecord> Spikes => Records<SpikeRecord>();

    public ReadOnlySpan<MessageRecord> Messages => Records<MessageRecord>();

    public ReadOnlySpan<CoreStepRecord> CoreSteps => Records<CoreStepRecord>();

    public ReadOnlySpan<InferenceSummaryRecord> Summaries => Records<InferenceSummaryRecord>();

    public ReadOnlySpan<ProbeRecord> Probes => Records<ProbeRecord>();

    public ReadOnlySpan<PayloadRecord> Payloads => Records<PayloadRecord>();
}
