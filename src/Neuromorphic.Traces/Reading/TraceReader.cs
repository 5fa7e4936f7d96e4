using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Neuromorphic.Core.Errors;
using Neuromorphic.Traces.Format;

namespace Neuromorphic.Traces;

/// <summary>
/// Reads a trace block by block, front to back, in bounded memory. Every block is checked (header
/// and payload checksums, sizes, sequence, record order); the first damage ends reading, is kept
/// in <see cref="Damage"/> and logged as a warning, and every block before it has been returned.
/// <code>
/// using var reader = TraceReader.Open(path, new TraceReadOptions { Kinds = TraceKinds.CoreSteps });
/// while (reader.TryReadBlock(out var block))
///     foreach (ref readonly var step in block.CoreSteps) { … }
/// if (reader.Damage is { } damage) …
/// </code>
/// </summary>
public sealed class TraceReader : IDisposable
{
    private readonly Stream _stream;
    private readonly bool _ownsStream;
    private readonly TraceReadOptions _options;
    private readonly ILogger _logger;
    private readonly BlockDecoder _decoder = new();
    private readonly long[] _recordsByKind = new long[TraceRecordKinds.Slots];
    private readonly long[] _blocksByKind = new long[TraceRecordKinds.Slots];
    private readonly long[] _storedBytesByKind = new long[TraceRecordKinds.Slots];
    private readonly int[] _lastInference = new int[TraceRecordKinds.Slots];
    private readonly byte[] _blockHeader = new byte[TraceFormat.BlockHeaderSize];
    private byte[] _stored = new byte[64 * 1024];
    private byte[] _decoded = new byte[64 * 1024];
    private bool _stopped;

    private TraceReader(Stream stream, bool ownsStream, string name, TraceHeader header, long headerBytes, TraceReadOptions? options, ILogger? logger)
    {
        _stream = stream;
        _ownsStream = ownsStream;
        Name = name;
        Header = header;
        HeaderBytes = headerBytes;
        Position = headerBytes;
        _options = options ?? TraceReadOptions.All;
        _logger = logger ?? NullLogger.Instance;
        Array.Fill(_lastInference, -1);
    }

    /// <summary>The file name (or the name given for a stream), used in messages.</summary>
    public string Name { get; }

    public TraceHeader Header { get; }

    /// <summary>Size of the file header in bytes.</summary>
    public long HeaderBytes { get; }

    /// <summary>Byte offset of the next block.</summary>
    public long Position { get; private set; }

    /// <summary>Blocks read and checked so far (returned or skipped), not counting the end block.</summary>
    public long BlocksRead { get; private set; }

    /// <summary>Where reading stopped on damage, or null (so far) if nothing is wrong.</summary>
    public TraceDamage? Damage { get; private set; }

    /// <summary>The end block, once reached; null for a trace whose writer did not finish.</summary>
    public TraceEnd? End { get; private set; }

    /// <summary>True once the reader has reached the end block or damage.</summary>
    public bool Finished => _stopped;

    /// <summary>Records of <paramref name="kind"/> in the blocks read so far (returned or skipped).</summary>
    public long RecordsRead(TraceRecordKind kind) => _recordsByKind[(int)kind];

    public long BlocksOfKind(TraceRecordKind kind) => _blocksByKind[(int)kind];

    /// <summary>Bytes on disk of the blocks of <paramref name="kind"/> read so far, block headers included.</summary>
    public long StoredBytes(TraceRecordKind kind) => _storedBytesByKind[(int)kind];

    /// <summary>Opens a trace file and reads its header; a file that is not a readable trace is bad input.</summary>
    public static TraceReader Open(string path, TraceReadOptions? options = null, ILogger? logger = null)
    {
        var stream = OpenFile(path);
        try
        {
            if (TryOpen(stream, path, options, logger, ownsStream: true, out var reader, out var damage))
            {
                return reader;
            }

            throw new InvalidInputException(path, "header", null, $"a readable neuromorphic.trace/1 file header ({damage.Reason})");
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>Reads a trace from a stream (read sequentially; seeking is not needed).</summary>
    public static TraceReader Open(Stream stream, string name, TraceReadOptions? options = null, ILogger? logger = null, bool leaveOpen = false)
    {
        if (TryOpen(stream, name, options, logger, ownsStream: !leaveOpen, out var reader, out var damage))
        {
            return reader;
        }

        throw new InvalidInputException(name, "header", null, $"a readable neuromorphic.trace/1 file header ({damage.Reason})");
    }

    internal static FileStream OpenFile(string path)
    {
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 16);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new InvalidInputException(path, null, null, "an existing trace file", ex);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new InvalidInputException(path, null, null, "a readable trace file", ex);
        }
    }

    internal static bool TryOpen(Stream stream, string name, TraceReadOptions? options, ILogger? logger, bool ownsStream,
        [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out TraceReader? reader,
        [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out TraceDamage? damage)
    {
        reader = null;
        Span<byte> prefix = stackalloc byte[TraceFormat.FilePrefixSize];
        var got = stream.ReadAtLeast(prefix, prefix.Length, throwOnEndOfStream: false);
        if (got < prefix.Length)
        {
            damage = new TraceDamage(-1, got, got == 0 ? "the file is empty" : $"the file ends inside the header ({got} bytes)");
            return false;
        }

        if (!HeaderCodec.TryReadPrefix(prefix, out var payloadLength, out var problem))
        {
            damage = new TraceDamage(-1, 0, problem!);
            return false;
        }

        var whole = new byte[TraceFormat.FilePrefixSize + payloadLength + 4];
        prefix.CopyTo(whole);
        var rest = stream.ReadAtLeast(whole.AsSpan(TraceFormat.FilePrefixSize), whole.Length - TraceFormat.FilePrefixSize, throwOnEndOfStream: false);
        if (rest < whole.Length - TraceFormat.FilePrefixSize)
        {
            damage = new TraceDamage(-1, 0, $"the file ends inside the header ({TraceFormat.FilePrefixSize + rest} of {whole.Length} bytes)");
            return false;
        }

        if (!HeaderCodec.TryDecode(whole, out var header, out problem))
        {
            damage = new TraceDamage(-1, 0, problem!);
            return false;
        }

        damage = null;
        reader = new TraceReader(stream, ownsStream, name, header!, whole.Length, options, logger);
        return true;
    }

    /// <summary>
    /// Reads up to the next block of a requested kind. Returns false at the end of the trace or at
    /// damage (then <see cref="Damage"/> says where and why).
    /// </summary>
    public bool TryReadBlock(out TraceBlock block)
    {
        block = default;
        while (!_stopped)
        {
            var offset = Position;
            var got = _stream.ReadAtLeast(_blockHeader, _blockHeader.Length, throwOnEndOfStream: false);
            if (got == 0)
            {
                return Stop(BlocksRead, offset, BlocksRead == 0
                    ? "the trace has no blocks and no end block: its writer did not finish"
                    : $"the trace ends after block {BlocksRead - 1} without an end block: its writer did not finish (killed or crashed)");
            }

            if (got < _blockHeader.Length)
            {
                return Stop(BlocksRead, offset, $"the file ends inside the header of block {BlocksRead} ({got} of {TraceFormat.BlockHeaderSize} bytes)");
            }

            if (!BlockHeader.TryRead(_blockHeader, out var header, out var problem))
            {
                return Stop(BlocksRead, offset, problem!);
            }

            if (header.Index != BlocksRead)
            {
                return Stop(BlocksRead, offset, $"block index is {header.Index}, expected {BlocksRead}");
            }

            if (header.Kind == TraceFormat.EndBlockKind)
            {
                ReadEndBlock(header, offset);
                return false;
            }

            if (CheckFraming(header) is { } framing)
            {
                return Stop(BlocksRead, offset, framing);
            }

            var storedLength = (int)header.StoredLength;
            if (_stored.Length < storedLength)
            {
                _stored = new byte[Math.Max(storedLength, _stored.Length * 2)];
            }

            var stored = _stored.AsSpan(0, storedLength);
            var payloadRead = _stream.ReadAtLeast(stored, storedLength, throwOnEndOfStream: false);
            if (payloadRead < storedLength)
            {
                return Stop(BlocksRead, offset, $"the file ends inside block {BlocksRead} ({payloadRead} of {storedLength} payload bytes)");
            }

            var crc = Crc32C.Compute(stored);
            if (crc != header.PayloadCrc)
            {
                return Stop(BlocksRead, offset, $"payload checksum mismatch (stored 0x{header.PayloadCrc:x8}, computed 0x{crc:x8})");
            }

            var known = TraceRecordKinds.IsKnown(header.Kind);
            var kind = (TraceRecordKind)header.Kind;
            var wanted = known && _options.Kinds.HasFlag(kind.ToFlag())
                         && (_options.Inference is not { } only || (header.FirstInference <= only && only <= header.LastInference));
            ReadOnlySpan<byte> decoded = default;
            if (wanted || (known && _options.CheckEveryBlock))
            {
                var decodedLength = (int)header.DecodedLength;
                if (_decoded.Length < decodedLength)
                {
                    _decoded = new byte[Math.Max(decodedLength, _decoded.Length * 2)];
                }

                var target = _decoded.AsSpan(0, decodedLength);
                if (!_decoder.TryDecode(header, stored, target, out problem))
                {
                    return Stop(BlocksRead, offset, problem!);
                }

                if (CheckRecords(kind, target, header) is { } order)
                {
                    return Stop(BlocksRead, offset, order);
                }

                decoded = target;
            }
            else if (known)
            {
                // Not decoded: the inference order is checked at block level.
                ref var last = ref _lastInference[header.Kind];
                var ended = kind == TraceRecordKind.InferenceSummary ? -1 : _lastInference[(int)TraceRecordKind.InferenceSummary];
                if (header.FirstInference < last || (kind == TraceRecordKind.InferenceSummary && header.FirstInference == last)
                    || header.FirstInference <= ended)
                {
                    return Stop(BlocksRead, offset, $"block starts at inference {header.FirstInference}, out of order with the blocks before it");
                }

                last = header.LastInference;
            }

            Position = offset + TraceFormat.BlockHeaderSize + storedLength;
            BlocksRead++;
            if (known)
            {
                _recordsByKind[header.Kind] += header.RecordCount;
                _blocksByKind[header.Kind]++;
                _storedBytesByKind[header.Kind] += TraceFormat.BlockHeaderSize + storedLength;
            }

            if (wanted)
            {
                block = new TraceBlock(header, offset, decoded);
                return true;
            }
        }

        return false;
    }

    /// <summary>Reads to the end (or the damage) without returning blocks: counts and checks only.</summary>
    public void SkipToEnd()
    {
        while (TryReadBlock(out _))
        {
        }
    }

    public void Dispose()
    {
        if (_ownsStream)
        {
            _stream.Dispose();
        }
    }

    private string? CheckFraming(in BlockHeader header)
    {
        if (header.RecordCount == 0)
        {
            return "block holds no records";
        }

        if (TraceRecordKinds.IsKnown(header.Kind))
        {
            var expected = TraceRecordKinds.RecordSize((TraceRecordKind)header.Kind);
            if (header.RecordSize != expected)
            {
                return $"{(TraceRecordKind)header.Kind} records are {header.RecordSize} bytes, expected {expected}";
            }
        }
        else if (header.RecordSize == 0)
        {
            return $"block of unknown kind {header.Kind} declares 0-byte records";
        }

        if (header.DecodedLength > TraceFormat.MaxBlockPayloadBytes)
        {
            return $"block declares {header.DecodedLength} bytes of records, over the limit of {TraceFormat.MaxBlockPayloadBytes}";
        }

        if (header.StoredLength > header.DecodedLength)
        {
            return $"stored payload ({header.StoredLength} bytes) is larger than its records ({header.DecodedLength} bytes)";
        }

        if (header.FirstInference < 0 || header.LastInference < header.FirstInference)
        {
            return $"block inference range {header.FirstInference}..{header.LastInference} is not valid";
        }

        return null;
    }

    private string? CheckRecords(TraceRecordKind kind, ReadOnlySpan<byte> bytes, in BlockHeader header) => kind switch
    {
        TraceRecordKind.InputEvent => CheckOrder<InputEventRecord>(bytes, header),
        TraceRecordKind.Spike => CheckOrder<SpikeRecord>(bytes, header),
        TraceRecordKind.Message => CheckOrder<MessageRecord>(bytes, header),
        TraceRecordKind.CoreStep => CheckOrder<CoreStepRecord>(bytes, header),
        TraceRecordKind.InferenceSummary => CheckOrder<InferenceSummaryRecord>(bytes, header),
        TraceRecordKind.Probe => CheckOrder<ProbeRecord>(bytes, header),
        TraceRecordKind.Payload => CheckOrder<PayloadRecord>(bytes, header),
        _ => null,
    };

    private string? CheckOrder<T>(ReadOnlySpan<byte> bytes, in BlockHeader header) where T : unmanaged, ITraceRecord
    {
        var records = MemoryMarshal.Cast<byte, T>(bytes);
        var last = _lastInference[(int)T.Kind];
        var strict = T.Kind == TraceRecordKind.InferenceSummary;
        var ended = strict ? -1 : _lastInference[(int)TraceRecordKind.InferenceSummary];
        for (var i = 0; i < records.Length; i++)
        {
            var inference = records[i].Inference;
            if (inference < header.FirstInference || inference > header.LastInference)
            {
                return $"record {i} is of inference {inference}, outside the block's range {header.FirstInference}..{header.LastInference}";
            }

            if (inference < last || (strict && inference == last))
            {
                return $"record {i} is of inference {inference} after inference {last}: records are out of order";
            }

            if (inference <= ended)
            {
                return $"record {i} is of inference {inference}, which ended in an earlier block";
            }

            last = inference;
        }

        _lastInference[(int)T.Kind] = last;
        return null;
    }

    private void ReadEndBlock(in BlockHeader header, long offset)
    {
        if (header.RecordSize != TraceFormat.EndPayloadSize || header.RecordCount != 1 || header.StoredLength != TraceFormat.EndPayloadSize
            || header.Encoding != BlockEncoding.Raw)
        {
            Stop(BlocksRead, offset, "the end block's sizes are not those of neuromorphic.trace/1");
            return;
        }

        Span<byte> payload = stackalloc byte[TraceFormat.EndPayloadSize];
        var got = _stream.ReadAtLeast(payload, payload.Length, throwOnEndOfStream: false);
        if (got < payload.Length)
        {
            Stop(BlocksRead, offset, $"the file ends inside the end block ({got} of {payload.Length} payload bytes)");
            return;
        }

        var crc = Crc32C.Compute(payload);
        if (crc != header.PayloadCrc)
        {
            Stop(BlocksRead, offset, $"end block checksum mismatch (stored 0x{header.PayloadCrc:x8}, computed 0x{crc:x8})");
            return;
        }

        var dataBlocks = BinaryPrimitives.ReadUInt32LittleEndian(payload);
        var status = payload[4];
        var counts = new long[TraceRecordKinds.EndBlockCountedKinds];
        for (var k = 0; k < counts.Length; k++)
        {
            counts[k] = BinaryPrimitives.ReadInt64LittleEndian(payload[(8 + 8 * k)..]);
        }

        var endOffset = BinaryPrimitives.ReadInt64LittleEndian(payload[48..]);
        string? mismatch = null;
        if (status > (byte)TraceCompletion.Interrupted || payload[5] != 0 || payload[6] != 0 || payload[7] != 0)
        {
            mismatch = $"the end block's status bytes are not valid ({status})";
        }
        else if (dataBlocks != BlocksRead)
        {
            mismatch = $"the end block counts {dataBlocks} blocks, the file has {BlocksRead}";
        }
        else if (endOffset != offset)
        {
            mismatch = $"the end block says it starts at byte {endOffset}, it starts at byte {offset}";
        }
        else
        {
            for (var k = 0; k < counts.Length; k++)
            {
                if (counts[k] != _recordsByKind[k + 1])
                {
                    mismatch = $"the end block counts {counts[k]} {((TraceRecordKind)(k + 1)).DisplayName()}, the blocks hold {_recordsByKind[k + 1]}";
                    break;
                }
            }
        }

        if (mismatch is not null)
        {
            Stop(BlocksRead, offset, mismatch);
            return;
        }

        Span<byte> extra = stackalloc byte[1];
        if (_stream.Read(extra) != 0)
        {
            Stop(BlocksRead + 1, offset + TraceFormat.BlockHeaderSize + TraceFormat.EndPayloadSize, "unexpected bytes after the end block");
            return;
        }

        End = new TraceEnd((TraceCompletion)status, dataBlocks, endOffset, counts);
        Position = offset + TraceFormat.BlockHeaderSize + TraceFormat.EndPayloadSize;
        _stopped = true;
    }

    private bool Stop(long blockIndex, long offset, string reason)
    {
        _stopped = true;
        Damage = new TraceDamage(blockIndex, offset, reason);
        _logger.LogWarning("{Trace}: {Damage}; reading stopped there, the {Blocks} blocks before it are intact", Name, Damage.ToString(), BlocksRead);
        return false;
    }
}
