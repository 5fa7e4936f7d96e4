using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Neuromorphic.Chip;
using Neuromorphic.Cli.Hosting;
using Neuromorphic.Cli.Plotting;
using Neuromorphic.Core.IO;
using Neuromorphic.Core.Networks;
using Neuromorphic.Mapping;
using Neuromorphic.Simulation;
using Neuromorphic.Traces.Analysis;
using Neuromorphic.Workflows.Runs;
using Spectre.Console;

namespace Neuromorphic.Cli.Demo;

/// <summary>
/// The demo's report folder: <c>summary.json</c>, <c>report.md</c>, and PNG plots — accuracy (float
/// versus chip, 95 % intervals), energy per inference (dynamic by component, static apart), latency
/// distributions of every configuration, accuracy against energy, the confusion matrix, one
/// inference's spike raster, per-layer firing rates, per-core energy and utilisation over the mesh,
/// and link traffic; beside them the model, the mapping and the trace.
/// </summary>
internal sealed class DemoReport(string directory, NetworkSpec network, int samples, int steps, double floatAccuracy,
    IReadOnlyList<DemoReport.Result> results, TimeSpan elapsed, MappedNetwork tracedMapping, IReadOnlyList<string> classNames)
{
    internal sealed record Result(DemoConfiguration Configuration, RunReport Report)
    {
        public RunSummary Summary => Report.Summary;

        public double AgreementWithFloat => Report.ChipAgreesWithFloat ?? double.NaN;
    }

    public static readonly string[] Files =
    [
        "summary.json", "report.md", "accuracy.png", "energy.png", "latency.png", "tradeoff.png", "confusion.png", "raster.png", "rates.png",
        "cores.png", "utilisation.png", "links.png", "trace.trace", "mapping.json",
    ];

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public JsonObject Summary() => new()
    {
        ["model"] = network.Name,
        ["modelHash"] = network.ContentHash,
        ["training"] = network.Training?["command"]?.DeepClone(),
        ["samples"] = samples,
        ["steps"] = steps,
        ["floatAccuracy"] = Math.Round(floatAccuracy, 6),
        ["configurations"] = new JsonArray(results.Select(r =>
        {
            var node = r.Report.ToJson();
            node["configuration"] = r.Configuration.Name;
            node["variability"] = r.Configuration.Variability;
            return (JsonNode)node;
        }).ToArray()),
        ["files"] = new JsonArray(Files.Select(f => (JsonNode)f).ToArray()),
        ["elapsedSeconds"] = Math.Round(elapsed.TotalSeconds, 2),
    };

    /// <summary>Chips whose totals need a caveat (static power assumed or absent), by name.</summary>
    private IReadOnlyList<RunReport> Caveated => results.Select(r => r.Report).Where(r => r.StaticPowerBasis.NeedsCaveat()).DistinctBy(r => r.Chip).ToList();

    public void Write(ILogger log)
    {
        var names = results.Select(r => r.Configuration.Name).ToList();
        var correctFloat = (int)Math.Round(floatAccuracy * samples);
        Charts.BarsWithIntervals(Path.Combine(directory, "accuracy.png"), $"Accuracy on {samples} Fashion-MNIST test images",
            "accuracy (%), 95 % Wilson interval (axis zoomed)",
            ["float model", .. names],
            [Percent(Charts.Wilson(correctFloat, samples)), .. results.Select(r => Percent(Charts.Wilson(r.Summary.Correct, r.Summary.Labelled)))]);
        WriteEnergy(Path.Combine(directory, "energy.png"), names);
        Charts.Histograms(Path.Combine(directory, "latency.png"), $"Latency per inference ({samples} images, dashed: medians)", "latency per inference (µs)",
            results.Select(r => new HistogramSeries($"{r.Configuration.Name} ({r.Configuration.Chip})", r.Summary.Inferences.Select(i => i.Latency.TotalMicroseconds).ToList())).ToList());
        var caveat = Caveated.Count == 0 ? null : "hollow: static power " + string.Join(", ", Caveated.Select(r => $"{r.Chip} {r.StaticPowerBasis.Name()}"));
        Charts.TradeOff(Path.Combine(directory, "tradeoff.png"), "Accuracy against energy per inference", "total energy per inference (µJ)",
            "accuracy (%), 95 % Wilson interval",
            results.Select(r => new TradeOffPoint(r.Configuration.Name, r.Summary.MeanEnergy.Total.TotalMicrojoules,
                Percent(Charts.Wilson(r.Summary.Correct, r.Summary.Labelled)), r.Report.StaticPowerBasis.NeedsCaveat())).ToList(), caveat);
        var traced = results.First(r => r.Configuration.Traced);
        TracePlots.Confusion(directory, TraceActivity.ConfusionOf(traced.Summary.Inferences.Select(i => (i.Label, i.Predicted)).ToList(), classNames.Count), classNames,
            $"Confusion matrix: {traced.Configuration.Name} on {traced.Configuration.Chip}");
        WriteTracePlots(log, traced);
        AtomicFile.WriteAllText(Path.Combine(directory, "summary.json"), JsonText.Format(Summary()));
        AtomicFile.WriteAllText(Path.Combine(directory, "report.md"), Markdown());
        log.LogInformation("Report written to {Directory} in {Seconds:0.0} s", directory, elapsed.TotalSeconds);
    }

    private static Estimate Percent(Estimate e) => new(100 * e.Value, 100 * e.Low, 100 * e.High);

    private void WriteEnergy(string path, IReadOnlyList<string> names)
    {
        var dynamic = Charts.NewPlot("Dynamic energy per inference", "", "dynamic energy per inference (µJ)");
        var staticPlot = Charts.NewPlot("Static energy per inference", "", "static energy per inference (µJ)");
        var segments = new (string Label, Func<RunSummary, double> Value)[]
        {
            ("synapse", s => s.MeanEnergy.Synapse.TotalMicrojoules), ("neuron", s => s.MeanEnergy.Neuron.TotalMicrojoules), ("network", s => s.MeanEnergy.Network.TotalMicrojoules),
        };
        var bars = new List<ScottPlot.Bar>();
        for (var c = 0; c < results.Count; c++)
        {
            var baseValue = 0.0;
            for (var s = 0; s < segments.Length; s++)
            {
                var value = segments[s].Value(results[c].Summary);
                bars.Add(new ScottPlot.Bar { Position = c, ValueBase = baseValue, Value = baseValue + value, FillColor = Charts.ColorOf(s) });
                baseValue += value;
            }

            var total = dynamic.Add.Text(baseValue.ToString("0.#", Inv), c, baseValue);
            total.LabelAlignment = ScottPlot.Alignment.LowerCenter;
            total.LabelFontSize = 13;
        }

        dynamic.Add.Bars(bars);
        for (var s = 0; s < segments.Length; s++)
        {
            dynamic.Legend.ManualItems.Add(new ScottPlot.LegendItem { LabelText = segments[s].Label, FillColor = Charts.ColorOf(s) });
        }

        dynamic.ShowLegend(ScottPlot.Alignment.UpperRight);
        Charts.CategoryTicks(dynamic, names, Charts.DefaultWidth * 3 / 4);
        dynamic.Axes.Margins(bottom: 0, top: 0.15);

        var staticBars = results.Select((r, c) => new ScottPlot.Bar
        {
            Position = c, Value = r.Summary.MeanEnergy.Static.TotalMicrojoules,
            FillColor = r.Report.StaticPowerBasis.NeedsCaveat() ? ScottPlot.Colors.LightGray : Charts.ColorOf(7),
        }).ToList();
        staticPlot.Add.Bars(staticBars);
        for (var c = 0; c < results.Count; c++)
        {
            var r = results[c].Report;
            var text = staticPlot.Add.Text($"{r.Summary.MeanEnergy.Static.TotalMicrojoules:0.#}\n{r.StaticPowerMw:0.#} mW, {r.StaticPowerBasis.Name()}", c, r.Summary.MeanEnergy.Static.TotalMicrojoules);
            text.LabelAlignment = ScottPlot.Alignment.LowerCenter;
            text.LabelFontSize = 11;
        }

        Charts.CategoryTicks(staticPlot, names, Charts.DefaultWidth * 3 / 4);
        staticPlot.Axes.Margins(bottom: 0, top: 0.25);
        Charts.SaveSideBySide(path, [dynamic, staticPlot]);
    }

    private void WriteTracePlots(ILogger log, Result traced)
    {
        var trace = Path.Combine(directory, "trace.trace");
        var raster = TracePlotData.Raster(trace, 0, log);
        if (raster is not null)
        {
            Charts.Raster(Path.Combine(directory, "raster.png"), $"Spike raster of inference 0 on {traced.Configuration.Chip}", "time within the inference (µs)",
                raster.TimesUs, raster.Neurons, raster.PopulationStarts, raster.InputTimesUs, raster.InputNeurons);
        }

        TracePlots.Rates(directory, trace, $"Firing rates per layer ({traced.Configuration.Name}, {samples} images)", log);
        TracePlots.Steps(directory, trace, $"Accuracy against the read-out window ({traced.Configuration.Name}, {traced.Configuration.Chip})", log);
        TracePlots.Cores(directory, trace, traced.Configuration.Chip, log);
        if (TraceActivity.SpikeCounts(trace, log) is { } counts)
        {
            // The demo's trace holds spikes, not messages: the link loads follow from the spikes and the mapping.
            TracePlots.Links(directory, trace, $"Messages over the mesh, {samples} inferences ({traced.Configuration.Chip})", log,
                MeshTraffic.FromSpikes(tracedMapping, counts.Spikes));
        }
    }

    private string Markdown()
    {
        var md = new StringBuilder();
        md.Append("# neuro demo\n\n");
        md.Append($"The embedded HTS-EP model `{network.Name}` ({network.NeuronCount:N0} neurons, {network.SynapseCount:N0} synapses), trained with\n\n");
        md.Append($"```\n{network.Training?["command"]?.GetValue<string>() ?? "(no training metadata)"}\n```\n\n");
        md.Append($"run on {samples} images of the embedded Fashion-MNIST test subset, {steps} algorithmic steps each. ");
        md.Append($"The float model (its own free phase, no chip) classifies {floatAccuracy.ToString("P1", Inv)} of them correctly.\n\n");
        md.Append("| configuration | chip | mode | variability | accuracy (95 % interval) | agrees with float | dynamic µJ / inference | static µJ | total µJ | latency mean / p50 / p99 (µs) | stalls / late spikes per inference |\n");
        md.Append("|---|---|---|---|---|---|---|---|---|---|---|\n");
        foreach (var r in results)
        {
            var e = r.Summary.MeanEnergy;
            var interval = Percent(Charts.Wilson(r.Summary.Correct, r.Summary.Labelled));
            md.Append($"| {r.Configuration.Name} | {r.Configuration.Chip} | {r.Configuration.Mode.ToString().ToLowerInvariant()} | {r.Configuration.Variability} | ");
            md.Append($"{r.Summary.Accuracy.ToString("P1", Inv)} ({interval.Low:0.0}–{interval.High:0.0}) | {r.AgreementWithFloat.ToString("P1", Inv)} | ");
            md.Append($"{e.Dynamic.TotalMicrojoules.ToString("0.#", Inv)} | {e.Static.TotalMicrojoules.ToString("0.#", Inv)}{(r.Report.StaticPowerBasis.NeedsCaveat() ? "¹" : "")} | {e.Total.TotalMicrojoules.ToString("0.#", Inv)} | ");
            md.Append($"{(r.Summary.MeanLatencyPs / 1e6).ToString("0.#", Inv)} / {r.Summary.LatencyP50.TotalMicroseconds.ToString("0.#", Inv)} / {r.Summary.LatencyP99.TotalMicroseconds.ToString("0.#", Inv)} | ");
            md.Append(r.Configuration.Mode == SyncMode.Async
                ? $"{r.Summary.StallsPerInference.ToString("0.#", Inv)} / {r.Summary.LateSpikesPerInference.ToString("0.#", Inv)} |\n"
                : "– |\n");
        }

        md.Append("\nModes: barrier ends every step with a mesh-wide barrier; handshake runs the same steps (the same spikes) on self-timed cores ");
        md.Append("that wait only for end-of-step tokens from the cores that send to them, so latency follows the critical path; async runs free clocks ");
        md.Append("of the chip's nominal period (timing.asyncStepPeriodNs) with bounded input queues, so spikes can arrive late and senders can stall. ");
        md.Append("Latency runs from the first input to the decision.\n");

        md.Append("\nStatic energy is each chip's static power (the whole chip's leakage) × the inference's latency: ");
        md.Append(string.Join("; ", results.Select(r => r.Report).DistinctBy(r => r.Chip).Select(r => $"{r.Chip} {r.StaticPowerMw:0.#} mW ({r.StaticPowerBasis.Name()})")));
        md.Append(Caveated.Count == 0
            ? ". Totals compare across chips.\n\n"
            : ".\n\n¹ Static power assumed or absent: compare dynamic energy for " + string.Join(", ", Caveated.Select(r => r.Chip)) + ".\n\n");
        foreach (var (file, caption) in new[]
                 {
                     ("accuracy.png", "accuracy"), ("energy.png", "energy per inference"), ("latency.png", "latency"), ("tradeoff.png", "accuracy against energy"),
                     ("confusion.png", "confusion matrix"), ("raster.png", "raster"), ("rates.png", "firing rates"), ("cores.png", "energy per core"),
                     ("utilisation.png", "core utilisation"), ("links.png", "link traffic"),
                 })
        {
            if (File.Exists(Path.Combine(directory, file)))
            {
                md.Append($"![{caption}]({file})\n\n");
            }
        }

        md.Append("Files: `model/` (the network), `mapping.json` (its mapping onto loihi1-calibrated), `trace.trace` (the barrier run, level spikes: ");
        md.Append("`neuro trace info trace.trace`, `neuro replay trace.trace --chip loihi1` re-costs it on Davies's figures, `neuro replay trace.trace --resimulate` checks it reproduces).\n");
        return md.ToString();
    }

    public void Render(CliOutput output)
    {
        var table = new Table().Title($"neuro demo: {Markup.Escape(network.Name)}, {samples} images, {steps} steps (float model {floatAccuracy.ToString("P1", Inv)})")
            .AddColumn("configuration").AddColumn("chip").AddColumn(new TableColumn("accuracy").RightAligned())
            .AddColumn(new TableColumn("dynamic µJ").RightAligned()).AddColumn(new TableColumn("static µJ").RightAligned())
            .AddColumn(new TableColumn("total µJ").RightAligned()).AddColumn(new TableColumn("latency (µs)").RightAligned());
        foreach (var r in results)
        {
            var e = r.Summary.MeanEnergy;
            table.AddRow(Markup.Escape(r.Configuration.Name), r.Configuration.Chip, r.Summary.Accuracy.ToString("P1", Inv),
                e.Dynamic.TotalMicrojoules.ToString("0.#", Inv), e.Static.TotalMicrojoules.ToString("0.#", Inv) + (r.Report.StaticPowerBasis.NeedsCaveat() ? " ¹" : ""),
                e.Total.TotalMicrojoules.ToString("0.#", Inv), (r.Summary.MeanLatencyPs / 1e6).ToString("0.#", Inv));
        }

        if (Caveated.Count > 0)
        {
            table.Caption("¹ static power " + string.Join(", ", Caveated.Select(r => $"{r.Chip}: {r.StaticPowerBasis.Name()}")) + " — compare dynamic energy");
        }

        output.Write(table);
        output.WriteLine($"Report: {Path.Combine(directory, "report.md")} ({string.Join(", ", Files.Skip(1))}) in {elapsed.TotalSeconds.ToString("0", Inv)} s");
    }
}
