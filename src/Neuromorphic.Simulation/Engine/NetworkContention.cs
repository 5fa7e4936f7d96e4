using Neuromorphic.Chip.Timing;

namespace Neuromorphic.Simulation.Engine;

/// <summary>
/// Network contention in async mode, after the barrier detailed model (src/Neuromorphic.Chip/README.md,
/// "Timing models") but over continuous time instead of one step: a message is in flight from its
/// send until its destination accepts it, and adds 1/(hops + 2) to each link of its route
/// (<see cref="MeshRoutes"/>) meanwhile; a route holding more than (hops + 1) × link-buffer messages
/// blocks the sender for the excess × the mean processing delay of the messages in flight; the
/// network delay is at least the density × that mean / (hops + 1). Messages leave flight in order of
/// acceptance time (ties by admission order). Deterministic for a given order of calls.
/// </summary>
internal sealed class NetworkContention
{
    private readonly MeshRoutes _routes;
    private readonly double[] _density;
    private readonly PriorityQueue<int, (long AcceptedPs, long Sequence)> _inFlight = new();
    private int[][] _links = new int[64][];
    private long[] _processingPs = new long[64];
    private int[] _free = new int[64];
    private int _freeCount;
    private int _capacity;
    private long _sequence;
    private long _processingSumPs;
    private int _count;

    public NetworkContention(MeshRoutes routes)
    {
        _routes = routes;
        _density = new double[routes.LinkCount];
    }

    public void Reset()
    {
        Array.Clear(_density);
        _inFlight.Clear();
        _freeCount = 0;
        _capacity = 0;
        _sequence = 0;
        _processingSumPs = 0;
        _count = 0;
    }

    /// <summary>
    /// A message from <paramref name="source"/> to <paramref name="destination"/> about to leave at
    /// <paramref name="nowPs"/>: retires the messages accepted by then and returns how long the sender
    /// is blocked and the congestion delay of the route (ps).
    /// </summary>
    public (long BlockingPs, long CongestionPs) Assess(int source, int destination, long nowPs, int linkBufferMessages)
    {
        Retire(nowPs);
        var links = _routes.Links(source, destination);
        var hops = links.Length - 1;
        var routeMessages = 0.0;
        foreach (var link in links)
        {
            routeMessages += _density[link];
        }

        var mean = _count > 0 ? (double)_processingSumPs / _count : 0.0;
        var capacity = (double)((hops + 1) * linkBufferMessages);
        var blocking = routeMessages > capacity ? RoundToPs((routeMessages - capacity) * mean) : 0;
        return (blocking, RoundToPs(routeMessages * mean / (hops + 1.0)));
    }

    /// <summary>Puts the message in flight until <paramref name="acceptedPs"/>, when its destination begins processing it for <paramref name="processingPs"/>.</summary>
    public void Admit(int source, int destination, long acceptedPs, long processingPs)
    {
        var links = _routes.Links(source, destination);
        var item = _freeCount > 0 ? _free[--_freeCount] : NewItem();
        _links[item] = links;
        _processingPs[item] = processingPs;
        var share = 1.0 / (2.0 + (links.Length - 1));
        foreach (var link in links)
        {
            _density[link] += share;
        }

        _processingSumPs += processingPs;
        _count++;
        _inFlight.Enqueue(item, (acceptedPs, _sequence++));
    }

    private void Retire(long nowPs)
    {
        while (_inFlight.TryPeek(out var item, out var key) && key.AcceptedPs <= nowPs)
        {
            _inFlight.Dequeue();
            var links = _links[item];
            var share = 1.0 / (2.0 + (links.Length - 1));
            foreach (var link in links)
            {
                _density[link] -= share;
            }

            _processingSumPs -= _processingPs[item];
            _count--;
            _free[_freeCount++] = item;
        }
    }

    private int NewItem()
    {
        if (_capacity == _links.Length)
        {
            Array.Resize(ref _links, _capacity * 2);
            Array.Resize(ref _processingPs, _capacity * 2);
            Array.Resize(ref _free, _capacity * 2);
        }

        return _capacity++;
    }

    private static long RoundToPs(double value) => value <= 0 ? 0 : (long)(value + 0.5);
}
