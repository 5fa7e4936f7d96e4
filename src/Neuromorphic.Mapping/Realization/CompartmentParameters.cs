using Neuromorphic.Core.Networks;

namespace Neuromorphic.Mapping.Realization;

/// <summary>
/// A neuron as a chip compartment, in float units where the neuron's threshold is its own
/// threshold: per algorithmic step, u ← u·(1 − <see cref="DecayU"/>) + Σ w·spikes(t − 1) + <see cref="CurrentBias"/>;
/// v ← clamp(v·(1 − <see cref="DecayV"/>) + u + <see cref="Bias"/>, <see cref="VMin"/>, <see cref="VMax"/>);
/// spike when v &gt; <see cref="Threshold"/>, then reset and <see cref="Refractory"/> silent steps.
/// </summary>
public readonly record struct CompartmentParameters(
    bool IsInput,
    double DecayU,
    double DecayV,
    double Threshold,
    double Bias,
    ResetMode Reset,
    int Refractory,
    double VMin,
    double VMax,
    double CurrentBias = 0)
{
    public static CompartmentParameters Input { get; } = new(true, 1, 0, 1, 0, ResetMode.Zero, 0, double.NegativeInfinity, double.PositiveInfinity);
}
