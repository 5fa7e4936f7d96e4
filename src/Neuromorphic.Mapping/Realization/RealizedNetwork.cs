using Neuromorphic.Core.Networks;

namespace Neuromorphic.Mapping.Realization;

/// <summary>
/// A network as the chip realizes it, computed once per mapping: the network in <c>cuba-lif</c>
/// terms (ep-rate populations replaced by <see cref="EpRateRealization"/>) and each neuron's
/// compartment parameters before quantization, in global neuron order.
/// </summary>
public sealed record RealizedNetwork(NetworkSpec Network, CompartmentParameters[] Compartments)
{
    public static RealizedNetwork Of(NetworkSpec original)
    {
        var network = EpRateRealization.ToCubaLif(original);
        return new RealizedNetwork(network, CompartmentRealizer.Realize(network));
    }
}
