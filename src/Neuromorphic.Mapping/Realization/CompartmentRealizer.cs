using Neuromorphic.Core.Networks;

namespace Neuromorphic.Mapping.Realization;

/// <summary>
/// Turns each population of a network into chip compartments (float parameters, before
/// quantization). <c>cuba-lif</c> maps as written: δu = 1/τ_u (τ_u = null: δu = 0), δv = 1/τ_v
/// (null: 0), its bias on v and current bias on u, its voltage clamp if any. <c>ep-rate</c>
/// populations are first replaced by their spiking realization (<see cref="EpRateRealization"/>,
/// src/Neuromorphic.Core/README.md, "EP neurons as spikes"): current decay = the neuron's own dt, inputs and bias scaled by dt, no voltage leak,
/// threshold 1, subtractive reset, v clamped to [0, 2]. The mapper works on the realized network
/// throughout, so a model and its NIR round trip map identically.
/// </summary>
public static class CompartmentRealizer
{
    /// <summary>Per-neuron compartment parameters, in global neuron order, of a network without ep-rate populations.</summary>
    public static CompartmentParameters[] Realize(NetworkSpec realized)
    {
        var result = new CompartmentParameters[realized.NeuronCount];
        foreach (var pop in realized.Populations)
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
                    c.VoltageMin?[i] ?? double.NegativeInfinity,
                    c.VoltageMax?[i] ?? double.PositiveInfinity,
                    c.CurrentBias[i]);
            default:
                throw new ArgumentException($"population '{pop.Name}' ({Population.ModelName(pop.Model)}) must be realized first (EpRateRealization.ToCubaLif)", nameof(pop));
        }
    }
}
