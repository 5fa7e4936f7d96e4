namespace Neuromorphic.Core.Networks;

/// <summary>
/// The spiking realization of HTS-EP rate neurons (src/Neuromorphic.Core/README.md, "EP neurons as spikes") written in <c>cuba-lif</c> terms:
/// each <c>ep-rate</c> neuron i with time step dt_i and bias b_i becomes a compartment with
/// u ← (1 − dt_i)·u + dt_i·(Σ w·s + b_i) (τ_u = 1/dt_i steps, incoming weights × dt_i,
/// currentBias = dt_i·b_i), v ← clamp(v + u, 0, 2) (no voltage leak; Loihi's vmin/vmax keep neither
/// a negative drive nor saturation as memory), spike when v &gt; 1, subtractive reset, so that its
/// firing rate approaches clip(u, 0, 1) = ρ. Other populations are unchanged. This is the one place
/// the realization is defined: the mapper maps ep-rate populations through it, and NIR export
/// writes it, so a model and its exported-then-imported copy run identically on a chip.
/// </summary>
public static class EpRateRealization
{
    public const double Threshold = 1;

    /// <summary>The voltage clamp [0, <see cref="VoltageMax"/>] of a realized EP neuron, in thresholds.</summary>
    public const double VoltageMax = 2;

    public static bool Needed(NetworkSpec network) => network.Populations.Any(p => p.Model == NeuronModel.EpRate);

    /// <summary>The network with every ep-rate population replaced by its cuba-lif realization (the network itself when there is none).</summary>
    public static NetworkSpec ToCubaLif(NetworkSpec network)
    {
        if (!Needed(network))
        {
            return network;
        }

        var map = new Dictionary<Population, Population>();
        foreach (var population in network.Populations)
        {
            map[population] = population.EpRate is { } ep ? Realize(population, ep) : Copy(population);
        }

        var projections = new List<Projection>();
        foreach (var projection in network.Projections)
        {
            var from = map[projection.From];
            var to = map[projection.To];
            if (projection.To.EpRate is { } ep)
            {
                var weights = new float[projection.Weights.Length];
                for (var post = 0; post < to.Size; post++)
                {
                    var dt = ep.Dt[post];
                    for (var pre = 0; pre < from.Size; pre++)
                    {
                        weights[post * from.Size + pre] = (float)(dt * projection.Weights[post * from.Size + pre]);
                    }
                }

                projections.Add(new Projection(projection.Name, from, to, weights, connections: projection.Connections));
                continue;
            }

            // A mirror stays a mirror only if neither side was rescaled.
            var source = projection.TransposeOf is { } name ? network.FindProjection(name) : null;
            var keepsMirror = source is not null && source.To.Model != NeuronModel.EpRate;
            projections.Add(new Projection(projection.Name, from, to, projection.Weights, keepsMirror ? projection.TransposeOf : null, projection.Connections));
        }

        return new NetworkSpec(network.Name, network.Populations.Select(p => map[p]).ToList(), projections, network.Readout,
            network.Training?.DeepClone().AsObject());
    }

    private static Population Realize(Population population, EpRateParameters ep)
    {
        var tauCurrent = new double[population.Size];
        var currentBias = new double[population.Size];
        for (var i = 0; i < population.Size; i++)
        {
            tauCurrent[i] = 1 / ep.Dt[i];
            currentBias[i] = ep.Dt[i] * ep.Bias[i];
        }

        var parameters = new CubaLifParameters(
            Collapse(tauCurrent), null, PerNeuron.Scalar(Threshold), PerNeuron.Scalar(0), ResetMode.Subtract, PerNeuron.Scalar(0))
        {
            CurrentBias = Collapse(currentBias),
            VoltageMin = PerNeuron.Scalar(0),
            VoltageMax = PerNeuron.Scalar(VoltageMax),
        };
        return new Population(population.Name, population.Size, NeuronModel.CubaLif, parameters, placement: population.Placement);
    }

    private static PerNeuron Collapse(double[] values) => values.All(v => v.Equals(values[0])) ? PerNeuron.Scalar(values[0]) : PerNeuron.Of(values);

    private static Population Copy(Population population) =>
        new(population.Name, population.Size, population.Model, population.CubaLif, population.EpRate, population.Placement);
}
