using System.Buffers.Binary;

namespace Neuromorphic.Traces.Format;

/// <summary>The 36-byte header in front of every block (traces/README.md, "Blocks").</summary>
public readonly record struct BlockHeader(
    uint Index,
    byte Kind,
    BlockEncoding Encoding,
    ushort RecordSize,
    uint RecordCount,
    uint StoredLength,
    int FirstInference,
    int LastInference,
    uint PayloadCrc)
{
    /// <summary>Bytes of the payload once decoded: record size × record count.</summary>
    public long DecodedLength => (long)RecordSize * RecordCount;

    public void Write(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(destination, TraceFormat.BlockMarker);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[4..], Index);
        destination[8] = Kind;
        destination[9] = (byte)Encoding;
        BinaryPrimitives.WriteUInt16LittleEndian(destination[10..], RecordSize);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[12..], RecordCount);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[16..], StoredLength);
        BinaryPrimitives.WriteInt32LittleEndian(destination[20..], FirstInference);
        BinaryPrimitives.WriteInt32LittleEndian(destination[24..], LastInference);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[28..], PayloadCrc);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[32..], Crc32C.Compute(destination[..32]));
    }

    /// <summary>Parses a block header, or returns the reason it is not a valid one.</summary>
    public static bool TryRead(ReadOnlySpan<byte> source, out BlockHeader header, out string? problem)
    {
        header = default;
        if (BinaryPrimitives.ReadUInt32LittleEndian(source) != TraceFormat.BlockMarker)
        {
            problem = "no block marker \"NBLK\" where a block should start";
            return false;
        }

        var storedCrc = BinaryPrimitives.ReadUInt32LittleEndian(source[32..]);
        var actualCrc = Crc32C.Compute(source[..32]);
        if (storedCrc != actualCrc)
        {
            problem = $"block header checksum mismatch (stored 0x{storedCrc:x8}, computed 0x{actualCrc:x8})";
            return false;
        }

        header = new BlockHeader(
            BinaryPrimitives.ReadUInt32LittleEndian(source[4..]),
            source[8],
            (BlockEncoding)source[9],
            BinaryPrimitives.ReadUInt16LittleEndian(source[10..]),
            BinaryPrimitives.ReadUInt32LittleEndian(source[12..]),
            BinaryPrimitives.ReadUInt32LittleEndian(source[16..]),
            BinaryPrimitives.ReadInt32LittleEndian(source[20..]),
            BinaryPrimitives.ReadInt32LittleEndian(source[24..]),
            BinaryPrimitives.ReadUInt32LittleEndian(source[28..]));
        problem = null;
        return true;
    }
}
