using Neuromorphic.Chip.Costs;

namespace Neuromorphic.Simulation.Learning;

/// <summary>Energy (fJ: dynamic and static) and time (ps) of one part of on-chip training.</summary>
public record struct PartCost
{
    public long DynamicFj;
    public long StaticFj;
    public long TimePs;

    public readonly long TotalFj => checked(DynamicFj + StaticFj);

    public void Add(in PartCost other)
    {
        checked
        {
            DynamicFj += other.DynamicFj;
            StaticFj += other.StaticFj;
            TimePs += other.TimePs;
        }
    }
}

/// <summary>The learning engine's counters: what a hand count of a run must give.</summary>
public record struct LearningCounters
{
    /// <summary>Rule evaluations: every plastic synapse once per learning epoch.</summary>
    public long SynapticUpdates;

    /// <summary>Trace updates: every pre and post trace once per step of every phase.</summary>
    public long TraceUpdates;

    /// <summary>Synapses whose stored weight changed (after rounding).</summary>
    public long WeightsChanged;

    /// <summary>Learning epochs (two per training sample: +β and −β).</summary>
    public long Epochs;

    /// <summary>Events of the nudge's self-synapses (one per output spike in a nudged phase), costed as synaptic ops.</summary>
    public long NudgeOps;

    public void Add(in LearningCounters other)
    {
        checked
        {
            SynapticUpdates += other.SynapticUpdates;
            TraceUpdates += other.TraceUpdates;
            WeightsChanged += other.WeightsChanged;
            Epochs += other.Epochs;
            NudgeOps += other.NudgeOps;
        }
    }
}

/// <summary>Inference counters summed over many phases, in 64 bits (a run outgrows <see cref="CoreStepCounters"/>' 32-bit fields).</summary>
public record struct CounterTotals
{
    public long SynapticOps, NeuronsAccessed, NeuronsUpdated, NeuronsFired, InputSpikes, MessagesOut, MessagesIn, HopsEast, HopsWest, HopsNorth, HopsSouth, Steps;

    /// <summary>Adds one phase's counters and its steps.</summary>
    public void Add(in CoreStepCounters c, long steps) => Add(new CounterTotals
    {
        SynapticOps = c.SynapticOps, NeuronsAccessed = c.NeuronsAccessed, NeuronsUpdated = c.NeuronsUpdated, NeuronsFired = c.NeuronsFired,
        InputSpikes = c.InputSpikes, MessagesOut = c.MessagesOut, MessagesIn = c.MessagesIn,
        HopsEast = c.HopsEast, HopsWest = c.HopsWest, HopsNorth = c.HopsNorth, HopsSouth = c.HopsSouth, Steps = steps,
    });

    public void Add(in CounterTotals c)
    {
        checked
        {
            SynapticOps += c.SynapticOps;
            NeuronsAccessed += c.NeuronsAccessed;
            NeuronsUpdated += c.NeuronsUpdated;
            NeuronsFired += c.NeuronsFired;
            InputSpikes += c.InputSpikes;
            MessagesOut += c.MessagesOut;
            MessagesIn += c.MessagesIn;
            HopsEast += c.HopsEast;
            HopsWest += c.HopsWest;
            HopsNorth += c.HopsNorth;
            HopsSouth += c.HopsSouth;
            Steps += c.Steps;
        }
    }

    /// <summary>Dynamic energy under <paramref name="costs"/> in barrier mode: <see cref="EnergyBreakdown.Of"/>'s sum over these counters plus one barrier per step.</summary>
    public readonly long DynamicFj(CostTable costs) => checked(
        SynapticOps * costs.SynapticOp.EnergyFj + NeuronsAccessed * (costs.DendriteUpdate.EnergyFj + costs.NeuronAccess.EnergyFj)
        + NeuronsUpdated * costs.NeuronUpdate.EnergyFj + NeuronsFired * costs.SpikeOut.EnergyFj
        + MessagesOut * costs.MessageOut.EnergyFj + MessagesIn * costs.MessageIn.EnergyFj
        + HopsEast * costs.HopEast.EnergyFj + HopsWest * costs.HopWest.EnergyFj + HopsNorth * costs.HopNorth.EnergyFj + HopsSouth * costs.HopSouth.EnergyFj
        + Steps * costs.BarrierEnergyFj);
}

/// <summary>One training sample on the chip: the free-phase decision and what each part cost.</summary>
public sealed record SampleOutcome(int Label, int Predicted, PartCost Free, PartCost Nudged, PartCost Learning, LearningCounters Counters,
    CounterTotals FreeCounters, CounterTotals NudgedCounters)
{
    public bool Correct => Label >= 0 && Predicted == Label;
}

/// <summary>Sums of sample outcomes (64-bit: a run of many samples outgrows the per-inference counters): energy and time split into inference (free phase), nudged phases and learning.</summary>
public sealed class LearningLedger
{
    private PartCost _free, _nudged, _learning;
    private LearningCounters _counters;
    private CounterTotals _freeCounters, _nudgedCounters;

    public long Samples { get; private set; }
    public long Correct { get; private set; }
    public PartCost Free => _free;
    public PartCost Nudged => _nudged;
    public PartCost Learning => _learning;
    public LearningCounters Counters => _counters;
    public CounterTotals FreeCounters => _freeCounters;
    public CounterTotals NudgedCounters => _nudgedCounters;

    public double Accuracy => Samples == 0 ? double.NaN : (double)Correct / Samples;

    public void Add(SampleOutcome outcome)
    {
        Samples++;
        Correct += outcome.Correct ? 1 : 0;
        _free.Add(outcome.Free);
        _nudged.Add(outcome.Nudged);
        _learning.Add(outcome.Learning);
        _counters.Add(outcome.Counters);
        _freeCounters.Add(outcome.FreeCounters);
        _nudgedCounters.Add(outcome.NudgedCounters);
    }

    public void Add(LearningLedger other)
    {
        Samples += other.Samples;
        Correct += other.Correct;
        _free.Add(other._free);
        _nudged.Add(other._nudged);
        _learning.Add(other._learning);
        _counters.Add(other._counters);
        _freeCounters.Add(other._freeCounters);
        _nudgedCounters.Add(other._nudgedCounters);
    }
}
