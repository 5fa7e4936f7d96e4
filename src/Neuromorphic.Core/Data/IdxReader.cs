using System.Buffers.Binary;
using System.IO.Compression;
using Neuromorphic.Core.Errors;

namespace Neuromorphic.Core.Data;

/// <summary>
/// Reads the IDX format of MNIST, Fashion-MNIST and KMNIST (LeCun et al.): a big-endian header
/// (two zero bytes, a type code, the number of dimensions, then one 32-bit size per dimension)
/// followed by the data. Files may be gzipped (detected by the gzip magic bytes, not the name).
/// Every problem is an <see cref="InvalidInputException"/> naming the file.
/// </summary>
public static class IdxReader
{
    /// <summary>Type code 0x08: unsigned byte.</summary>
    private const byte UnsignedByte = 0x08;

    /// <summary>Reads an idx3 file of <c>count × rows × columns</c> unsigned bytes.</summary>
    public static (int Count, int Rows, int Columns, byte[] Pixels) ReadImages(string path)
    {
        var (dimensions, data) = Read(path, expectedDimensions: 3);
        return (dimensions[0], dimensions[1], dimensions[2], data);
    }

    /// <summary>Reads an idx1 file of labels.</summary>
    public static byte[] ReadLabels(string path) => Read(path, expectedDimensions: 1).Data;

    /// <summary>Reads an image file and its label file and checks they agree.</summary>
    public static LabeledImages ReadPair(string imagesPath, string labelsPath, int classCount)
    {
        var (count, rows, columns, pixels) = ReadImages(imagesPath);
        var labels = ReadLabels(labelsPath);
        if (labels.Length != count)
        {
            throw new InvalidInputException(labelsPath, "label count", labels.Length.ToString(),
                $"{count}, the number of images in {Path.GetFileName(imagesPath)}");
        }

        for (var i = 0; i < labels.Length; i++)
        {
            if (labels[i] >= classCount)
            {
                throw new InvalidInputException(labelsPath, $"label[{i}]", labels[i].ToString(), $"a class index in 0..{classCount - 1}");
            }
        }

        return new LabeledImages(rows, columns, pixels, labels, classCount);
    }

    /// <summary>Reads any unsigned-byte IDX file and checks it has <paramref name="expectedDimensions"/> dimensions.</summary>
    public static (int[] Dimensions, byte[] Data) Read(string path, int expectedDimensions)
    {
        if (!File.Exists(path))
        {
            throw new InvalidInputException(path, null, null, "an existing IDX file (the file does not exist)");
        }

        try
        {
            using var stream = OpenMaybeGzip(path);
            return Read(stream, path, expectedDimensions, ContentLength(path));
        }
        catch (InvalidDataException ex)
        {
            throw new InvalidInputException(path, "gzip stream", "corrupt data", $"a valid gzip stream ({ex.Message})", ex);
        }
    }

    /// <summary>
    /// The bytes a file holds once decompressed: its length, or for a gzip file the size its trailer
    /// records (ISIZE, modulo 2^32), so that a header declaring more data than the file holds is
    /// refused before anything is allocated.
    /// </summary>
    private static long? ContentLength(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1);
        Span<byte> head = stackalloc byte[4];
        if (file.Read(head[..2]) < 2 || head[0] != 0x1F || head[1] != 0x8B)
        {
            return file.Length;
        }

        if (file.Length < 18)
        {
            return null;
        }

        file.Position = file.Length - 4;
        file.ReadExactly(head);
        return BinaryPrimitives.ReadUInt32LittleEndian(head);
    }

    /// <summary>Reads from a stream; <paramref name="name"/> is used in error messages.</summary>
    /// <param name="stream">The (decompressed) IDX bytes.</param>
    /// <param name="name">The file, for messages.</param>
    /// <param name="expectedDimensions">1 for labels, 3 for images.</param>
    /// <param name="contentLength">Bytes the stream holds in all, when known (for gzip modulo 2^32): checked against the header before reading.</param>
    public static (int[] Dimensions, byte[] Data) Read(Stream stream, string name, int expectedDimensions, long? contentLength = null)
    {
        Span<byte> magic = stackalloc byte[4];
        if (ReadFully(stream, magic) < 4)
        {
            throw new InvalidInputException(name, "header", "truncated (fewer than 4 bytes)", "a 4-byte IDX magic number");
        }

        var magicValue = BinaryPrimitives.ReadUInt32BigEndian(magic);
        var expectedMagic = (uint)(UnsignedByte << 8 | expectedDimensions);
        if (magic[0] != 0 || magic[1] != 0 || magic[2] != UnsignedByte || magic[3] != expectedDimensions)
        {
            var kind = expectedDimensions == 1 ? "labels (idx1)" : $"images (idx{expectedDimensions})";
            throw new InvalidInputException(name, "magic number", $"0x{magicValue:X8}", $"0x{expectedMagic:X8} for unsigned-byte {kind}");
        }

        var dimensions = new int[expectedDimensions];
        Span<byte> word = stackalloc byte[4];
        long total = 1;
        for (var d = 0; d < expectedDimensions; d++)
        {
            if (ReadFully(stream, word) < 4)
            {
                throw new InvalidInputException(name, $"dimension {d}", "truncated header", $"{expectedDimensions} 32-bit sizes after the magic number");
            }

            var size = BinaryPrimitives.ReadInt32BigEndian(word);
            if (size <= 0 || (d > 0 && size > 4096))
            {
                throw new InvalidInputException(name, $"dimension {d}", size.ToString(), d == 0 ? "a positive item count" : "a size in 1..4096");
            }

            dimensions[d] = size;
            total *= size;
        }

        if (total > int.MaxValue)
        {
            throw new InvalidInputException(name, "dimensions", string.Join("×", dimensions), "at most 2^31−1 bytes of data");
        }

        var headerBytes = 4 + 4 * expectedDimensions;
        if (contentLength is { } length && length - headerBytes < total)
        {
            throw new InvalidInputException(name, "dimensions", string.Join("×", dimensions),
                $"a size the file holds (the header declares {total:N0} bytes of data, the file holds {Math.Max(0, length - headerBytes):N0}: it is truncated or its header is wrong)");
        }

        MemoryBudget.Check(total, name, "dimensions", $"{string.Join("×", dimensions)} bytes");
        var data = new byte[total];
        var read = ReadFully(stream, data);
        if (read < total)
        {
            throw new InvalidInputException(name, "data", $"{read} bytes (file truncated)", $"{total} bytes for dimensions {string.Join("×", dimensions)}");
        }

        return (dimensions, data);
    }

    /// <summary>Opens a file, transparently decompressing it when it starts with the gzip magic bytes.</summary>
    public static Stream OpenMaybeGzip(string path)
    {
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        Span<byte> head = stackalloc byte[2];
        var n = file.Read(head);
        file.Position = 0;
        if (n == 2 && head[0] == 0x1F && head[1] == 0x8B)
        {
            return new BufferedStream(new GZipStream(file, CompressionMode.Decompress), 1 << 16);
        }

        return file;
    }

    private static int ReadFully(Stream stream, Span<byte> buffer)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var n = stream.Read(buffer[total..]);
            if (n == 0)
            {
                break;
            }

            total += n;
        }

        return total;
    }
}
