using System.Runtime.CompilerServices;
using Neuromorphic.Chip.Costs;
using Neuromorphic.Chip.Timing;
using Neuromorphic.Core.Random;
using Neuromorphic.Core.Units;
using Neuromorphic.Mapping;
using Neuromorphic.Simulation.Input;
using Neuromorphic.Simulation.Variability;

namespace Neuromorphic.Simulation.Engine;

/// <summary>
/// Async mode (GALS): a discrete-event simulation of free-running cores, steps numbered from 1 on
/// each core's own clock. A core ticks every nominal period × its clock-skew factor × a per-step
/// jitter factor, or later when its step's work (neuron pass, sends, stalls) outlasts that (an
/// overrun). At a tick it updates its neurons with the synaptic input integrated since its
/// previous tick, then sends each fired neuron's messages one after the other as in the barrier
/// model. A send needs a slot in the destination's bounded input queue (<see cref="InputQueues"/>):
/// when it is full the sender stalls until the destination's synapse unit frees one. A message
/// contends in the network (<see cref="NetworkContention"/>), waits for the destination's synapse
/// unit (messages are accepted in send order), and is integrated when processed: it joins the
/// destination's first local step after that, late when that step is more than one after the
/// step that sent it. Each core runs the inference's steps once; the decision comes when the
/// read-out cores have finished their last step (or, with early exit and one read-out core, when
/// its leader can no longer be caught); the other cores then finish the step they are in. Events are ordered totally by (time, core, kind,
/// sequence), so no tie is left to a heap or a thread.
/// </summary>
internal sealed class AsyncEngine
{
    private enum Kind
    {
        Tick = 0,
        Send = 1,
        Done = 2,
        Integrate = 3,
    }

    /// <summary>The total event order: (time, core, kind, sequence). Compared as a value type with no comparer object, so the heap's comparisons inline.</summary>
    private readonly record struct Key(long TimePs, int Core, int Kind, long Sequence) : IComparable<Key>
    {
        public int CompareTo(Key other)
        {
            var c = TimePs.CompareTo(other.TimePs);
            if (c != 0)
            {
                return c;
            }

            c = Core.CompareTo(other.Core);
            if (c != 0)
            {
                return c;
            }

            c = Kind.CompareTo(other.Kind);
            return c != 0 ? c : Sequence.CompareTo(other.Sequence);
        }
    }

    private readonly record struct Event(Kind Kind, int Core, int Message, int Source, int SourceStep, long SentPs);

    private readonly ChipInstance _chip;
    private readonly MappedNetwork _mapped;
    private readonly NetworkState _state;
    private readonly ReadoutCounter _readout;
    private readonly PriorityQueue<Event, Key> _queue = new();
    private readonly InputQueues _inputQueues;
    private readonly NetworkContention _contention;
    private readonly CoreStepCounters[] _counters;
    private readonly long[] _stepStart;
    private readonly int[] _localStep;
    private readonly long[] _synapseFreeAt;
    private readonly int[] _inputIndexOfSlot;
    private readonly InputSchedule _inputs;
    private readonly FiredList _fired;
    private readonly long[] _busyPs;
    private readonly bool[] _holdsOutput;
    private readonly bool[] _open;
    private readonly long[] _waitingSince;

    // The messages a core sends in its current step, in order (each core owns a range of these arrays).
    private readonly int[] _pendingBase;
    private readonly int[] _pendingNext;
    private readonly int[] _pendingEnd;
    private readonly int[] _pendingMessage;
    private readonly int[] _pendingNeuron;
    private readonly long[] _pendingDelayPs;
    private readonly long[] _leftoverPs;
    private readonly ProbeSampler _probes;
    private bool _probing;
    private long _sequence;

    public AsyncEngine(ChipInstance chip)
    {
        _chip = chip;
        _mapped = chip.Mapped;
        var cores = _mapped.CoreCount;
        _state = new NetworkState(chip);
        _probes = new ProbeSampler(chip);
        _readout = new ReadoutCounter(chip);
        _inputQueues = new InputQueues(cores, _mapped.Chip.Timing.InputQueueMessages);
        _contention = new NetworkContention(new MeshRoutes(_mapped.CoreTile, _mapped.Chip.Mesh.Width, _mapped.Chip.Mesh.Height));
        _counters = new CoreStepCounters[cores];
        _stepStart = new long[cores];
        _localStep = new int[cores];
        _synapseFreeAt = new long[cores];
        _inputIndexOfSlot = BarrierEngine.InputIndices(chip);
        _inputs = new InputSchedule(_inputIndexOfSlot);
        _fired = new FiredList(chip.NeuronOfSlot.Length);
        _busyPs = new long[cores];
        _holdsOutput = new bool[cores];
        _open = new bool[cores];
        _waitingSince = new long[cores];
        foreach (var slot in _readout.Slots)
        {
            _holdsOutput[chip.CoreOfSlot[slot]] = true;
        }

        _pendingBase = new int[cores + 1];
        for (var neuron = 0; neuron < _mapped.NeuronCount; neuron++)
        {
            _pendingBase[_mapped.NeuronCore[neuron] + 1] += _mapped.MessageStart[neuron + 1] - _mapped.MessageStart[neuron];
        }

        for (var c = 0; c < cores; c++)
        {
            _pendingBase[c + 1] += _pendingBase[c];
        }

        _pendingNext = new int[cores];
        _pendingEnd = new int[cores];
        _pendingMessage = new int[_pendingBase[cores]];
        _pendingNeuron = new int[_pendingBase[cores]];
        _pendingDelayPs = new long[_pendingBase[cores]];
        _leftoverPs = new long[cores];
    }

    /// <summary>One inference's run: the clocks, counters and tallies it keeps.</summary>
    private ref struct Tally
    {
        public int Inference;
        public long PeriodPs;
        public EnergyBreakdown Energy;
        public CoreStepCounters Totals;
        public int Overruns;
        public int Stalls;
        public long StallPs;
        public int LateSpikes;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public InferenceResult Run(int index, InferenceInput input, RunOptions options, ISimulationObserver? observer)
    {
        _state.Reset();
        _readout.Reset();
        _inputs.Begin(input);
        _probing = _probes.Prepare(observer);
        _queue.Clear();
        _inputQueues.Reset();
        _contention.Reset();
        _sequence = 0;
        Array.Clear(_counters);
        Array.Clear(_stepStart);
        Array.Clear(_localStep);
        Array.Clear(_synapseFreeAt);
        Array.Clear(_open);
        Array.Clear(_busyPs);
        var run = new Tally
        {
            Inference = options.FirstSample + index,
            PeriodPs = options.AsyncPeriodPs ?? throw new InvalidOperationException("async mode needs a period (the run planner resolves it)"),
        };
        var outputCores = _holdsOutput.Count(h => h);
        var doneCores = 0;
        long endPs = 0;
        var decisionStep = 0;
        var finished = false;
        for (var core = 0; core < _mapped.CoreCount; core++)
        {
            Schedule(0, new Event(Kind.Tick, core, -1, -1, -1, 0));
        }

        // After the decision, the cores finish the steps they are in (their sends and receives cost
        // energy, as the barrier's last step does) but start no new one.
        while (_queue.TryDequeue(out var e, out var key))
        {
            var now = key.TimePs;
            var core = e.Core;
            switch (e.Kind)
            {
                case Kind.Tick:
                    if (finished)
                    {
                        break;
                    }

                    if (_localStep[core] > 0)
                    {
                        Close(core, now, observer, ref run);
                    }

                    Tick(core, now, input, options, observer, ref run);
                    break;

                case Kind.Send:
                    Send(core, now, observer, ref run);
                    break;

                case Kind.Done:
                {
                    // _localStep[core]: the step whose work just finished (from 1).
                    var step = _localStep[core];
                    _busyPs[core] = now - _stepStart[core];
                    var period = checked((long)Math.Round(run.PeriodPs * _chip.ClockFactor[core] * Jitter(core, run.Inference, step - 1, -1)));
                    if (_busyPs[core] > period)
                    {
                        run.Overruns++;
                    }

                    if (finished)
                    {
                        break;
                    }

                    if (_holdsOutput[core])
                    {
                        var certain = options.EarlyExit && outputCores == 1 && step >= options.CountFromStep && _readout.LeaderIsCertain(options.Steps - step);
                        if (certain || (step == options.Steps && ++doneCores == outputCores))
                        {
                            endPs = now;
                            decisionStep = step;
                            finished = true;
                            break;
                        }
                    }

                    if (step < options.Steps)
                    {
                        Schedule(checked(_stepStart[core] + Math.Max(period, _busyPs[core])), new Event(Kind.Tick, core, -1, -1, -1, 0));
                    }

                    break;
                }

                case Kind.Integrate:
                {
                    var synapses = _mapped.SynapseStart[e.Message + 1] - _mapped.SynapseStart[e.Message];
                    CoreUpdate.Deliver(_chip, e.Message, _state.InputNext, _state.InputNextF, _state.ReceivedNext);
                    _counters[core].MessagesIn++;
                    _counters[core].SynapticOps += synapses;
                    if (_localStep[core] + 1 > e.SourceStep + 1)
                    {
                        run.LateSpikes++;
                    }

                    var waiting = _inputQueues.Release(core);
                    if (waiting >= 0)
                    {
                        run.StallPs += now - _waitingSince[waiting];
                        Transmit(waiting, now, observer, ref run);
                    }

                    break;
                }
            }
        }

        // Work in progress on other cores when the decision is made still cost energy.
        for (var core = 0; core < _mapped.CoreCount; core++)
        {
            if (_open[core])
            {
                Close(core, Math.Max(endPs, _stepStart[core] + _busyPs[core]), observer, ref run);
            }
        }

        var energy = run.Energy;
        energy.StaticFj = _chip.Costs.StaticEnergyFj(endPs);
        var result = _readout.Conclude(_chip, _state, index, input.Label, decisionStep, SimTime.FromPicoseconds(endPs), energy, run.Totals, run.Overruns)
            with { Stalls = run.Stalls, StallPs = run.StallPs, LateSpikes = run.LateSpikes };
        observer?.OnInferenceEnd(result);
        return result;
    }

    /// <summary>
    /// Starts <paramref name="core"/>'s next step at <paramref name="now"/>: updates its neurons, lists
    /// the messages of the neurons that fired with the delay before each (the neuron work since the
    /// previous message, then one message-out latency per message), and schedules the first send.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Tick(int core, long now, InferenceInput input, RunOptions options, ISimulationObserver? observer, ref Tally run)
    {
        var chip = _chip;
        var costs = chip.Costs;
        var step = ++_localStep[core];
        _stepStart[core] = now;
        _open[core] = true;
        ref var counters = ref _counters[core];
        CoreUpdate.Run(chip, _state, _mapped.CoreNeuronStart[core], _mapped.CoreNeuronStart[core + 1], step, _inputs,
            _state.InputNext, _state.InputNextF, _state.ReceivedNext, ref counters, _fired);
        if (_probing)
        {
            _probes.Sample(core, step, _state, observer!);
        }

        if (_holdsOutput[core] && step >= options.CountFromStep)
        {
            _readout.CountOnCore(_state, step, chip.CoreOfSlot, core);
        }

        var scale = chip.ClockFactor[core] * Jitter(core, run.Inference, step - 1, -2);
        var messageOut = (long)Math.Round(costs.MessageOut.LatencyPs * scale);
        var next = _pendingBase[core];
        long workSoFar = 0;
        long sentSoFar = 0;
        for (var f = 0; f < _fired.Count; f++)
        {
            var slot = _fired.Slots[f];
            var neuron = chip.NeuronOfSlot[slot];
            var work = (long)Math.Round(EnergyBreakdown.NeuronLatencyPs(_fired.Accessed[f], _fired.Updated[f], _fired.Fired[f], costs) * scale);
            if (observer is not null)
            {
                var inputIndex = _inputIndexOfSlot[slot];
                CoreUpdate.Report(observer, step, inputIndex, neuron, core, inputIndex >= 0 ? now : now + work + sentSoFar);
            }

            var first = true;
            for (var m = _mapped.MessageStart[neuron]; m < _mapped.MessageStart[neuron + 1]; m++)
            {
                _pendingMessage[next] = m;
                _pendingNeuron[next] = neuron;
                _pendingDelayPs[next] = (first ? work - workSoFar : 0) + messageOut;
                workSoFar = first ? work : workSoFar;
                first = false;
                sentSoFar += messageOut;
                next++;
            }
        }

        _leftoverPs[core] = Math.Max(0, (long)Math.Round(EnergyBreakdown.NeuronLatencyPs(counters, costs) * scale) - workSoFar);
        _pendingNext[core] = _pendingBase[core];
        _pendingEnd[core] = next;
        ScheduleNextItem(core, now);
    }

    /// <summary>The core's next message is due at <paramref name="now"/>: sends it, or stalls when the destination's queue is full.</summary>
    private void Send(int core, long now, ISimulationObserver? observer, ref Tally run)
    {
        var destination = _mapped.MessageDestinationCore[_pendingMessage[_pendingNext[core]]];
        if (_inputQueues.TryReserve(destination))
        {
            Transmit(core, now, observer, ref run);
            return;
        }

        run.Stalls++;
        _waitingSince[core] = now;
        _inputQueues.Wait(destination, core);
    }

    /// <summary>Sends the core's next message at <paramref name="now"/> (it holds a slot of the destination's queue) and schedules what follows.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Transmit(int core, long now, ISimulationObserver? observer, ref Tally run)
    {
        var chip = _chip;
        var costs = chip.Costs;
        var item = _pendingNext[core]++;
        var m = _pendingMessage[item];
        var destination = _mapped.MessageDestinationCore[m];
        var step = _localStep[core];
        var (blocking, congestion) = _contention.Assess(core, destination, now, costs.LinkBufferMessages);
        var sent = now + blocking;
        var (east, west, north, south) = CoreUpdate.CountSent(ref _counters[core], chip.MessageHops[m]);
        var hop = (long)Math.Round(costs.RouteLatencyPs(east, west, north, south) * Jitter(core, run.Inference, step - 1, m));
        var network = Math.Max(hop, congestion);
        var synapses = _mapped.SynapseStart[m + 1] - _mapped.SynapseStart[m];
        var processing = (long)Math.Round((costs.MessageIn.LatencyPs + synapses * costs.SynapticOp.LatencyPs) * chip.ClockFactor[destination]);
        var accepted = Math.Max(sent + network, _synapseFreeAt[destination]);
        var done = accepted + processing;
        _synapseFreeAt[destination] = done;
        _contention.Admit(core, destination, accepted, processing);
        if (observer is { WantsMessages: true })
        {
            observer.OnMessage(new MessageEvent(step, _pendingNeuron[item], core, destination, synapses,
                east, west, north, south, sent, accepted, done, _pendingDelayPs[item], network, blocking, 0, 0, 0));
        }

        Schedule(done, new Event(Kind.Integrate, destination, m, _pendingNeuron[item], step, sent));
        ScheduleNextItem(core, sent);
    }

    /// <summary>Schedules the core's next send after <paramref name="afterPs"/>, or the end of its step's work when none is left.</summary>
    private void ScheduleNextItem(int core, long afterPs)
    {
        var next = _pendingNext[core];
        if (next < _pendingEnd[core])
        {
            Schedule(afterPs + _pendingDelayPs[next], new Event(Kind.Send, core, -1, -1, -1, 0));
        }
        else
        {
            Schedule(afterPs + _leftoverPs[core], new Event(Kind.Done, core, -1, -1, -1, 0));
        }
    }

    private void Close(int core, long endPs, ISimulationObserver? observer, ref Tally run)
    {
        ref var counters = ref _counters[core];
        var coreEnergy = EnergyBreakdown.Of(counters, _chip.Costs);
        run.Energy.Add(coreEnergy);
        run.Totals.Add(counters);
        if (observer is { WantsCoreSteps: true })
        {
            observer.OnCoreStep(new CoreStepEvent(_localStep[core], core, counters, coreEnergy, _stepStart[core], endPs, _busyPs[core]));
        }

        counters = default;
        _open[core] = false;
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

    private void Schedule(long timePs, Event e) => _queue.Enqueue(e, new Key(timePs, e.Core, (int)e.Kind, _sequence++));
}
