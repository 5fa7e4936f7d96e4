using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Neuromorphic.Core.Errors;
using Neuromorphic.Core.IO;
using Neuromorphic.Traces.Format;

namespace Neuromorphic.Traces;

/// <summary>
/// Writes a <c>neuromorphic.trace/1</c> file as the run goes. Records are packed into per-kind
/// batches on the caller's thread (no allocation per record); full batches travel through a bounded
/// channel to a background task that compresses, checksums, writes and flushes each block, so a
/// killed process leaves a file that reads up to its last complete block.
/// <para>
/// A file trace is written to <c>PATH.partial</c> and renamed to <c>PATH</c> by
/// <see cref="Complete"/>: a file under the final name is always finished, and a run that dies leaves
/// its readable prefix under <c>PATH.partial</c>. Not thread-safe: one producer.
/// </para>
/// </summary>
public sealed class TraceWriter : ITraceSink, IDisposable, IAsyncDisposable
{
    /// <summary>Suffix of the file a trace is written to until it is complete.</summary>
    public const string PartialSuffix = ".partial";

    private const int KindSlots = TraceRecordKinds.Slots;

    private readonly Stream _stream;
    private readonly bool _ownsStream;
    private readonly string? _finalPath;
    private readonly ILogger _logger;
    private readonly TraceWriterOptions _options;
    private readonly Channel<PendingBlock> _channel;
    private readonly Task _consumer;
    private readonly Batch?[] _batches = new Batch?[KindSlots];
    private readonly int[] _lastInference = new int[KindSlots];
    private readonly BlockEncoder _encoder;
    private byte[] _frame = new byte[4096];
    private uint _nextBlockIndex;
    private long _position;
    private int _inferencesSinceFlush;
    private long _bytesSinceFlush;
    private int _firstInference = -1;
    private int _lastAnyInference = -1;
    private bool _finished;

    private TraceWriter(Stream stream, bool ownsStream, string? finalPath, string? partialPath, TraceHeader header,
        TraceWriterOptions? options, ILogger? logger)
    {
        _options = options ?? TraceWriterOptions.Default;
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.BlockBytes, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(_options.BlockBytes, TraceFormat.MaxBlockPayloadBytes / 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.ChannelCapacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.FlushEveryInferences, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(_options.FlushEveryBytes);
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("trace records are written in memory layout, which must be little-endian");
        }

        _stream = stream;
        _ownsStream = ownsStream;
        _finalPath = finalPath;
        PartialPath = partialPath;
        _logger = logger ?? NullLogger.Instance;
        Header = header;
        Level = header.Level;
        _encoder = new BlockEncoder(_options.Compression, _options.Shuffle, _options.BrotliQuality);
        Array.Fill(_lastInference, -1);
        foreach (var kind in TraceRecordKinds.All)
        {
            if (Level.Records(kind))
            {
                _batches[(int)kind] = new Batch(kind, Math.Max(1, _options.BlockBytes / TraceRecordKinds.RecordSize(kind)));
            }
        }

        var headerBytes = HeaderCodec.Encode(header);
        _stream.Write(headerBytes);
        _stream.Flush();
        _position = headerBytes.Length;
        Statistics.HeaderBytes = headerBytes.Length;
        Statistics.FileBytes = headerBytes.Length;

        _channel = Channel.CreateBounded<PendingBlock>(new BoundedChannelOptions(_options.ChannelCapacity)
        {
            SingleWriter = true,
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _consumer = Task.Run(ConsumeAsync);
    }

    public TraceHeader Header { get; }

    public TraceLevel Level { get; }

    /// <summary>The file being written until completion (null when writing to a caller's stream).</summary>
    public string? PartialPath { get; }

    /// <summary>The file a completed trace ends up in (null when writing to a caller's stream).</summary>
    public string? FinalPath => _finalPath;

    /// <summary>Counts and sizes of what was written; complete once the writer is completed.</summary>
    public TraceWriteStatistics Statistics { get; } = new();

    /// <summary>
    /// Starts a trace at <paramref name="path"/>: writes its header to <c>path.partial</c> at once.
    /// </summary>
    /// <remarks>
    /// A path that is a symbolic link is written through (its target is replaced at completion); a
    /// directory, device, FIFO or socket — at the path or at <c>path.partial</c> — is refused with an
    /// <see cref="InvalidInputException"/>, since the rename at completion would replace it.
    /// </remarks>
    public static TraceWriter Create(string path, TraceHeader header, TraceWriterOptions? options = null, ILogger? logger = null)
    {
        var full = AtomicFile.Target(path);
        var partial = full + PartialSuffix;
        if (FileSystemEntry.KindOf(partial) is not (EntryKind.Missing or EntryKind.RegularFile))
        {
            throw new InvalidInputException(path, null, $"{partial}: not a regular file", "a trace path whose unfinished copy (.partial) can be written");
        }

        AtomicFile.CreateDirectory(path, Path.GetDirectoryName(full)!);
        AtomicFile.RemoveStaleTemporaries(full);
        FileStream stream;
        try
        {
            stream = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.Read, bufferSize: 1);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new OutputWriteException(path, AtomicFile.Reason(ex, partial, full), ex);
        }

        try
        {
            return new TraceWriter(stream, ownsStream: true, full, partial, header, options, logger);
        }
        catch
        {
            stream.Dispose();
            TryDelete(partial);
            throw;
        }
    }

    /// <summary>Writes a trace to a caller's stream (tests, pipes). The stream is flushed after every block.</summary>
    public static TraceWriter Create(Stream stream, TraceHeader header, TraceWriterOptions? options = null, bool leaveOpen = false,
        ILogger? logger = null) =>
        new(stream, ownsStream: !leaveOpen, null, null, header, options, logger);

    public void Add(in InputEventRecord record) => Append(in record);

    public void Add(in SpikeRecord record) => Append(in record);

    public void Add(in MessageRecord record) => Append(in record);

    public void Add(in CoreStepRecord record) => Append(in record);

    public void Add(in ProbeRecord record) => Append(in record);

    public void Add(in PayloadRecord record) => Append(in record);

    public void AddRange(ReadOnlySpan<InputEventRecord> records) => AppendRange(records);

    public void AddRange(ReadOnlySpan<SpikeRecord> records) => AppendRange(records);

    public void AddRange(ReadOnlySpan<MessageRecord> records) => AppendRange(records);

    public void AddRange(ReadOnlySpan<CoreStepRecord> records) => AppendRange(records);

    public void AddRange(ReadOnlySpan<ProbeRecord> records) => AppendRange(records);

    public void AddRange(ReadOnlySpan<PayloadRecord> records) => AppendRange(records);

    public void EndInference(in InferenceSummaryRecord summary)
    {
        if (summary.Inference <= _lastInference[(int)TraceRecordKind.InferenceSummary])
        {
            throw new InvalidOperationException(
                $"inference {summary.Inference} ended after inference {_lastInference[(int)TraceRecordKind.InferenceSummary]}: inferences must end once each, in increasing order");
        }

        // A summary block is emitted only together with every pending batch, summaries last, so that
        // all records of an inference precede the block holding its summary (TraceFile.ReadInferences relies on it).
        var summaries = _batches[(int)TraceRecordKind.InferenceSummary]!;
        CheckOrder(TraceRecordKind.InferenceSummary, summary.Inference);
        MemoryMarshal.Write(summaries.Buffer.AsSpan(summaries.Count * InferenceSummaryRecord.Size), in summary);
        summaries.Note(summary.Inference);
        summaries.Count++;
        if (++_inferencesSinceFlush >= _options.FlushEveryInferences || summaries.Count == summaries.Capacity)
        {
            FlushBatches();
        }
    }

    /// <summary>Emits every pending partial batch as a block now (they are written in the background).</summary>
    public void FlushBatches()
    {
        ThrowIfFinished();
        _inferencesSinceFlush = 0;
        _bytesSinceFlush = 0;
        foreach (var kind in TraceRecordKinds.All)
        {
            if (_batches[(int)kind] is { Count: > 0 })
            {
                Emit(kind);
            }
        }
    }

    public void Complete(TraceCompletion completion = TraceCompletion.Completed) => CompleteAsync(completion).GetAwaiter().GetResult();

    /// <summary>
    /// Writes the remaining records and the end block, flushes the file to disk and renames it to its
    /// final name.
    /// </summary>
    public async Task CompleteAsync(TraceCompletion completion = TraceCompletion.Completed)
    {
        ThrowIfFinished();
        FlushBatches();
        _finished = true;
        _channel.Writer.TryComplete();
        try
        {
            await _consumer.ConfigureAwait(false);
            WriteEndBlock(completion);
            if (_stream is FileStream file)
            {
                file.Flush(flushToDisk: true);
            }
            else
            {
                _stream.Flush();
            }
        }
        catch (Exception ex)
        {
            CloseStream();
            RemovePartial();
            throw Failed(ex);
        }

        CloseStream();
        if (_finalPath is not null)
        {
            try
            {
                AtomicFile.Target(_finalPath);
                File.Move(PartialPath!, _finalPath, overwrite: true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                RemovePartial();
                throw Failed(ex);
            }
        }

        _logger.LogDebug("Trace {Path}: {Blocks} blocks, {Records} records, {Bytes} bytes", _finalPath ?? "(stream)",
            Statistics.DataBlocks, Statistics.TotalRecords, Statistics.FileBytes);
    }

    /// <summary>
    /// Without <see cref="Complete"/>, writes what was recorded so far and leaves the trace without
    /// an end block (under <c>PATH.partial</c>): readers see an unfinished run.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (_finished)
        {
            return;
        }

        _finished = true;
        try
        {
            foreach (var kind in TraceRecordKinds.All)
            {
                if (_batches[(int)kind] is { Count: > 0 })
                {
                    Emit(kind);
                }
            }
        }
        catch (IOException)
        {
            // The consumer failed; its error is logged below.
        }

        _channel.Writer.TryComplete();
        Exception? failure = null;
        try
        {
            await _consumer.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            failure = ex;
        }

        CloseStream();
        if (failure is not null)
        {
            // Writing failed (a full disk, an I/O error): the unfinished file is removed, not left half-written.
            RemovePartial();
            _logger.LogWarning("Writing the trace failed: {Message}", Failed(failure).Message);
        }
        else if (PartialPath is not null)
        {
            _logger.LogWarning("The trace was not completed; what was recorded is readable in {Path}", PartialPath);
        }
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private void Append<T>(in T record) where T : unmanaged, ITraceRecord
    {
        var batch = _batches[(int)T.Kind];
        if (batch is null)
        {
            return;
        }

        CheckOrder(T.Kind, record.Inference);
        MemoryMarshal.Write(batch.Buffer.AsSpan(batch.Count * Unsafe.SizeOf<T>()), in record);
        batch.Note(record.Inference);
        if (++batch.Count == batch.Capacity)
        {
            Emit(T.Kind);
        }

        CountTowardsFlush(Unsafe.SizeOf<T>());
    }

    /// <summary>Flushes every pending batch once <see cref="TraceWriterOptions.FlushEveryBytes"/> bytes of records have come in since the last flush.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void CountTowardsFlush(long bytes)
    {
        _bytesSinceFlush += bytes;
        if (_options.FlushEveryBytes > 0 && _bytesSinceFlush >= _options.FlushEveryBytes)
        {
            FlushBatches();
        }
    }

    private void AppendRange<T>(ReadOnlySpan<T> records) where T : unmanaged, ITraceRecord
    {
        var batch = _batches[(int)T.Kind];
        if (batch is null)
        {
            return;
        }

        while (!records.IsEmpty)
        {
            var take = Math.Min(records.Length, batch.Capacity - batch.Count);
            if (_options.FlushEveryBytes > 0)
            {
                // Stop exactly at the record at which one Add at a time would flush, so that both give the same blocks.
                var size = Unsafe.SizeOf<T>();
                take = (int)Math.Min(take, Math.Max(1, (_options.FlushEveryBytes - _bytesSinceFlush + size - 1) / size));
            }

            var chunk = records[..take];
            foreach (ref readonly var record in chunk)
            {
                CheckOrder(T.Kind, record.Inference);
                batch.Note(record.Inference);
            }

            MemoryMarshal.AsBytes(chunk).CopyTo(batch.Buffer.AsSpan(batch.Count * Unsafe.SizeOf<T>()));
            batch.Count += take;
            records = records[take..];
            if (batch.Count == batch.Capacity)
            {
                Emit(T.Kind);
            }

            CountTowardsFlush((long)take * Unsafe.SizeOf<T>());
        }
    }

    private void CheckOrder(TraceRecordKind kind, int inference)
    {
        ThrowIfFinished();
        ref var last = ref _lastInference[(int)kind];
        if (inference < last || inference < 0)
        {
            throw new InvalidOperationException(
                $"a {kind} record of inference {inference} came after one of inference {last}: records of each kind must come in inference order");
        }

        var ended = _lastInference[(int)TraceRecordKind.InferenceSummary];
        if (kind != TraceRecordKind.InferenceSummary && inference <= ended)
        {
            throw new InvalidOperationException($"a {kind} record of inference {inference} came after inference {ended} ended");
        }

        last = inference;
        if (_firstInference < 0)
        {
            _firstInference = inference;
        }

        _lastAnyInference = Math.Max(_lastAnyInference, inference);
    }

    private void Emit(TraceRecordKind kind)
    {
        var batch = _batches[(int)kind]!;
        var block = new PendingBlock(kind, batch.Buffer, batch.Count, batch.FirstInference, batch.LastInference);
        batch.Reset(ArrayPool<byte>.Shared.Rent(batch.Capacity * TraceRecordKinds.RecordSize(kind)));
        if (!_channel.Writer.TryWrite(block))
        {
            WaitAndWrite(block);
        }
    }

    private void WaitAndWrite(PendingBlock block)
    {
        try
        {
            while (!_channel.Writer.TryWrite(block))
            {
                if (!_channel.Writer.WaitToWriteAsync().AsTask().GetAwaiter().GetResult())
                {
                    throw Failed(_consumer.Exception?.GetBaseException() ?? new InvalidOperationException("the trace writer stopped"));
                }
            }
        }
        catch (Exception ex)
        {
            ArrayPool<byte>.Shared.Return(block.Buffer);
            throw Failed(ex);
        }
    }

    private async Task ConsumeAsync()
    {
        var reader = _channel.Reader;
        try
        {
            while (await reader.WaitToReadAsync().ConfigureAwait(false))
            {
                while (reader.TryRead(out var block))
                {
                    try
                    {
                        WriteBlock(block);
                    }
                    finally
                    {
                        ArrayPool<byte>.Shared.Return(block.Buffer);
                    }
                }
            }
        }
        catch (Exception ex)
        {
            _channel.Writer.TryComplete(ex);
            while (reader.TryRead(out var dropped))
            {
                ArrayPool<byte>.Shared.Return(dropped.Buffer);
            }

            throw;
        }
    }

    private void WriteBlock(in PendingBlock block)
    {
        var recordSize = TraceRecordKinds.RecordSize(block.Kind);
        var raw = block.Buffer.AsSpan(0, block.Count * recordSize);
        var stored = _encoder.Encode(raw, recordSize, out var encoding);
        var header = new BlockHeader(_nextBlockIndex++, (byte)block.Kind, encoding, (ushort)recordSize, (uint)block.Count, (uint)stored.Length,
            block.FirstInference, block.LastInference, Crc32C.Compute(stored));
        var frameLength = WriteFrame(header, stored);
        Statistics.AddBlock(block.Kind, block.Count, raw.Length, frameLength);
    }

    private void WriteEndBlock(TraceCompletion completion)
    {
        Span<byte> payload = stackalloc byte[TraceFormat.EndPayloadSize];
        payload.Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(payload, _nextBlockIndex);
        payload[4] = (byte)completion;
        var counts = Statistics.RecordCountsByKind();
        for (var k = 0; k < counts.Length; k++)
        {
            BinaryPrimitives.WriteInt64LittleEndian(payload[(8 + 8 * k)..], counts[k]);
        }

        BinaryPrimitives.WriteInt64LittleEndian(payload[48..], _position);
        var header = new BlockHeader(_nextBlockIndex, TraceFormat.EndBlockKind, BlockEncoding.Raw, TraceFormat.EndPayloadSize, 1,
            TraceFormat.EndPayloadSize, _firstInference, _lastAnyInference, Crc32C.Compute(payload));
        var length = WriteFrame(header, payload);
        Statistics.FileBytes += length;
    }

    private int WriteFrame(in BlockHeader header, ReadOnlySpan<byte> payload)
    {
        var length = TraceFormat.BlockHeaderSize + payload.Length;
        if (_frame.Length < length)
        {
            _frame = new byte[Math.Max(length, _frame.Length * 2)];
        }

        header.Write(_frame);
        payload.CopyTo(_frame.AsSpan(TraceFormat.BlockHeaderSize));
        _stream.Write(_frame, 0, length);
        _stream.Flush();
        _position += length;
        return length;
    }

    private void ThrowIfFinished()
    {
        if (_finished)
        {
            throw new InvalidOperationException("the trace writer is already completed or disposed");
        }
    }

    /// <summary>The error of a failed write, naming the trace (not its .partial file) and saying that the unfinished file was removed.</summary>
    private IOException Failed(Exception inner)
    {
        inner = inner is AggregateException { InnerException: { } first } ? first : inner;
        if (inner is OutputWriteException written)
        {
            return written;
        }

        if (_finalPath is null)
        {
            return inner as IOException ?? new IOException($"writing the trace failed: {inner.Message}", inner);
        }

        var reason = inner.Message.Replace(PartialPath!, _finalPath, StringComparison.Ordinal);
        return new OutputWriteException(_finalPath, $"{reason} (the unfinished trace {PartialPath} was removed)", inner);
    }

    private void RemovePartial()
    {
        if (PartialPath is not null)
        {
            TryDelete(PartialPath);
        }
    }

    private void CloseStream()
    {
        foreach (var batch in _batches)
        {
            batch?.Release();
        }

        if (_ownsStream)
        {
            _stream.Dispose();
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
    }

    private readonly record struct PendingBlock(TraceRecordKind Kind, byte[] Buffer, int Count, int FirstInference, int LastInference);

    /// <summary>The records of one kind waiting to fill a block.</summary>
    private sealed class Batch(TraceRecordKind kind, int capacity)
    {
        public TraceRecordKind Kind { get; } = kind;

        public int Capacity { get; } = capacity;

        public byte[] Buffer { get; private set; } = ArrayPool<byte>.Shared.Rent(capacity * TraceRecordKinds.RecordSize(kind));

        public int Count { get; set; }

        public int FirstInference { get; private set; } = -1;

        public int LastInference { get; private set; } = -1;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Note(int inference)
        {
            if (FirstInference < 0)
            {
                FirstInference = inference;
            }

            LastInference = inference;
        }

        public void Reset(byte[] buffer)
        {
            Buffer = buffer;
            Count = 0;
            FirstInference = -1;
            LastInference = -1;
        }

        public void Release()
        {
            if (Buffer.Length > 0)
            {
                ArrayPool<byte>.Shared.Return(Buffer);
                Buffer = [];
            }
        }
    }
}
