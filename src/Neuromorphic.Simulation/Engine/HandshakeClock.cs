using Neuromorphic.Chip.Costs;
using Neuromorphic.Mapping;

namespace Neuromorphic.Simulation.Engine;

/// <summary>
/// The clocks of handshake mode: self-timed cores without a global barrier. Core c starts step t + 1
/// when (1) its own step-t generation is done (neuron pass and sends), (2) its synapse unit has
/// processed every step-t message sent to it, and (3) it holds the end-of-step token of step t from
/// every other core that sends to it (a core with no upstream waits for nothing). A token leaves a
/// core when its generation is done and costs a message: message out, the hops of its X-then-Y
/// route and message in, in energy and latency (tokens do not contend with spikes in this model).
/// <para>
/// The step's work is timed by the barrier model (detailed or simple) as if every core started it
/// together; handshake mode then shifts each core's generation by its own start and each core's
/// receive schedule by the start of the latest of it and its senders (so the destination's order
/// and contention are the barrier model's, and no message is processed before it was sent or
/// before its destination began the step). Spikes and steps are the barrier engine's, so the
/// function is identical. Latency: if every core starts step t no later than the barrier, it
/// finishes its generation and receives no later than the barrier's last event, and its tokens
/// arrive no later than that plus the longest token latency; so whenever no token takes longer than
/// the barrier (true on every shipped chip, <see cref="MaxTokenLatencyPs"/>), every step starts,
/// and the decision comes, no later than under the barrier (by induction over steps).
/// </para>
/// </summary>
internal sealed class HandshakeClock
{
    private readonly int _coreCount;
    private readonly int[] _upstreamStart;
    private readonly int[] _upstreamCore;
    private readonly long[] _tokenLatencyPs;
    private readonly int[] _outputCores;
    private long[] _startPs;
    private long[] _nextPs;
    private readonly long[] _receiveStartPs;
    private readonly long[] _generationEndPs;
    private readonly long[] _receiveEndPs;

    /// <param name="mapped">The mapping: which cores send to which.</param>
    /// <param name="costs">The chip instance's costs (token energy and latency).</param>
    /// <param name="outputCores">Cores holding read-out neurons (the decision waits for them).</param>
    public HandshakeClock(MappedNetwork mapped, CostTable costs, IEnumerable<int> outputCores)
    {
        _coreCount = mapped.CoreCount;
        var senders = new SortedSet<int>[_coreCount];
        for (var c = 0; c < _coreCount; c++)
        {
            senders[c] = [];
        }

        for (var neuron = 0; neuron < mapped.NeuronCount; neuron++)
        {
            for (var m = mapped.MessageStart[neuron]; m < mapped.MessageStart[neuron + 1]; m++)
            {
                var source = mapped.NeuronCore[neuron];
                var destination = mapped.MessageDestinationCore[m];
                if (source != destination)
                {
                    senders[destination].Add(source);
                }
            }
        }

        _upstreamStart = new int[_coreCount + 1];
        for (var c = 0; c < _coreCount; c++)
        {
            _upstreamStart[c + 1] = _upstreamStart[c] + senders[c].Count;
        }

        _upstreamCore = senders.SelectMany(s => s).ToArray();
        _tokenLatencyPs = new long[_upstreamCore.Length];
        for (var c = 0; c < _coreCount; c++)
        {
            for (var i = _upstreamStart[c]; i < _upstreamStart[c + 1]; i++)
            {
                var route = mapped.Route(_upstreamCore[i], c);
                _tokenLatencyPs[i] = costs.MessageOut.LatencyPs + costs.RouteLatencyPs(route.East, route.West, route.North, route.South) + costs.MessageIn.LatencyPs;
                TokenEnergyFjPerStep += costs.MessageOut.EnergyFj + costs.MessageIn.EnergyFj + route.East * costs.HopEast.EnergyFj
                    + route.West * costs.HopWest.EnergyFj + route.North * costs.HopNorth.EnergyFj + route.South * costs.HopSouth.EnergyFj;
            }
        }

        MaxTokenLatencyPs = _tokenLatencyPs.Length == 0 ? 0 : _tokenLatencyPs.Max();
        _outputCores = outputCores.Distinct().Order().ToArray();
        _startPs = new long[_coreCount];
        _nextPs = new long[_coreCount];
        _receiveStartPs = new long[_coreCount];
        _generationEndPs = new long[_coreCount];
        _receiveEndPs = new long[_coreCount];
    }

    /// <summary>End-of-step tokens every step: one per (sender, receiver) pair of distinct cores.</summary>
    public int TokensPerStep => _upstreamCore.Length;

    /// <summary>Energy of one step's tokens (fJ).</summary>
    public long TokenEnergyFjPerStep { get; }

    /// <summary>The longest token latency (message out + route + message in), ps: handshake is never slower than barrier while this is at most the barrier latency.</summary>
    public long MaxTokenLatencyPs { get; }

    /// <summary>Every core starts step 1 at time 0 (the first input).</summary>
    public void Reset()
    {
        Array.Clear(_startPs);
        Array.Clear(_nextPs);
        Array.Clear(_receiveStartPs);
        Array.Clear(_receiveEndPs);
    }

    /// <summary>When <paramref name="core"/> started the current step (ps from the inference start).</summary>
    public long StartPs(int core) => _startPs[core];

    /// <summary>After <see cref="Advance"/>: when <paramref name="core"/> starts the next step.</summary>
    public long NextStartPs(int core) => _nextPs[core];

    /// <summary>After <see cref="Advance"/>: the origin of <paramref name="core"/>'s receive schedule this step (its start and its senders').</summary>
    public long ReceiveStartPs(int core) => _receiveStartPs[core];

    /// <summary>When <paramref name="core"/>'s generation (neuron pass and sends) ended this step, ps from its start.</summary>
    public void SetGeneration(int core, long generationEndPs) => _generationEndPs[core] = generationEndPs;

    /// <summary>A receive of <paramref name="core"/> this step ended at <paramref name="processedPs"/> from the origin of its receive schedule.</summary>
    public void AddReceive(int core, long processedPs) => _receiveEndPs[core] = Math.Max(_receiveEndPs[core], processedPs);

    /// <summary>Computes every core's start of the next step from this step's work (<see cref="SetGeneration"/> for every core first), and clears the receives.</summary>
    public void Advance()
    {
        for (var c = 0; c < _coreCount; c++)
        {
            var receiveStart = _startPs[c];
            var next = _startPs[c] + _generationEndPs[c];
            for (var i = _upstreamStart[c]; i < _upstreamStart[c + 1]; i++)
            {
                var u = _upstreamCore[i];
                receiveStart = Math.Max(receiveStart, _startPs[u]);
                next = Math.Max(next, _startPs[u] + _generationEndPs[u] + _tokenLatencyPs[i]);
            }

            _receiveStartPs[c] = receiveStart;
            _nextPs[c] = _receiveEndPs[c] > 0 ? Math.Max(next, receiveStart + _receiveEndPs[c]) : next;
        }

        Array.Clear(_receiveEndPs);
    }

    /// <summary>When the read-out cores finished this step's neuron pass: the decision time if the run ends at this step.</summary>
    public long DecisionPs()
    {
        var decision = 0L;
        foreach (var c in _outputCores)
        {
            decision = Math.Max(decision, _startPs[c] + _generationEndPs[c]);
        }

        return decision;
    }

    /// <summary>Moves to the next step.</summary>
    public void EndStep() => (_startPs, _nextPs) = (_nextPs, _startPs);
}
