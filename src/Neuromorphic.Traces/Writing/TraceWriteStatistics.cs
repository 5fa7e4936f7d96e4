namespace Neuromorphic.Traces;

/// <summary>What a writer wrote, per record kind: blocks, records, bytes before and after encoding.</summary>
public sealed class TraceWriteStatistics
{
    private readonly long[] _records = new long[TraceRecordKinds.Slots];
    private readonly long[] _blocks = new long[TraceRecordKinds.Slots];
    private readonly long[] _rawBytes = new long[TraceRecordKinds.Slots];
    private readonly long[] _storedBytes = new long[TraceRecordKinds.Slots];

    /// <summary>Bytes of the file: header, blocks (with their 36-byte headers) and end block.</summary>
    public long FileBytes { get; internal set; }

    public long HeaderBytes { get; internal set; }

    public long DataBlocks { get; internal set; }

    public long Records(TraceRecordKind kind) => _records[(int)kind];

    public long Blocks(TraceRecordKind kind) => _blocks[(int)kind];

    /// <summary>Record bytes before encoding (records × record size).</summary>
    public long RawBytes(TraceRecordKind kind) => _rawBytes[(int)kind];

    /// <summary>Bytes on disk for this kind, block headers included.</summary>
    public long StoredBytes(TraceRecordKind kind) => _storedBytes[(int)kind];

    public long TotalRecords => _records.Sum();

    internal void AddBlock(TraceRecordKind kind, int records, int rawBytes, int storedBytesWithHeader)
    {
        _records[(int)kind] += records;
        _blocks[(int)kind]++;
        _rawBytes[(int)kind] += rawBytes;
        _storedBytes[(int)kind] += storedBytesWithHeader;
        DataBlocks++;
        FileBytes += storedBytesWithHeader;
    }

    internal long[] RecordCountsByKind() => _records[1..(TraceRecordKinds.EndBlockCountedKinds + 1)];
}
