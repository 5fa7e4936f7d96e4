using System.Text.Json.Nodes;

namespace Neuromorphic.Chip.Costs;

/// <summary>Energy (integer femtojoules) and latency (integer picoseconds) of one event kind.</summary>
public readonly record struct IntegerCost(long EnergyFj, long LatencyPs)
{
    public static IntegerCost From(EventCost cost, double energyScale = 1.0) =>
        new(checked((long)Math.Round(cost.EnergyPj * 1000 * energyScale, MidpointRounding.AwayFromZero)),
            checked((long)Math.Round(cost.LatencyNs * 1000, MidpointRounding.AwayFromZero)));
}

/// <summary>
/// A chip's per-event costs converted once to integers (fJ, ps), so that energy totals are exact
/// sums independent of order and thread count. Built from a <see cref="ChipSpec"/> (optionally with
/// a chip instance's energy scale); written into traces so that a trace can be re-costed later.
/// </summary>
public sealed record CostTable
{
    public required IntegerCost MessageIn { get; init; }
    public required IntegerCost SynapticOp { get; init; }
    public required IntegerCost DendriteUpdate { get; init; }
    public required IntegerCost NeuronAccess { get; init; }
    public required IntegerCost NeuronUpdate { get; init; }
    public required IntegerCost SpikeOut { get; init; }
    public required IntegerCost MessageOut { get; init; }
    public required IntegerCost HopEast { get; init; }
    public required IntegerCost HopWest { get; init; }
    public required IntegerCost HopNorth { get; init; }
    public required IntegerCost HopSouth { get; init; }

    /// <summary>Barrier latency (ps) for the tiles in use, and energy per barrier (fJ).</summary>
    public required long BarrierLatencyPs { get; init; }
    public required long BarrierEnergyFj { get; init; }

    public required double StaticPowerMw { get; init; }
    public required int LinkBufferMessages { get; init; }
    public required string ChipName { get; init; }
    public required string ChipHash { get; init; }

    /// <param name="chip">The chip model.</param>
    /// <param name="tilesInUse">Tiles holding mapped cores (the barrier's key).</param>
    /// <param name="energyScale">A chip instance's energy factor.</param>
    /// <param name="gradedMessages">
    /// The run sends graded spikes (the sigma-delta realization): messages in and out and synaptic operations cost the
    /// chip's <c>graded…</c> figures (each defaulting to the binary one), so the counters keep their meaning and a
    /// trace's cost table re-costs it exactly.
    /// </param>
    public static CostTable FromChip(ChipSpec chip, int tilesInUse, double energyScale = 1.0, bool gradedMessages = false)
    {
        var core = chip.Core;
        return new CostTable
        {
            MessageIn = IntegerCost.From(gradedMessages ? core.GradedMessageIn ?? core.MessageIn : core.MessageIn, energyScale),
            SynapticOp = IntegerCost.From(gradedMessages ? core.GradedSynapticOp ?? core.SynapticOp : core.SynapticOp, energyScale),
            DendriteUpdate = IntegerCost.From(core.DendriteUpdate, energyScale),
            NeuronAccess = IntegerCost.From(core.NeuronAccess, energyScale),
            NeuronUpdate = IntegerCost.From(core.NeuronUpdate, energyScale),
            SpikeOut = IntegerCost.From(core.SpikeOut, energyScale),
            MessageOut = IntegerCost.From(gradedMessages ? core.GradedMessageOut ?? core.MessageOut : core.MessageOut, energyScale),
            HopEast = IntegerCost.From(chip.Noc.HopEast, energyScale),
            HopWest = IntegerCost.From(chip.Noc.HopWest, energyScale),
            HopNorth = IntegerCost.From(chip.Noc.HopNorth, energyScale),
            HopSouth = IntegerCost.From(chip.Noc.HopSouth, energyScale),
            BarrierLatencyPs = checked((long)Math.Round(chip.Sync.LatencyNsFor(tilesInUse) * 1000, MidpointRounding.AwayFromZero)),
            BarrierEnergyFj = checked((long)Math.Round(chip.Sync.BarrierEnergyPj * 1000 * energyScale, MidpointRounding.AwayFromZero)),
            StaticPowerMw = chip.StaticPowerMw,
            LinkBufferMessages = chip.Mesh.LinkBufferMessages,
            ChipName = chip.Name,
            ChipHash = chip.ContentHash,
        };
    }

    /// <summary>Latency (ps) of a route with the given hops per direction.</summary>
    public long RouteLatencyPs(int east, int west, int north, int south) =>
        checked(east * HopEast.LatencyPs + west * HopWest.LatencyPs + north * HopNorth.LatencyPs + south * HopSouth.LatencyPs);

    /// <summary>Static energy over a span: mW × ps = fJ (checked: a product beyond the range throws <see cref="OverflowException"/>).</summary>
    public long StaticEnergyFj(long durationPs) => checked((long)Math.Round(StaticPowerMw * durationPs, MidpointRounding.AwayFromZero));

    public JsonObject ToJson()
    {
        static JsonObject C(IntegerCost c) => new() { ["energyFj"] = c.EnergyFj, ["latencyPs"] = c.LatencyPs };
        return new JsonObject
        {
            ["chip"] = ChipName,
            ["chipHash"] = ChipHash,
            ["messageIn"] = C(MessageIn),
            ["synapticOp"] = C(SynapticOp),
            ["dendriteUpdate"] = C(DendriteUpdate),
            ["neuronAccess"] = C(NeuronAccess),
            ["neuronUpdate"] = C(NeuronUpdate),
            ["spikeOut"] = C(SpikeOut),
            ["messageOut"] = C(MessageOut),
            ["hopEast"] = C(HopEast),
            ["hopWest"] = C(HopWest),
            ["hopNorth"] = C(HopNorth),
            ["hopSouth"] = C(HopSouth),
            ["barrierLatencyPs"] = BarrierLatencyPs,
            ["barrierEnergyFj"] = BarrierEnergyFj,
            ["staticPowerMw"] = StaticPowerMw,
            ["linkBufferMessages"] = LinkBufferMessages,
        };
    }

    public static CostTable FromJson(JsonObject json)
    {
        static IntegerCost C(JsonNode? n) => new(n!["energyFj"]!.GetValue<long>(), n["latencyPs"]!.GetValue<long>());
        return new CostTable
        {
            ChipName = json["chip"]!.GetValue<string>(),
            ChipHash = json["chipHash"]!.GetValue<string>(),
            MessageIn = C(json["messageIn"]),
            SynapticOp = C(json["synapticOp"]),
            DendriteUpdate = C(json["dendriteUpdate"]),
            NeuronAccess = C(json["neuronAccess"]),
            NeuronUpdate = C(json["neuronUpdate"]),
            SpikeOut = C(json["spikeOut"]),
            MessageOut = C(json["messageOut"]),
            HopEast = C(json["hopEast"]),
            HopWest = C(json["hopWest"]),
            HopNorth = C(json["hopNorth"]),
            HopSouth = C(json["hopSouth"]),
            BarrierLatencyPs = json["barrierLatencyPs"]!.GetValue<long>(),
            BarrierEnergyFj = json["barrierEnergyFj"]!.GetValue<long>(),
            StaticPowerMw = json["staticPowerMw"]!.GetValue<double>(),
            LinkBufferMessages = json["linkBufferMessages"]!.GetValue<int>(),
        };
    }
}
