using System.Runtime.CompilerServices;
using Neuromorphic.Chip.Costs;
using Neuromorphic.Chip.Timing;
using Neuromorphic.Core.Units;
using Neuromorphic.Mapping;
using Neuromorphic.Simulation.Input;
using Neuromorphic.Simulation.Variability;

namespace Neuromorphic.Simulation.Engine;

/// <summary>
/// Barrier mode: Loihi's algorithmic step, numbered from 1 as in the network contract. In each step
/// every core updates its neurons (inputs fire from the encoder; compartments integrate the
/// synaptic input of spikes sent in the previous step) and sends one message per fired neuron and
/// destination core as the neuron fires, whose synapses add into the targets' accumulators for the
/// next step; the timing model turns the step's work into a
/// duration and a mesh-wide barrier ends it. Cores are visited in index order and neurons in slot
/// order, so results are identical run after run. Handshake mode runs the same steps (the same
/// spikes) without the barrier: each core's times come from <see cref="HandshakeClock"/>.
/// </summary>
internal sealed class BarrierEngine
{
    private readonly ChipInstance _chip;
    private readonly MappedNetwork _mapped;
    private readonly NetworkState _state;
    private readonly ReadoutCounter _readout;
    private readonly BarrierStepTiming _timing;
    private readonly CoreStepCounters[] _counters;
    private readonly int[] _inputIndexOfSlot;
    private readonly InputSchedule _inputs;
    private readonly FiredList _fired;
    private readonly int[] _messageSource;
    private readonly HandshakeClock _handshake;
    private readonly ProbeSampler _probes;

    public BarrierEngine(ChipInstance chip)
    {
        _chip = chip;
        _mapped = chip.Mapped;
        _state = new NetworkState(chip);
        _readout = new ReadoutCounter(chip);
        _timing = new BarrierStepTiming(_mapped.CoreTile, _mapped.Chip.Mesh.Width, _mapped.Chip.Mesh.Height, _mapped.CoreSlots);
        _counters = new CoreStepCounters[_mapped.CoreCount];
        _inputIndexOfSlot = InputIndices(chip);
        _inputs = new InputSchedule(_inputIndexOfSlot);
        _fired = new FiredList(chip.NeuronOfSlot.Length);
        _messageSource = new int[Math.Max(16, _mapped.MessageCount)];
        _handshake = new HandshakeClock(_mapped, chip.Costs, _readout.Slots.Select(s => chip.CoreOfSlot[s]));
        _probes = new ProbeSampler(chip);
    }

    internal static int[] InputIndices(ChipInstance chip)
    {
        var network = chip.Mapped.Network;
        var result = new int[chip.NeuronOfSlot.Length];
        Array.Fill(result, -1);
        var input = network.InputPopulation;
        if (input is not null)
        {
            for (var i = 0; i < input.Size; i++)
            {
                result[chip.SlotOfNeuron[input.FirstNeuron + i]] = i;
            }
        }

        return result;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public InferenceResult Run(int index, InferenceInput input, RunOptions options, ISimulationObserver? observer, IStepHook? hook = null)
    {
        _state.Reset();
        hook?.Begin(_state);
        _readout.Reset();
        _inputs.Begin(input);
        var costs = _chip.Costs;
        var energy = default(EnergyBreakdown);
        var totals = default(CoreStepCounters);
        long timePs = 0;
        var steps = 0;
        var messageOut = costs.MessageOut.LatencyPs;
        var handshake = options.Mode == SyncMode.Handshake;
        _handshake.Reset();
        var probing = _probes.Prepare(observer);
        for (var step = 1; step <= options.Steps; step++)
        {
            steps = step;
            Array.Clear(_counters);
            _timing.Reset();
            var messageCount = 0;
            hook?.BeforeStep(step, _state);
            for (var core = 0; core < _mapped.CoreCount; core++)
            {
                ref var counters = ref _counters[core];
                CoreUpdate.Run(_chip, _state, _mapped.CoreNeuronStart[core], _mapped.CoreNeuronStart[core + 1], step, _inputs,
                    _state.InputNow, _state.InputNowF, _state.ReceivedNow, ref counters, _fired);
                if (probing)
                {
                    _probes.Sample(core, step, _state, observer!);
                }

                int accessed = 0, updated = 0, firedSoFar = 0, sent = 0;
                for (var f = 0; f < _fired.Count; f++)
                {
                    var slot = _fired.Slots[f];
                    var neuron = _chip.NeuronOfSlot[slot];
                    if (observer is not null)
                    {
                        var doneAt = _inputIndexOfSlot[slot] >= 0 ? 0
                            : EnergyBreakdown.NeuronLatencyPs(_fired.Accessed[f], _fired.Updated[f], _fired.Fired[f], costs) + sent * messageOut;
                        CoreUpdate.Report(observer, step, _inputIndexOfSlot[slot], neuron, core, (handshake ? _handshake.StartPs(core) : timePs) + doneAt);
                    }

                    for (var m = _mapped.MessageStart[neuron]; m < _mapped.MessageStart[neuron + 1]; m++)
                    {
                        var destination = _mapped.MessageDestinationCore[m];
                        var synapses = _chip.MessageSynapses[m];
                        var (east, west, north, south) = CoreUpdate.CountSent(ref counters, _chip.MessageHops[m]);
                        CoreUpdate.Deliver(_chip, m, _state.InputNext, _state.InputNextF, _state.ReceivedNext);
                        _counters[destination].MessagesIn++;
                        _counters[destination].SynapticOps += synapses;
                        _timing.AddMessage(core, destination, synapses, east, west, north, south,
                            _fired.Accessed[f] - accessed, _fired.Updated[f] - updated, _fired.Fired[f] - firedSoFar);
                        (accessed, updated, firedSoFar) = (_fired.Accessed[f], _fired.Updated[f], _fired.Fired[f]);
                        _messageSource[messageCount++] = neuron;
                        sent++;
                    }
                }
            }

            hook?.AfterStep(step, _state);
            for (var core = 0; core < _mapped.CoreCount; core++)
            {
                _timing.SetCoreWork(core, _counters[core]);
            }

            var duration = options.Timing == TimingModel.Detailed ? _timing.Compute(costs) : _timing.ComputeSimple(costs);
            if (handshake)
            {
                HandshakeWork(options.Timing, costs);
            }

            for (var core = 0; core < _mapped.CoreCount; core++)
            {
                var coreEnergy = EnergyBreakdown.Of(_counters[core], costs);
                energy.Add(coreEnergy);
                totals.Add(_counters[core]);
                if (observer is { WantsCoreSteps: true })
                {
                    var (start, end) = handshake ? (_handshake.StartPs(core), _handshake.NextStartPs(core)) : (timePs, timePs + duration);
                    observer.OnCoreStep(new CoreStepEvent(step, core, _counters[core], coreEnergy, start, end,
                        EnergyBreakdown.NeuronLatencyPs(_counters[core], costs) + _counters[core].MessagesOut * messageOut));
                }
            }

            energy.NetworkFj = checked(energy.NetworkFj + (handshake ? _handshake.TokenEnergyFjPerStep : costs.BarrierEnergyFj));
            if (observer is { WantsMessages: true } && options.Timing == TimingModel.Detailed)
            {
                var messages = _timing.Messages;
                for (var i = 0; i < messages.Length; i++)
                {
                    ref readonly var m = ref messages[i];
                    var (sendOrigin, receiveOrigin) = handshake ? (_handshake.StartPs(m.SourceCore), _handshake.ReceiveStartPs(m.DestinationCore)) : (timePs, timePs);
                    observer.OnMessage(new MessageEvent(step, _messageSource[i], m.SourceCore, m.DestinationCore, m.Synapses,
                        m.HopsEast, m.HopsWest, m.HopsNorth, m.HopsSouth, sendOrigin + m.SentPs, receiveOrigin + m.ReceivedPs, receiveOrigin + m.ProcessedPs,
                        m.GenerationDelayPs, m.NetworkDelayPs, m.BlockingPs, m.AccessedBefore, m.UpdatedBefore, m.FiredBefore));
                }
            }

            timePs = handshake ? _handshake.DecisionPs() : checked(timePs + duration);
            if (step >= options.CountFromStep)
            {
                _readout.Count(_state, step);
                if (options.EarlyExit && _readout.LeaderIsCertain(options.Steps - step))
                {
                    break;
                }
            }

            _state.SwapInputs();
            _handshake.EndStep();
        }

        energy.StaticFj = costs.StaticEnergyFj(timePs);
        var result = _readout.Conclude(_chip, _state, index, input.Label, steps, SimTime.FromPicoseconds(timePs), energy, totals);
        observer?.OnInferenceEnd(result);
        return result;
    }

    /// <summary>Gives the handshake clock each core's step work from the timing model just computed, and advances it.</summary>
    private void HandshakeWork(TimingModel model, CostTable costs)
    {
        if (model == TimingModel.Detailed)
        {
            for (var core = 0; core < _mapped.CoreCount; core++)
            {
                _handshake.SetGeneration(core, _timing.GenerationEndPs(core));
            }

            foreach (ref readonly var m in _timing.Messages)
            {
                _handshake.AddReceive(m.DestinationCore, m.ProcessedPs);
            }
        }
        else
        {
            for (var core = 0; core < _mapped.CoreCount; core++)
            {
                ref readonly var w = ref _counters[core];
                _handshake.SetGeneration(core, EnergyBreakdown.NeuronLatencyPs(w, costs) + (long)w.MessagesOut * costs.MessageOut.LatencyPs);
                _handshake.AddReceive(core, w.MessagesIn * costs.MessageIn.LatencyPs + w.SynapticOps * costs.SynapticOp.LatencyPs);
            }
        }

        _handshake.Advance();
    }
}
