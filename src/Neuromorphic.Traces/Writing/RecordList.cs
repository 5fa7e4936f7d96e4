namespace Neuromorphic.Traces;

/// <summary>A growable array of records whose contents are exposed as a span (no copy, no per-record allocation).</summary>
public sealed class RecordList<T> where T : unmanaged
{
    private T[] _items;

    public RecordList(int initialCapacity = 16) => _items = new T[Math.Max(1, initialCapacity)];

    public int Count { get; private set; }

    public ReadOnlySpan<T> Span => _items.AsSpan(0, Count);

    public ref readonly T this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)Count, nameof(index));
            return ref _items[index];
        }
    }

    public void Add(in T item)
    {
        if (Count == _items.Length)
        {
            Array.Resize(ref _items, _items.Length * 2);
        }

        _items[Count++] = item;
    }

    public void AddRange(ReadOnlySpan<T> items)
    {
        if (Count + items.Length > _items.Length)
        {
            Array.Resize(ref _items, Math.Max(Count + items.Length, _items.Length * 2));
        }

        items.CopyTo(_items.AsSpan(Count));
        Count += items.Length;
    }

    /// <summary>Forgets the records and keeps the memory for reuse.</summary>
    public void Clear() => Count = 0;

    public T[] ToArray() => Span.ToArray();
}
