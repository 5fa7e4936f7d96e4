using System.Runtime.CompilerServices;
using Neuromorphic.Simulation.Kernels;
using Neuromorphic.Simulation.Variability;

namespace Neuromorphic.Simulation.Engine;

/// <summary>
/// The compartment arithmetic of one chip instance, as a struct type argument of the neuron pass
/// (<see cref="CoreUpdate.Run"/>): the JIT compiles one loop per implementation, so the fixed / float
/// choice is made once per core pass instead of once per neuron, and the call inlines.
/// </summary>
internal interface ISoma
{
    /// <summary>
    /// One step of slot <paramref name="slot"/> with its accumulated input (consumed and cleared);
    /// <paramref name="charged"/>: v was non-zero at the start; <paramref name="biased"/>: the slot has a bias.
    /// </summary>
    bool Step(int slot, out bool charged, out bool biased);
}

/// <summary>Bit-accurate Loihi fixed point (<see cref="CompartmentKernels.StepFixed"/>).</summary>
internal readonly struct FixedSoma(ChipInstance chip, NetworkState state, int[] input) : ISoma
{
    private readonly int[] _u = state.U, _v = state.V, _refractoryCount = state.Refractory, _input = input;
    private readonly int[] _decayU = chip.DecayUField, _decayV = chip.DecayVField, _bias = chip.BiasUnits, _threshold = chip.ThresholdUnits;
    private readonly int[] _vMin = chip.VMinUnits, _vMax = chip.VMaxUnits, _refractory = chip.Refractory;
    private readonly bool[] _subtract = chip.SubtractiveReset;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Step(int slot, out bool charged, out bool biased)
    {
        charged = _v[slot] != 0;
        var bias = _bias[slot];
        biased = bias != 0;
        var spiked = CompartmentKernels.StepFixed(ref _u[slot], ref _v[slot], ref _refractoryCount[slot], _input[slot], _decayU[slot], _decayV[slot],
            bias, _threshold[slot], _vMin[slot], _vMax[slot], _subtract[slot], _refractory[slot]);
        _input[slot] = 0;
        return spiked;
    }
}

/// <summary>Single-precision float dynamics (<see cref="CompartmentKernels.StepFloat"/>).</summary>
internal readonly struct FloatSoma(ChipInstance chip, NetworkState state, float[] input) : ISoma
{
    private readonly float[] _u = state.UF, _v = state.VF, _input = input;
    private readonly int[] _refractoryCount = state.Refractory, _refractory = chip.Refractory;
    private readonly float[] _decayU = chip.DecayU, _decayV = chip.DecayV, _bias = chip.Bias, _currentBias = chip.CurrentBias, _threshold = chip.Threshold;
    private readonly float[] _vMin = chip.VMin, _vMax = chip.VMax;
    private readonly bool[] _subtract = chip.SubtractiveReset;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Step(int slot, out bool charged, out bool biased)
    {
        charged = _v[slot] != 0;
        float bias = _bias[slot], currentBias = _currentBias[slot];
        biased = bias != 0 || currentBias != 0;
        var spiked = CompartmentKernels.StepFloat(ref _u[slot], ref _v[slot], ref _refractoryCount[slot], _input[slot], _decayU[slot], _decayV[slot],
            bias, _threshold[slot], _vMin[slot], _vMax[slot], _subtract[slot], _refractory[slot], currentBias);
        _input[slot] = 0;
        return spiked;
    }
}
