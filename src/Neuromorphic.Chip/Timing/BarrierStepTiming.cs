using System.Runtime.CompilerServices;
using Neuromorphic.Chip.Costs;
using Neuromorphic.Core.Units;

namespace Neuromorphic.Chip.Timing;

/// <summary>
/// The duration of one barrier-synchronised algorithmic step, with a semi-analytical model of the
/// network-on-chip in the manner of SANA-FE's "detailed" timing model (Boyle et al., IEEE TCAD 44(8)
/// 2025; src/Neuromorphic.Chip/README.md, "Timing models"):
/// <list type="number">
/// <item>Each core first updates its neurons (access, update, spike-out latencies), then sends its
/// messages in order, one message-out latency apart.</item>
/// <item>Messages are taken globally in order of send time (ties by core, then order). A message's
/// X-then-Y route crosses hops + 2 links (core → router, tile links, router → core). Links carry a
/// density of in-flight messages; a route holding more than (hops + 1) × link-buffer messages blocks
/// the sender for the excess × the mean receive delay; network delay is the larger of the hop
/// latencies and the congestion estimate.</item>
/// <item>The destination core processes messages one at a time: message-in latency plus one
/// synaptic-op latency per synapse.</item>
/// <item>The step lasts until the last neuron update, send or processing, plus the barrier.</item>
/// </list>
/// All times are integer picoseconds; given the same inputs the result is identical on any
/// machine and thread. Instances reuse their buffers and cache each route's links, so a step
/// allocates nothing once warm. Messages of one core must be added consecutively, in send order.
/// </summary>
public sealed class BarrierStepTiming
{
    private readonly TileId[] _coreTile;
    private readonly int _meshWidth;
    private readonly int _coreCount;
    private readonly long[] _neuronLatencyPs;
    private readonly long[] _coreFreeAt;
    private readonly double[] _linkDensity;
    private readonly Dictionary<int, int[]> _routeLinks = [];
    private readonly int[]?[]? _routeCache;
    private readonly MinHeap _sendQueue = new();

    // In-flight messages, one FIFO per destination core: a destination receives its messages one at
    // a time, so their receive times only grow and each FIFO is sorted; a heap holds each FIFO's head.
    private readonly MinHeap _inFlightHeads = new();
    private readonly int[] _fifoHead;
    private readonly int[] _fifoTail;
    private int[] _fifoNext = new int[256];
    private Message[] _messages = new Message[256];
    private int[][] _links = new int[256][];
    private int _count;

    public BarrierStepTiming(IReadOnlyList<TileId> coreTile, int meshWidth, int meshHeight)
    {
        _coreTile = coreTile.ToArray();
        _meshWidth = meshWidth;
        _coreCount = _coreTile.Length;
        _neuronLatencyPs = new long[_coreCount];
        _coreFreeAt = new long[_coreCount];
        _linkDensity = new double[2 * _coreCount + 4 * meshWidth * meshHeight];
        _routeCache = _coreCount <= 512 ? new int[]?[_coreCount * _coreCount] : null;
        _fifoHead = new int[_coreCount];
        _fifoTail = new int[_coreCount];
    }

    /// <summary>One message of the current step, with the timestamps the model assigns.</summary>
    public struct Message
    {
        public int SourceCore;
        public int DestinationCore;
        public int Synapses;
        public int HopsEast;
        public int HopsWest;
        public int HopsNorth;
        public int HopsSouth;
        public long SentPs;
        public long ReceivedPs;
        public long ProcessedPs;
        public long BlockingPs;
    }

    public int MessageCount => _count;

    public ReadOnlySpan<Message> Messages => _messages.AsSpan(0, _count);

    /// <summary>Starts a new step.</summary>
    public void Reset()
    {
        _count = 0;
        Array.Clear(_neuronLatencyPs);
    }

    public void SetNeuronLatency(int core, long latencyPs) => _neuronLatencyPs[core] = latencyPs;

    /// <summary>Adds a message; the messages of one core must be added consecutively, in the order the core sends them.</summary>
    public void AddMessage(int sourceCore, int destinationCore, int synapses, int east, int west, int north, int south)
    {
        if (_count == _messages.Length)
        {
            Array.Resize(ref _messages, _count * 2);
            Array.Resize(ref _links, _count * 2);
            Array.Resize(ref _fifoNext, _count * 2);
        }

        _messages[_count] = new Message
        {
            SourceCore = sourceCore,
            DestinationCore = destinationCore,
            Synapses = synapses,
            HopsEast = east,
            HopsWest = west,
            HopsNorth = north,
            HopsSouth = south,
        };
        _links[_count] = RouteLinks(sourceCore, destinationCore);
        _count++;
    }

    /// <summary>
    /// SANA-FE's "simple" model: the step lasts as long as the busiest core's generation work (neuron
    /// updates plus message sends) or the busiest core's receive work (message in plus synaptic ops),
    /// whichever is longer, plus the barrier; no network contention, no per-message timestamps.
    /// </summary>
    public long ComputeSimple(CostTable costs)
    {
        Array.Clear(_coreFreeAt);
        var generation = 0L;
        var messageOut = costs.MessageOut.LatencyPs;
        var sentBy = 0;
        for (var i = 0; i < _count; i++)
        {
            ref readonly var m = ref _messages[i];
            _coreFreeAt[m.DestinationCore] += costs.MessageIn.LatencyPs + m.Synapses * costs.SynapticOp.LatencyPs;
            sentBy = i == 0 || _messages[i - 1].SourceCore != m.SourceCore ? 1 : sentBy + 1;
            generation = Math.Max(generation, _neuronLatencyPs[m.SourceCore] + sentBy * messageOut);
        }

        for (var c = 0; c < _coreCount; c++)
        {
            generation = Math.Max(generation, _neuronLatencyPs[c]);
        }

        return Math.Max(generation, _coreFreeAt.Max()) + costs.BarrierLatencyPs;
    }

    /// <summary>Computes the step's duration (ps), barrier included, and each message's timestamps.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public long Compute(CostTable costs)
    {
        Array.Clear(_coreFreeAt);
        Array.Clear(_linkDensity);
        _sendQueue.Clear();
        _inFlightHeads.Clear();
        Array.Fill(_fifoHead, -1);

        var end = 0L;
        for (var c = 0; c < _coreCount; c++)
        {
            end = Math.Max(end, _neuronLatencyPs[c]);
        }

        var messageOut = costs.MessageOut.LatencyPs;
        for (var i = 0; i < _count; i++)
        {
            if (i == 0 || _messages[i - 1].SourceCore != _messages[i].SourceCore)
            {
                _messages[i].SentPs = _neuronLatencyPs[_messages[i].SourceCore] + messageOut;
                _sendQueue.Push(_messages[i].SentPs, _messages[i].SourceCore, i);
            }
        }

        double meanReceiveDelay = 0;
        long processedCount = 0;
        while (_sendQueue.TryPop(out _, out _, out var index))
        {
            ref var m = ref _messages[index];
            while (_inFlightHeads.TryPeek(out var received) && received <= m.SentPs)
            {
                _inFlightHeads.TryPop(out _, out var destination, out var flying);
                AddDensity(_links[flying], -1);
                var following = _fifoNext[flying];
                _fifoHead[destination] = following;
                if (following >= 0)
                {
                    _inFlightHeads.Push(_messages[following].ReceivedPs, destination, following);
                }
            }

            var links = _links[index];
            var hops = links.Length - 2;
            double routeMessages = 0;
            foreach (var link in links)
            {
                routeMessages += _linkDensity[link];
            }

            var capacity = (double)(hops + 1) * costs.LinkBufferMessages;
            if (routeMessages > capacity)
            {
                m.BlockingPs = RoundPositive((routeMessages - capacity) * meanReceiveDelay);
                m.SentPs += m.BlockingPs;
            }

            var minHopDelay = costs.RouteLatencyPs(m.HopsEast, m.HopsWest, m.HopsNorth, m.HopsSouth);
            var congestion = RoundPositive(routeMessages * meanReceiveDelay / (hops + 1));
            var arrive = m.SentPs + Math.Max(minHopDelay, congestion);
            var processing = costs.MessageIn.LatencyPs + m.Synapses * costs.SynapticOp.LatencyPs;
            m.ReceivedPs = Math.Max(_coreFreeAt[m.DestinationCore], arrive);
            _coreFreeAt[m.DestinationCore] = m.ReceivedPs + processing;
            m.ProcessedPs = _coreFreeAt[m.DestinationCore];
            end = Math.Max(end, Math.Max(m.SentPs, m.ProcessedPs));

            AddDensity(links, +1);
            _fifoNext[index] = -1;
            if (_fifoHead[m.DestinationCore] < 0)
            {
                _fifoHead[m.DestinationCore] = index;
                _inFlightHeads.Push(m.ReceivedPs, m.DestinationCore, index);
            }
            else
            {
                _fifoNext[_fifoTail[m.DestinationCore]] = index;
            }

            _fifoTail[m.DestinationCore] = index;
            processedCount++;
            meanReceiveDelay += (processing - meanReceiveDelay) / processedCount;

            var next = index + 1;
            if (next < _count && _messages[next].SourceCore == m.SourceCore)
            {
                _messages[next].SentPs = m.SentPs + messageOut;
                _sendQueue.Push(_messages[next].SentPs, m.SourceCore, next);
            }
        }

        return end + costs.BarrierLatencyPs;
    }

    /// <summary>Rounds a non-negative value to the nearest integer, halves away from zero (as Math.Round with AwayFromZero).</summary>
    private static long RoundPositive(double value) => (long)(value + 0.5);

    private void AddDensity(int[] links, int sign)
    {
        var share = sign * (1.0 / links.Length);
        foreach (var link in links)
        {
            _linkDensity[link] += share;
        }
    }

    /// <summary>Link ids of a route (cached): core out-link, tile links along X then Y, core in-link.</summary>
    private int[] RouteLinks(int source, int destination)
    {
        var key = source * _coreCount + destination;
        if (_routeCache?[key] is { } fast)
        {
            return fast;
        }

        if (_routeLinks.TryGetValue(key, out var cached))
        {
            return cached;
        }

        var links = new List<int> { 2 * source };
        var tileLinkBase = 2 * _coreCount;
        var (x, y) = (_coreTile[source].X, _coreTile[source].Y);
        var target = _coreTile[destination];
        while (x != target.X)
        {
            links.Add(tileLinkBase + (y * _meshWidth + x) * 4 + (target.X > x ? 0 : 1));
            x += target.X > x ? 1 : -1;
        }

        while (y != target.Y)
        {
            links.Add(tileLinkBase + (y * _meshWidth + x) * 4 + (target.Y > y ? 2 : 3));
            y += target.Y > y ? 1 : -1;
        }

        links.Add(2 * destination + 1);
        var result = links.ToArray();
        if (_routeCache is not null)
        {
            _routeCache[key] = result;
        }
        else
        {
            _routeLinks[key] = result;
        }

        return result;
    }

    /// <summary>A binary min-heap of (time, core, index), ordered by time, then core, then index.</summary>
    private sealed class MinHeap
    {
        private (long Time, int Core, int Index)[] _items = new (long, int, int)[64];
        private int _size;

        public void Clear() => _size = 0;

        public void Push(long time, int core, int index)
        {
            if (_size == _items.Length)
            {
                Array.Resize(ref _items, _size * 2);
            }

            var i = _size++;
            var item = (time, core, index);
            while (i > 0)
            {
                var parent = (i - 1) / 2;
                if (!Less(item, _items[parent]))
                {
                    break;
                }

                _items[i] = _items[parent];
                i = parent;
            }

            _items[i] = item;
        }

        public bool TryPeek(out long time)
        {
            time = _size > 0 ? _items[0].Time : 0;
            return _size > 0;
        }

        public bool TryPop(out long time, out int core, out int index)
        {
            if (_size == 0)
            {
                (time, core, index) = (0, 0, 0);
                return false;
            }

            (time, core, index) = _items[0];
            var last = _items[--_size];
            var i = 0;
            while (true)
            {
                var child = 2 * i + 1;
                if (child >= _size)
                {
                    break;
                }

                if (child + 1 < _size && Less(_items[child + 1], _items[child]))
                {
                    child++;
                }

                if (!Less(_items[child], last))
                {
                    break;
                }

                _items[i] = _items[child];
                i = child;
            }

            _items[i] = last;
            return true;
        }

        private static bool Less((long Time, int Core, int Index) a, (long Time, int Core, int Index) b) =>
            a.Time != b.Time ? a.Time < b.Time : a.Core != b.Core ? a.Core < b.Core : a.Index < b.Index;
    }
}
