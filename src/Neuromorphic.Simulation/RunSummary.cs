using Neuromorphic.Chip.Costs;

namespace Neuromorphic.Simulation;

/// <summary>
/// Totals and distributions over the inferences of a run. Everything except
/// <see cref="WallSeconds"/> (and what derives from it) is deterministic for a given input and seed.
/// </summary>
public sealed record RunSummary
{
    public required IReadOnlyList<InferenceResult> Inferences { get; init; }
    public required double WallSeconds { get; init; }
    public required int Threads { get; init; }

    /// <summary>The clock period used in async mode (given or calibrated), ps.</summary>
    public long? AsyncPeriodPs { get; init; }

    public int Count => Inferences.Count;
    public int Labelled => Inferences.Count(r => r.Label >= 0);
    public double Accuracy => Labelled == 0 ? double.NaN : (double)Inferences.Count(r => r.Correct) / Labelled;

    public EnergyBreakdown MeanEnergy
    {
        get
        {
            var sum = default(EnergyBreakdown);
            foreach (var r in Inferences)
            {
                sum.Add(r.Energy);
            }

            var n = Math.Max(1, Count);
            return new EnergyBreakdown { SynapseFj = sum.SynapseFj / n, NeuronFj = sum.NeuronFj / n, NetworkFj = sum.NetworkFj / n, StaticFj = sum.StaticFj / n };
        }
    }

    public CoreStepCounters Totals
    {
        get
        {
            var sum = default(CoreStepCounters);
            foreach (var r in Inferences)
            {
                sum.Add(r.Totals);
            }

            return sum;
        }
    }

    public double MeanLatencyPs => Count == 0 ? 0 : Inferences.Average(r => (double)r.LatencyPs);
    public long LatencyP50Ps => Percentile(0.50);
    public long LatencyP99Ps => Percentile(0.99);
    public double MeanSteps => Count == 0 ? 0 : Inferences.Average(r => r.Steps);
    public long Overruns => Inferences.Sum(r => (long)r.Overruns);

    /// <summary>Synaptic events (synapse reads and accumulates) per wall-clock second, over all threads.</summary>
    public double SynapticEventsPerSecond => WallSeconds > 0 ? Totals.SynapticOps / WallSeconds : 0;

    /// <summary>Nearest-rank percentile of per-inference latency.</summary>
    public long Percentile(double p)
    {
        if (Count == 0)
        {
            return 0;
        }

        var sorted = Inferences.Select(r => r.LatencyPs).Order().ToArray();
        var rank = (int)Math.Ceiling(p * sorted.Length) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Length - 1)];
    }
}
