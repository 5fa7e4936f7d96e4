using System.Runtime.CompilerServices;
using Neuromorphic.Chip.Costs;
using Neuromorphic.Chip.Timing;
using Neuromorphic.Core.Units;
using Neuromorphic.Mapping;
using Neuromorphic.Simulation.Input;
using Neuromorphic.Simulation.Kernels;
using Neuromorphic.Simulation.Variability;

namespace Neuromorphic.Simulation.Engine;

/// <summary>
/// Barrier mode with the sigma-delta realization on graded spikes (<see cref="SigmaDeltaKernels"/>;
/// src/Neuromorphic.Simulation/README.md, "Sigma-delta realization"). The same algorithmic step as
/// <see cref="BarrierEngine"/>: cores in index order, neurons in slot order; a neuron that sends emits one graded
/// message per destination core, whose synapses add weight × payload into the targets' pending input for the next step;
/// the barrier timing model turns the step's work into a duration. Input neurons send the sigma-delta code of their
/// pixel (the change of round(pixel·F/255) since they last sent, when it reaches the delta threshold). Accounting:
/// every compartment is accessed; it is updated when its σ or u is non-zero, input reached it, it has a bias, or it
/// sends; a sending compartment counts as fired (its graded spike out); sending inputs count as input spikes.
/// The class is the output neuron whose last sent value is largest (ties: larger u, then lower index). Early exit:
/// stop after the first step in which nothing was sent (the sigma-delta steady state: every output is within the delta
/// threshold of what its receivers hold) once the output has sent anything.
/// </summary>
internal sealed class SigmaDeltaEngine
{
    private readonly ChipInstance _chip;
    private readonly MappedNetwork _mapped;
    private readonly BarrierStepTiming _timing;
    private readonly CoreStepCounters[] _counters;
    private readonly int[] _inputIndexOfSlot;
    private readonly int[] _outputSlots;
    private readonly FiredList _sending;
    private readonly int[] _payload;
    private readonly int[] _messageSource;
    private readonly int _fractionBits;

    // Per-slot state, reset per inference.
    private readonly long[] _sigma;
    private readonly float[] _sigmaF;
    private readonly int[] _u;
    private readonly float[] _uF;
    private readonly int[] _sent;
    private long[] _pendingNow, _pendingNext;
    private float[] _pendingNowF, _pendingNextF;
    private byte[] _receivedNow, _receivedNext;

    public SigmaDeltaEngine(ChipInstance chip)
    {
        _chip = chip;
        _mapped = chip.Mapped;
        _fractionBits = PayloadFractionBits(_mapped.Chip.Core.MessagePayloadBits);
        _timing = new BarrierStepTiming(_mapped.CoreTile, _mapped.Chip.Mesh.Width, _mapped.Chip.Mesh.Height, _mapped.CoreSlots);
        _counters = new CoreStepCounters[_mapped.CoreCount];
        _inputIndexOfSlot = BarrierEngine.InputIndices(chip);
        var network = _mapped.Network;
        var output = network.GetPopulation(network.Readout?.Population ?? network.Populations[^1].Name);
        _outputSlots = Enumerable.Range(0, output.Size).Select(i => chip.SlotOfNeuron[output.FirstNeuron + i]).ToArray();
        var n = chip.NeuronOfSlot.Length;
        _sending = new FiredList(n);
        _payload = new int[n];
        _messageSource = new int[Math.Max(16, _mapped.MessageCount)];
        _sigma = new long[n];
        _sigmaF = new float[n];
        _u = new int[n];
        _uF = new float[n];
        _sent = new int[n];
        (_pendingNow, _pendingNext) = (new long[n], new long[n]);
        (_pendingNowF, _pendingNextF) = (new float[n], new float[n]);
        (_receivedNow, _receivedNext) = (new byte[n], new byte[n]);
    }

    /// <summary>Fraction bits f = b − 1 of a b-bit payload; the realization needs b ≥ 2 (a sign and at least one magnitude bit).</summary>
    public static int PayloadFractionBits(int payloadBits) =>
        payloadBits >= 2 ? payloadBits - 1 : throw new ArgumentOutOfRangeException(nameof(payloadBits), payloadBits, "the sigma-delta realization needs graded payloads of at least 2 bits");

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public InferenceResult Run(int index, InferenceInput input, RunOptions options, ISimulationObserver? observer)
    {
        Reset();
        var pixels = input.Pixels ?? throw new ArgumentException("the sigma-delta realization needs image inputs (pixel intensities), not input events", nameof(input));
        var costs = _chip.Costs;
        var energy = default(EnergyBreakdown);
        var totals = default(CoreStepCounters);
        var deltaThreshold = SigmaDeltaKernels.ThresholdUnits(options.DeltaThreshold, _fractionBits);
        var messageOut = costs.MessageOut.LatencyPs;
        long timePs = 0;
        var steps = 0;
        var outputHasSent = false;
        for (var step = 1; step <= options.Steps; step++)
        {
            steps = step;
            Array.Clear(_counters);
            _timing.Reset();
            var messageCount = 0;
            for (var core = 0; core < _mapped.CoreCount; core++)
            {
                ref var counters = ref _counters[core];
                UpdateCore(_mapped.CoreNeuronStart[core], _mapped.CoreNeuronStart[core + 1], pixels, deltaThreshold, ref counters);
                int accessed = 0, updated = 0, firedSoFar = 0, sent = 0;
                for (var f = 0; f < _sending.Count; f++)
                {
                    var slot = _sending.Slots[f];
                    var neuron = _chip.NeuronOfSlot[slot];
                    if (observer is not null)
                    {
                        var doneAt = _inputIndexOfSlot[slot] >= 0 ? 0
                            : EnergyBreakdown.NeuronLatencyPs(_sending.Accessed[f], _sending.Updated[f], _sending.Fired[f], costs) + sent * messageOut;
                        Report(observer, step, _inputIndexOfSlot[slot], neuron, core, timePs + doneAt, _payload[f]);
                    }

                    for (var m = _mapped.MessageStart[neuron]; m < _mapped.MessageStart[neuron + 1]; m++)
                    {
                        var destination = _mapped.MessageDestinationCore[m];
                        var synapses = _chip.MessageSynapses[m];
                        var (east, west, north, south) = CoreUpdate.CountSent(ref counters, _chip.MessageHops[m]);
                        Deliver(m, _payload[f]);
                        _counters[destination].MessagesIn++;
                        _counters[destination].SynapticOps += synapses;
                        _timing.AddMessage(core, destination, synapses, east, west, north, south,
                            _sending.Accessed[f] - accessed, _sending.Updated[f] - updated, _sending.Fired[f] - firedSoFar);
                        (accessed, updated, firedSoFar) = (_sending.Accessed[f], _sending.Updated[f], _sending.Fired[f]);
                        _messageSource[messageCount++] = neuron;
                        sent++;
                    }
                }
            }

            for (var core = 0; core < _mapped.CoreCount; core++)
            {
                _timing.SetCoreWork(core, _counters[core]);
            }

            var duration = options.Timing == TimingModel.Detailed ? _timing.Compute(costs) : _timing.ComputeSimple(costs);
            var stepSends = 0;
            for (var core = 0; core < _mapped.CoreCount; core++)
            {
                var coreEnergy = EnergyBreakdown.Of(_counters[core], costs);
                energy.Add(coreEnergy);
                totals.Add(_counters[core]);
                stepSends += _counters[core].NeuronsFired + _counters[core].InputSpikes;
                if (observer is { WantsCoreSteps: true })
                {
                    observer.OnCoreStep(new CoreStepEvent(step, core, _counters[core], coreEnergy, timePs, timePs + duration,
                        EnergyBreakdown.NeuronLatencyPs(_counters[core], costs) + _counters[core].MessagesOut * messageOut));
                }
            }

            energy.NetworkFj = checked(energy.NetworkFj + costs.BarrierEnergyFj);
            if (observer is { WantsMessages: true } && options.Timing == TimingModel.Detailed)
            {
                ReportMessages(observer, step, timePs);
            }

            timePs = checked(timePs + duration);
            outputHasSent |= OutputHasSent();
            (_pendingNow, _pendingNext) = (_pendingNext, _pendingNow);
            (_pendingNowF, _pendingNextF) = (_pendingNextF, _pendingNowF);
            (_receivedNow, _receivedNext) = (_receivedNext, _receivedNow);
            if (options.EarlyExit && stepSends == 0 && outputHasSent)
            {
                break;
            }
        }

        energy.StaticFj = costs.StaticEnergyFj(timePs);
        var outputs = _outputSlots.Select(s => _sent[s]).ToArray();
        var result = new InferenceResult
        {
            Index = index,
            Label = input.Label,
            Predicted = Decide(),
            OutputCounts = outputs,
            Steps = steps,
            Latency = SimTime.FromPicoseconds(timePs),
            Energy = energy,
            Totals = totals,
        };
        observer?.OnInferenceEnd(result);
        return result;
    }

    private void Reset()
    {
        Array.Clear(_sigma);
        Array.Clear(_sigmaF);
        Array.Clear(_u);
        Array.Clear(_uF);
        Array.Clear(_sent);
        Array.Clear(_pendingNow);
        Array.Clear(_pendingNext);
        Array.Clear(_pendingNowF);
        Array.Clear(_pendingNextF);
        Array.Clear(_receivedNow);
        Array.Clear(_receivedNext);
    }

    /// <summary>The neuron pass of one core: inputs send their pixel's change, compartments integrate and send theirs; lists the senders.</summary>
    private void UpdateCore(int first, int end, byte[] pixels, int deltaThreshold, ref CoreStepCounters counters)
    {
        var chip = _chip;
        var f = _fractionBits;
        int count = 0, accessed = 0, updated = 0, fired = 0, inputSpikes = 0;
        for (var s = first; s < end; s++)
        {
            int y;
            var inputIndex = _inputIndexOfSlot[s];
            if (inputIndex >= 0)
            {
                y = inputIndex < pixels.Length ? SigmaDeltaKernels.PixelLevel(pixels[inputIndex], f) : 0;
            }
            else
            {
                var reached = _receivedNow[s] != 0;
                _receivedNow[s] = 0;
                bool active;
                if (chip.FixedPoint)
                {
                    active = _sigma[s] != 0 || _u[s] != 0 || chip.BiasUnits[s] != 0;
                    y = SigmaDeltaKernels.StepFixed(ref _sigma[s], ref _u[s], _pendingNow[s], chip.DecayUField[s], chip.BiasUnits[s], chip.ThresholdUnits[s], f);
                    _pendingNow[s] = 0;
                }
                else
                {
                    active = _sigmaF[s] != 0 || _uF[s] != 0 || chip.Bias[s] != 0 || chip.CurrentBias[s] != 0;
                    y = SigmaDeltaKernels.StepFloat(ref _sigmaF[s], ref _uF[s], _pendingNowF[s], chip.DecayU[s], chip.CurrentBias[s], chip.Bias[s], chip.Threshold[s], f);
                    _pendingNowF[s] = 0;
                }

                accessed++;
                var delta = SigmaDeltaKernels.Delta(y, _sent[s], deltaThreshold, f);
                updated += active || reached || delta != 0 ? 1 : 0;
                if (delta != 0)
                {
                    fired++;
                    _sent[s] += delta;
                    _payload[count] = delta;
                    _sending.Set(count++, s, accessed, updated, fired);
                }

                continue;
            }

            var change = SigmaDeltaKernels.Delta(y, _sent[s], deltaThreshold, f);
            if (change != 0)
            {
                inputSpikes++;
                _sent[s] += change;
                _payload[count] = change;
                _sending.Set(count++, s, accessed, updated, fired);
            }
        }

        counters.NeuronsAccessed += accessed;
        counters.NeuronsUpdated += updated;
        counters.NeuronsFired += fired;
        counters.InputSpikes += inputSpikes;
        _sending.Count = count;
    }

    /// <summary>Adds weight × payload of message <paramref name="message"/> into its targets' pending input for the next step.</summary>
    private void Deliver(int message, int payload)
    {
        var chip = _chip;
        for (var r = chip.RunStart[message]; r < chip.RunStart[message + 1]; r++)
        {
            var target = chip.RunTargetSlot[r];
            var length = chip.RunLength[r];
            var offset = chip.RunWeightOffset[r];
            _receivedNext.AsSpan(target, length).Fill(1);
            if (chip.FixedPoint)
            {
                SigmaDeltaKernels.Deliver(_pendingNext.AsSpan(target, length), chip.WeightUnits.AsSpan(offset, length), payload);
            }
            else
            {
                SigmaDeltaKernels.Deliver(_pendingNextF.AsSpan(target, length), chip.WeightFloat.AsSpan(offset, length), payload);
            }
        }
    }

    private bool OutputHasSent()
    {
        foreach (var s in _outputSlots)
        {
            if (_sent[s] != 0)
            {
                return true;
            }
        }

        return false;
    }

    private int Decide()
    {
        var best = 0;
        for (var i = 1; i < _outputSlots.Length; i++)
        {
            int value = _sent[_outputSlots[i]], leader = _sent[_outputSlots[best]];
            if (value > leader || (value == leader && CurrentOf(i) > CurrentOf(best)))
            {
                best = i;
            }
        }

        return best;
    }

    private double CurrentOf(int output)
    {
        var slot = _outputSlots[output];
        return _chip.FixedPoint ? _u[slot] / _chip.UnitsPerFloat[slot] : _uF[slot];
    }

    /// <summary>Tells the observer about a graded spike: an input event for an input neuron, a spike otherwise, each with its payload.</summary>
    private static void Report(ISimulationObserver observer, int step, int inputIndex, int neuron, int core, long timePs, int payload)
    {
        if (inputIndex >= 0)
        {
            if (observer.WantsInputs)
            {
                observer.OnGradedInput(step, inputIndex, core, timePs, payload);
            }
        }
        else if (observer.WantsSpikes)
        {
            observer.OnGradedSpike(step, neuron, core, timePs, payload);
        }
    }

    private void ReportMessages(ISimulationObserver observer, int step, long timePs)
    {
        var messages = _timing.Messages;
        for (var i = 0; i < messages.Length; i++)
        {
            ref readonly var m = ref messages[i];
            observer.OnMessage(new MessageEvent(step, _messageSource[i], m.SourceCore, m.DestinationCore, m.Synapses,
                m.HopsEast, m.HopsWest, m.HopsNorth, m.HopsSouth, timePs + m.SentPs, timePs + m.ReceivedPs, timePs + m.ProcessedPs,
                m.GenerationDelayPs, m.NetworkDelayPs, m.BlockingPs, m.AccessedBefore, m.UpdatedBefore, m.FiredBefore));
        }
    }
}
