using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Neuromorphic.Core.IO;

namespace Neuromorphic.Traces;

/// <summary>
/// Brings the records of inferences that run in parallel into one <see cref="TraceWriter"/> in
/// inference order while they run, in bounded memory. Each inference records into its own lane
/// (<see cref="Open"/>), which packs records, in the order the engine produced them, into chunks of
/// <see cref="ChunkBytes"/>. The oldest unfinished inference — the head — hands each full chunk
/// straight to the writer, so a long inference reaches the disk block by block as it runs. Later
/// inferences keep their chunks until they become the head: in memory up to a shared budget, beyond
/// it in a spill file beside the trace (deleted when replayed or closed). When the head ends, the
/// next lane's chunks are replayed into the writer and that lane streams.
/// <para>
/// The writer receives exactly the same calls, in the same order, whichever lane streamed and
/// whichever waited, in memory or on disk: the file is byte-identical for any thread count, memory
/// budget or timing. A killed run loses the head's unfinished chunk and what the writer had not yet
/// written (less than one block per record kind, plus blocks queued for compression); everything
/// before is on disk.
/// </para>
/// Thread-safe: one lane per inference, each used by one thread at a time.
/// </summary>
public sealed class InferenceOrderedSink : IDisposable
{
    /// <summary>Bytes of records (each with a one-byte kind tag) that a lane packs before handing them on.</summary>
    public const int ChunkBytes = 16 * 1024;

    /// <summary>Default memory for the chunks of inferences waiting for their turn.</summary>
    public const long DefaultMemoryBudgetBytes = 64L << 20;

    private readonly object _gate = new();
    private readonly TraceWriter _writer;
    private readonly long _memoryBudget;
    private readonly string _spillTarget;
    private readonly Dictionary<int, Lane> _lanes = [];
    private int _head;
    private long _bufferedBytes;
    private bool _closed;

    /// <param name="writer">The trace file's writer (used only under this sink's lock).</param>
    /// <param name="firstInference">The first inference number (the first head).</param>
    /// <param name="memoryBudgetBytes">Memory for chunks of waiting inferences; beyond it they spill to disk.</param>
    /// <param name="spillBeside">Spill files are hidden temporary files beside this path (the trace's).</param>
    public InferenceOrderedSink(TraceWriter writer, int firstInference = 0, long memoryBudgetBytes = DefaultMemoryBudgetBytes, string? spillBeside = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(memoryBudgetBytes);
        _writer = writer;
        _head = firstInference;
        _memoryBudget = memoryBudgetBytes;
        _spillTarget = Path.GetFullPath(spillBeside ?? writer.FinalPath ?? Path.Combine(Path.GetTempPath(), "neuro.trace"));
    }

    /// <summary>Called once the head inference's summary is in the writer, with its record counts per kind (indexed by <see cref="TraceRecordKind"/>).</summary>
    public Action<int, long[]>? InferenceWritten { get; init; }

    /// <summary>The most bytes of waiting chunks held in memory at once.</summary>
    public long PeakBufferedBytes { get; private set; }

    /// <summary>Bytes of waiting chunks that went to spill files.</summary>
    public long SpilledBytes { get; private set; }

    /// <summary>The recording sink of inference <paramref name="inference"/> (one per inference, opened at most once).</summary>
    public ITraceSink Open(int inference)
    {
        lock (_gate)
        {
            if (inference < _head || _lanes.ContainsKey(inference))
            {
                throw new InvalidOperationException($"inference {inference} was already recorded");
            }

            var lane = new Lane(this, inference);
            _lanes[inference] = lane;
            return lane;
        }
    }

    /// <summary>
    /// Stops taking records (a cancelled or failed run): waiting lanes are dropped and their spill
    /// files deleted; lanes still running record into nothing. The writer can then be completed.
    /// </summary>
    public void Close()
    {
        lock (_gate)
        {
            _closed = true;
            foreach (var lane in _lanes.Values)
            {
                lane.Release();
            }

            _lanes.Clear();
        }
    }

    public void Dispose() => Close();

    /// <summary>Under the lock: the head has ended; the next lanes replay what they hold and the first unfinished one becomes the head.</summary>
    private void Advance()
    {
        _lanes.Remove(_head);
        _head++;
        while (_lanes.TryGetValue(_head, out var next))
        {
            next.ReplayPending();
            if (!next.Ended)
            {
                return;
            }

            next.WriteSummary();
            _lanes.Remove(_head);
            _head++;
        }
    }

    private void Replay(ReadOnlySpan<byte> chunk, long[] counts)
    {
        while (!chunk.IsEmpty)
        {
            var kind = (TraceRecordKind)chunk[0];
            var size = TraceRecordKinds.RecordSize(kind);
            var record = chunk.Slice(1, size);
            switch (kind)
            {
                case TraceRecordKind.InputEvent:
                    _writer.Add(in MemoryMarshal.AsRef<InputEventRecord>(record));
                    break;
                case TraceRecordKind.Spike:
                    _writer.Add(in MemoryMarshal.AsRef<SpikeRecord>(record));
                    break;
                case TraceRecordKind.Message:
                    _writer.Add(in MemoryMarshal.AsRef<MessageRecord>(record));
                    break;
                case TraceRecordKind.CoreStep:
                    _writer.Add(in MemoryMarshal.AsRef<CoreStepRecord>(record));
                    break;
                case TraceRecordKind.Probe:
                    _writer.Add(in MemoryMarshal.AsRef<ProbeRecord>(record));
                    break;
                case TraceRecordKind.Payload:
                    _writer.Add(in MemoryMarshal.AsRef<PayloadRecord>(record));
                    break;
                default:
                    throw new InvalidOperationException($"chunk holds a record of kind {kind}");
            }

            counts[(int)kind]++;
            chunk = chunk[(1 + size)..];
        }
    }

    /// <summary>The records of one inference, in the engine's order.</summary>
    private sealed class Lane(InferenceOrderedSink owner, int inference) : ITraceSink
    {
        private readonly List<(byte[] Buffer, int Length)> _pending = [];
        private readonly long[] _counts = new long[TraceRecordKinds.Slots];
        private byte[] _chunk = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        private int _used;
        private FileStream? _spill;
        private InferenceSummaryRecord _summary;

        public TraceLevel Level => owner._writer.Level;

        public bool Ended { get; private set; }

        public void Add(in InputEventRecord record) => Append(in record);

        public void Add(in SpikeRecord record) => Append(in record);

        public void Add(in MessageRecord record) => Append(in record);

        public void Add(in CoreStepRecord record) => Append(in record);

        public void Add(in ProbeRecord record) => Append(in record);

        public void Add(in PayloadRecord record) => Append(in record);

        public void EndInference(in InferenceSummaryRecord summary)
        {
            if (summary.Inference != inference)
            {
                throw new InvalidOperationException($"the lane of inference {inference} received the summary of inference {summary.Inference}");
            }

            Flush();
            lock (owner._gate)
            {
                if (owner._closed)
                {
                    return;
                }

                _summary = summary;
                Ended = true;
                if (owner._head == inference)
                {
                    WriteSummary();
                    owner.Advance();
                }
            }
        }

        public void Complete(TraceCompletion completion = TraceCompletion.Completed) =>
            throw new InvalidOperationException("a lane records one inference; the trace is completed through its writer");

        /// <summary>Under the lock: the inference's summary goes to the writer (all its records are there).</summary>
        public void WriteSummary()
        {
            owner._writer.EndInference(in _summary);
            _counts[(int)TraceRecordKind.InferenceSummary]++;
            Release();
            ArrayPool<byte>.Shared.Return(_chunk);
            _chunk = [];
            owner.InferenceWritten?.Invoke(inference, _counts);
        }

        /// <summary>Under the lock, as this lane becomes the head: its waiting chunks go to the writer in order.</summary>
        public void ReplayPending()
        {
            foreach (var (buffer, length) in _pending)
            {
                owner.Replay(buffer.AsSpan(0, length), _counts);
                owner._bufferedBytes -= length;
                ArrayPool<byte>.Shared.Return(buffer);
            }

            _pending.Clear();
            if (_spill is { } spill)
            {
                spill.Flush();
                spill.Position = 0;
                var buffer = ArrayPool<byte>.Shared.Rent(ChunkBytes);
                Span<byte> prefix = stackalloc byte[4];
                try
                {
                    while (spill.ReadAtLeast(prefix, 4, throwOnEndOfStream: false) == 4)
                    {
                        var length = BinaryPrimitives.ReadInt32LittleEndian(prefix);
                        spill.ReadExactly(buffer.AsSpan(0, length));
                        owner.Replay(buffer.AsSpan(0, length), _counts);
                    }
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    spill.Dispose();
                    _spill = null;
                }
            }
        }

        /// <summary>Gives back the waiting chunks' buffers and deletes the spill file (the current chunk stays: a running worker may still write into it).</summary>
        public void Release()
        {
            foreach (var (buffer, length) in _pending)
            {
                owner._bufferedBytes -= length;
                ArrayPool<byte>.Shared.Return(buffer);
            }

            _pending.Clear();
            _spill?.Dispose();
            _spill = null;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private void Append<T>(in T record) where T : unmanaged, ITraceRecord
        {
            if (!Level.Records(T.Kind))
            {
                return;
            }

            var size = Unsafe.SizeOf<T>();
            if (_used + 1 + size > ChunkBytes)
            {
                Flush();
            }

            _chunk[_used] = (byte)T.Kind;
            MemoryMarshal.Write(_chunk.AsSpan(_used + 1), in record);
            _used += 1 + size;
        }

        /// <summary>Hands the current chunk on: to the writer when this lane is the head, else to the lane's waiting chunks.</summary>
        private void Flush()
        {
            if (_used == 0)
            {
                return;
            }

            lock (owner._gate)
            {
                if (owner._closed)
                {
                    _used = 0;
                    return;
                }

                if (owner._head == inference)
                {
                    owner.Replay(_chunk.AsSpan(0, _used), _counts);
                }
                else if (_spill is null && owner._bufferedBytes + _used <= owner._memoryBudget)
                {
                    _pending.Add((_chunk, _used));
                    owner._bufferedBytes += _used;
                    owner.PeakBufferedBytes = Math.Max(owner.PeakBufferedBytes, owner._bufferedBytes);
                    _chunk = ArrayPool<byte>.Shared.Rent(ChunkBytes);
                }
                else
                {
                    Spill();
                }
            }

            _used = 0;
        }

        /// <summary>Under the lock: appends the chunk, length-prefixed, to this lane's spill file (created on first use).</summary>
        private void Spill()
        {
            var path = AtomicFile.TempPath(owner._spillTarget, $"spill{inference}.");
            try
            {
                _spill ??= new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose);
                Span<byte> prefix = stackalloc byte[4];
                BinaryPrimitives.WriteInt32LittleEndian(prefix, _used);
                _spill.Write(prefix);
                _spill.Write(_chunk, 0, _used);
                owner.SpilledBytes += _used;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new OutputWriteException(owner._spillTarget,
                    $"the records of inference {inference}, waiting for earlier inferences to finish, could not be set aside beside it ({ex.Message})", ex);
            }
        }
    }
}
