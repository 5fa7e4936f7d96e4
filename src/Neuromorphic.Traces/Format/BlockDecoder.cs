using System.IO.Compression;

namespace Neuromorphic.Traces.Format;

/// <summary>Decodes the stored payload of a block back into its records. Reuses its buffers.</summary>
public sealed class BlockDecoder
{
    private byte[] _unpacked = [];

    /// <summary>
    /// Decodes <paramref name="stored"/> into <paramref name="destination"/> (exactly the block's
    /// decoded length), or returns why it cannot.
    /// </summary>
    public bool TryDecode(in BlockHeader header, ReadOnlySpan<byte> stored, Span<byte> destination, out string? problem)
    {
        problem = null;
        var encoding = header.Encoding;
        var compressor = encoding & BlockEncoding.CompressorMask;
        var shuffled = (encoding & BlockEncoding.Shuffled) != 0;
        if ((encoding & ~(BlockEncoding.CompressorMask | BlockEncoding.Shuffled)) != 0 || compressor > BlockEncoding.Brotli
            || (shuffled && compressor == BlockEncoding.Raw))
        {
            problem = $"unknown block encoding 0x{(byte)encoding:x2}";
            return false;
        }

        if (compressor == BlockEncoding.Raw)
        {
            if (stored.Length != destination.Length)
            {
                problem = $"raw payload holds {stored.Length} bytes, expected {destination.Length}";
                return false;
            }

            stored.CopyTo(destination);
            return true;
        }

        Span<byte> unpacked = destination;
        if (shuffled)
        {
            if (_unpacked.Length < destination.Length)
            {
                _unpacked = new byte[Math.Max(destination.Length, _unpacked.Length * 2)];
            }

            unpacked = _unpacked.AsSpan(0, destination.Length);
        }

        var ok = compressor == BlockEncoding.Deflate ? InflateExactly(stored, unpacked) : BrotliExactly(stored, unpacked);
        if (!ok)
        {
            problem = $"compressed payload does not decode to the {destination.Length} bytes its header declares";
            return false;
        }

        if (shuffled)
        {
            ByteShuffle.Unshuffle(unpacked, header.RecordSize, destination);
        }

        return true;
    }

    private static bool BrotliExactly(ReadOnlySpan<byte> stored, Span<byte> destination) =>
        BrotliDecoder.TryDecompress(stored, destination, out var written) && written == destination.Length;

    private static unsafe bool InflateExactly(ReadOnlySpan<byte> stored, Span<byte> destination)
    {
        fixed (byte* pointer = stored)
        {
            using var source = new UnmanagedMemoryStream(pointer, stored.Length);
            using var inflate = new DeflateStream(source, CompressionMode.Decompress);
            try
            {
                inflate.ReadExactly(destination);
                Span<byte> extra = stackalloc byte[1];
                return inflate.Read(extra) == 0;
            }
            catch (InvalidDataException)
            {
                return false;
            }
            catch (EndOfStreamException)
            {
                return false;
            }
        }
    }
}
