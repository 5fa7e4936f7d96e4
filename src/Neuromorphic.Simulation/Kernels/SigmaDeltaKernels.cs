using System.Runtime.CompilerServices;
using Neuromorphic.Mapping.Quantization;

namespace Neuromorphic.Simulation.Kernels;

/// <summary>
/// The arithmetic of a sigma-delta EP neuron on graded spikes (src/Neuromorphic.Simulation/README.md,
/// "Sigma-delta realization"). Payloads are signed integers of b bits read as fixed-point activations with
/// f = b − 1 fraction bits (full scale F = 2^f = the neuron's threshold). Per step:
/// σ ← sat(σ + Σ w·p) (the dendrite keeps the exact sum of weight × payload of every graded spike received);
/// u ← wrap24(decay(u) + (σ ≫ f)) (the spiking realization's current, driven by the accumulated input instead of this step's spikes);
/// y = clamp(⌊(u + bias)·F / θ⌋, 0, F) (the output ρ(u + b) in payload units);
/// send p = clamp(y − ŷ, −F, F − 1) when |y − ŷ| ≥ the delta threshold, and ŷ ← ŷ + p. σ saturates at
/// ±2^23·2^f (what fits 24-bit u after the shift); a later opposite input starts from the saturated value.
/// Float chips (and ideal runs) use the same order with σ in float weight units, u ← u(1 − δu) + σ/F + current bias, y from (u + bias)/θ.
/// </summary>
public static class SigmaDeltaKernels
{
    /// <summary>The largest |σ| in weight × payload units for <paramref name="fractionBits"/> payload fraction bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long SigmaMax(int fractionBits) => (long)LoihiFixedPoint.StateMax << fractionBits;

    /// <summary>
    /// Adds one graded spike of payload <paramref name="payload"/> into the pending input of a run of
    /// targets: <c>pending[i] += weights[i] · payload</c>, exact in 64 bits (|w| &lt; 2^24, |p| ≤ 2^23, a step's sum of
    /// fewer than 2^16 messages per target). Integer adds: the result does not depend on delivery order.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Deliver(Span<long> pending, ReadOnlySpan<int> weights, int payload)
    {
        for (var i = 0; i < weights.Length; i++)
        {
            pending[i] += (long)weights[i] * payload;
        }
    }

    /// <summary>Float weights: <c>pending[i] += weights[i] · payload</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Deliver(Span<float> pending, ReadOnlySpan<float> weights, int payload)
    {
        for (var i = 0; i < weights.Length; i++)
        {
            pending[i] += weights[i] * payload;
        }
    }

    /// <summary>
    /// One fixed-point step: integrates <paramref name="pending"/> into σ, updates u and returns the output y
    /// (payload units, 0..2^<paramref name="fractionBits"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int StepFixed(ref long sigma, ref int u, long pending, int decayU, int bias, int threshold, int fractionBits)
    {
        var max = SigmaMax(fractionBits);
        sigma = Math.Clamp(sigma + pending, -max, max);
        u = LoihiFixedPoint.Wrap24((long)LoihiFixedPoint.DecayCurrent(u, decayU) + (sigma >> fractionBits));
        var scaled = ((long)u + bias) << fractionBits;
        var y = scaled <= 0 ? 0 : scaled / threshold;
        return (int)Math.Min(y, 1L << fractionBits);
    }

    /// <summary>One float step (the same order; σ in weight × payload units).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int StepFloat(ref float sigma, ref float u, float pending, float decayU, float currentBias, float bias, float threshold, int fractionBits)
    {
        var fullScale = (float)(1L << fractionBits);
        sigma += pending;
        u = u * (1f - decayU) + sigma / fullScale + currentBias;
        var y = MathF.Floor((u + bias) / threshold * fullScale);
        return y <= 0 ? 0 : (int)MathF.Min(y, fullScale);
    }

    /// <summary>The payload to send for output <paramref name="y"/> after <paramref name="sent"/> (0: nothing), clamped to the b-bit range [−F, F − 1].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Delta(int y, int sent, int threshold, int fractionBits)
    {
        var d = y - sent;
        if (Math.Abs(d) < threshold)
        {
            return 0;
        }

        var fullScale = 1 << fractionBits;
        return Math.Clamp(d, -fullScale, fullScale - 1);
    }

    /// <summary>A pixel (0..255) as an activation in payload units: round(pixel · F / 255).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int PixelLevel(byte pixel, int fractionBits) => (int)((((long)pixel << fractionBits) + 127) / 255);

    /// <summary>The delta threshold in payload units: round(fraction · F), at least 1.</summary>
    public static int ThresholdUnits(double fraction, int fractionBits) => (int)Math.Max(1, Math.Round(fraction * (1L << fractionBits), MidpointRounding.AwayFromZero));
}
