namespace Neuromorphic.Traces;

/// <summary>
/// A fixed-size, blittable trace record. Records are stored on disk exactly as they are laid out in
/// memory (little-endian, packed, no padding), so a block of records is read back as a span without
/// parsing. Every time is in integer picoseconds and every energy in integer femtojoules.
/// </summary>
public interface ITraceRecord
{
    /// <summary>The kind byte of the blocks that hold this record type.</summary>
    static abstract TraceRecordKind Kind { get; }

    /// <summary>The inference (0-based, in run order) the record belongs to.</summary>
    int Inference { get; }
}
