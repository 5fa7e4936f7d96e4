namespace Neuromorphic.Core.Data;

/// <summary>
/// A set of grey-scale images with class labels, stored flat: image <c>i</c> is
/// <c>Pixels[i*PixelsPerImage .. (i+1)*PixelsPerImage)</c>, row-major, one byte per pixel (0..255).
/// </summary>
public sealed class LabeledImages
{
    public LabeledImages(int rows, int columns, byte[] pixels, byte[] labels, int classCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(columns);
        if (pixels.Length != labels.Length * rows * columns)
        {
            throw new ArgumentException($"pixel buffer holds {pixels.Length} bytes, expected {labels.Length}×{rows}×{columns}");
        }

        Rows = rows;
        Columns = columns;
        Pixels = pixels;
        Labels = labels;
        ClassCount = classCount;
    }

    public int Rows { get; }
    public int Columns { get; }
    public int Count => Labels.Length;
    public int PixelsPerImage => Rows * Columns;
    public int ClassCount { get; }
    public byte[] Pixels { get; }
    public byte[] Labels { get; }

    public ReadOnlySpan<byte> Image(int index) => Pixels.AsSpan(index * PixelsPerImage, PixelsPerImage);

    /// <summary>Writes image <paramref name="index"/> scaled to [0, 1] into <paramref name="destination"/>.</summary>
    public void CopyScaled(int index, Span<float> destination)
    {
        var image = Image(index);
        for (var i = 0; i < image.Length; i++)
        {
            destination[i] = image[i] * (1f / 255f);
        }
    }

    /// <summary>The first <paramref name="count"/> images (all of them if count is larger).</summary>
    public LabeledImages Take(int count) => Slice(0, count);

    /// <summary>
    /// The <paramref name="count"/> images from index <paramref name="offset"/> on (fewer when the set
    /// ends first; none when <paramref name="offset"/> is at or past the end).
    /// </summary>
    public LabeledImages Slice(int offset, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (offset == 0 && count >= Count)
        {
            return this;
        }

        var start = Math.Min(offset, Count);
        var n = Math.Min(count, Count - start);
        return new LabeledImages(Rows, Columns, Pixels.AsSpan(start * PixelsPerImage, n * PixelsPerImage).ToArray(), Labels.AsSpan(start, n).ToArray(), ClassCount);
    }

    /// <summary>Number of images of each class.</summary>
    public int[] ClassCounts()
    {
        var counts = new int[ClassCount];
        foreach (var label in Labels)
        {
            counts[label]++;
        }

        return counts;
    }
}
