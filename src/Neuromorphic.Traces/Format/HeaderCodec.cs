using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using Neuromorphic.Core.IO;

namespace Neuromorphic.Traces.Format;

/// <summary>Encodes and decodes the file header (traces/README.md, "File header").</summary>
public static class HeaderCodec
{
    private static readonly UTF8Encoding s_utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The complete file header: prefix, payload and CRC-32C.</summary>
    public static byte[] Encode(TraceHeader header)
    {
        Validate(header);
        using var payload = new MemoryStream();
        WriteString(payload, TraceHeader.Schema);
        WriteString(payload, header.ToolVersion);
        WriteString(payload, header.ChipHash);
        WriteString(payload, header.NetworkHash);
        WriteString(payload, header.MappingHash);
        Span<byte> scratch = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(scratch, header.Seed);
        payload.Write(scratch);
        payload.WriteByte((byte)header.Mode);
        payload.WriteByte((byte)header.Level);
        BinaryPrimitives.WriteInt64LittleEndian(scratch, header.StartedAt?.ToUnixTimeMilliseconds() ?? 0);
        payload.Write(scratch);
        WriteString(payload, header.CostTableJson);
        WriteString(payload, header.MetadataJson);

        var body = payload.ToArray();
        var bytes = new byte[TraceFormat.FilePrefixSize + body.Length + 4];
        TraceFormat.Magic.CopyTo(bytes);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), TraceFormat.MajorVersion);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(10), TraceFormat.MinorVersion);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(12), (uint)body.Length);
        body.CopyTo(bytes.AsSpan(TraceFormat.FilePrefixSize));
        var crcEnd = TraceFormat.FilePrefixSize + body.Length;
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(crcEnd), Crc32C.Compute(bytes.AsSpan(0, crcEnd)));
        return bytes;
    }

    /// <summary>Reads the header payload length from the 16-byte prefix, or says why the prefix is not a trace's.</summary>
    public static bool TryReadPrefix(ReadOnlySpan<byte> prefix, out int payloadLength, out string? problem)
    {
        payloadLength = 0;
        if (!prefix[..8].SequenceEqual(TraceFormat.Magic))
        {
            problem = "not a neuromorphic trace (the file does not start with the trace magic 89 4E 4D 54 52 0D 0A 1A)";
            return false;
        }

        var major = BinaryPrimitives.ReadUInt16LittleEndian(prefix[8..]);
        if (major != TraceFormat.MajorVersion)
        {
            problem = major < TraceFormat.MajorVersion
                ? $"format version {major}.{BinaryPrimitives.ReadUInt16LittleEndian(prefix[10..])} (neuromorphic.trace/{major}, written by an earlier neuro) is no longer read: " +
                  $"this tool reads neuromorphic.trace/{TraceFormat.MajorVersion}, whose records changed (steps from 1, message generation work); record the run again"
                : $"format version {major}.{BinaryPrimitives.ReadUInt16LittleEndian(prefix[10..])} is newer than this tool (it reads neuromorphic.trace/{TraceFormat.MajorVersion}): update neuro";
            return false;
        }

        var length = BinaryPrimitives.ReadUInt32LittleEndian(prefix[12..]);
        if (length > TraceFormat.MaxHeaderPayloadBytes)
        {
            problem = $"header length {length} bytes exceeds the limit of {TraceFormat.MaxHeaderPayloadBytes} bytes";
            return false;
        }

        payloadLength = (int)length;
        problem = null;
        return true;
    }

    /// <summary>Decodes the whole header (prefix + payload + CRC), or says why it cannot.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> bytes, out TraceHeader? header, out string? problem)
    {
        header = null;
        if (!TryReadPrefix(bytes, out var length, out problem))
        {
            return false;
        }

        var crcEnd = TraceFormat.FilePrefixSize + length;
        var stored = BinaryPrimitives.ReadUInt32LittleEndian(bytes[crcEnd..]);
        var actual = Crc32C.Compute(bytes[..crcEnd]);
        if (stored != actual)
        {
            problem = $"header checksum mismatch (stored 0x{stored:x8}, computed 0x{actual:x8})";
            return false;
        }

        var reader = new PayloadReader(bytes[TraceFormat.FilePrefixSize..crcEnd]);
        try
        {
            var schema = reader.String();
            if (schema != TraceHeader.Schema)
            {
                problem = $"header schema is \"{schema}\", expected \"{TraceHeader.Schema}\"";
                return false;
            }

            var tool = reader.String();
            var chip = reader.String();
            var network = reader.String();
            var mapping = reader.String();
            var seed = reader.UInt64();
            var mode = reader.Byte();
            var level = reader.Byte();
            var startedMs = reader.Int64();
            var costTable = reader.String();
            var metadata = reader.String();
            // Bytes after the last known field are fields of a later minor version: ignored.
            if (mode > (byte)TraceMode.Handshake)
            {
                problem = $"header mode byte is {mode}, expected 0 (barrier), 1 (async) or 2 (handshake)";
                return false;
            }

            if (level > (byte)TraceLevel.Messages)
            {
                problem = $"header level byte is {level}, expected 0 to 3 (summary, counters, spikes, messages)";
                return false;
            }

            foreach (var (name, json) in new[] { ("cost table", costTable), ("metadata", metadata) })
            {
                if (DuplicateKey(json) is { } duplicate)
                {
                    problem = $"header {name} JSON has the key \"{duplicate.Key}\" twice (at {duplicate.Path}): which value was meant is ambiguous";
                    return false;
                }
            }

            header = new TraceHeader
            {
                ToolVersion = tool,
                ChipHash = chip,
                NetworkHash = network,
                MappingHash = mapping,
                Seed = seed,
                Mode = (TraceMode)mode,
                Level = (TraceLevel)level,
                StartedAt = startedMs == 0 ? null : DateTimeOffset.FromUnixTimeMilliseconds(startedMs),
                CostTableJson = costTable,
                MetadataJson = metadata,
            };
            return true;
        }
        catch (FormatException ex)
        {
            problem = "header fields are malformed: " + ex.Message;
            return false;
        }
    }

    private static void Validate(TraceHeader header)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(header.ToolVersion);
        foreach (var (name, hash) in new[] { ("chip", header.ChipHash), ("network", header.NetworkHash), ("mapping", header.MappingHash) })
        {
            if (hash.Length != 0 && (hash.Length != 64 || !hash.All(char.IsAsciiHexDigitLower)))
            {
                throw new ArgumentException($"the {name} hash must be 64 lower-case hex digits (SHA-256) or empty, got \"{hash}\"", nameof(header));
            }
        }

        if (!Enum.IsDefined(header.Mode) || !Enum.IsDefined(header.Level))
        {
            throw new ArgumentException("unknown mode or level", nameof(header));
        }

        foreach (var (name, json) in new[] { ("cost table", header.CostTableJson), ("metadata", header.MetadataJson) })
        {
            try
            {
                using var _ = JsonDocument.Parse(json);
            }
            catch (JsonException ex)
            {
                throw new ArgumentException($"the {name} must be JSON text: {ex.Message}", nameof(header), ex);
            }
        }
    }

    private static (string Path, string Key)? DuplicateKey(string json)
    {
        try
        {
            return JsonInput.FindDuplicateKey(json);
        }
        catch (JsonException)
        {
            return null; // Not JSON: readers of the metadata are lenient about its content.
        }
    }

    private static void WriteString(Stream stream, string text)
    {
        var bytes = s_utf8.GetBytes(text);
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(length, (uint)bytes.Length);
        stream.Write(length);
        stream.Write(bytes);
    }

    private ref struct PayloadReader(ReadOnlySpan<byte> data)
    {
        private ReadOnlySpan<byte> _rest = data;

        public string String()
        {
            var length = BinaryPrimitives.ReadUInt32LittleEndian(Take(4));
            if (length > _rest.Length)
            {
                throw new FormatException($"a string of {length} bytes runs past the end of the header");
            }

            try
            {
                return s_utf8.GetString(Take((int)length));
            }
            catch (ArgumentException)
            {
                throw new FormatException("a string is not valid UTF-8");
            }
        }

        public ulong UInt64() => BinaryPrimitives.ReadUInt64LittleEndian(Take(8));

        public long Int64() => BinaryPrimitives.ReadInt64LittleEndian(Take(8));

        public byte Byte() => Take(1)[0];

        private ReadOnlySpan<byte> Take(int count)
        {
            if (count > _rest.Length)
            {
                throw new FormatException("the header ends before its last field");
            }

            var taken = _rest[..count];
            _rest = _rest[count..];
            return taken;
        }
    }
}
