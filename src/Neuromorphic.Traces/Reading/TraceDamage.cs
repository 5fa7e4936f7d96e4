namespace Neuromorphic.Traces;

/// <summary>
/// Where a trace stops being readable: the block (−1 for the file header), the byte offset where
/// that block starts (or where the damage was found), and why. Every block before it is intact.
/// </summary>
public sealed record TraceDamage(long BlockIndex, long ByteOffset, string Reason)
{
    public bool InHeader => BlockIndex < 0;

    public override string ToString() =>
        InHeader ? $"file header (byte {ByteOffset}): {Reason}" : $"block {BlockIndex} (byte {ByteOffset}): {Reason}";
}
