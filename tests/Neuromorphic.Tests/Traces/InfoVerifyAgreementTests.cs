using System.Buffers.Binary;
using Neuromorphic.Tests.Support;
using Neuromorphic.Traces;
using Neuromorphic.Traces.Analysis;
using Neuromorphic.Traces.Format;
using Neuromorphic.Traces.Synthetic;

namespace Neuromorphic.Tests.Traces;

/// <summary><c>trace info</c> and <c>trace verify</c> name the same first bad block, also for damage only decoding finds.</summary>
public sealed class InfoVerifyAgreementTests
{
    [Fact]
    public void A_block_with_valid_checksums_but_records_out_of_its_range_is_found_by_both_at_the_same_block()
    {
        using var temp = new TempDirectory();
        var records = SyntheticTrace.Generate(TestTraces.SmallSynthetic, TraceLevel.Messages);
        var bytes = TestTraces.Write(records, TraceLevel.Messages, new TraceWriterOptions { Compression = TraceCompression.None });

        // The first spike block of inference 1 or later: its first record claims an inference beyond the block's range; both CRCs recomputed.
        var position = TraceFormat.FilePrefixSize + (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(12)) + 4;
        var crafted = -1;
        while (crafted < 0)
        {
            var header = bytes.AsSpan(position, TraceFormat.BlockHeaderSize);
            var index = (int)BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);
            var kind = header[8];
            var stored = (int)BinaryPrimitives.ReadUInt32LittleEndian(header[16..]);
            var last = BinaryPrimitives.ReadInt32LittleEndian(header[24..]);
            if (kind == (byte)TraceRecordKind.Spike && last >= 1)
            {
                var payload = bytes.AsSpan(position + TraceFormat.BlockHeaderSize, stored);
                BinaryPrimitives.WriteInt32LittleEndian(payload[8..], last + 5);
                BinaryPrimitives.WriteUInt32LittleEndian(header[28..], Crc32C.Compute(payload));
                BinaryPrimitives.WriteUInt32LittleEndian(header[32..], Crc32C.Compute(header[..32]));
                crafted = index;
            }

            position += TraceFormat.BlockHeaderSize + stored;
        }

        var path = temp.File("crafted.trace");
        File.WriteAllBytes(path, bytes);
        var verified = TraceVerifier.Verify(path);
        var info = TraceInfo.Scan(path);
        Assert.Equal(crafted, verified.FirstBad!.BlockIndex);
        Assert.Equal(crafted, info.Damage!.BlockIndex);
        Assert.Equal(verified.FirstBad.Reason, info.Damage.Reason);

        var shown = CliRunner.Run("trace", "info", path);
        Assert.Contains($"block {crafted}", shown.Stdout + shown.Stderr, StringComparison.Ordinal);
    }
}
