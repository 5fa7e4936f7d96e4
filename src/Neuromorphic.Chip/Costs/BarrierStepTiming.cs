using Neuromorphic.Core.Units;

namespace Neuromorphic.Chip.Costs;

/// <summary>
/// The duration of one barrier-synchronised algorithmic step, with a semi-analytical model of the
/// network-on-chip in the manner of SANA-FE's "detailed" timing model (reference
/// loihi-chip-model.md §3.4, described there in pseudo-code; written here from that description):
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
/// machine and thread. Instances reuse their buffers (no allocation per step once warm).
/// </summary>
public sealed class BarrierStepTiming
{
    private readonly TileId[] _coreTile;
    private readonly int _meshWidth;
    private readonly int _coreCount;
    private readonly long[] _neuronLatencyPs;
    private readonly long[] _coreFreeAt;
    private readonly double[] _linkDensity;
    private readonly int[] _firstMessage;
    private readonly int[] _messageCountOf;
    private readonly PriorityQueue<int, (long Sent, int Core, int Order)> _queue = new();
    private readonly PriorityQueue<int, long> _inFlight = new();
    private Message[] _messages = new Message[256];
    private int[] _linkBuffer = new int[1024];
    private int[] _linkStart = new int[257];
    private int _count;
    private int _linkCount;

    public BarrierStepTiming(IReadOnlyList<TileId> coreTile, int meshWidth, int meshHeight)
    {
        _coreTile = coreTile.ToArray();
        _meshWidth = meshWidth;
        _coreCount = _coreTile.Length;
        _neuronLatencyPs = new long[_coreCount];
        _coreFreeAt = new long[_coreCount];
        _linkDensity = new double[2 * _coreCount + 4 * meshWidth * meshHeight];
        _firstMessage = new int[_coreCount];
        _messageCountOf = new int[_coreCount];
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

    /// <summary>Adds a message; messages of one core must be added in the order the core sends them.</summary>
    public void AddMessage(int sourceCore, int destinationCore, int synapses, int east, int west, int north, int south)
    {
        if (_count == _messages.Length)
        {
            Array.Resize(ref _messages, _count * 2);
        }

        _messages[_count++] = new Message
        {
            SourceCore = sourceCore,
            DestinationCore = destinationCore,
            Synapses = synapses,
            HopsEast = east,
            HopsWest = west,
            HopsNorth = north,
            HopsSouth = south,
        };
    }

    /// <summary>Computes the step's duration (ps), barrier included, and each message's timestamps.</summary>
    public long Compute(CostTable costs)
    {
        Array.Clear(_coreFreeAt);
        Array.Clear(_linkDensity);
        Array.Fill(_firstMessage, -1);
        Array.Clear(_messageCountOf);
        _queue.Clear();
        _inFlight.Clear();

        var end = 0L;
        for (var c = 0; c < _coreCount; c++)
        {
            end = Math.Max(end, _neuronLatencyPs[c]);
        }

        // Messages of each core are contiguous in order of addition per core; index them.
        var order = new int[_coreCount];
        for (var i = 0; i < _count; i++)
        {
            var c = _messages[i].SourceCore;
            if (_firstMessage[c] < 0)
            {
                _firstMessage[c] = i;
            }

            _messageCountOf[c]++;
        }

        BuildRoutes();
        var nextOfCore = new int[_count];
        Array.Fill(nextOfCore, -1);
        var lastOfCore = new int[_coreCount];
        Array.Fill(lastOfCore, -1);
        for (var i = 0; i < _count; i++)
        {
            var c = _messages[i].SourceCore;
            if (lastOfCore[c] >= 0)
            {
                nextOfCore[lastOfCore[c]] = i;
            }

            lastOfCore[c] = i;
        }

        var messageOut = costs.MessageOut.LatencyPs;
        for (var c = 0; c < _coreCount; c++)
        {
            if (_firstMessage[c] >= 0)
            {
                var first = _firstMessage[c];
                _messages[first].SentPs = _neuronLatencyPs[c] + messageOut;
                _queue.Enqueue(first, (_messages[first].SentPs, c, order[c]++));
            }
        }

        double meanReceiveDelay = 0;
        long processedCount = 0;
        while (_queue.TryDequeue(out var index, out _))
        {
            ref var m = ref _messages[index];
            while (_inFlight.TryPeek(out var flying, out var received) && received <= m.SentPs)
            {
                _inFlight.Dequeue();
                AddDensity(flying, -1);
            }

            var hops = m.HopsEast + m.HopsWest + m.HopsNorth + m.HopsSouth;
            double routeMessages = 0;
            for (var l = _linkStart[index]; l < _linkStart[index + 1]; l++)
            {
                routeMessages += _linkDensity[_linkBuffer[l]];
            }

            var capacity = (double)(hops + 1) * costs.LinkBufferMessages;
            if (routeMessages > capacity)
            {
                m.BlockingPs = (long)Math.Round((routeMessages - capacity) * meanReceiveDelay, MidpointRounding.AwayFromZero);
                m.SentPs += m.BlockingPs;
            }

            var minHopDelay = costs.RouteLatencyPs(m.HopsEast, m.HopsWest, m.HopsNorth, m.HopsSouth);
            var congestion = (long)Math.Round(routeMessages * meanReceiveDelay / (hops + 1), MidpointRounding.AwayFromZero);
            var arrive = m.SentPs + Math.Max(minHopDelay, congestion);
            var processing = costs.MessageIn.LatencyPs + m.Synapses * costs.SynapticOp.LatencyPs;
            m.ReceivedPs = Math.Max(_coreFreeAt[m.DestinationCore], arrive);
            _coreFreeAt[m.DestinationCore] = m.ReceivedPs + processing;
            m.ProcessedPs = _coreFreeAt[m.DestinationCore];
            end = Math.Max(end, Math.Max(m.SentPs, m.ProcessedPs));

            AddDensity(index, +1);
            _inFlight.Enqueue(index, m.ReceivedPs);
            processedCount++;
            meanReceiveDelay += (processing - meanReceiveDelay) / processedCount;

            var next = nextOfCore[index];
            if (next >= 0)
            {
                _messages[next].SentPs = m.SentPs + messageOut;
                _queue.Enqueue(next, (_messages[next].SentPs, m.SourceCore, order[m.SourceCore]++));
            }
        }

        return end + costs.BarrierLatencyPs;
    }

    private void AddDensity(int message, int sign)
    {
        var links = _linkStart[message + 1] - _linkStart[message];
        var share = sign * (1.0 / links);
        for (var l = _linkStart[message]; l < _linkStart[message + 1]; l++)
        {
            _linkDensity[_linkBuffer[l]] += share;
        }
    }

    /// <summary>Link ids of every message's route: core out-link, tile links along X then Y, core in-link.</summary>
    private void BuildRoutes()
    {
        if (_linkStart.Length < _count + 1)
        {
            _linkStart = new int[_count * 2 + 1];
        }

        _linkCount = 0;
        var tileLinkBase = 2 * _coreCount;
        for (var i = 0; i < _count; i++)
        {
            _linkStart[i] = _linkCount;
            ref var m = ref _messages[i];
            Push(2 * m.SourceCore);
            var (x, y) = (_coreTile[m.SourceCore].X, _coreTile[m.SourceCore].Y);
            var target = _coreTile[m.DestinationCore];
            while (x != target.X)
            {
                var direction = target.X > x ? 0 : 1;
                Push(tileLinkBase + (y * _meshWidth + x) * 4 + direction);
                x += target.X > x ? 1 : -1;
            }

            while (y != target.Y)
            {
                var direction = target.Y > y ? 2 : 3;
                Push(tileLinkBase + (y * _meshWidth + x) * 4 + direction);
                y += target.Y > y ? 1 : -1;
            }

            Push(2 * m.DestinationCore + 1);
        }

        _linkStart[_count] = _linkCount;
    }

    private void Push(int link)
    {
        if (_linkCount == _linkBuffer.Length)
        {
            Array.Resize(ref _linkBuffer, _linkCount * 2);
        }

        _linkBuffer[_linkCount++] = link;
    }
}
