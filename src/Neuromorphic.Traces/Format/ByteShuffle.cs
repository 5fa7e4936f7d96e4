namespace Neuromorphic.Traces.Format;

/// <summary>
/// Byte transposition of fixed-size records (the "shuffle" filter of Blosc and HDF5): byte j of
/// record i moves to position j·n + i. Fields that change slowly from record to record (inference,
/// step, core, high bytes of times) then form long runs that compress far better.
/// </summary>
public static class ByteShuffle
{
    public static void Shuffle(ReadOnlySpan<byte> records, int recordSize, Span<byte> destination)
    {
        var count = records.Length / recordSize;
        if (count * recordSize != records.Length || destination.Length < records.Length)
        {
            throw new ArgumentException("the records must be whole and fit the destination");
        }

        for (var j = 0; j < recordSize; j++)
        {
            var column = destination.Slice(j * count, count);
            for (int i = 0, source = j; i < column.Length; i++, source += recordSize)
            {
                column[i] = records[source];
            }
        }
    }

    public static void Unshuffle(ReadOnlySpan<byte> shuffled, int recordSize, Span<byte> destination)
    {
        var count = shuffled.Length / recordSize;
        if (count * recordSize != shuffled.Length || destination.Length < shuffled.Length)
        {
            throw new ArgumentException("the records must be whole and fit the destination");
        }

        for (var j = 0; j < recordSize; j++)
        {
            var column = shuffled.Slice(j * count, count);
            for (int i = 0, target = j; i < column.Length; i++, target += recordSize)
            {
                destination[target] = column[i];
            }
        }
    }
}
