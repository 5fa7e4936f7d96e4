using Neuromorphic.Chip.Costs;
using Neuromorphic.Core.Units;
using Neuromorphic.Simulation.Variability;

namespace Neuromorphic.Simulation.Engine;

/// <summary>
/// Counts output spikes over the read-out window and decides: the class is the output neuron with
/// the most spikes; ties go to the larger current u (the rate neuron's own estimate of its state),
/// then to the lower index. Early exit: the leader is certain when no other neuron can reach it in
/// the remaining steps (at most one spike per step).
/// </summary>
internal sealed class ReadoutCounter
{
    private readonly int[] _slots;

    public ReadoutCounter(ChipInstance chip)
    {
        var network = chip.Mapped.Network;
        var name = network.Readout?.Population ?? network.Populations[^1].Name;
        var pop = network.GetPopulation(name);
        _slots = Enumerable.Range(0, pop.Size).Select(i => chip.SlotOfNeuron[pop.FirstNeuron + i]).ToArray();
        Counts = new int[pop.Size];
    }

    public int[] Counts { get; }

    public IReadOnlyList<int> Slots => _slots;

    public void Reset() => Array.Clear(Counts);

    public void Count(NetworkState state, int step)
    {
        for (var i = 0; i < _slots.Length; i++)
        {
            if (state.SpikedAtStep[_slots[i]] == step)
            {
                Counts[i]++;
            }
        }
    }

    /// <summary>Counts the read-out neurons on <paramref name="core"/> that spiked at <paramref name="step"/> (async mode: cores are on different steps).</summary>
    public void CountOnCore(NetworkState state, int step, int[] coreOfSlot, int core)
    {
        for (var i = 0; i < _slots.Length; i++)
        {
            if (coreOfSlot[_slots[i]] == core && state.SpikedAtStep[_slots[i]] == step)
            {
                Counts[i]++;
            }
        }
    }

    /// <summary>True when the leader's margin exceeds the steps left.</summary>
    public bool LeaderIsCertain(int stepsLeft)
    {
        int first = 0, second = 0;
        foreach (var c in Counts)
        {
            if (c > first)
            {
                second = first;
                first = c;
            }
            else if (c > second)
            {
                second = c;
            }
        }

        return first - second > stepsLeft;
    }

    public int Decide(ChipInstance chip, NetworkState state)
    {
        var best = 0;
        for (var i = 1; i < Counts.Length; i++)
        {
            if (Counts[i] > Counts[best] || (Counts[i] == Counts[best] && CurrentOf(chip, state, i) > CurrentOf(chip, state, best)))
            {
                best = i;
            }
        }

        return best;
    }

    /// <summary>The inference's result: the decision, the counts, and what it cost. Energy must include static energy already.</summary>
    public InferenceResult Conclude(ChipInstance chip, NetworkState state, int index, int label, int steps, SimTime latency,
        EnergyBreakdown energy, CoreStepCounters totals, int overruns = 0) => new()
    {
        Index = index,
        Label = label,
        Predicted = Decide(chip, state),
        OutputCounts = (int[])Counts.Clone(),
        Steps = steps,
        Latency = latency,
        Energy = energy,
        Totals = totals,
        Overruns = overruns,
    };

    private double CurrentOf(ChipInstance chip, NetworkState state, int output)
    {
        var slot = _slots[output];
        return chip.FixedPoint ? state.U[slot] / chip.UnitsPerFloat[slot] : state.UF[slot];
    }
}
