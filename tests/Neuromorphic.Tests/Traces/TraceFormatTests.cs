using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Text;
using CsCheck;
using Neuromorphic.Traces;
using Neuromorphic.Traces.Format;

using Neuromorphic.Tests.Support;

namespace Neuromorphic.Tests.Traces;

public class TraceFormatTests
{
    [Fact]
    public void Record_sizes_are_those_of_the_specification_without_padding()
    {
        // traces/README.md, "Records": these sizes are the format; changing one is a new major version.
        Assert.Equal(28, Unsafe.SizeOf<InputEventRecord>());
        Assert.Equal(24, Unsafe.SizeOf<SpikeRecord>());
        Assert.Equal(92, Unsafe.SizeOf<MessageRecord>());
        Assert.Equal(116, Unsafe.SizeOf<CoreStepRecord>());
        Assert.Equal(120, Unsafe.SizeOf<InferenceSummaryRecord>());
        Assert.Equal(InputEventRecord.Size, Unsafe.SizeOf<InputEventRecord>());
        Assert.Equal(SpikeRecord.Size, Unsafe.SizeOf<SpikeRecord>());
        Assert.Equal(MessageRecord.Size, Unsafe.SizeOf<MessageRecord>());
        Assert.Equal(CoreStepRecord.Size, Unsafe.SizeOf<CoreStepRecord>());
        Assert.Equal(InferenceSummaryRecord.Size, Unsafe.SizeOf<InferenceSummaryRecord>());
    }

    [Fact]
    public void Record_fields_sit_at_the_documented_offsets()
    {
        var spike = new SpikeRecord { TimePs = 0x0102030405060708, Inference = 9, Step = 10, Neuron = 11, Core = 12 };
        var bytes = System.Runtime.InteropServices.MemoryMarshal.AsBytes(new[] { spike }.AsSpan()).ToArray();
        Assert.Equal(new byte[] { 8, 7, 6, 5, 4, 3, 2, 1, 9, 0, 0, 0, 10, 0, 0, 0, 11, 0, 0, 0, 12, 0, 0, 0 }, bytes);

        var message = new MessageRecord { Inference = 1, HopsSouth = 0x0203, AccessedBefore = 4, UpdatedBefore = 5, FiredBefore = 6 };
        bytes = System.Runtime.InteropServices.MemoryMarshal.AsBytes(new[] { message }.AsSpan()).ToArray();
        Assert.Equal(1, bytes[48]);
        Assert.Equal(0x03, bytes[78]);
        Assert.Equal(0x02, bytes[79]);
        Assert.Equal((4, 5, 6), (bytes[80], bytes[84], bytes[88]));

        var input = new InputEventRecord { TimePs = 0x0102030405060708, Inference = 9, Step = 10, Input = 11, Value = 12, Core = 13 };
        bytes = System.Runtime.InteropServices.MemoryMarshal.AsBytes(new[] { input }.AsSpan()).ToArray();
        Assert.Equal(new byte[] { 8, 7, 6, 5, 4, 3, 2, 1, 9, 0, 0, 0, 10, 0, 0, 0, 11, 0, 0, 0, 12, 0, 0, 0, 13, 0, 0, 0 }, bytes);

        var step = new CoreStepRecord { Inference = 5, Counters = new Neuromorphic.Chip.Costs.CoreStepCounters { SynapticOps = 7, InputSpikes = 8, HopsSouth = 6 } };
        bytes = System.Runtime.InteropServices.MemoryMarshal.AsBytes(new[] { step }.AsSpan()).ToArray();
        Assert.Equal(CoreStepRecord.Size, bytes.Length);
        Assert.Equal(116, CoreStepRecord.Size);
        Assert.Equal(5, bytes[56]);
        Assert.Equal(7, bytes[68]);      // the counters follow the three ids: synaptic ops (64-bit) first
        Assert.Equal(8, bytes[88]);      // input spikes
        Assert.Equal(6, bytes[112]);     // hops south, last

        var summary = new InferenceSummaryRecord { Inference = 7, Flags = 1 };
        bytes = System.Runtime.InteropServices.MemoryMarshal.AsBytes(new[] { summary }.AsSpan()).ToArray();
        Assert.Equal(7, bytes[96]);
        Assert.Equal(1, bytes[116]);
    }

    [Fact]
    public void Crc32C_matches_the_standard_check_value_and_a_bitwise_reference()
    {
        Assert.Equal(0xE3069283u, Crc32C.Compute(Encoding.ASCII.GetBytes("123456789")));
        Gen.Byte.Array[0, 300].Sample(data => Assert.Equal(ReferenceCrc32C(data), Crc32C.Compute(data)), iter: 200);
    }

    [Fact]
    public void Byte_shuffle_round_trips_and_transposes()
    {
        Assert.Equal(new byte[] { 1, 4, 2, 5, 3, 6 }, Shuffled([1, 2, 3, 4, 5, 6], 3));
        Gen.Select(Gen.Int[1, 130], Gen.Int[0, 40]).Sample((size, count) =>
        {
            var data = new byte[size * count];
            new Random(size * 1000 + count).NextBytes(data);
            var shuffled = Shuffled(data, size);
            var back = new byte[data.Length];
            ByteShuffle.Unshuffle(shuffled, size, back);
            Assert.Equal(data, back);
        }, iter: 100);
    }

    [Fact]
    public void Header_round_trips_every_field()
    {
        var header = TestTraces.Header(TraceLevel.Spikes) with { Seed = ulong.MaxValue, StartedAt = null, MetadataJson = """{"note": "ünïcödé ✓"}""" };
        var bytes = HeaderCodec.Encode(header);
        Assert.True(bytes.AsSpan(0, 8).SequenceEqual(TraceFormat.Magic));
        Assert.True(HeaderCodec.TryDecode(bytes, out var decoded, out var problem), problem);
        Assert.Equal(header, decoded);
        Assert.Equal(header with { StartedAt = DateTimeOffset.FromUnixTimeMilliseconds(1_234_567_890_123) },
            Decode(HeaderCodec.Encode(header with { StartedAt = DateTimeOffset.FromUnixTimeMilliseconds(1_234_567_890_123) })));
    }

    [Fact]
    public void Header_from_a_later_minor_version_with_extra_fields_still_reads()
    {
        var header = TestTraces.Header(TraceLevel.Counters);
        var encoded = HeaderCodec.Encode(header);
        var payloadLength = BinaryPrimitives.ReadUInt32LittleEndian(encoded.AsSpan(12));
        byte[] patched = [.. encoded[..^4], 1, 2, 3];
        BinaryPrimitives.WriteUInt16LittleEndian(patched.AsSpan(10), 7);
        BinaryPrimitives.WriteUInt32LittleEndian(patched.AsSpan(12), payloadLength + 3);
        byte[] withCrc = [.. patched, .. BitConverter.GetBytes(Crc32C.Compute(patched))];
        Assert.Equal(header, Decode(withCrc));
    }

    [Fact]
    public void Header_with_an_unknown_major_version_is_refused()
    {
        var bytes = HeaderCodec.Encode(TestTraces.Header(TraceLevel.Summary));
        bytes[8] = 4;
        Assert.False(HeaderCodec.TryDecode(bytes, out _, out var problem));
        Assert.Contains("version 4", problem);
        Assert.Contains("newer", problem);
    }

    [Theory]
    [InlineData("trace-v1-three-neurons-barrier.trace", "neuromorphic.trace/1")]
    [InlineData("trace-v2-three-neurons-barrier.trace", "neuromorphic.trace/2")]
    public void A_trace_of_a_previous_format_version_is_refused_naming_both_versions(string file, string version)
    {
        // Files as earlier releases wrote them (the golden barrier run before the core-step record changed, and before steps
        // were numbered from 1 and messages carried their generation work).
        var path = RepoPaths.Path("tests", "Neuromorphic.Tests", "Traces", "Fixtures", file);
        var failure = Assert.Throws<Neuromorphic.Core.Errors.InvalidInputException>(() => TraceReader.Open(path, new TraceReadOptions()).Dispose());
        Assert.Contains(version, failure.Message);
        Assert.Contains(TraceHeader.Schema, failure.Message);
        Assert.Contains("record the run again", failure.Message);

        var info = CliRunner.Run("trace", "info", path);
        CliRunner.AssertBadInput(info, file, version);
        CliRunner.AssertBadInput(CliRunner.Run("replay", path), version);
    }

    [Fact]
    public void Writer_refuses_a_header_with_a_bad_hash_or_json()
    {
        Assert.Throws<ArgumentException>(() => HeaderCodec.Encode(TestTraces.Header(TraceLevel.Summary) with { ChipHash = "ABC" }));
        Assert.Throws<ArgumentException>(() => HeaderCodec.Encode(TestTraces.Header(TraceLevel.Summary) with { CostTableJson = "{not json" }));
    }

    [Fact]
    public void Levels_are_cumulative()
    {
        Assert.True(TraceLevel.Summary.Records(TraceRecordKind.InferenceSummary));
        Assert.False(TraceLevel.Summary.Records(TraceRecordKind.CoreStep));
        Assert.True(TraceLevel.Counters.Records(TraceRecordKind.InputEvent));
        Assert.False(TraceLevel.Counters.Records(TraceRecordKind.Spike));
        Assert.True(TraceLevel.Spikes.Records(TraceRecordKind.CoreStep));
        Assert.False(TraceLevel.Spikes.Records(TraceRecordKind.Message));
        Assert.All(TraceRecordKinds.All, kind => Assert.True(TraceLevel.Messages.Records(kind)));
        Assert.True(TraceLevels.TryParse("Spikes", out var level) && level == TraceLevel.Spikes);
        Assert.False(TraceLevels.TryParse("everything", out _));
    }

    private static TraceHeader Decode(byte[] bytes)
    {
        Assert.True(HeaderCodec.TryDecode(bytes, out var header, out var problem), problem);
        return header!;
    }

    private static byte[] Shuffled(byte[] data, int size)
    {
        var shuffled = new byte[data.Length];
        ByteShuffle.Shuffle(data, size, shuffled);
        return shuffled;
    }

    private static uint ReferenceCrc32C(byte[] data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F63B78u : crc >> 1;
            }
        }

        return ~crc;
    }
}
