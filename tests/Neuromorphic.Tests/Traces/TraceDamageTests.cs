using Neuromorphic.Tests.Support;
using Neuromorphic.Traces;

namespace Neuromorphic.Tests.Traces;

/// <summary>
/// Truncations and single-byte flips at many positions: verification names the block that holds the
/// damage (−1 for the file header), and every block before it reads back unchanged.
/// </summary>
public class TraceDamageTests
{
    private sealed record Layout(long HeaderBytes, long[] BlockOffsets, long EndOffset, long Length, List<(TraceRecordKind Kind, byte[] Bytes)> Blocks)
    {
        /// <summary>The block (−1: header; BlockOffsets.Length: end block) that holds byte <paramref name="position"/>.</summary>
        public long BlockAt(long position)
        {
            if (position < HeaderBytes)
            {
                return -1;
            }

            if (position >= EndOffset)
            {
                return BlockOffsets.Length;
            }

            var index = Array.BinarySearch(BlockOffsets, position);
            return index >= 0 ? index : ~index - 1;
        }
    }

    private static Layout Describe(byte[] trace)
    {
        using var reader = TraceReader.Open(new MemoryStream(trace), "intact");
        var offsets = new List<long>();
        var blocks = new List<(TraceRecordKind, byte[])>();
        while (reader.TryReadBlock(out var block))
        {
            offsets.Add(block.Offset);
            blocks.Add((block.Kind, block.Bytes.ToArray()));
        }

        Assert.Null(reader.Damage);
        return new Layout(reader.HeaderBytes, offsets.ToArray(), reader.End!.EndBlockOffset, trace.Length, blocks);
    }

    /// <summary>Asserts the damage is reported at <paramref name="expectedBlock"/> and the blocks before it read back intact.</summary>
    private static void AssertDamagedAt(byte[] damaged, Layout intact, long expectedBlock, string what)
    {
        var verification = TraceVerifier.Verify(new MemoryStream(damaged), what);
        Assert.False(verification.Ok, what + ": verification passed");
        Assert.True(expectedBlock == verification.FirstBad!.BlockIndex, $"{what}: damage reported at {verification.FirstBad}, expected block {expectedBlock}");
        if (expectedBlock < 0)
        {
            return;
        }

        Assert.Equal(expectedBlock, verification.BlocksVerified);
        using var reader = TraceReader.Open(new MemoryStream(damaged), what);
        var index = 0;
        while (reader.TryReadBlock(out var block))
        {
            Assert.Equal(intact.Blocks[index].Kind, block.Kind);
            Assert.True(block.Bytes.SequenceEqual(intact.Blocks[index].Bytes), $"{what}: block {index} differs");
            index++;
        }

        Assert.Equal(expectedBlock, index);
        Assert.NotNull(reader.Damage);
        Assert.Null(reader.End);
    }

    private static IEnumerable<long> Positions(Layout layout, int randomCount, int seed)
    {
        var positions = new SortedSet<long>();
        for (var p = 0L; p < Math.Min(layout.HeaderBytes + 40, layout.Length); p++)
        {
            positions.Add(p);
        }

        // Every byte of the first two block headers and of the last; around every other block boundary.
        var starts = layout.BlockOffsets.Append(layout.EndOffset).ToArray();
        for (var b = 0; b < starts.Length; b++)
        {
            var every = b < 2 || b >= starts.Length - 2;
            foreach (var d in every ? Enumerable.Range(-1, 38) : [-1, 0, 1, 8, 9, 16, 28, 35, 36, 37])
            {
                if (starts[b] + d >= 0 && starts[b] + d < layout.Length)
                {
                    positions.Add(starts[b] + d);
                }
            }
        }

        for (var p = layout.EndOffset; p < layout.Length; p++)
        {
            positions.Add(p);
        }

        var random = new Random(seed);
        for (var i = 0; i < randomCount; i++)
        {
            positions.Add(random.NextInt64(layout.Length));
        }

        return positions;
    }

    [Theory]
    [InlineData(TraceCompression.Deflate)]
    [InlineData(TraceCompression.None)]
    [InlineData(TraceCompression.Brotli)]
    public void Truncation_at_any_position_is_reported_at_the_block_it_cuts(TraceCompression compression)
    {
        var trace = TestTraces.ManyBlocks(compression);
        var layout = Describe(trace);
        Assert.True(layout.BlockOffsets.Length >= 20, $"only {layout.BlockOffsets.Length} blocks");
        var checkedPositions = 0;
        foreach (var length in Positions(layout, 100, 1))
        {
            // Cutting at a block boundary leaves whole blocks and no end block: the damage is the missing block there.
            AssertDamagedAt(trace[..(int)length], layout, layout.BlockAt(length), $"truncated to {length} bytes");
            checkedPositions++;
        }

        Assert.True(checkedPositions > 400, $"{checkedPositions} positions");
    }

    [Theory]
    [InlineData(TraceCompression.Deflate)]
    [InlineData(TraceCompression.None)]
    public void A_single_flipped_byte_anywhere_is_reported_at_its_block(TraceCompression compression)
    {
        var trace = TestTraces.ManyBlocks(compression);
        var layout = Describe(trace);
        var random = new Random(2);
        foreach (var position in Positions(layout, 150, 3))
        {
            var damaged = (byte[])trace.Clone();
            damaged[position] ^= (byte)random.Next(1, 256);
            AssertDamagedAt(damaged, layout, layout.BlockAt(position), $"byte {position} flipped");
        }
    }

    [Fact]
    public void Bytes_after_the_end_block_are_reported()
    {
        var trace = TestTraces.ManyBlocks();
        var layout = Describe(trace);
        var verification = TraceVerifier.Verify(new MemoryStream([.. trace, 0]), "appended");
        Assert.False(verification.Ok);
        Assert.Contains("after the end block", verification.FirstBad!.Reason);
        Assert.Equal(layout.BlockOffsets.Length, verification.BlocksVerified);
    }

    [Fact]
    public void Verify_command_exits_2_naming_the_first_bad_block()
    {
        using var dir = new TempDirectory();
        var trace = TestTraces.ManyBlocks();
        var layout = Describe(trace);
        var good = dir.File("good.trace");
        File.WriteAllBytes(good, trace);
        var ok = CliRunner.Run("trace", "verify", good);
        Assert.True(ok.ExitCode == 0, ok.ToString());
        Assert.StartsWith("OK", ok.Stdout);

        var bad = dir.File("bad.trace");
        var damaged = (byte[])trace.Clone();
        var target = layout.BlockOffsets[7] + 40;
        damaged[target] ^= 0x10;
        File.WriteAllBytes(bad, damaged);
        var result = CliRunner.Run("trace", "verify", bad);
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains($"block 7 at byte {layout.BlockOffsets[7]:N0}", result.Stdout);
        Assert.Contains("checksum", result.Stdout);
        Assert.Contains("7 blocks before it are intact", result.Stdout);

        var json = CliRunner.Run("trace", "verify", bad, "--json");
        Assert.Equal(2, json.ExitCode);
        using var doc = System.Text.Json.JsonDocument.Parse(json.Stdout);
        Assert.False(doc.RootElement.GetProperty("ok").GetBoolean());
        Assert.Equal(7, doc.RootElement.GetProperty("firstBad").GetProperty("block").GetInt64());
        Assert.Equal(layout.BlockOffsets[7], doc.RootElement.GetProperty("firstBad").GetProperty("byteOffset").GetInt64());

        // Other commands warn and show what is readable.
        var info = CliRunner.Run("trace", "info", bad);
        Assert.True(info.ExitCode == 0, info.ToString());
        Assert.Contains("DAMAGED at block 7", info.Stdout);
        Assert.Contains("WRN", info.Stderr);
    }

    [Fact]
    public void A_file_that_is_not_a_trace_is_bad_input()
    {
        using var dir = new TempDirectory();
        var path = dir.File("not.trace");
        File.WriteAllText(path, "timestep,neuron\n1,2\n");
        CliRunner.AssertBadInput(CliRunner.Run("trace", "info", path), "not.trace", "not a neuromorphic trace");
        CliRunner.AssertBadInput(CliRunner.Run("trace", "info", dir.File("missing.trace")), "missing.trace");
        var verify = CliRunner.Run("trace", "verify", path);
        Assert.Equal(2, verify.ExitCode);
        Assert.Contains("file header", verify.Stdout);
    }
}
