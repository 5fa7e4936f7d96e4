using Neuromorphic.Core.Networks;

namespace Neuromorphic.Mapping.Realization;

/// <summary>
/// Turns each population of a network into chip compartments (float parameters, before
/// quantization):
/// <list type="bullet">
/// <item><c>cuba-lif</c> as written: δu = 1/τ_u (τ_u = null: δu = 0), δv = 1/τ_v (null: 0), no
/// voltage clamps.</item>
/// <item><c>ep-rate</c> as DESIGN §4 realizes HTS-EP on a Loihi-like core: the current decay is the
/// neuron's own time step (δu = dt_i) and its inputs are scaled by dt_i, so u ← (1 − dt)u + dt·Σw·s
/// (u tracks the EP neuron's state); no voltage leak; threshold 1 with subtractive reset, so the
/// firing rate is ≈ clip(u + bias, 0, 1) = ρ; the bias enters v directly; v is clamped to [0, 2]
/// (Loihi's vmin/vmax) so that neither a negative drive nor saturation leaves a memory.</item>
/// </list>
/// </summary>
public static class CompartmentRealizer
{
    /// <summary>Upper voltage clamp of an EP neuron, in thresholds.</summary>
    public const double EpVoltageMax = 2.0;

    /// <summary>Per-neuron compartment parameters, in global neuron order.</summary>
    public static CompartmentParameters[] Realize(NetworkSpec network)
    {
        var result = new CompartmentParameters[network.NeuronCount];
        foreach (var pop in network.Populations)
        {
            for (var i = 0; i < pop.Size; i++)
            {
                result[pop.FirstNeuron + i] = Realize(pop, i);
            }
        }

        return result;
    }

    public static CompartmentParameters Realize(Population pop, int i)
    {
        switch (pop.Model)
        {
            case NeuronModel.Input:
                return CompartmentParameters.Input;
            case NeuronModel.CubaLif:
                var c = pop.CubaLif!;
                return new CompartmentParameters(
                    false,
                    c.TauCurrent is null ? 0 : 1.0 / c.TauCurrent[i],
                    c.TauVoltage is null ? 0 : 1.0 / c.TauVoltage[i],
                    c.Threshold[i],
                    c.Bias[i],
                    c.Reset,
                    (int)c.Refractory[i],
                    double.NegativeInfinity,
                    double.PositiveInfinity,
                    1.0);
            case NeuronModel.EpRate:
                var e = pop.EpRate!;
                var dt = e.Dt[i];
                return new CompartmentParameters(false, dt, 0, 1, e.Bias[i], ResetMode.Subtract, 0, 0, EpVoltageMax, dt);
            default:
                throw new ArgumentOutOfRangeException(nameof(pop), pop.Model, "unknown neuron model");
        }
    }
}
