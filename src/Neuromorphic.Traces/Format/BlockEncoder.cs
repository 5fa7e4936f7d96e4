using System.IO.Compression;

namespace Neuromorphic.Traces.Format;

/// <summary>
/// Encodes the records of one block: optionally shuffles their bytes, compresses them, and keeps the
/// compressed form only when it saves at least an eighth of the raw size. One instance per writer
/// thread; it reuses its buffers.
/// </summary>
public sealed class BlockEncoder(TraceCompression compression, bool shuffle, int brotliQuality = 1)
{
    /// <summary>Blocks smaller than this are stored raw: compressing them cannot pay for its overhead.</summary>
    public const int MinCompressedInput = 256;

    private byte[] _shuffled = [];
    private byte[] _compressed = [];
    private byte[]? _deflateBuffer;
    private BoundedBufferStream? _deflateTarget;

    public TraceCompression Compression => compression;

    public bool Shuffle => shuffle;

    /// <summary>The stored bytes of a block of <paramref name="raw"/> records, valid until the next call.</summary>
    public ReadOnlySpan<byte> Encode(ReadOnlySpan<byte> raw, int recordSize, out BlockEncoding encoding)
    {
        encoding = BlockEncoding.Raw;
        if (compression == TraceCompression.None || raw.Length < MinCompressedInput)
        {
            return raw;
        }

        var input = raw;
        if (shuffle)
        {
            Grow(ref _shuffled, raw.Length);
            ByteShuffle.Shuffle(raw, recordSize, _shuffled);
            input = _shuffled.AsSpan(0, raw.Length);
        }

        var budget = raw.Length - raw.Length / 8;
        Grow(ref _compressed, budget);
        var written = compression switch
        {
            TraceCompression.Deflate => CompressDeflate(input, budget),
            TraceCompression.Brotli => CompressBrotli(input, budget),
            _ => -1,
        };
        if (written < 0)
        {
            return raw;
        }

        encoding = (compression == TraceCompression.Deflate ? BlockEncoding.Deflate : BlockEncoding.Brotli)
                   | (shuffle ? BlockEncoding.Shuffled : BlockEncoding.Raw);
        return _compressed.AsSpan(0, written);
    }

    private int CompressDeflate(ReadOnlySpan<byte> input, int budget)
    {
        if (_deflateTarget is null || !ReferenceEquals(_deflateBuffer, _compressed))
        {
            _deflateBuffer = _compressed;
            _deflateTarget = new BoundedBufferStream(_compressed);
        }

        _deflateTarget.Reset(budget);
        using (var deflate = new DeflateStream(_deflateTarget, CompressionLevel.Fastest, leaveOpen: true))
        {
            deflate.Write(input);
        }

        return _deflateTarget.Overflowed ? -1 : _deflateTarget.Length32;
    }

    private int CompressBrotli(ReadOnlySpan<byte> input, int budget) =>
        BrotliEncoder.TryCompress(input, _compressed.AsSpan(0, budget), out var written, brotliQuality, 22) ? written : -1;

    private static void Grow(ref byte[] buffer, int size)
    {
        if (buffer.Length < size)
        {
            buffer = new byte[Math.Max(size, buffer.Length * 2)];
        }
    }
}
