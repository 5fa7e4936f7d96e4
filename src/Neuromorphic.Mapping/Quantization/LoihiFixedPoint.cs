using System.Runtime.CompilerServices;

namespace Neuromorphic.Mapping.Quantization;

/// <summary>Sign mode of a synapse group: mixed-sign groups lose one bit of weight precision.</summary>
public enum WeightSignMode
{
    Excitatory,
    Inhibitory,
    Mixed,
}

/// <summary>
/// Loihi 1's fixed-point arithmetic, as documented by Lava's bit-accurate LIF model and NengoLoihi
/// (Davies et al., IEEE Micro 38(1) 2018; as Lava's bit-accurate LIF, lava-nc/lava proc/lif/models.py, and NengoLoihi implement it; src/Neuromorphic.Mapping/README.md): 24-bit signed u and v; 12-bit decays, the current
/// decay with a +1 offset (u·(4096 − (du + 1)) ≫ 12, so du = 4095 empties u every step), the voltage
/// decay without (v·(4096 − dv) ≫ 12), both applied to the magnitude; synaptic input and threshold
/// aligned by 2^6; weights w_mant·2^(6 + weight_exp); bias mant·2^exp. u wraps modulo 2^24; v
/// saturates at ±(2^23 − 1) and is clamped to [vmin, vmax].
/// </summary>
public static class LoihiFixedPoint
{
    public const int DecayOne = 4096;
    public const int DecayFieldMax = 4095;
    public const int AlignShift = 6;
    public const int StateMax = (1 << 23) - 1;
    public const int StateMin = -(1 << 23);

    /// <summary>The 12-bit current-decay field for a decay fraction δ (the chip adds 1).</summary>
    public static int CurrentDecayField(double fraction) => Math.Clamp((int)Math.Round(fraction * DecayOne, MidpointRounding.AwayFromZero) - 1, 0, DecayFieldMax);

    /// <summary>The fraction of u removed per step by a current-decay field.</summary>
    public static double CurrentDecayFraction(int field) => (field + 1) / (double)DecayOne;

    public static int VoltageDecayField(double fraction) => Math.Clamp((int)Math.Round(fraction * DecayOne, MidpointRounding.AwayFromZero), 0, DecayFieldMax);

    public static double VoltageDecayFraction(int field) => field / (double)DecayOne;

    /// <summary>sign(u)·((|u|·(4096 − (du + 1))) ≫ 12).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int DecayCurrent(int u, int field)
    {
        var magnitude = (int)(((long)Math.Abs((long)u) * (DecayOne - (field + 1))) >> 12);
        return u < 0 ? -magnitude : magnitude;
    }

    /// <summary>sign(v)·((|v|·(4096 − dv)) ≫ 12).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int DecayVoltage(int v, int field)
    {
        var magnitude = (int)(((long)Math.Abs((long)v) * (DecayOne - field)) >> 12);
        return v < 0 ? -magnitude : magnitude;
    }

    /// <summary>Two's-complement wrap to 24 bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Wrap24(long value) => (int)((value << 40) >> 40);

    /// <summary>Saturate to ±(2^23 − 1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Saturate24(long value) => (int)Math.Clamp(value, -StateMax, StateMax);

    /// <summary>Mantissa step and range of a weight of <paramref name="bits"/> bits (Lava: shift = 8 − bits + isMixed).</summary>
    public static (int Step, int Min, int Max) WeightMantissaRange(int bits, WeightSignMode mode)
    {
        var full = 1 << bits;
        return mode switch
        {
            WeightSignMode.Excitatory => (1, 0, full - 1),
            WeightSignMode.Inhibitory => (1, -(full - 1), 0),
            _ => (2, -full, full - 2),
        };
    }

    /// <summary>Nearest representable mantissa for a value already divided by 2^(6 + exp).</summary>
    public static int RoundWeightMantissa(double value, int bits, WeightSignMode mode)
    {
        var (step, min, max) = WeightMantissaRange(bits, mode);
        var m = (long)Math.Round(value / step, MidpointRounding.AwayFromZero) * step;
        return (int)Math.Clamp(m, min, max);
    }

    /// <summary>The integer a weight mantissa adds to u: m·2^(6 + exp) (exp ≥ −6, so exact).</summary>
    public static int WeightUnits(int mantissa, int exponent) => mantissa << (AlignShift + exponent);

    /// <summary>Loihi's optional voltage ceiling: 2^(9 + 2·vmaxExp) − 1, the smallest one at or above <paramref name="units"/>.</summary>
    public static int VoltageMaxFor(long units)
    {
        for (var e = 0; e <= 7; e++)
        {
            var v = (1L << (9 + 2 * e)) - 1;
            if (v >= units)
            {
                return (int)v;
            }
        }

        return StateMax;
    }

    /// <summary>Loihi's optional voltage floor: −2^vminExp + 1, the largest one at or below <paramref name="units"/> (0 for units ≥ 0).</summary>
    public static int VoltageMinFor(long units)
    {
        if (units >= 0)
        {
            return 0;
        }

        for (var e = 0; e <= 23; e++)
        {
            var v = -(1L << e) + 1;
            if (v <= units)
            {
                return (int)v;
            }
        }

        return -StateMax;
    }
}
