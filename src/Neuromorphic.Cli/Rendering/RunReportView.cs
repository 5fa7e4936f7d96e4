using System.Globalization;
using Neuromorphic.Chip;
using Neuromorphic.Cli.Hosting;
using Neuromorphic.Core.IO;
using Neuromorphic.Workflows.Runs;
using Spectre.Console;

namespace Neuromorphic.Cli.Rendering;

/// <summary>The terminal table of a <see cref="RunReport"/>.</summary>
internal static class RunReportView
{
    public static void Render(CliOutput output, RunReport report)
    {
        var inv = CultureInfo.InvariantCulture;
        var summary = report.Summary;
        var e = summary.MeanEnergy;
        var per = report.PerInference;
        string Uj(Core.Units.Energy energy) => Math.Round(energy.TotalMicrojoules, 6).ToString("0.###", inv);
        string Us(double picoseconds) => Math.Round(picoseconds / 1e6, 4).ToString("0.##", inv);
        var table = new Table().Title($"{Markup.Escape(report.Network)} on {Markup.Escape(report.Chip)} ({Workflows.Runs.RunOptionNames.Mode(report.Options.Mode)}, {report.Options.Steps} steps)")
            .AddColumn("per inference").AddColumn(new TableColumn("value").RightAligned());
        table.AddRow("inferences", summary.Count.ToString(inv));
        table.AddRow("accuracy on chip", summary.Labelled == 0 ? "n/a (no labels)" : summary.Accuracy.ToString("P2", inv));
        if (report.FloatAccuracy is { } floatAccuracy)
        {
            table.AddRow("accuracy of the float model", Math.Round(floatAccuracy, 6).ToString("P2", inv));
            table.AddRow("chip agrees with float", Math.Round(report.ChipAgreesWithFloat!.Value, 6).ToString("P2", inv));
        }

        table.AddRow("energy: dynamic", $"{Uj(e.Dynamic)} µJ");
        table.AddRow("  synapse / neuron / network", $"{Uj(e.Synapse)} / {Uj(e.Neuron)} / {Uj(e.Network)} µJ");
        table.AddRow("energy: static", $"{Uj(e.Static)} µJ ({report.StaticPowerMw.ToString("0.###", inv)} mW, {report.StaticPowerBasis.Name()})");
        table.AddRow("energy: total", $"{Uj(e.Total)} µJ");
        table.AddRow("latency mean / p50 / p99", $"{Us(summary.MeanLatencyPs)} / {Us(summary.LatencyP50.Picoseconds)} / {Us(summary.LatencyP99.Picoseconds)} µs");
        table.AddRow("steps (mean)", Math.Round(summary.MeanSteps, 3).ToString("0.#", inv));
        table.AddRow("input spikes / spikes", $"{Math.Round(per.InputSpikes, 2).ToString("N0", inv)} / {Math.Round(per.Spikes, 2).ToString("N0", inv)}");
        table.AddRow("synaptic ops / messages", $"{Math.Round(per.SynapticOps, 1).ToString("N0", inv)} / {Math.Round(per.Messages, 1).ToString("N0", inv)}");
        if (summary.AsyncPeriodPs is { } periodPs)
        {
            table.AddRow("async clock period", $"{(periodPs / 1000.0).ToString("0.#", inv)} ns ({(report.Period == PeriodSource.Given ? "--period-ns" : "chip timing.asyncStepPeriodNs")})");
            table.AddRow("async stalls / late spikes (per inference)",
                $"{Math.Round(summary.StallsPerInference, 1).ToString("N1", inv)} ({Us(summary.StallPsPerInference)} µs) / {Math.Round(summary.LateSpikesPerInference, 1).ToString("N1", inv)} (queues of {report.InputQueueMessages})");
        }

        if (summary.Overruns > 0)
        {
            table.AddRow("async overruns (core steps)", summary.Overruns.ToString("N0", inv));
        }

        table.AddRow("simulated synaptic events / s",
            $"{Math.Round(summary.SynapticEventsPerSecond).ToString("0.##e0", inv)} ({summary.Threads} threads, {summary.WallSeconds.ToString("0.##", inv)} s)");
        output.Write(table);
        if (summary.Labelled == 0 && summary.Count > 0)
        {
            RenderOutputs(output, report);
        }

        output.WriteLine($"network {Hashing.Short(report.NetworkHash)}, chip {Hashing.Short(report.ChipHash)}, seed {report.Options.Seed}");
    }

    /// <summary>Unlabelled inputs: the output spike counts and the winner of each inference.</summary>
    private static void RenderOutputs(CliOutput output, RunReport report)
    {
        const int maxRows = 20;
        var inferences = report.Summary.Inferences;
        var classes = inferences[0].OutputCounts.Length;
        var table = new Table().Title("output spike counts (no labels)").AddColumn(new TableColumn("inference").RightAligned());
        for (var c = 0; c < classes; c++)
        {
            table.AddColumn(new TableColumn(c.ToString(CultureInfo.InvariantCulture)).RightAligned());
        }

        table.AddColumn(new TableColumn("winner").RightAligned()).AddColumn(new TableColumn("steps").RightAligned());
        foreach (var r in inferences.Take(maxRows))
        {
            table.AddRow([r.Index.ToString(CultureInfo.InvariantCulture), .. r.OutputCounts.Select(n => n.ToString(CultureInfo.InvariantCulture)),
                r.Predicted.ToString(CultureInfo.InvariantCulture), r.Steps.ToString(CultureInfo.InvariantCulture)]);
        }

        if (inferences.Count > maxRows)
        {
            table.Caption($"{inferences.Count - maxRows} more inferences in --json");
        }

        output.Write(table);
    }
}
