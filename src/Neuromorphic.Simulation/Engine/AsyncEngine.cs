using System.Runtime.CompilerServices;
using Neuromorphic.Chip.Costs;
using Neuromorphic.Core.Units;
using Neuromorphic.Core.Random;
using Neuromorphic.Mapping;
using Neuromorphic.Simulation.Input;
using Neuromorphic.Simulation.Variability;

namespace Neuromorphic.Simulation.Engine;

/// <summary>
/// Async mode: a discrete-event simulation without a barrier (steps numbered from 1 on each core's
/// own clock). Each core ticks on its own clock —
/// nominal period × its clock-skew factor × a per-step jitter factor, stretched when the core's
/// own neuron work takes longer (an overrun). At a tick a core updates its neurons with the
/// synaptic input integrated since its previous tick and sends each fired neuron's messages as the
/// neuron fires; a message arrives after
/// its route's hop latencies (jittered), waits for the destination's synapse unit, and its input
/// joins the destination's first local step that starts after it has been processed. Neurons on
/// different cores thus live on different time steps. Events are ordered totally by
/// (time, core, kind, sequence), so no tie is left to a heap or a thread.
/// </summary>
internal sealed class AsyncEngine
{
    private enum Kind
    {
        Tick = 0,
        Arrival = 1,
        Integrate = 2,
    }

    private readonly record struct Key(long TimePs, int Core, int Kind, long Sequence);

    private readonly struct Event
    {
        public Event(Kind kind, int core, int message, int source, int sourceStep, long sentPs)
        {
            Kind = kind;
            Core = core;
            Message = message;
            Source = source;
            SourceStep = sourceStep;
            SentPs = sentPs;
        }

        public Kind Kind { get; }
        public int Core { get; }
        public int Message { get; }
        public int Source { get; }
        public int SourceStep { get; }
        public long SentPs { get; }
    }

    private sealed class KeyComparer : IComparer<Key>
    {
        public static readonly KeyComparer Instance = new();

        public int Compare(Key a, Key b)
        {
            var c = a.TimePs.CompareTo(b.TimePs);
            if (c != 0)
            {
                return c;
            }

            c = a.Core.CompareTo(b.Core);
            if (c != 0)
            {
                return c;
            }

            c = a.Kind.CompareTo(b.Kind);
            return c != 0 ? c : a.Sequence.CompareTo(b.Sequence);
        }
    }

    private readonly ChipInstance _chip;
    private readonly MappedNetwork _mapped;
    private readonly NetworkState _state;
    private readonly ReadoutCounter _readout;
    private readonly PriorityQueue<Event, Key> _queue = new(KeyComparer.Instance);
    private readonly CoreStepCounters[] _counters;
    private readonly long[] _stepStart;
    private readonly int[] _localStep;
    private readonly long[] _synapseFreeAt;
    private readonly int[] _inputIndexOfSlot;
    private readonly FiredList _fired;
    private readonly long[] _busyPs;
    private readonly bool[] _holdsOutput;
    private readonly bool[] _outputDone;
    private readonly bool[] _open;
    private readonly ProbeSampler _probes;
    private bool _probing;
    private long _sequence;

    public AsyncEngine(ChipInstance chip)
    {
        _chip = chip;
        _mapped = chip.Mapped;
        _state = new NetworkState(chip);
        _probes = new ProbeSampler(chip);
        _readout = new ReadoutCounter(chip);
        _counters = new CoreStepCounters[_mapped.CoreCount];
        _stepStart = new long[_mapped.CoreCount];
        _localStep = new int[_mapped.CoreCount];
        _synapseFreeAt = new long[_mapped.CoreCount];
        _inputIndexOfSlot = BarrierEngine.InputIndices(chip);
        _fired = new FiredList(chip.NeuronOfSlot.Length);
        _busyPs = new long[_mapped.CoreCount];
        _holdsOutput = new bool[_mapped.CoreCount];
        _outputDone = new bool[_mapped.CoreCount];
        _open = new bool[_mapped.CoreCount];
        foreach (var slot in _readout.Slots)
        {
            _holdsOutput[chip.CoreOfSlot[slot]] = true;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public InferenceResult Run(int index, InferenceInput input, RunOptions options, ISimulationObserver? observer)
    {
        _state.Reset();
        _readout.Reset();
        _probing = _probes.Prepare(observer);
        _queue.Clear();
        _sequence = 0;
        Array.Clear(_counters);
        Array.Clear(_stepStart);
        Array.Clear(_localStep);
        Array.Clear(_synapseFreeAt);
        Array.Clear(_outputDone);
        Array.Clear(_open);
        var costs = _chip.Costs;
        var periodPs = options.AsyncPeriodPs ?? Simulator.NominalAsyncPeriodPs(_chip);
        var energy = default(EnergyBreakdown);
        var totals = default(CoreStepCounters);
        var overruns = 0;
        var outputCores = _holdsOutput.Count(h => h);
        var doneCores = 0;
        long endPs = 0;
        var decisionStep = 0;
        var finished = false;
        for (var core = 0; core < _mapped.CoreCount; core++)
        {
            Schedule(0, core, new Event(Kind.Tick, core, -1, -1, -1, 0));
        }

        while (!finished && _queue.TryDequeue(out var e, out var key))
        {
            var now = key.TimePs;
            switch (e.Kind)
            {
                case Kind.Tick:
                {
                    // _localStep[core]: the step the core is in (from 1; 0 before its first tick).
                    var core = e.Core;
                    if (_localStep[core] > 0)
                    {
                        Close(core, _localStep[core], now, observer, ref energy, ref totals);
                    }

                    if (_holdsOutput[core] && _localStep[core] == options.Steps)
                    {
                        _outputDone[core] = true;
                        doneCores++;
                        if (doneCores == outputCores)
                        {
                            endPs = now;
                            decisionStep = options.Steps;
                            finished = true;
                        }

                        break;
                    }

                    var step = _localStep[core] + 1;
                    _localStep[core] = step;
                    _stepStart[core] = now;
                    _open[core] = true;
                    var work = TickCore(core, step, now, input, observer, options.FirstSample + index);
                    if (_holdsOutput[core] && step >= options.CountFromStep)
                    {
                        _readout.Count(_state, step);
                        if (options.EarlyExit && outputCores == 1 && _readout.LeaderIsCertain(options.Steps - step))
                        {
                            endPs = now + work;
                            decisionStep = step;
                            Close(core, step, endPs, observer, ref energy, ref totals);
                            finished = true;
                            break;
                        }
                    }

                    var period = checked((long)Math.Round(periodPs * _chip.ClockFactor[core] * Jitter(core, options.FirstSample + index, step - 1, -1)));
                    if (work > period)
                    {
                        overruns++;
                    }

                    Schedule(checked(now + Math.Max(period, work)), core, new Event(Kind.Tick, core, -1, -1, -1, 0));
                    break;
                }

                case Kind.Arrival:
                {
                    var destination = e.Core;
                    var synapses = _mapped.SynapseStart[e.Message + 1] - _mapped.SynapseStart[e.Message];
                    var processing = (long)Math.Round((costs.MessageIn.LatencyPs + synapses * costs.SynapticOp.LatencyPs) * _chip.ClockFactor[destination]);
                    var start = Math.Max(now, _synapseFreeAt[destination]);
                    var done = start + processing;
                    _synapseFreeAt[destination] = done;
                    _counters[destination].MessagesIn++;
                    _counters[destination].SynapticOps += synapses;
                    if (observer is { WantsMessages: true })
                    {
                        var sourceCore = _mapped.NeuronCore[e.Source];
                        var route = _mapped.Route(sourceCore, destination);
                        observer.OnMessage(new MessageEvent(e.SourceStep, e.Source, sourceCore, destination, synapses,
                            route.East, route.West, route.North, route.South, e.SentPs, start, done, 0, now - e.SentPs, 0, 0, 0, 0));
                    }

                    Schedule(done, destination, new Event(Kind.Integrate, destination, e.Message, e.Source, e.SourceStep, e.SentPs));
                    break;
                }

                case Kind.Integrate:
                    CoreUpdate.Deliver(_chip, e.Message, _state.InputNext, _state.InputNextF, _state.ReceivedNext);
                    break;
            }
        }

        // Work in progress on other cores when the decision is made still cost energy.
        for (var core = 0; core < _mapped.CoreCount; core++)
        {
            if (_open[core])
            {
                Close(core, _localStep[core], Math.Max(endPs, _stepStart[core]), observer, ref energy, ref totals);
            }
        }

        energy.StaticFj = costs.StaticEnergyFj(endPs);
        var result = _readout.Conclude(_chip, _state, index, input.Label, decisionStep, SimTime.FromPicoseconds(endPs), energy, totals, overruns);
        observer?.OnInferenceEnd(result);
        return result;
    }

    private void Close(int core, int step, long endPs, ISimulationObserver? observer, ref EnergyBreakdown energy, ref CoreStepCounters totals)
    {
        ref var counters = ref _counters[core];
        var coreEnergy = EnergyBreakdown.Of(counters, _chip.Costs);
        energy.Add(coreEnergy);
        totals.Add(counters);
        if (observer is { WantsCoreSteps: true })
        {
            observer.OnCoreStep(new CoreStepEvent(step, core, counters, coreEnergy, _stepStart[core], endPs, _busyPs[core]));
        }

        counters = default;
        _open[core] = false;
    }

    /// <summary>
    /// Updates a core's neurons at <paramref name="step"/> (from 1) and sends each fired neuron's messages
    /// as soon as it has fired (after the neuron work so far and one message-out latency per message);
    /// returns the core's busy time (ps).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private long TickCore(int core, int step, long now, InferenceInput input, ISimulationObserver? observer, int inference)
    {
        var chip = _chip;
        var state = _state;
        var costs = chip.Costs;
        ref var counters = ref _counters[core];
        CoreUpdate.Run(chip, state, _mapped.CoreNeuronStart[core], _mapped.CoreNeuronStart[core + 1], step, input,
            _inputIndexOfSlot, state.InputNext, state.InputNextF, state.ReceivedNext, ref counters, _fired);
        if (_probing)
        {
            _probes.Sample(core, step, state, observer!);
        }

        var scale = chip.ClockFactor[core] * Jitter(core, inference, step - 1, -2);
        var messageOut = (long)Math.Round(costs.MessageOut.LatencyPs * scale);
        var sentCount = 0;
        for (var f = 0; f < _fired.Count; f++)
        {
            var slot = _fired.Slots[f];
            var neuron = chip.NeuronOfSlot[slot];
            var inputIndex = _inputIndexOfSlot[slot];
            var firedAt = now + (long)Math.Round(EnergyBreakdown.NeuronLatencyPs(_fired.Accessed[f], _fired.Updated[f], _fired.Fired[f], costs) * scale)
                + sentCount * messageOut;
            if (observer is not null)
            {
                CoreUpdate.Report(observer, step, inputIndex, neuron, core, inputIndex >= 0 ? now : firedAt);
            }

            var sent = firedAt;
            for (var m = _mapped.MessageStart[neuron]; m < _mapped.MessageStart[neuron + 1]; m++)
            {
                var destination = _mapped.MessageDestinationCore[m];
                var (east, west, north, south) = CoreUpdate.CountSent(ref counters, chip.MessageHops[m]);
                sent += messageOut;
                sentCount++;
                var network = (long)Math.Round(costs.RouteLatencyPs(east, west, north, south) * Jitter(core, inference, step - 1, m));
                Schedule(sent + network, destination, new Event(Kind.Arrival, destination, m, neuron, step, sent));
            }
        }

        var busy = (long)Math.Round(EnergyBreakdown.NeuronLatencyPs(counters, costs) * scale) + sentCount * messageOut;
        _busyPs[core] = busy;
        return busy;
    }

    private double Jitter(int core, int inference, int step, int item)
    {
        var variation = _chip.Variability.LatencyJitter;
        if (variation.IsNone)
        {
            return 1.0;
        }

        var key = Philox.StreamId((ulong)inference, (ulong)step, (ulong)(item + 2));
        return ChipInstance.Factor(variation, _chip.Seed, VariabilityStream.LatencyJitter, (ulong)core, key);
    }

    private void Schedule(long timePs, int core, Event e) => _queue.Enqueue(e, new Key(timePs, core, (int)e.Kind, _sequence++));
}
