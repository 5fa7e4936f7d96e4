using BenchmarkDotNet.Attributes;
using Neuromorphic.Traces;
using Neuromorphic.Traces.Synthetic;

namespace Neuromorphic.Benchmarks.Traces;

/// <summary>
/// Trace write and read throughput on a synthetic messages-level run (10 inferences × 64 steps ×
/// 16 cores: about 287,000 records, 12 MB of raw records). Writing goes to a real file through
/// <see cref="TraceWriter"/> (background encoding, a flush per block, rename at the end); reading
/// decodes every block and touches every record. Divide <see cref="RawBytes"/> and
/// <see cref="Records"/> by the mean time for MB/s and records/s (tools/bench/trace-throughput.sh does).
/// </summary>
[MemoryDiagnoser]
[WarmupCount(2)]
[IterationCount(8)]
public class TraceThroughputBenchmarks
{
    private static readonly SyntheticTraceOptions s_options = new() { Inferences = 10, Steps = 64, Cores = 16, Seed = 1 };
    private InMemoryTraceSink[] _perInference = [];
    private string _directory = "";
    private string _readPath = "";
    private readonly MemoryStream _memory = new(16 << 20);

    [Params(TraceCompression.None, TraceCompression.Deflate, TraceCompression.Brotli)]
    public TraceCompression Compression { get; set; }

    /// <summary>Bytes of the records before encoding (for MB/s).</summary>
    public static long RawBytes { get; private set; }

    public static long Records { get; private set; }

    [GlobalSetup]
    public void Setup()
    {
        _directory = Path.Combine(Path.GetTempPath(), "neuro-trace-bench-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(_directory);
        _perInference = new InMemoryTraceSink[s_options.Inferences];
        RawBytes = 0;
        Records = 0;
        for (var i = 0; i < _perInference.Length; i++)
        {
            var sink = new InMemoryTraceSink();
            SyntheticTrace.WriteInference(sink, s_options, i);
            _perInference[i] = sink;
            RawBytes += (long)sink.InputEvents.Count * InputEventRecord.Size + (long)sink.Spikes.Count * SpikeRecord.Size
                        + (long)sink.Messages.Count * MessageRecord.Size + (long)sink.CoreSteps.Count * CoreStepRecord.Size
                        + (long)sink.Summaries.Count * InferenceSummaryRecord.Size;
            Records += sink.InputEvents.Count + sink.Spikes.Count + sink.Messages.Count + sink.CoreSteps.Count + sink.Summaries.Count;
        }

        _readPath = Path.Combine(_directory, "read.trace");
        WriteTo(_readPath, perRecord: false);
        Console.WriteLine($"// trace benchmark input: {Records} records, {RawBytes} raw bytes; {Compression} file {new FileInfo(_readPath).Length} bytes");
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_directory, recursive: true);

    /// <summary>The simulator's path: one <c>Add</c> call per record.</summary>
    [Benchmark]
    public long WritePerRecord() => WriteTo(Path.Combine(_directory, "write.trace"), perRecord: true);

    /// <summary>The parallel path: per-inference buffers drained into the writer with span copies.</summary>
    [Benchmark]
    public long WriteDrained() => WriteTo(Path.Combine(_directory, "write.trace"), perRecord: false);

    /// <summary>The encoding pipeline alone: drained records into a memory stream (no file system, no fsync).</summary>
    [Benchmark]
    public long WriteDrainedToMemory()
    {
        _memory.SetLength(0);
        var writer = TraceWriter.Create(_memory, SyntheticTrace.Header(s_options, TraceLevel.Messages),
            new TraceWriterOptions { Compression = Compression }, leaveOpen: true);
        foreach (var sink in _perInference)
        {
            writer.AddRange(sink.InputEvents.Span);
            writer.AddRange(sink.CoreSteps.Span);
            writer.AddRange(sink.Spikes.Span);
            writer.AddRange(sink.Messages.Span);
            writer.EndInference(sink.Summaries[0]);
        }

        writer.Complete();
        return _memory.Length;
    }

    [Benchmark]
    public long ReadAll()
    {
        using var reader = TraceReader.Open(_readPath);
        long checksum = 0;
        while (reader.TryReadBlock(out var block))
        {
            switch (block.Kind)
            {
                case TraceRecordKind.Spike:
                    foreach (ref readonly var s in block.Spikes)
                    {
                        checksum += s.Neuron;
                    }

                    break;
                case TraceRecordKind.Message:
                    foreach (ref readonly var m in block.Messages)
                    {
                        checksum += m.Synapses;
                    }

                    break;
                case TraceRecordKind.CoreStep:
                    foreach (ref readonly var c in block.CoreSteps)
                    {
                        checksum += c.Counters.SynapticOps;
                    }

                    break;
                default:
                    checksum += block.RecordCount;
                    break;
            }
        }

        return checksum;
    }

    private long WriteTo(string path, bool perRecord)
    {
        using var writer = TraceWriter.Create(path, SyntheticTrace.Header(s_options, TraceLevel.Messages),
            new TraceWriterOptions { Compression = Compression });
        foreach (var sink in _perInference)
        {
            if (perRecord)
            {
                foreach (ref readonly var r in sink.InputEvents.Span)
                {
                    writer.Add(in r);
                }

                foreach (ref readonly var r in sink.CoreSteps.Span)
                {
                    writer.Add(in r);
                }

                foreach (ref readonly var r in sink.Spikes.Span)
                {
                    writer.Add(in r);
                }

                foreach (ref readonly var r in sink.Messages.Span)
                {
                    writer.Add(in r);
                }

                writer.EndInference(sink.Summaries[0]);
            }
            else
            {
                writer.AddRange(sink.InputEvents.Span);
                writer.AddRange(sink.CoreSteps.Span);
                writer.AddRange(sink.Spikes.Span);
                writer.AddRange(sink.Messages.Span);
                writer.EndInference(sink.Summaries[0]);
            }
        }

        writer.Complete();
        return writer.Statistics.FileBytes;
    }
}
