using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Neuromorphic.Cli.Hosting;
using Neuromorphic.Cli.Plotting;
using Neuromorphic.Core.IO;
using Neuromorphic.Core.Networks;
using Neuromorphic.Simulation;
using Neuromorphic.Workflows.Runs;
using Neuromorphic.Traces.Analysis;
using Spectre.Console;

namespace Neuromorphic.Cli.Demo;

/// <summary>
/// The demo's report folder: <c>summary.json</c>, <c>report.md</c>, and PNG plots of accuracy
/// (float versus chip), energy per inference by component, the latency distribution and one
/// inference's spike raster; beside them the model, the mapping and the trace.
/// </summary>
internal sealed class DemoReport(string directory, NetworkSpec network, int samples, int steps, double floatAccuracy,
    IReadOnlyList<DemoReport.Result> results, TimeSpan elapsed)
{
    internal sealed record Result(DemoConfiguration Configuration, RunReport Report)
    {
        public RunSummary Summary => Report.Summary;

        public double AgreementWithFloat => Report.ChipAgreesWithFloat ?? double.NaN;
    }

    public static readonly string[] Files = ["summary.json", "report.md", "accuracy.png", "energy.png", "latency.png", "raster.png", "trace.trace", "mapping.json"];

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

    public void Write(ILogger log)
    {
        var names = results.Select(r => r.Configuration.Name).ToList();
        Charts.Bars(Path.Combine(directory, "accuracy.png"), $"Accuracy on {samples} Fashion-MNIST test images", "accuracy (%)",
            ["float model", .. names], [100 * floatAccuracy, .. results.Select(r => 100 * r.Summary.Accuracy)]);
        Charts.StackedBars(Path.Combine(directory, "energy.png"), "Energy per inference", "µJ", names,
        [
            new BarSegment("synapse", results.Select(r => r.Summary.MeanEnergy.Synapse.TotalMicrojoules).ToArray()),
            new BarSegment("neuron", results.Select(r => r.Summary.MeanEnergy.Neuron.TotalMicrojoules).ToArray()),
            new BarSegment("network", results.Select(r => r.Summary.MeanEnergy.Network.TotalMicrojoules).ToArray()),
            new BarSegment("static", results.Select(r => r.Summary.MeanEnergy.Static.TotalMicrojoules).ToArray()),
        ]);
        var barrier = results[0];
        Charts.Histogram(Path.Combine(directory, "latency.png"), $"Latency per inference ({barrier.Configuration.Name}, {barrier.Configuration.Chip})", "latency (µs)",
            barrier.Summary.Inferences.Select(r => r.Latency.TotalMicroseconds).ToList());
        var raster = TracePlotData.Raster(Path.Combine(directory, "trace.trace"), 0, log);
        if (raster is not null)
        {
            Charts.Raster(Path.Combine(directory, "raster.png"), $"Spikes of inference 0 ({raster.TimesUs.Length:N0}, inputs {raster.InputTimesUs.Length:N0}), {barrier.Configuration.Chip}",
                "time (µs)", raster.TimesUs, raster.Neurons, raster.PopulationStarts, raster.InputTimesUs, raster.InputNeurons);
        }

        AtomicFile.WriteAllText(Path.Combine(directory, "summary.json"), JsonText.Format(Summary()));
        AtomicFile.WriteAllText(Path.Combine(directory, "report.md"), Markdown());
        log.LogInformation("Report written to {Directory} in {Seconds:0.0} s", directory, elapsed.TotalSeconds);
    }

    private string Markdown()
    {
        var md = new StringBuilder();
        md.Append("# neuro demo\n\n");
        md.Append($"The embedded HTS-EP model `{network.Name}` ({network.NeuronCount:N0} neurons, {network.SynapseCount:N0} synapses), trained with\n\n");
        md.Append($"```\n{network.Training?["command"]?.GetValue<string>() ?? "(no training metadata)"}\n```\n\n");
        md.Append($"run on {samples} images of the embedded Fashion-MNIST test subset, {steps} algorithmic steps each. ");
        md.Append($"The float model (its own free phase, no chip) classifies {floatAccuracy.ToString("P1", Inv)} of them correctly.\n\n");
        md.Append("| configuration | chip | mode | variability | accuracy | agrees with float | energy / inference (µJ) | static (µJ) | latency mean / p99 (µs) |\n");
        md.Append("|---|---|---|---|---|---|---|---|---|\n");
        foreach (var r in results)
        {
            var e = r.Summary.MeanEnergy;
            md.Append($"| {r.Configuration.Name} | {r.Configuration.Chip} | {r.Configuration.Mode.ToString().ToLowerInvariant()} | {r.Configuration.Variability} | ");
            md.Append($"{r.Summary.Accuracy.ToString("P1", Inv)} | {r.AgreementWithFloat.ToString("P1", Inv)} | {e.Total.TotalMicrojoules.ToString("0.#", Inv)} | {e.Static.TotalMicrojoules.ToString("0.#", Inv)} | ");
            md.Append($"{(r.Summary.MeanLatencyPs / 1e6).ToString("0.#", Inv)} / {r.Summary.LatencyP99.TotalMicroseconds.ToString("0.#", Inv)} |\n");
        }

        md.Append("\n![accuracy](accuracy.png)\n\n![energy per inference](energy.png)\n\n![latency](latency.png)\n\n![raster](raster.png)\n\n");
        md.Append("Files: `model/` (the network), `mapping.json` (its mapping onto loihi1-calibrated), `trace.trace` (the barrier run, level spikes: ");
        md.Append("`neuro trace info trace.trace`, `neuro replay trace.trace --chip loihi1` re-costs it on Davies's figures, `neuro replay trace.trace --resimulate` checks it reproduces).\n");
        return md.ToString();
    }

    public void Render(CliOutput output)
    {
        var table = new Table().Title($"neuro demo: {Markup.Escape(network.Name)}, {samples} images, {steps} steps (float model {floatAccuracy.ToString("P1", Inv)})")
            .AddColumn("configuration").AddColumn("chip").AddColumn(new TableColumn("accuracy").RightAligned())
            .AddColumn(new TableColumn("µJ / inference").RightAligned()).AddColumn(new TableColumn("latency (µs)").RightAligned());
        foreach (var r in results)
        {
            table.AddRow(Markup.Escape(r.Configuration.Name), r.Configuration.Chip, r.Summary.Accuracy.ToString("P1", Inv),
                r.Summary.MeanEnergy.Total.TotalMicrojoules.ToString("0.#", Inv), (r.Summary.MeanLatencyPs / 1e6).ToString("0.#", Inv));
        }

        output.Write(table);
        output.WriteLine($"Report: {Path.Combine(directory, "report.md")} (summary.json, accuracy.png, energy.png, latency.png, raster.png, trace.trace, mapping.json) in {elapsed.TotalSeconds.ToString("0", Inv)} s");
    }
}
