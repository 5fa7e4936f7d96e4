using Orleans.Placement;
using Orleans.Runtime.Placement;

namespace Neuromorphic.Sweeps.Orleans.Grains;

/// <summary>
/// Places a grain on the silo whose address (<see cref="SiloAddress.ToParsableString"/>) is the grain's
/// key, and fails when that silo is not an active member: a worker grain never moves to another
/// silo, so a dead silo's worker stays dead and its jobs are dispatched to live ones.
/// </summary>
[Serializable, GenerateSerializer, Immutable, SuppressReferenceTracking, Alias("neuromorphic.TargetSiloPlacement")]
public sealed class TargetSiloPlacement : PlacementStrategy
{
    internal static TargetSiloPlacement Singleton { get; } = new();
}

/// <summary>Marks a grain class as placed by <see cref="TargetSiloPlacement"/>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class TargetSiloPlacementAttribute() : PlacementAttribute(TargetSiloPlacement.Singleton);

internal sealed class TargetSiloPlacementDirector : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var key = target.GrainIdentity.Key.ToString();
        var silo = context.GetCompatibleSilos(target).FirstOrDefault(s => s.ToParsableString() == key)
                   ?? throw new OrleansException($"silo {key} is not an active member of the cluster (it stopped or died)");
        return Task.FromResult(silo);
    }
}
