namespace Neuromorphic.Traces.Format;

/// <summary>
/// A write-only stream over a fixed buffer that records an overflow instead of throwing, so that a
/// compressor whose output would not fit (compression does not pay) is abandoned cheaply.
/// </summary>
internal sealed class BoundedBufferStream(byte[] buffer) : Stream
{
    private int _limit = buffer.Length;

    private int _length;

    public int Length32 => _length;

    public bool Overflowed { get; private set; }

    /// <summary>Starts over, accepting at most <paramref name="limit"/> bytes.</summary>
    public void Reset(int limit)
    {
        _limit = Math.Min(limit, buffer.Length);
        _length = 0;
        Overflowed = false;
    }

    public override void Write(ReadOnlySpan<byte> source)
    {
        if (Overflowed || source.Length > _limit - _length)
        {
            Overflowed = true;
            return;
        }

        source.CopyTo(buffer.AsSpan(_length));
        _length += source.Length;
    }

    public override void Write(byte[] source, int offset, int count) => Write(source.AsSpan(offset, count));

    public override void WriteByte(byte value) => Write([value]);

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => _length;

    public override long Position
    {
        get => _length;
        set => throw new NotSupportedException();
    }

    public override void Flush() { }
    public override int Read(byte[] buffer1, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
