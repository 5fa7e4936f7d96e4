using System.Runtime.InteropServices;
using CsCheck;
using Neuromorphic.Traces;

namespace Neuromorphic.Tests.Traces;

public class TraceRoundTripTests
{
    /// <summary>The records of one inference, as random bytes (every bit pattern of every field), plus whether it ends with a summary.</summary>
    private sealed record InferenceBytes(byte[] Inputs, byte[] Spikes, byte[] Messages, byte[] CoreSteps, byte[] Summary, bool Ends);

    private sealed record WriteConfig(TraceCompression Compression, bool Shuffle, int BlockBytes, int FlushEvery, bool UseRanges, TraceLevel Level);

    private static readonly Gen<InferenceBytes> s_inference = Gen.Select(
        Gen.Byte.Array[0, 60 * InputEventRecord.Size], Gen.Byte.Array[0, 40 * SpikeRecord.Size], Gen.Byte.Array[0, 20 * MessageRecord.Size],
        Gen.Byte.Array[0, 20 * CoreStepRecord.Size], Gen.Byte.Array[InferenceSummaryRecord.Size], Gen.Int[0, 9],
        (i, s, m, c, sum, ends) => new InferenceBytes(i, s, m, c, sum, ends > 0));

    private static readonly Gen<WriteConfig> s_config = Gen.Select(
        Gen.Int[0, 2], Gen.Bool, Gen.OneOf(Gen.Int[1, 600], Gen.Int[1, 70_000]), Gen.Int[1, 3], Gen.Bool, Gen.Int[0, 3],
        (c, shuffle, blockBytes, flush, ranges, level) => new WriteConfig((TraceCompression)c, shuffle, blockBytes, flush, ranges, (TraceLevel)level));

    [Fact]
    public void Write_then_read_gives_back_exactly_the_records_written()
    {
        Gen.Select(s_inference.Array[1, 6], s_config).Sample((inferences, config) =>
        {
            var expected = new InMemoryTraceSink(config.Level);
            using var file = new MemoryStream();
            var writer = TraceWriter.Create(file, TestTraces.Header(config.Level), new TraceWriterOptions
            {
                Compression = config.Compression, Shuffle = config.Shuffle, BlockBytes = config.BlockBytes, FlushEveryInferences = config.FlushEvery,
            }, leaveOpen: true);
            for (var i = 0; i < inferences.Length; i++)
            {
                var inference = inferences[i];
                Feed(writer, expected, WithInference<InputEventRecord>(inference.Inputs, i, (r, n) => r with { Inference = n }), config.UseRanges);
                Feed(writer, expected, WithInference<SpikeRecord>(inference.Spikes, i, (r, n) => r with { Inference = n }), config.UseRanges);
                Feed(writer, expected, WithInference<MessageRecord>(inference.Messages, i, (r, n) => r with { Inference = n }), config.UseRanges);
                Feed(writer, expected, WithInference<CoreStepRecord>(inference.CoreSteps, i, (r, n) => r with { Inference = n }), config.UseRanges);
                if (inference.Ends)
                {
                    var summary = WithInference<InferenceSummaryRecord>(inference.Summary, i, (r, n) => r with { Inference = n })[0];
                    writer.EndInference(summary);
                    expected.EndInference(summary);
                }
            }

            writer.Complete();
            var read = TestTraces.ReadAll(file.ToArray());
            Assert.Null(read.Damage);
            Assert.Equal(TraceCompletion.Completed, read.End!.Status);
            AssertSameBytes(expected.InputEvents.Span, read.Records.InputEvents.Span);
            AssertSameBytes(expected.Spikes.Span, read.Records.Spikes.Span);
            AssertSameBytes(expected.Messages.Span, read.Records.Messages.Span);
            AssertSameBytes(expected.CoreSteps.Span, read.Records.CoreSteps.Span);
            AssertSameBytes(expected.Summaries.Span, read.Records.Summaries.Span);
            Assert.Equal(TestTraces.Header(config.Level), read.Header);
        }, iter: 120);
    }

    [Fact]
    public void Records_above_the_level_are_not_written()
    {
        var records = Synthetic(TraceLevel.Messages);
        var bytes = TestTraces.Write(records, TraceLevel.Counters);
        var read = TestTraces.ReadAll(bytes);
        Assert.Equal(records.InputEvents.Count, read.Records.InputEvents.Count);
        Assert.Equal(records.CoreSteps.Count, read.Records.CoreSteps.Count);
        Assert.Equal(records.Summaries.Count, read.Records.Summaries.Count);
        Assert.Equal(0, read.Records.Spikes.Count);
        Assert.Equal(0, read.Records.Messages.Count);
        Assert.True(records.Spikes.Count > 0 && records.Messages.Count > 0);
    }

    [Fact]
    public void Same_records_give_byte_identical_files_and_per_worker_buffers_drain_to_the_same_file()
    {
        var options = TestTraces.SmallSynthetic;
        byte[] WriteDirectly()
        {
            using var direct = new MemoryStream();
            var directWriter = TraceWriter.Create(direct, TestTraces.Header(TraceLevel.Messages), leaveOpen: true);
            Neuromorphic.Traces.Synthetic.SyntheticTrace.Write(directWriter, options);
            directWriter.Complete();
            return direct.ToArray();
        }

        var direct = WriteDirectly();
        Assert.Equal(direct, WriteDirectly());
        Assert.Equal(direct, TestTraces.Write(Synthetic(TraceLevel.Messages), TraceLevel.Messages));

        // A parallel run records each inference into its own buffer, then drains the buffers in order.
        using var file = new MemoryStream();
        var writer = TraceWriter.Create(file, TestTraces.Header(TraceLevel.Messages), leaveOpen: true);
        var buffer = new InMemoryTraceSink();
        for (var i = 0; i < options.Inferences; i++)
        {
            Neuromorphic.Traces.Synthetic.SyntheticTrace.WriteInference(buffer, options, i);
            buffer.DrainTo(writer);
        }

        writer.Complete();
        Assert.Equal(direct, file.ToArray());
    }

    [Theory]
    [InlineData(1, 65_536)]
    [InlineData(3, 65_536)]
    [InlineData(1000, 300)]
    public void Inferences_stream_back_with_their_own_records_and_summary(int flushEvery, int blockBytes)
    {
        var options = TestTraces.SmallSynthetic with { Inferences = 7 };
        var records = Neuromorphic.Traces.Synthetic.SyntheticTrace.Generate(options);
        var bytes = TestTraces.Write(records, TraceLevel.Messages, new TraceWriterOptions { FlushEveryInferences = flushEvery, BlockBytes = blockBytes });
        using var reader = TraceReader.Open(new MemoryStream(bytes), "memory");
        var inferences = TraceFile.ReadInferences(reader).ToList();
        Assert.Equal(Enumerable.Range(0, options.Inferences), inferences.Select(i => i.Inference));
        foreach (var inference in inferences)
        {
            var i = inference.Inference;
            Assert.Equal(records.Summaries[i], inference.Summary);
            Assert.Equal(records.InputEvents.ToArray().Where(r => r.Inference == i), inference.InputEvents.ToArray());
            Assert.Equal(records.CoreSteps.ToArray().Where(r => r.Inference == i), inference.CoreSteps.ToArray());
            Assert.Equal(records.Spikes.ToArray().Where(r => r.Inference == i), inference.Spikes.ToArray());
            Assert.Equal(records.Messages.ToArray().Where(r => r.Inference == i), inference.Messages.ToArray());
            Assert.Equal(inference.Summary!.Value.Spikes, inference.CoreSteps.ToArray().Sum(c => (long)c.Counters.NeuronsFired));
        }
    }

    [Fact]
    public void Records_out_of_inference_order_are_refused()
    {
        using var file = new MemoryStream();
        using var writer = TraceWriter.Create(file, TestTraces.Header(TraceLevel.Messages));
        writer.Add(new SpikeRecord { Inference = 3 });
        Assert.Throws<InvalidOperationException>(() => writer.Add(new SpikeRecord { Inference = 2 }));
        writer.EndInference(new InferenceSummaryRecord { Inference = 3 });
        Assert.Throws<InvalidOperationException>(() => writer.EndInference(new InferenceSummaryRecord { Inference = 3 }));
        Assert.Throws<InvalidOperationException>(() => writer.Add(new CoreStepRecord { Inference = 3 }));
        writer.Add(new CoreStepRecord { Inference = 4 });
    }

    private static InMemoryTraceSink Synthetic(TraceLevel level) => Neuromorphic.Traces.Synthetic.SyntheticTrace.Generate(TestTraces.SmallSynthetic, level);

    private static T[] WithInference<T>(byte[] bytes, int inference, Func<T, int, T> set) where T : unmanaged
    {
        var size = Marshal.SizeOf<T>();
        var records = MemoryMarshal.Cast<byte, T>(bytes.AsSpan(0, bytes.Length / size * size)).ToArray();
        for (var i = 0; i < records.Length; i++)
        {
            records[i] = set(records[i], inference);
        }

        return records;
    }

    private static void Feed<T>(TraceWriter writer, InMemoryTraceSink expected, T[] records, bool asRange) where T : unmanaged, ITraceRecord
    {
        switch (records)
        {
            case InputEventRecord[] inputs:
                Each(inputs, writer.Add, writer.AddRange, expected.Add, asRange);
                break;
            case SpikeRecord[] spikes:
                Each(spikes, writer.Add, writer.AddRange, expected.Add, asRange);
                break;
            case MessageRecord[] messages:
                Each(messages, writer.Add, writer.AddRange, expected.Add, asRange);
                break;
            case CoreStepRecord[] steps:
                Each(steps, writer.Add, writer.AddRange, expected.Add, asRange);
                break;
        }
    }

    private delegate void AddOne<T>(in T record);

    private delegate void AddMany<T>(ReadOnlySpan<T> records);

    private static void Each<T>(T[] records, AddOne<T> add, AddMany<T> addRange, AddOne<T> addExpected, bool asRange)
    {
        if (asRange)
        {
            addRange(records);
        }
        else
        {
            foreach (var record in records)
            {
                add(in record);
            }
        }

        foreach (var record in records)
        {
            addExpected(in record);
        }
    }

    private static void AssertSameBytes<T>(ReadOnlySpan<T> expected, ReadOnlySpan<T> actual) where T : unmanaged
    {
        Assert.Equal(expected.Length, actual.Length);
        Assert.True(MemoryMarshal.AsBytes(expected).SequenceEqual(MemoryMarshal.AsBytes(actual)), $"{typeof(T).Name} records differ");
    }
}
