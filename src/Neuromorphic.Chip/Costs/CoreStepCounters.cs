using System.Runtime.InteropServices;
using Neuromorphic.Core.Units;

namespace Neuromorphic.Chip.Costs;

/// <summary>
/// What one core did in one step, following the chip pipeline: the accounting vocabulary of the
/// whole toolkit. The engines count into it, traces store it as it is (inside
/// <c>CoreStepRecord</c>), and energy is a function of these counters and a <see cref="CostTable"/>
/// only, so a recorded run can be re-costed under another chip without simulating again.
/// Blittable, 48 bytes: its layout is part of the trace format.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public record struct CoreStepCounters
{
    /// <summary>Synapses processed for incoming messages (one synaptic operation each).</summary>
    public long SynapticOps;

    /// <summary>Mapped (non-input) neurons, each paying access every step.</summary>
    public int NeuronsAccessed;

    /// <summary>Active neurons: non-zero state, a bias, input received, or fired.</summary>
    public int NeuronsUpdated;

    /// <summary>Non-input neurons that fired.</summary>
    public int NeuronsFired;

    /// <summary>Input neurons (spike generators on this core) that fired.</summary>
    public int InputSpikes;

    public int MessagesOut;
    public int MessagesIn;

    /// <summary>Mesh hops of the messages this core sent, per direction.</summary>
    public int HopsEast;

    public int HopsWest;
    public int HopsNorth;
    public int HopsSouth;

    /// <summary>Size in bytes (the trace format relies on it).</summary>
    public const int Size = 48;

    public readonly int Hops => HopsEast + HopsWest + HopsNorth + HopsSouth;

    public readonly bool IsEmpty => this == default;

    public void Add(in CoreStepCounters other)
    {
        SynapticOps += other.SynapticOps;
        NeuronsAccessed += other.NeuronsAccessed;
        NeuronsUpdated += other.NeuronsUpdated;
        NeuronsFired += other.NeuronsFired;
        InputSpikes += other.InputSpikes;
        MessagesOut += other.MessagesOut;
        MessagesIn += other.MessagesIn;
        HopsEast += other.HopsEast;
        HopsWest += other.HopsWest;
        HopsNorth += other.HopsNorth;
        HopsSouth += other.HopsSouth;
    }
}

/// <summary>
/// Energy split the way reports show it, in integer femtojoules (the engine's unit: sums are
/// exact and independent of order). The typed accessors (<see cref="Synapse"/>, <see cref="Total"/>, …)
/// are what public reports use; <see cref="Energy"/> does the unit conversions.
/// </summary>
public record struct EnergyBreakdown
{
    /// <summary>Synaptic ops and dendrite updates.</summary>
    public long SynapseFj;

    /// <summary>Neuron access, update and spike-out.</summary>
    public long NeuronFj;

    /// <summary>Messages in and out, hops, barriers.</summary>
    public long NetworkFj;

    public long StaticFj;

    public readonly long DynamicFj => checked(SynapseFj + NeuronFj + NetworkFj);

    public readonly long TotalFj => checked(DynamicFj + StaticFj);

    public readonly Energy Synapse => Energy.FromFemtojoules(SynapseFj);
    public readonly Energy Neuron => Energy.FromFemtojoules(NeuronFj);
    public readonly Energy Network => Energy.FromFemtojoules(NetworkFj);
    public readonly Energy Static => Energy.FromFemtojoules(StaticFj);
    public readonly Energy Dynamic => Energy.FromFemtojoules(DynamicFj);
    public readonly Energy Total => Energy.FromFemtojoules(TotalFj);

    /// <summary>Adds <paramref name="other"/> (checked: a sum beyond ±9.2·10^18 fJ throws <see cref="OverflowException"/>).</summary>
    public void Add(in EnergyBreakdown other)
    {
        checked
        {
            SynapseFj += other.SynapseFj;
            NeuronFj += other.NeuronFj;
            NetworkFj += other.NetworkFj;
            StaticFj += other.StaticFj;
        }
    }

    /// <summary>Dynamic energy of one core-step: Σ counters × per-event costs (SANA-FE's sum, in integers; checked).</summary>
    public static EnergyBreakdown Of(in CoreStepCounters c, CostTable costs) => checked(new EnergyBreakdown
    {
        SynapseFj = c.SynapticOps * costs.SynapticOp.EnergyFj + (long)c.NeuronsAccessed * costs.DendriteUpdate.EnergyFj,
        NeuronFj = (long)c.NeuronsAccessed * costs.NeuronAccess.EnergyFj + (long)c.NeuronsUpdated * costs.NeuronUpdate.EnergyFj
            + (long)c.NeuronsFired * costs.SpikeOut.EnergyFj,
        NetworkFj = (long)c.MessagesOut * costs.MessageOut.EnergyFj + (long)c.MessagesIn * costs.MessageIn.EnergyFj
            + (long)c.HopsEast * costs.HopEast.EnergyFj + (long)c.HopsWest * costs.HopWest.EnergyFj
            + (long)c.HopsNorth * costs.HopNorth.EnergyFj + (long)c.HopsSouth * costs.HopSouth.EnergyFj,
    });

    /// <summary>Neuron-pipeline latency of a core in one step: access, update, spike-out and dendrite per neuron (ps; checked).</summary>
    public static long NeuronLatencyPs(in CoreStepCounters c, CostTable costs) =>
        NeuronLatencyPs(c.NeuronsAccessed, c.NeuronsUpdated, c.NeuronsFired, costs);

    /// <summary>Latency (ps) of neuron work: <paramref name="accessed"/> accesses (with their dendrite update), updates and spikes out (checked).</summary>
    public static long NeuronLatencyPs(long accessed, long updated, long fired, CostTable costs) =>
        checked(accessed * (costs.NeuronAccess.LatencyPs + costs.DendriteUpdate.LatencyPs) + updated * costs.NeuronUpdate.LatencyPs + fired * costs.SpikeOut.LatencyPs);
}
