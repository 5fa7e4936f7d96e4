using System.Runtime.CompilerServices;
using Neuromorphic.Chip.Costs;
using Neuromorphic.Simulation.Input;
using Neuromorphic.Simulation.Kernels;
using Neuromorphic.Simulation.Variability;

namespace Neuromorphic.Simulation.Engine;

/// <summary>
/// The neurons one core's pass fired, in slot order, each with the pass's neuron work up to and
/// including it (neurons accessed, updated, fired): a core sends a neuron's messages as soon as the
/// neuron has fired, so the timing models need the work done before each message. Reused every pass.
/// </summary>
internal sealed class FiredList(int capacity)
{
    public int[] Slots { get; } = new int[capacity];
    public int[] Accessed { get; } = new int[capacity];
    public int[] Updated { get; } = new int[capacity];
    public int[] Fired { get; } = new int[capacity];
    public int Count { get; set; }
}

/// <summary>The neuron pass of one core and the synaptic delivery of one message, shared by both engines.</summary>
internal static class CoreUpdate
{
    /// <summary>
    /// Updates the neurons in slots [<paramref name="first"/>, <paramref name="end"/>) at algorithmic
    /// step <paramref name="step"/> (from 1) with the input accumulated in <paramref name="input"/> /
    /// <paramref name="inputFloat"/> (consumed and cleared), counts into <paramref name="counters"/>,
    /// and lists the fired slots in <paramref name="fired"/>. Accounting follows SANA-FE: every
    /// compartment is accessed; it is updated when its potential v was non-zero at the start of the
    /// step, any synaptic event reached it (<paramref name="received"/>, even if the weights summed to
    /// 0), it has a bias, or it fires. Input neurons are spike generators and cost nothing.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(ChipInstance chip, NetworkState state, int first, int end, int step, InferenceInput source, int[] inputIndexOfSlot,
        int[] input, float[] inputFloat, byte[] received, ref CoreStepCounters counters, FiredList fired)
    {
        var firedCount = 0;
        int accessed0 = counters.NeuronsAccessed, updated0 = counters.NeuronsUpdated, fired0 = counters.NeuronsFired;
        for (var s = first; s < end; s++)
        {
            bool spiked;
            if (chip.IsInput[s])
            {
                spiked = source.Spike(inputIndexOfSlot[s], step);
                if (spiked)
                {
                    counters.InputSpikes++;
                }
            }
            else
            {
                var reached = received[s] != 0;
                received[s] = 0;
                bool charged, biased;
                if (chip.FixedPoint)
                {
                    charged = state.V[s] != 0;
                    biased = chip.BiasUnits[s] != 0;
                    spiked = CompartmentKernels.StepFixed(ref state.U[s], ref state.V[s], ref state.Refractory[s], input[s],
                        chip.DecayUField[s], chip.DecayVField[s], chip.BiasUnits[s], chip.ThresholdUnits[s], chip.VMinUnits[s], chip.VMaxUnits[s],
                        chip.SubtractiveReset[s], chip.Refractory[s]);
                    input[s] = 0;
                }
                else
                {
                    charged = state.VF[s] != 0;
                    biased = chip.Bias[s] != 0 || chip.CurrentBias[s] != 0;
                    spiked = CompartmentKernels.StepFloat(ref state.UF[s], ref state.VF[s], ref state.Refractory[s], inputFloat[s],
                        chip.DecayU[s], chip.DecayV[s], chip.Bias[s], chip.Threshold[s], chip.VMin[s], chip.VMax[s],
                        chip.SubtractiveReset[s], chip.Refractory[s], chip.CurrentBias[s]);
                    inputFloat[s] = 0;
                }

                counters.NeuronsAccessed++;
                if (spiked || charged || reached || biased)
                {
                    counters.NeuronsUpdated++;
                }

                if (spiked)
                {
                    counters.NeuronsFired++;
                }
            }

            if (spiked)
            {
                state.SpikedAtStep[s] = step;
                fired.Slots[firedCount] = s;
                fired.Accessed[firedCount] = counters.NeuronsAccessed - accessed0;
                fired.Updated[firedCount] = counters.NeuronsUpdated - updated0;
                fired.Fired[firedCount] = counters.NeuronsFired - fired0;
                firedCount++;
            }
        }

        fired.Count = firedCount;
    }

    /// <summary>Tells the observer about a spike: an input event for an input neuron, a spike otherwise.</summary>
    public static void Report(ISimulationObserver observer, int step, int inputIndex, int neuron, int core, long timePs)
    {
        if (inputIndex >= 0)
        {
            if (observer.WantsInputs)
            {
                observer.OnInputSpike(step, inputIndex, core, timePs);
            }
        }
        else if (observer.WantsSpikes)
        {
            observer.OnSpike(step, neuron, core, timePs);
        }
    }

    /// <summary>Counts a sent message and its hops (packed one byte per direction, see <see cref="ChipInstance.MessageHops"/>).</summary>
    public static (int East, int West, int North, int South) CountSent(ref CoreStepCounters counters, int packedHops)
    {
        int east = packedHops & 0xFF, west = (packedHops >> 8) & 0xFF, north = (packedHops >> 16) & 0xFF, south = packedHops >>> 24;
        counters.MessagesOut++;
        counters.HopsEast += east;
        counters.HopsWest += west;
        counters.HopsNorth += north;
        counters.HopsSouth += south;
        return (east, west, north, south);
    }

    /// <summary>Adds the synapses of <paramref name="message"/> into the targets' accumulators and marks them as reached.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Deliver(ChipInstance chip, int message, int[] accumulator, float[] accumulatorFloat, byte[] received)
    {
        for (var r = chip.RunStart[message]; r < chip.RunStart[message + 1]; r++)
        {
            var target = chip.RunTargetSlot[r];
            var length = chip.RunLength[r];
            var offset = chip.RunWeightOffset[r];
            received.AsSpan(target, length).Fill(1);
            if (chip.FixedPoint)
            {
                SynapticAccumulate.Add(accumulator.AsSpan(target, length), chip.WeightUnits.AsSpan(offset, length));
            }
            else
            {
                SynapticAccumulate.Add(accumulatorFloat.AsSpan(target, length), chip.WeightFloat.AsSpan(offset, length));
            }
        }
    }
}
