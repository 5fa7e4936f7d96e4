using System.Runtime.CompilerServices;
using Neuromorphic.Chip.Costs;
using Neuromorphic.Simulation.Input;
using Neuromorphic.Simulation.Kernels;
using Neuromorphic.Simulation.Variability;

namespace Neuromorphic.Simulation.Engine;

/// <summary>The neuron pass of one core and the synaptic delivery of one message, shared by both engines.</summary>
internal static class CoreUpdate
{
    /// <summary>
    /// Updates the neurons in slots [<paramref name="first"/>, <paramref name="end"/>) with the input
    /// accumulated in <paramref name="input"/> / <paramref name="inputFloat"/> (consumed and cleared),
    /// counts into <paramref name="counters"/>, and lists fired slots in <paramref name="fired"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int Run(ChipInstance chip, NetworkState state, int first, int end, int step, InferenceInput source, int[] inputIndexOfSlot,
        int[] input, float[] inputFloat, ref CoreStepCounters counters, int[] fired)
    {
        var firedCount = 0;
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
                bool active;
                if (chip.FixedPoint)
                {
                    spiked = CompartmentKernels.StepFixed(ref state.U[s], ref state.V[s], ref state.Refractory[s], input[s],
                        chip.DecayUField[s], chip.DecayVField[s], chip.BiasUnits[s], chip.ThresholdUnits[s], chip.VMinUnits[s], chip.VMaxUnits[s],
                        chip.SubtractiveReset[s], chip.Refractory[s], out active);
                    input[s] = 0;
                }
                else
                {
                    spiked = CompartmentKernels.StepFloat(ref state.UF[s], ref state.VF[s], ref state.Refractory[s], inputFloat[s],
                        chip.DecayU[s], chip.DecayV[s], chip.Bias[s], chip.Threshold[s], chip.VMin[s], chip.VMax[s],
                        chip.SubtractiveReset[s], chip.Refractory[s], out active, chip.CurrentBias[s]);
                    inputFloat[s] = 0;
                }

                counters.NeuronsAccessed++;
                if (active)
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
                fired[firedCount++] = s;
            }
        }

        return firedCount;
    }

    /// <summary>Tells the observer about a spike: an input event for an input neuron, a spike otherwise.</summary>
    public static void Report(ISimulationObserver observer, int step, int inputIndex, int neuron, int core, long inputTimePs, long spikeTimePs)
    {
        if (inputIndex >= 0)
        {
            if (observer.WantsInputs)
            {
                observer.OnInputSpike(step, inputIndex, inputTimePs);
            }
        }
        else if (observer.WantsSpikes)
        {
            observer.OnSpike(step, neuron, core, spikeTimePs);
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

    /// <summary>Adds the synapses of <paramref name="message"/> into the targets' accumulators.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Deliver(ChipInstance chip, int message, int[] accumulator, float[] accumulatorFloat)
    {
        for (var r = chip.RunStart[message]; r < chip.RunStart[message + 1]; r++)
        {
            var target = chip.RunTargetSlot[r];
            var length = chip.RunLength[r];
            var offset = chip.RunWeightOffset[r];
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
