using System.Runtime.CompilerServices;
using Neuromorphic.Mapping.Quantization;

namespace Neuromorphic.Simulation.Kernels;

/// <summary>
/// One algorithmic step of a CUBA compartment (the network contract, src/Neuromorphic.Core/README.md; Loihi's order, Davies et al. 2018):
/// u ← decay(u) + input; v ← clamp(decay(v) + u + bias, vmin, vmax); while refractory, v is held at
/// 0 and the counter counts down; otherwise spike when v &gt; threshold (strict), then v ← 0 or
/// v ← v − threshold and the refractory counter starts. Which neurons pay the update cost is the
/// engine's accounting (<c>CoreUpdate</c>), not the kernels'.
/// </summary>
public static class CompartmentKernels
{
    /// <summary>Bit-accurate Loihi 1: 24-bit u (wraps) and v (saturates), 12-bit decays, integer units.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool StepFixed(ref int u, ref int v, ref int refractoryCount, int input, int decayU, int decayV, int bias,
        int threshold, int vMin, int vMax, bool subtractiveReset, int refractory)
    {
        u = LoihiFixedPoint.Wrap24((long)LoihiFixedPoint.DecayCurrent(u, decayU) + input);
        var next = LoihiFixedPoint.Saturate24((long)LoihiFixedPoint.DecayVoltage(v, decayV) + u + bias);
        next = Math.Clamp(next, vMin, vMax);
        var fired = false;
        if (refractoryCount > 0)
        {
            refractoryCount--;
            next = 0;
        }
        else if (next > threshold)
        {
            fired = true;
            next = subtractiveReset ? next - threshold : 0;
            refractoryCount = refractory;
        }

        v = next;
        return fired;
    }

    /// <summary>Single-precision float dynamics with the same order and rules, plus an optional bias on u.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool StepFloat(ref float u, ref float v, ref int refractoryCount, float input, float decayU, float decayV, float bias,
        float threshold, float vMin, float vMax, bool subtractiveReset, int refractory, float currentBias = 0)
    {
        u = u * (1f - decayU) + input + currentBias;
        var next = Math.Clamp(v * (1f - decayV) + u + bias, vMin, vMax);
        var fired = false;
        if (refractoryCount > 0)
        {
            refractoryCount--;
            next = 0;
        }
        else if (next > threshold)
        {
            fired = true;
            next = subtractiveReset ? next - threshold : 0;
            refractoryCount = refractory;
        }

        v = next;
        return fired;
    }
}
