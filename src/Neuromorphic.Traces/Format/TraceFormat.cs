namespace Neuromorphic.Traces.Format;

/// <summary>
/// Constants of the <c>neuromorphic.trace/3</c> layout. traces/README.md specifies every byte;
/// keep the two in step (a change of layout is a new major version).
/// </summary>
public static class TraceFormat
{
    /// <summary>File magic: 0x89 "NMTR" CR LF 0x1A (a PNG-style signature that text-mode transfers corrupt visibly).</summary>
    public static ReadOnlySpan<byte> Magic => [0x89, (byte)'N', (byte)'M', (byte)'T', (byte)'R', 0x0D, 0x0A, 0x1A];

    /// <summary>
    /// 3: steps are numbered from 1 in every record (as input events are); input-event records carry the
    /// time and core of the spike; message records carry the source core's neuron work since its previous
    /// message (what the timing models need to re-time a trace). 2: core-step records carry the toolkit's
    /// <c>CoreStepCounters</c> as they are.
    /// </summary>
    public const ushort MajorVersion = 3;

    /// <summary>
    /// Minor versions only append header fields or add block kinds that old readers may skip.
    /// 3.1: probe records (<see cref="TraceRecordKind.Probe"/>). 3.2: graded-spike payload records (<see cref="TraceRecordKind.Payload"/>).
    /// </summary>
    public const ushort MinorVersion = 2;

    /// <summary>Magic (8) + major (2) + minor (2) + header payload length (4).</summary>
    public const int FilePrefixSize = 16;

    /// <summary>Largest header payload a reader accepts (the cost table and metadata live there).</summary>
    public const int MaxHeaderPayloadBytes = 16 << 20;

    /// <summary>Block marker "NBLK".</summary>
    public const uint BlockMarker = 0x4B4C424E;

    public const int BlockHeaderSize = 36;

    /// <summary>Largest decoded payload of one block a reader accepts.</summary>
    public const int MaxBlockPayloadBytes = 16 << 20;

    /// <summary>Kind byte of the end block that closes a finished trace.</summary>
    public const byte EndBlockKind = 0xFF;

    /// <summary>Size of the end block's payload (see <see cref="TraceEnd"/>).</summary>
    public const int EndPayloadSize = 56;
}

/// <summary>How a block's payload is stored (the block header's <c>encoding</c> byte).</summary>
[Flags]
public enum BlockEncoding : byte
{
    /// <summary>The records as they are, packed little-endian.</summary>
    Raw = 0,

    /// <summary>Raw DEFLATE (RFC 1951) of the (possibly shuffled) records.</summary>
    Deflate = 1,

    /// <summary>Brotli (RFC 7932) of the (possibly shuffled) records.</summary>
    Brotli = 2,

    /// <summary>Bit 4: the record bytes were transposed before compression (all first bytes, then all second bytes, …).</summary>
    Shuffled = 0x10,

    CompressorMask = 0x0F,
}
