using System.Runtime.CompilerServices;
using Neuromorphic.Chip.Costs;
using Neuromorphic.Core.Units;

namespace Neuromorphic.Chip.Timing;

/// <summary>
/// The duration of one barrier-synchronised algorithmic step under SANA-FE's two analytical timing
/// models (Boyle et al., IEEE TCAD 44(8) 2025; src/Neuromorphic.Chip/README.md, "Timing models").
/// <para>
/// <b>Generation.</b> A core updates its neurons in slot order and sends a neuron's messages as soon
/// as the neuron has fired: the first message of a firing neuron leaves after the neuron work done
/// since the core's previous message (its own update included) plus the message-out latency; each
/// further message of the same neuron after one more message-out latency. Work left after the last
/// message still occupies the core (a "placeholder" in SANA-FE's terms).
/// </para>
/// <para>
/// <b>Detailed.</b> Messages are taken in order of send time from a binary heap that breaks ties as
/// SANA-FE's does (GCC's push/pop order, see <see cref="TimeHeap"/>), so equal send times resolve
/// alike; cores are seeded in mesh order (tile x, tile y, core). A route occupies hops + 1 links: the
/// source core's link and, for every tile the X-then-Y path enters, that tile's link in the direction
/// of the hop. Each message in flight adds 1/(hops + 2) to each link of its route; a route holding more
/// than (hops + 1) × link-buffer messages blocks the sender for the excess × the mean processing delay
/// of the messages in flight; the network delay is the larger of the hop latencies and that density ×
/// mean / (hops + 1). A destination processes messages one at a time, in the order they were taken
/// (message in plus one synaptic op per synapse). A message stays in flight until a later send time
/// reaches its receive time; the mean is over the messages in flight (zero when none is). The step
/// lasts until the last send or processing, plus the barrier.
/// </para>
/// <para>
/// <b>Simple.</b> The busiest core's generation work (neuron work plus one message-out latency per
/// message) or the busiest core's receive work, whichever is longer, plus the barrier.
/// </para>
/// Times are integer picoseconds; link densities are sums of 1/(hops + 2) in doubles added and
/// removed in SANA-FE's order, and the mean processing delay is an exact integer sum over a count,
/// so congestion and blocking are rounded once to the picosecond. Given the same inputs the result is
/// identical on any machine and thread. Instances reuse their buffers and cache each route's links, so
/// a step allocates nothing once warm. Messages of one core must be added consecutively, in send order.
/// </summary>
public sealed class BarrierStepTiming
{
    private readonly TileId[] _coreTile;
    private readonly int _coreCount;
    private readonly int[] _rankOfCore;
    private readonly int[] _coreOfRank;

    // Per core: what it did in the step (its counters) and its messages.
    private readonly CoreStepCounters[] _work;
    private readonly int[] _firstMessage;
    private readonly int[] _endMessage;
    private readonly int[] _nextMessage;
    private readonly long[] _leftoverPs;
    private readonly bool[] _leftoverPending;

    // Scheduler state.
    private readonly long[] _coreFreeAt;
    private readonly long[] _generationEndPs;
    private readonly double[] _linkDensity;
    private readonly MeshRoutes _routes;
    private readonly double[] _shareOfLinks;
    private readonly TimeHeap _sendQueue = new();
    private readonly TimeHeap _inFlightHeads = new();
    private readonly int[] _fifoHead;
    private readonly int[] _fifoTail;
    private int[] _fifoNext = new int[256];
    private int[] _retiring = new int[64];
    private Message[] _messages = new Message[256];
    private int[][] _links = new int[256][];
    private int _count;

    /// <param name="coreTile">Tile of each logical core.</param>
    /// <param name="meshWidth">Tiles along x.</param>
    /// <param name="meshHeight">Tiles along y.</param>
    /// <param name="coreSlot">Position of each logical core within its tile (null: logical order), for the mesh order.</param>
    public BarrierStepTiming(IReadOnlyList<TileId> coreTile, int meshWidth, int meshHeight, IReadOnlyList<int>? coreSlot = null)
    {
        _coreTile = coreTile.ToArray();
        _coreCount = _coreTile.Length;
        _coreOfRank = Enumerable.Range(0, _coreCount).OrderBy(c => _coreTile[c].X).ThenBy(c => _coreTile[c].Y).ThenBy(c => coreSlot?[c] ?? 0).ThenBy(c => c).ToArray();
        _rankOfCore = new int[_coreCount];
        for (var r = 0; r < _coreCount; r++)
        {
            _rankOfCore[_coreOfRank[r]] = r;
        }

        _work = new CoreStepCounters[_coreCount];
        _firstMessage = new int[_coreCount];
        _endMessage = new int[_coreCount];
        _nextMessage = new int[_coreCount];
        _leftoverPs = new long[_coreCount];
        _leftoverPending = new bool[_coreCount];
        _coreFreeAt = new long[_coreCount];
        _generationEndPs = new long[_coreCount];
        _routes = new MeshRoutes(_coreTile, meshWidth, meshHeight);
        _linkDensity = new double[_routes.LinkCount];
        // A route of n links (hops + 1) adds 1/(hops + 2) to each: the same expression, evaluated once per length.
        _shareOfLinks = new double[meshWidth + meshHeight + 1];
        for (var n = 1; n < _shareOfLinks.Length; n++)
        {
            _shareOfLinks[n] = 1.0 / (2.0 + (n - 1));
        }
        _fifoHead = new int[_coreCount];
        _fifoTail = new int[_coreCount];
        Reset();
    }

    /// <summary>One message of the current step: what the engine gave, and the timestamps the model assigns.</summary>
    public struct Message
    {
        public int SourceCore;
        public int DestinationCore;
        public int Synapses;
        public int HopsEast;
        public int HopsWest;
        public int HopsNorth;
        public int HopsSouth;

        /// <summary>Neuron work of the source core since its previous message (accesses, updates, spikes out).</summary>
        public int AccessedBefore;
        public int UpdatedBefore;
        public int FiredBefore;

        /// <summary>That work's latency plus the message-out latency (SANA-FE <c>generation_delay</c>).</summary>
        public long GenerationDelayPs;
        public long SentPs;
        public long ReceivedPs;
        public long ProcessedPs;
        public long NetworkDelayPs;
        public long BlockingPs;

        public readonly int Hops => HopsEast + HopsWest + HopsNorth + HopsSouth;
    }

    public int MessageCount => _count;

    /// <summary>Takes messages out of flight with <see cref="RetireReference"/> (tests compare the two).</summary>
    internal bool UseReferenceRetire { get; init; }

    public ReadOnlySpan<Message> Messages => _messages.AsSpan(0, _count);

    /// <summary>
    /// After <see cref="Compute"/>: when <paramref name="core"/>'s generation ended (its last send,
    /// blocking included, or the end of the work after it), ps from the step start; 0 for an idle core.
    /// </summary>
    public long GenerationEndPs(int core) => _generationEndPs[core];

    /// <summary>Starts a new step.</summary>
    public void Reset()
    {
        _count = 0;
        Array.Clear(_work);
        Array.Fill(_firstMessage, -1);
    }

    /// <summary>
    /// What <paramref name="core"/> did over the whole step (its counters once the step is done): the
    /// neuron work for the work left after its last message, and the sends and receives of the simple
    /// model.
    /// </summary>
    public void SetCoreWork(int core, in CoreStepCounters counters) => _work[core] = counters;

    /// <summary>
    /// Adds a message. The messages of one core must be added consecutively, in the order the core
    /// sends them; <paramref name="accessedBefore"/>, <paramref name="updatedBefore"/> and
    /// <paramref name="firedBefore"/> are the core's neuron work since its previous message (zero for a
    /// firing neuron's second and later messages).
    /// </summary>
    public void AddMessage(int sourceCore, int destinationCore, int synapses, int east, int west, int north, int south,
        int accessedBefore = 0, int updatedBefore = 0, int firedBefore = 0)
    {
        if (_count == _messages.Length)
        {
            Array.Resize(ref _messages, _count * 2);
            Array.Resize(ref _links, _count * 2);
            Array.Resize(ref _fifoNext, _count * 2);
        }

        if (_firstMessage[sourceCore] < 0)
        {
            _firstMessage[sourceCore] = _count;
        }

        _endMessage[sourceCore] = _count + 1;
        _messages[_count] = new Message
        {
            SourceCore = sourceCore,
            DestinationCore = destinationCore,
            Synapses = synapses,
            HopsEast = east,
            HopsWest = west,
            HopsNorth = north,
            HopsSouth = south,
            AccessedBefore = accessedBefore,
            UpdatedBefore = updatedBefore,
            FiredBefore = firedBefore,
        };
        _links[_count] = RouteLinks(sourceCore, destinationCore);
        _count++;
    }

    /// <summary>
    /// SANA-FE's "simple" model: the step lasts as long as the busiest core's generation work (neuron
    /// work plus message sends) or the busiest core's receive work (message in plus synaptic ops),
    /// whichever is longer, plus the barrier; no network contention, no per-message timestamps. Needs
    /// only the cores' counters (<see cref="SetCoreWork"/>), not the messages.
    /// </summary>
    public long ComputeSimple(CostTable costs)
    {
        var end = 0L;
        for (var c = 0; c < _coreCount; c++)
        {
            ref readonly var w = ref _work[c];
            var generation = EnergyBreakdown.NeuronLatencyPs(w, costs) + (long)w.MessagesOut * costs.MessageOut.LatencyPs;
            var receive = w.MessagesIn * costs.MessageIn.LatencyPs + w.SynapticOps * costs.SynapticOp.LatencyPs;
            end = Math.Max(end, Math.Max(generation, receive));
        }

        return end + costs.BarrierLatencyPs;
    }

    /// <summary>SANA-FE's "detailed" model: the step's duration (ps), barrier included, and each message's timestamps.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public long Compute(CostTable costs)
    {
        Array.Clear(_coreFreeAt);
        Array.Clear(_generationEndPs);
        _sendQueue.Clear();
        _inFlightHeads.Clear();
        Array.Fill(_fifoHead, -1);
        var messageOut = costs.MessageOut.LatencyPs;

        // Generation delays, and the work each core has left after its last message.
        for (var c = 0; c < _coreCount; c++)
        {
            long accessed = _work[c].NeuronsAccessed, updated = _work[c].NeuronsUpdated, fired = _work[c].NeuronsFired;
            if (_firstMessage[c] >= 0)
            {
                for (var i = _firstMessage[c]; i < _endMessage[c]; i++)
                {
                    ref var m = ref _messages[i];
                    m.GenerationDelayPs = EnergyBreakdown.NeuronLatencyPs(m.AccessedBefore, m.UpdatedBefore, m.FiredBefore, costs) + messageOut;
                    accessed -= m.AccessedBefore;
                    updated -= m.UpdatedBefore;
                    fired -= m.FiredBefore;
                }

                _nextMessage[c] = _firstMessage[c];
            }
            else
            {
                _nextMessage[c] = 0;
                _endMessage[c] = 0;
            }

            _leftoverPs[c] = EnergyBreakdown.NeuronLatencyPs(Math.Max(0, accessed), Math.Max(0, updated), Math.Max(0, fired), costs);
            _leftoverPending[c] = _leftoverPs[c] > 0;
        }

        // Each core's first item, in mesh order.
        var last = 0L;
        for (var r = 0; r < _coreCount; r++)
        {
            ScheduleNext(_coreOfRank[r], 0, ref last);
        }

        long inFlightProcessingPs = 0;
        var inFlight = 0;
        while (_sendQueue.TryPop(out var sentPs, out var item))
        {
            last = Math.Max(last, sentPs);
            Retire(sentPs, ref inFlightProcessingPs, ref inFlight);
            if (item < 0)
            {
                _generationEndPs[-1 - item] = sentPs;
                ScheduleNext(-1 - item, sentPs, ref last);
                continue;
            }

            ref var m = ref _messages[item];
            var links = _links[item];
            var hops = links.Length - 1;
            var routeMessages = 0.0;
            foreach (var link in links)
            {
                routeMessages += _linkDensity[link];
            }

            var mean = inFlight > 0 ? (double)inFlightProcessingPs / inFlight : 0.0;
            var capacity = (double)((hops + 1) * costs.LinkBufferMessages);
            m.BlockingPs = routeMessages > capacity ? RoundToPs((routeMessages - capacity) * mean) : 0;
            m.SentPs = sentPs + m.BlockingPs;
            var minHop = costs.RouteLatencyPs(m.HopsEast, m.HopsWest, m.HopsNorth, m.HopsSouth);
            m.NetworkDelayPs = Math.Max(minHop, RoundToPs(routeMessages * mean / (hops + 1.0)));
            var processing = ProcessingPs(m, costs);
            var destination = m.DestinationCore;
            m.ReceivedPs = Math.Max(_coreFreeAt[destination], m.SentPs + m.NetworkDelayPs);
            m.ProcessedPs = m.ReceivedPs + processing;
            _coreFreeAt[destination] = m.ProcessedPs;
            last = Math.Max(last, m.ProcessedPs);

            // In flight until a later send time reaches its receive time.
            _fifoNext[item] = -1;
            if (_fifoHead[destination] < 0)
            {
                _fifoHead[destination] = item;
                _inFlightHeads.Push(m.ReceivedPs, item);
            }
            else
            {
                _fifoNext[_fifoTail[destination]] = item;
            }

            _fifoTail[destination] = item;
            AddDensity(links, Share(links));
            inFlightProcessingPs += processing;
            inFlight++;
            _generationEndPs[m.SourceCore] = m.SentPs;
            ScheduleNext(m.SourceCore, m.SentPs, ref last);
        }

        // Leave every link empty for the next step: only this step's routes can hold a density, so
        // the cost is bounded by the step's messages, not by the size of the mesh.
        for (var i = 0; i < _count; i++)
        {
            foreach (var link in _links[i])
            {
                _linkDensity[link] = 0;
            }
        }

        return last + costs.BarrierLatencyPs;
    }

    /// <summary>1/(hops + 2) for a route of <paramref name="links"/> (hops + 1 links), from the table when the mesh bounds its length.</summary>
    private double Share(int[] links) => links.Length < _shareOfLinks.Length ? _shareOfLinks[links.Length] : 1.0 / (2.0 + (links.Length - 1));

    private static long ProcessingPs(in Message m, CostTable costs) => costs.MessageIn.LatencyPs + m.Synapses * costs.SynapticOp.LatencyPs;

    /// <summary>Queues the next item of <paramref name="core"/>'s FIFO (its next message, else its leftover work) after <paramref name="afterPs"/>.</summary>
    private void ScheduleNext(int core, long afterPs, ref long last)
    {
        long at;
        if (_nextMessage[core] < _endMessage[core])
        {
            var next = _nextMessage[core]++;
            at = afterPs + _messages[next].GenerationDelayPs;
            _messages[next].SentPs = at;
            _sendQueue.Push(at, next);
        }
        else if (_leftoverPending[core])
        {
            _leftoverPending[core] = false;
            at = afterPs + _leftoverPs[core];
            _sendQueue.Push(at, -1 - core);
        }
        else
        {
            return;
        }

        last = Math.Max(last, at);
    }

    /// <summary>
    /// Takes out of flight every message received by <paramref name="nowPs"/>, destinations in mesh
    /// order, each destination's in the order it got them. A destination's FIFO holds its messages in
    /// order of non-decreasing receive time (each is received no earlier than the previous one was
    /// processed), so the due messages are a prefix of each FIFO: the heap of FIFO heads gives the
    /// destinations with a due head, those are put in mesh order (one entry per destination), and each
    /// FIFO's due prefix is retired in turn — the order <see cref="RetireReference"/> gets by sorting
    /// the due messages one by one, with one heap pop and push per destination instead of per message.
    /// </summary>
    private void Retire(long nowPs, ref long inFlightProcessingPs, ref int inFlight)
    {
        if (UseReferenceRetire)
        {
            RetireReference(nowPs, ref inFlightProcessingPs, ref inFlight);
            return;
        }

        var due = 0;
        while (_inFlightHeads.TryPeek(out var received) && received <= nowPs)
        {
            _inFlightHeads.TryPop(out _, out var head);
            if (due == _retiring.Length)
            {
                Array.Resize(ref _retiring, due * 2);
            }

            _retiring[due++] = _messages[head].DestinationCore;
        }

        if (due == 0)
        {
            return;
        }

        for (var i = 1; i < due; i++)
        {
            var destination = _retiring[i];
            var rank = _rankOfCore[destination];
            var j = i - 1;
            while (j >= 0 && _rankOfCore[_retiring[j]] > rank)
            {
                _retiring[j + 1] = _retiring[j];
                j--;
            }

            _retiring[j + 1] = destination;
        }

        for (var i = 0; i < due; i++)
        {
            var destination = _retiring[i];
            var item = _fifoHead[destination];
            do
            {
                ref readonly var m = ref _messages[item];
                var links = _links[item];
                AddDensity(links, -Share(links));
                inFlightProcessingPs -= m.ProcessedPs - m.ReceivedPs;
                inFlight--;
                item = _fifoNext[item];
            }
            while (item >= 0 && _messages[item].ReceivedPs <= nowPs);

            _fifoHead[destination] = item;
            if (item >= 0)
            {
                _inFlightHeads.Push(_messages[item].ReceivedPs, item);
            }
        }
    }

    /// <summary>
    /// <see cref="Retire"/> as first written (the reference it is tested against): pops every message due from the
    /// heap of FIFO heads, one by one, then sorts them by destination rank with a stable insertion sort.
    /// </summary>
    private void RetireReference(long nowPs, ref long inFlightProcessingPs, ref int inFlight)
    {
        var retiring = 0;
        while (_inFlightHeads.TryPeek(out var received) && received <= nowPs)
        {
            _inFlightHeads.TryPop(out _, out var index);
            if (retiring == _retiring.Length)
            {
                Array.Resize(ref _retiring, retiring * 2);
            }

            _retiring[retiring++] = index;
            var destination = _messages[index].DestinationCore;
            var following = _fifoNext[index];
            _fifoHead[destination] = following;
            if (following >= 0)
            {
                _inFlightHeads.Push(_messages[following].ReceivedPs, following);
            }
        }

        if (retiring == 0)
        {
            return;
        }

        // Stable insertion sort by destination rank keeps each destination's own order.
        for (var i = 1; i < retiring; i++)
        {
            var item = _retiring[i];
            var rank = _rankOfCore[_messages[item].DestinationCore];
            var j = i - 1;
            while (j >= 0 && _rankOfCore[_messages[_retiring[j]].DestinationCore] > rank)
            {
                _retiring[j + 1] = _retiring[j];
                j--;
            }

            _retiring[j + 1] = item;
        }

        for (var i = 0; i < retiring; i++)
        {
            ref readonly var m = ref _messages[_retiring[i]];
            var links = _links[_retiring[i]];
            AddDensity(links, -(1.0 / (2.0 + (links.Length - 1))));
            inFlightProcessingPs -= m.ProcessedPs - m.ReceivedPs;
            inFlight--;
        }
    }

    /// <summary>Rounds a congestion or blocking time to the nearest picosecond (halves up); tiny negative density residues give 0.</summary>
    private static long RoundToPs(double value) => value <= 0 ? 0 : (long)(value + 0.5);

    private void AddDensity(int[] links, double share)
    {
        foreach (var link in links)
        {
            _linkDensity[link] += share;
        }
    }

    /// <summary>Link ids of a route (cached): the source core's link, then each tile entered along X then Y, in the direction of the hop.</summary>
    private int[] RouteLinks(int source, int destination) => _routes.Links(source, destination);

    /// <summary>
    /// Items by time, earliest first, as a binary heap whose sift order is the standard "hole"
    /// algorithm of GCC's std::push_heap / std::pop_heap with the comparison "a is later than b" (what
    /// SANA-FE's priority queue of send times uses). Only times are compared, so items with equal
    /// times come out in the order that algorithm leaves them, as in SANA-FE. Also holds the head of
    /// each destination's in-flight FIFO by receive time (ties there are ordered afterwards, by mesh rank).
    /// </summary>
    private sealed class TimeHeap
    {
        private (long Time, int Item)[] _heap = new (long, int)[64];
        private int _size;

        public void Clear() => _size = 0;

        public bool TryPeek(out long time)
        {
            time = _size > 0 ? _heap[0].Time : 0;
            return _size > 0;
        }

        public void Push(long time, int item)
        {
            if (_size == _heap.Length)
            {
                Array.Resize(ref _heap, _size * 2);
            }

            SiftUp(_size++, (time, item));
        }

        public bool TryPop(out long time, out int item)
        {
            if (_size == 0)
            {
                (time, item) = (0, 0);
                return false;
            }

            (time, item) = _heap[0];
            var moved = _heap[--_size];
            var n = _size;
            if (n == 0)
            {
                return true;
            }

            // Move the hole from the root down to a leaf along the earlier-sent child, then sift the moved item up.
            var hole = 0;
            var child = 0;
            while (child < (n - 1) / 2)
            {
                child = 2 * (child + 1);
                if (_heap[child].Time > _heap[child - 1].Time)
                {
                    child--;
                }

                _heap[hole] = _heap[child];
                hole = child;
            }

            if ((n & 1) == 0 && child == (n - 2) / 2)
            {
                child = 2 * (child + 1);
                _heap[hole] = _heap[child - 1];
                hole = child - 1;
            }

            SiftUp(hole, moved);
            return true;
        }

        private void SiftUp(int hole, (long Time, int Item) value)
        {
            while (hole > 0)
            {
                var parent = (hole - 1) / 2;
                if (!(_heap[parent].Time > value.Time))
                {
                    break;
                }

                _heap[hole] = _heap[parent];
                hole = parent;
            }

            _heap[hole] = value;
        }
    }
}
