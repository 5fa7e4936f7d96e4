namespace Neuromorphic.Mapping.Quantization;

/// <summary>
/// Keeps a neuron's steady state when its current decay is replaced (by its core's prototype
/// cluster): u ← (1 − δ)·u + I has the fixed point I / δ, so a neuron whose δu becomes δc on chip has
/// its input gain changed by δu / δc; scaling its incoming weights and current bias by δc / δu (before
/// weight quantization) restores it. For an HTS-EP neuron δu is its own dt, so the compensated neuron
/// again reaches its rate model's fixed point.
/// </summary>
public static class DecayCompensation
{
    /// <summary>
    /// The factor on a neuron's incoming weights and current bias when its decay <paramref name="original"/>
    /// runs as <paramref name="clustered"/> (12-bit rounded on Loihi fixed point); 1 when the original
    /// decay is 0 (an integrator has no steady state to keep).
    /// </summary>
    public static double Gain(double original, double clustered, bool fixedPoint)
    {
        if (original <= 0)
        {
            return 1.0;
        }

        return OnChip(clustered, fixedPoint) / original;
    }

    /// <summary>The decay the chip applies for a requested one.</summary>
    public static double OnChip(double decay, bool fixedPoint) =>
        fixedPoint ? LoihiFixedPoint.CurrentDecayFraction(LoihiFixedPoint.CurrentDecayField(decay)) : decay;

    /// <summary>
    /// The relative error of a neuron's steady-state gain on chip: |inputGain · δu / δu_chip − 1| (0 when
    /// the decay is exact), or null for a neuron without a current decay.
    /// </summary>
    public static double? GainError(double original, double onChip, double inputGain) =>
        original <= 0 || onChip <= 0 ? null : Math.Abs(inputGain * original / onChip - 1);
}
