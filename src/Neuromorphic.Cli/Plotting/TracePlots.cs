using Microsoft.Extensions.Logging;
using Neuromorphic.Traces;
using Neuromorphic.Traces.Analysis;

namespace Neuromorphic.Cli.Plotting;

/// <summary>
/// The plots drawn from a trace, shared by <c>neuro trace plot</c> and the demo: energy per inference
/// (dynamic by component, static apart), latency, firing rates per population, per-core energy and
/// utilisation over the mesh, link traffic and the confusion matrix. Each method writes its PNG into
/// the given directory when the trace holds what it needs and returns the file, or null.
/// </summary>
internal static class TracePlots
{
    public static string? Energy(string directory, SummaryPlotData summaries, string title = "Energy per inference")
    {
        if (summaries.InferenceCount == 0)
        {
            return null;
        }

        var energy = summaries.Energy;
        var max = energy.SynapseFj.Zip(energy.NeuronFj, (a, b) => a + b).Zip(energy.NetworkFj, (a, b) => a + b).Concat(energy.StaticFj).DefaultIfEmpty(0).Max();
        var (scale, unit) = max >= 1e9 ? (1e9, "µJ") : max >= 1e6 ? (1e6, "nJ") : (1e3, "pJ");
        double[] Scaled(double[] values) => values.Select(v => v / scale).ToArray();
        var by = energy.Grouping == "label" ? ", mean by label" : "";
        var dynamic = Charts.NewPlot($"Dynamic energy{by}", "", $"dynamic energy per inference ({unit})");
        var staticPlot = Charts.NewPlot($"Static energy{by}", "", $"static energy per inference ({unit})");
        Charts.AddStackedBars(dynamic, energy.Groups, [new BarSegment("synapse", Scaled(energy.SynapseFj)), new BarSegment("neuron", Scaled(energy.NeuronFj)),
            new BarSegment("network", Scaled(energy.NetworkFj))], Charts.DefaultWidth * 3 / 4);
        Charts.AddStackedBars(staticPlot, energy.Groups, [new BarSegment("static (static power × latency)", Scaled(energy.StaticFj))], Charts.DefaultWidth * 3 / 4, colorOffset: 7);
        var file = Path.Combine(directory, "energy.png");
        Charts.SaveSideBySide(file, [dynamic, staticPlot]);
        return file;
    }

    public static string? Latency(string directory, SummaryPlotData summaries)
    {
        if (summaries.InferenceCount == 0)
        {
            return null;
        }

        var file = Path.Combine(directory, "latency.png");
        Charts.Histogram(file, $"Latency per inference ({summaries.InferenceCount:N0} inferences, dashed: median)", "latency per inference (µs)", summaries.LatenciesUs,
            Math.Clamp(summaries.InferenceCount / 4, 5, 40));
        return file;
    }

    /// <summary>probes.png: the probed neurons' potential and current over the steps of one inference, or null when the run probed none.</summary>
    public static string? Probes(string directory, string trace, int? inference, ILogger log)
    {
        if (TracePlotData.Probes(trace, inference, log) is not { } probes)
        {
            return null;
        }

        var file = Path.Combine(directory, "probes.png");
        var shown = probes.Neurons.Count > Charts.MaxProbeLines ? $", first {Charts.MaxProbeLines} of {probes.Neurons.Count} neurons" : "";
        Charts.Probes(file, $"Probed neurons, inference {probes.Inference}{shown}", probes);
        return file;
    }

    /// <summary>
    /// steps.png: accuracy against the read-out window (1..T steps) from the output spikes, with 95 % Wilson
    /// intervals; null without spikes or labels.
    /// </summary>
    public static string? Steps(string directory, string trace, string title, ILogger log)
    {
        if (ReadoutWindow.Of(trace, logger: log) is not { } window || window.Windows.Count == 0 || window.Windows[0].Labelled == 0)
        {
            return null;
        }

        var file = Path.Combine(directory, "steps.png");
        var x = window.Windows.Select(w => (double)w.Steps).ToArray();
        var estimates = window.Windows.Select(w => Charts.Wilson(w.Correct, w.Labelled)).ToArray();
        var agreement = window.Inferences == 0 ? 0 : 100.0 * window.AgreeingWithChip / window.Inferences;
        Charts.Lines(file, $"{title} (full-window leader = chip's decision on {agreement:0.#} %)", "read-out window (steps from 1)", "accuracy (%), 95 % Wilson interval",
            [new LineSeries($"spike-count leader of {window.Population} ({window.Windows[0].Labelled:N0} images)", x,
                estimates.Select(e => 100 * e.Value).ToArray(), estimates.Select(e => 100 * e.Low).ToArray(), estimates.Select(e => 100 * e.High).ToArray(),
                "95 % Wilson interval")],
            integerX: true);
        return file;
    }

    public static string? Rates(string directory, string trace, string title, ILogger log)
    {
        if (TraceActivity.FiringRates(trace, log) is not { } rates)
        {
            return null;
        }

        var file = Path.Combine(directory, "rates.png");
        Charts.Histograms(file, title, "firing rate (spikes per neuron per step)",
            rates.Where(p => p.SpikesPerStep.Length > 0).Select(p => new HistogramSeries($"{p.Population} ({p.SpikesPerStep.Length} neurons)", p.SpikesPerStep)).ToList(),
            30, "neurons");
        return file;
    }

    /// <summary>cores.png (dynamic energy per core) and utilisation.png, over the mesh.</summary>
    public static IReadOnlyList<string> Cores(string directory, string trace, string chip, ILogger log)
    {
        using var reader = TraceReader.Open(trace, new TraceReadOptions { Kinds = TraceKinds.None }, log);
        if (RunManifest.Of(reader.Header).Mesh is not { } mesh || TraceActivity.Cores(trace, log) is not { } cores)
        {
            return [];
        }

        var energyFile = Path.Combine(directory, "cores.png");
        var maxFj = cores.Max(c => c.MeanDynamicFj);
        var (scale, unit) = maxFj >= 1e9 ? (1e9, "µJ") : maxFj >= 1e6 ? (1e6, "nJ") : (1e3, "pJ");
        Charts.MeshHeatmap(energyFile, $"Dynamic energy per core per inference ({chip})", $"dynamic energy per inference ({unit})",
            mesh.Width, mesh.Height, mesh.CoresPerTile, cores.Select(c => new MeshCell(c.Tile.X, c.Tile.Y, c.Slot, c.MeanDynamicFj / scale)).ToList(), "0.#");
        var utilisationFile = Path.Combine(directory, "utilisation.png");
        Charts.MeshHeatmap(utilisationFile, $"Core utilisation: busy time (neurons, sends, synaptic processing) over step time ({chip})", "utilisation (%)",
            mesh.Width, mesh.Height, mesh.CoresPerTile, cores.Select(c => new MeshCell(c.Tile.X, c.Tile.Y, c.Slot, 100 * c.Utilisation)).ToList(), "0.#");
        return [energyFile, utilisationFile];
    }

    /// <summary>links.png from the given link loads, or from the trace's messages when none are given.</summary>
    public static string? Links(string directory, string trace, string title, ILogger log, IReadOnlyList<LinkActivity>? links = null)
    {
        using var reader = TraceReader.Open(trace, new TraceReadOptions { Kinds = TraceKinds.None }, log);
        links ??= TraceActivity.Links(trace, log);
        if (RunManifest.Of(reader.Header).Mesh is not { } mesh || links is null)
        {
            return null;
        }

        var file = Path.Combine(directory, "links.png");
        Charts.LinkTraffic(file, title, mesh.Width, mesh.Height, links.Select(l => new LinkLoad(l.From.X, l.From.Y, l.DeltaX, l.DeltaY, l.Messages)).ToList());
        return file;
    }

    public static string? Confusion(string directory, ConfusionCounts? confusion, IReadOnlyList<string>? classNames, string title)
    {
        if (confusion is null)
        {
            return null;
        }

        var names = classNames is { } n && n.Count == confusion.Classes ? n : Enumerable.Range(0, confusion.Classes).Select(c => c.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
        var file = Path.Combine(directory, "confusion.png");
        Charts.Confusion(file, $"{title} ({confusion.Correct}/{confusion.Labelled} correct)", names, confusion.Counts);
        return file;
    }
}
