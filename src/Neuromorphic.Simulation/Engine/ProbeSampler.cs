using Neuromorphic.Simulation.Variability;

namespace Neuromorphic.Simulation.Engine;

/// <summary>
/// Reports the current, potential and threshold of the probed neurons after each core's neuron
/// pass (<see cref="ISimulationObserver.ProbedNeurons"/>). The probed slots are grouped by core
/// once per probe set, so a step costs one loop over the core's probed slots and nothing when
/// none is probed. Values are in the run's arithmetic: integer chip units in fixed point.
/// </summary>
internal sealed class ProbeSampler(ChipInstance chip)
{
    private IReadOnlyList<int>? _neurons;
    private int[] _start = new int[chip.Mapped.CoreCount + 1];
    private int[] _slots = [];

    /// <summary>Takes the observer's probe set (rebuilt only when it changes); false when nothing is probed.</summary>
    public bool Prepare(ISimulationObserver? observer)
    {
        var neurons = observer?.ProbedNeurons;
        if (neurons is null || neurons.Count == 0)
        {
            return false;
        }

        if (!ReferenceEquals(neurons, _neurons))
        {
            Build(neurons);
        }

        return true;
    }

    public void Sample(int core, int step, NetworkState state, ISimulationObserver observer)
    {
        for (var i = _start[core]; i < _start[core + 1]; i++)
        {
            var slot = _slots[i];
            var neuron = chip.NeuronOfSlot[slot];
            if (chip.FixedPoint)
            {
                observer.OnProbe(step, neuron, core, state.U[slot], state.V[slot], chip.ThresholdUnits[slot]);
            }
            else
            {
                observer.OnProbe(step, neuron, core, state.UF[slot], state.VF[slot], chip.Threshold[slot]);
            }
        }
    }

    private void Build(IReadOnlyList<int> neurons)
    {
        var mapped = chip.Mapped;
        var slots = neurons.Distinct().Where(n => n >= 0 && n < chip.SlotOfNeuron.Length).Select(n => chip.SlotOfNeuron[n]).Order().ToArray();
        var start = new int[mapped.CoreCount + 1];
        var i = 0;
        for (var core = 0; core < mapped.CoreCount; core++)
        {
            start[core] = i;
            while (i < slots.Length && slots[i] < mapped.CoreNeuronStart[core + 1])
            {
                i++;
            }
        }

        start[mapped.CoreCount] = i;
        (_slots, _start, _neurons) = (slots, start, neurons);
    }
}
