using Neuromorphic.Chip;
using Neuromorphic.Mapping.Realization;

namespace Neuromorphic.Mapping.Quantization;

/// <summary>A neuron's Loihi fixed-point parameters, in state units.</summary>
public readonly record struct FixedNeuron(int DecayUField, int DecayVField, int ThresholdUnits, int BiasUnits, int VMinUnits, int VMaxUnits);

/// <summary>
/// Quantizes a compartment to Loihi's fields at a population scale of 2^k state units per float
/// unit: threshold mantissa (≪ 6), bias mantissa and exponent, 12-bit decays, vmin/vmax from
/// Loihi's exponent encodings. Loihi 1 has no bias on u, so a current bias c is folded into the
/// voltage bias as c / δu, its steady-state contribution to v per step (the transient differs).
/// </summary>
public static class NeuronQuantizer
{
    /// <summary>The largest scale exponent: a threshold of 1 becomes 2^20, leaving 8 thresholds of headroom in 24-bit u.</summary>
    public const int MaxScaleLog2 = 20;

    public static bool TryQuantize(in CompartmentParameters c, double decayU, int scaleLog2, CoreLimits limits, out FixedNeuron result)
    {
        result = default;
        var scale = Math.Pow(2, scaleLog2);
        var thresholdMantissa = Math.Round(c.Threshold * scale / (1 << LoihiFixedPoint.AlignShift), MidpointRounding.AwayFromZero);
        if (thresholdMantissa < 1 || thresholdMantissa > (1L << limits.ThresholdMantissaBits) - 1)
        {
            return false;
        }

        var voltageBias = c.Bias + (c.CurrentBias == 0 ? 0 : c.CurrentBias / LoihiFixedPoint.CurrentDecayFraction(LoihiFixedPoint.CurrentDecayField(decayU)));
        if (!TryEncodeBias(voltageBias * scale, limits, out var biasUnits))
        {
            return false;
        }

        var vmin = double.IsNegativeInfinity(c.VMin) ? -LoihiFixedPoint.StateMax : LoihiFixedPoint.VoltageMinFor((long)Math.Round(c.VMin * scale));
        var vmax = double.IsPositiveInfinity(c.VMax) ? LoihiFixedPoint.StateMax : LoihiFixedPoint.VoltageMaxFor((long)Math.Round(c.VMax * scale) - 1);
        result = new FixedNeuron(
            LoihiFixedPoint.CurrentDecayField(decayU),
            LoihiFixedPoint.VoltageDecayField(c.DecayV),
            (int)thresholdMantissa << LoihiFixedPoint.AlignShift,
            biasUnits,
            vmin,
            vmax);
        return true;
    }

    /// <summary>bias = mant·2^exp with |mant| ≤ 2^(bits−1) − 1 and exp ≤ the chip's maximum, smallest exponent first.</summary>
    public static bool TryEncodeBias(double units, CoreLimits limits, out int biasUnits)
    {
        var mantissaMax = (1L << (limits.BiasMantissaBits - 1)) - 1;
        for (var e = 0; e <= limits.BiasExponentMax; e++)
        {
            var mantissa = (long)Math.Round(units / (1L << e), MidpointRounding.AwayFromZero);
            if (Math.Abs(mantissa) <= mantissaMax)
            {
                biasUnits = (int)(mantissa << e);
                return true;
            }
        }

        biasUnits = 0;
        return false;
    }

    /// <summary>
    /// The smallest weight exponent at which <paramref name="maxPositive"/> and
    /// <paramref name="maxNegative"/> (in state units) fit the mantissa range, or null if none does.
    /// Exponents below −6 are not used so that every contribution m·2^(6+exp) is an exact integer.
    /// </summary>
    public static int? WeightExponent(double maxPositive, double maxNegative, WeightSignMode mode, CoreLimits limits)
    {
        var (_, min, max) = LoihiFixedPoint.WeightMantissaRange(limits.WeightBits, mode);
        for (var e = Math.Max(limits.WeightExponentMin, -LoihiFixedPoint.AlignShift); e <= limits.WeightExponentMax; e++)
        {
            var unit = Math.Pow(2, LoihiFixedPoint.AlignShift + e);
            if (maxPositive / unit <= max + 0.5 && -maxNegative / unit <= -min + 0.5)
            {
                return e;
            }
        }

        return null;
    }
}
