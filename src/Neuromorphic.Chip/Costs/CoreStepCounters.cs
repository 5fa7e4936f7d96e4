namespace Neuromorphic.Chip.Costs;

/// <summary>
/// What one core did in one step, following the chip pipeline. Energy is a function of these
/// counters and a <see cref="CostTable"/> only, so a recorded run can be re-costed under another
/// chip without simulating again.
/// </summary>
public struct CoreStepCounters
{
    /// <summary>Mapped (non-input) neurons, each paying access every step.</summary>
    public int NeuronsAccessed;

    /// <summary>Active neurons: input, non-zero state, a bias, or fired.</summary>
    public int NeuronsUpdated;

    /// <summary>Non-input neurons that fired.</summary>
    public int NeuronsFired;

    /// <summary>Input neurons (spike generators on this core) that fired.</summary>
    public int InputSpikes;

    public long SynapticOps;
    public int MessagesOut;
    public int MessagesIn;
    public int HopsEast;
    public int HopsWest;
    public int HopsNorth;
    public int HopsSouth;

    public readonly bool IsEmpty => NeuronsAccessed == 0 && NeuronsUpdated == 0 && NeuronsFired == 0 && InputSpikes == 0 && SynapticOps == 0
        && MessagesOut == 0 && MessagesIn == 0 && HopsEast == 0 && HopsWest == 0 && HopsNorth == 0 && HopsSouth == 0;

    public void Add(in CoreStepCounters other)
    {
        NeuronsAccessed += other.NeuronsAccessed;
        NeuronsUpdated += other.NeuronsUpdated;
        NeuronsFired += other.NeuronsFired;
        InputSpikes += other.InputSpikes;
        SynapticOps += other.SynapticOps;
        MessagesOut += other.MessagesOut;
        MessagesIn += other.MessagesIn;
        HopsEast += other.HopsEast;
        HopsWest += other.HopsWest;
        HopsNorth += other.HopsNorth;
        HopsSouth += other.HopsSouth;
    }
}

/// <summary>Dynamic energy split the way reports show it, in femtojoules.</summary>
public struct EnergyBreakdown
{
    /// <summary>Synaptic ops and dendrite updates.</summary>
    public long SynapseFj;

    /// <summary>Neuron access, update and spike-out.</summary>
    public long NeuronFj;

    /// <summary>Messages in and out, hops, barriers.</summary>
    public long NetworkFj;

    public long StaticFj;

    public readonly long DynamicFj => SynapseFj + NeuronFj + NetworkFj;

    public readonly long TotalFj => DynamicFj + StaticFj;

    public void Add(in EnergyBreakdown other)
    {
        SynapseFj += other.SynapseFj;
        NeuronFj += other.NeuronFj;
        NetworkFj += other.NetworkFj;
        StaticFj += other.StaticFj;
    }

    /// <summary>Dynamic energy of one core-step: Σ counters × per-event costs (SANA-FE's sum, in integers).</summary>
    public static EnergyBreakdown Of(in CoreStepCounters c, CostTable costs) => new()
    {
        SynapseFj = c.SynapticOps * costs.SynapticOp.EnergyFj + (long)c.NeuronsAccessed * costs.DendriteUpdate.EnergyFj,
        NeuronFj = (long)c.NeuronsAccessed * costs.NeuronAccess.EnergyFj + (long)c.NeuronsUpdated * costs.NeuronUpdate.EnergyFj
            + (long)c.NeuronsFired * costs.SpikeOut.EnergyFj,
        NetworkFj = (long)c.MessagesOut * costs.MessageOut.EnergyFj + (long)c.MessagesIn * costs.MessageIn.EnergyFj
            + (long)c.HopsEast * costs.HopEast.EnergyFj + (long)c.HopsWest * costs.HopWest.EnergyFj
            + (long)c.HopsNorth * costs.HopNorth.EnergyFj + (long)c.HopsSouth * costs.HopSouth.EnergyFj,
    };

    /// <summary>Neuron-pipeline latency of a core in one step: access, update, spike-out and dendrite per neuron (ps).</summary>
    public static long NeuronLatencyPs(in CoreStepCounters c, CostTable costs) =>
        (long)c.NeuronsAccessed * (costs.NeuronAccess.LatencyPs + costs.DendriteUpdate.LatencyPs)
        + (long)c.NeuronsUpdated * costs.NeuronUpdate.LatencyPs + (long)c.NeuronsFired * costs.SpikeOut.LatencyPs;
}
