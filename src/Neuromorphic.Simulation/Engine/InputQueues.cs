namespace Neuromorphic.Simulation.Engine;

/// <summary>
/// Async mode's bounded input queues: each core buffers at most <see cref="Depth"/> messages sent to
/// it and not yet processed by its synapse unit. A sender takes a slot when it sends; when the
/// destination's queue is full the link stalls and the sender waits in a first-come queue until
/// the synapse unit frees a slot, which then passes straight to the first waiting sender. Synapse
/// units drain whatever their cores do, so waiting never deadlocks. Flat arrays, no allocation.
/// </summary>
internal sealed class InputQueues
{
    private readonly int[] _reserved;
    private readonly int[] _waitHead;
    private readonly int[] _waitTail;
    private readonly int[] _waitNext;

    /// <param name="cores">Cores (each both a sender and a destination).</param>
    /// <param name="depth">Messages each core's queue holds (at least 1).</param>
    public InputQueues(int cores, int depth)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(depth, 1);
        Depth = depth;
        _reserved = new int[cores];
        _waitHead = new int[cores];
        _waitTail = new int[cores];
        _waitNext = new int[cores];
        Reset();
    }

    public int Depth { get; }

    public void Reset()
    {
        Array.Clear(_reserved);
        Array.Fill(_waitHead, -1);
        Array.Fill(_waitTail, -1);
        Array.Fill(_waitNext, -1);
    }

    /// <summary>Takes a slot of <paramref name="destination"/>'s queue, or returns false when it is full.</summary>
    public bool TryReserve(int destination)
    {
        if (_reserved[destination] >= Depth)
        {
            return false;
        }

        _reserved[destination]++;
        return true;
    }

    /// <summary><paramref name="sender"/> waits for a slot of <paramref name="destination"/> (a sender waits for one destination at a time).</summary>
    public void Wait(int destination, int sender)
    {
        _waitNext[sender] = -1;
        if (_waitTail[destination] < 0)
        {
            _waitHead[destination] = sender;
        }
        else
        {
            _waitNext[_waitTail[destination]] = sender;
        }

        _waitTail[destination] = sender;
    }

    /// <summary>
    /// <paramref name="destination"/>'s synapse unit finished a message: its slot goes to the first
    /// waiting sender, which is returned (it now holds the slot), or is freed (returns −1).
    /// </summary>
    public int Release(int destination)
    {
        var sender = _waitHead[destination];
        if (sender < 0)
        {
            _reserved[destination]--;
            return -1;
        }

        _waitHead[destination] = _waitNext[sender];
        if (_waitHead[destination] < 0)
        {
            _waitTail[destination] = -1;
        }

        return sender;
    }
}
