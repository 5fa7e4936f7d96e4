using Neuromorphic.Chip.Costs;
using Neuromorphic.Core.Units;

namespace Neuromorphic.Simulation;

/// <summary>
/// Totals and distributions over the inferences of a run, computed once when the summary is made.
/// Everything except <see cref="WallSeconds"/> (and what derives from it) is deterministic for a
/// given input and seed.
/// </summary>
public sealed record RunSummary
{
    private RunSummary(IReadOnlyList<InferenceResult> inferences, double wallSeconds, int threads, long? asyncPeriodPs)
    {
        Inferences = inferences;
        WallSeconds = wallSeconds;
        Threads = threads;
        AsyncPeriodPs = asyncPeriodPs;
        var energy = default(EnergyBreakdown);
        var totals = default(CoreStepCounters);
        long latencySum = 0;
        long steps = 0;
        foreach (var r in inferences)
        {
            energy.Add(r.Energy);
            totals.Add(r.Totals);
            latencySum += r.Latency.Picoseconds;
            steps += r.Steps;
            Overruns += r.Overruns;
            Stalls += r.Stalls;
            StallPs += r.StallPs;
            LateSpikes += r.LateSpikes;
            if (r.Label >= 0)
            {
                Labelled++;
                Correct += r.Correct ? 1 : 0;
            }
        }

        var n = Math.Max(1, Count);
        MeanEnergy = new EnergyBreakdown { SynapseFj = energy.SynapseFj / n, NeuronFj = energy.NeuronFj / n, NetworkFj = energy.NetworkFj / n, StaticFj = energy.StaticFj / n };
        Totals = totals;
        MeanLatencyPs = Count == 0 ? 0 : (double)latencySum / Count;
        MeanSteps = Count == 0 ? 0 : (double)steps / Count;
        _sortedLatencyPs = inferences.Select(r => r.Latency.Picoseconds).Order().ToArray();
    }

    private readonly long[] _sortedLatencyPs;

    /// <summary>Summarises <paramref name="inferences"/> (in inference order).</summary>
    public static RunSummary Of(IReadOnlyList<InferenceResult> inferences, double wallSeconds, int threads, long? asyncPeriodPs = null) =>
        new(inferences, wallSeconds, threads, asyncPeriodPs);

    public IReadOnlyList<InferenceResult> Inferences { get; }
    public double WallSeconds { get; }
    public int Threads { get; }

    /// <summary>The clock period used in async mode (given or calibrated), ps.</summary>
    public long? AsyncPeriodPs { get; }

    public int Count => Inferences.Count;
    public int Labelled { get; }
    public int Correct { get; }
    public double Accuracy => Labelled == 0 ? double.NaN : (double)Correct / Labelled;

    /// <summary>Mean energy per inference by part (integer division of the exact sums).</summary>
    public EnergyBreakdown MeanEnergy { get; }

    /// <summary>Counters summed over every core, step and inference.</summary>
    public CoreStepCounters Totals { get; }

    public double MeanLatencyPs { get; }
    public SimTime LatencyP50 => Percentile(0.50);
    public SimTime LatencyP99 => Percentile(0.99);
    public double MeanSteps { get; }
    public long Overruns { get; }

    /// <summary>Async mode: sends that waited for a full input queue, over all inferences.</summary>
    public long Stalls { get; }

    /// <summary>Async mode: the time senders waited for full input queues, over all inferences (ps).</summary>
    public long StallPs { get; }

    /// <summary>Async mode: messages integrated more than one step after the step that sent them, over all inferences.</summary>
    public long LateSpikes { get; }

    /// <summary>Per-inference means of <see cref="Stalls"/>, <see cref="StallPs"/> and <see cref="LateSpikes"/>.</summary>
    public double StallsPerInference => Count == 0 ? 0 : (double)Stalls / Count;

    public double StallPsPerInference => Count == 0 ? 0 : (double)StallPs / Count;

    public double LateSpikesPerInference => Count == 0 ? 0 : (double)LateSpikes / Count;

    /// <summary>Synaptic events (synapse reads and accumulates) per wall-clock second, over all threads.</summary>
    public double SynapticEventsPerSecond => WallSeconds > 0 ? Totals.SynapticOps / WallSeconds : 0;

    /// <summary>Nearest-rank percentile of per-inference latency.</summary>
    public SimTime Percentile(double p) => SimTime.FromPicoseconds(NearestRank(_sortedLatencyPs, p));

    /// <summary>The nearest-rank <paramref name="p"/>-quantile of ascending <paramref name="sorted"/> values (0 when empty).</summary>
    public static long NearestRank(IReadOnlyList<long> sorted, double p)
    {
        if (sorted.Count == 0)
        {
            return 0;
        }

        var rank = (int)Math.Ceiling(p * sorted.Count) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Count - 1)];
    }
}
