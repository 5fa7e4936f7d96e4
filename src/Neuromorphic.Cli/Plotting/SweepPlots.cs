using Neuromorphic.Sweeps.Results;

namespace Neuromorphic.Cli.Plotting;

/// <summary>The plots of a sweep with runs: accuracy against energy and against latency per inference, the Pareto fronts marked.</summary>
internal static class SweepPlots
{
    public static IReadOnlyList<string> Write(SweepTables tables, string directory)
    {
        var runs = tables.Runs.Where(r => double.IsFinite(r.Tally.Accuracy)).ToList();
        if (runs.Count == 0)
        {
            return [];
        }

        var title = tables.Plan.Title;
        var energy = Path.Combine(directory, "accuracy-energy.png");
        var latency = Path.Combine(directory, "accuracy-latency.png");
        Charts.SweepFront(energy, $"{title}: accuracy against energy ({runs.Count} runs)", "energy per inference (µJ)", "accuracy on chip (%)",
            runs.Select(r => (r.EnergyUj, 100 * r.Tally.Accuracy, r.ParetoEnergy)).ToList());
        Charts.SweepFront(latency, $"{title}: accuracy against latency ({runs.Count} runs)", "mean latency per inference (µs)", "accuracy on chip (%)",
            runs.Select(r => (r.LatencyUs, 100 * r.Tally.Accuracy, r.ParetoLatency)).ToList());
        return [energy, latency];
    }
}
