using System.CommandLine;
using Microsoft.Extensions.Logging;
using Neuromorphic.Cli.Hosting;
using Neuromorphic.Cli.Plotting;
using Neuromorphic.Traces;
using Neuromorphic.Traces.Analysis;

namespace Neuromorphic.Cli.Commands;

/// <summary><c>neuro trace plot</c>: spike raster, energy breakdown and latency histogram as PNG files.</summary>
internal static class TracePlotCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("plot", "Draw a trace as PNG files: spike raster (raster.png), energy per inference (energy.png), latency (latency.png), firing rates (rates.png), " +
            "per-core energy and utilisation over the mesh (cores.png, utilisation.png), link traffic (links.png, level messages), the confusion matrix (confusion.png) probed neurons' potential and current (probes.png, runs with --probe) and accuracy against the read-out window (steps.png).");
        var path = CommonOptions.TraceArgument();
        var output = CommonOptions.OutDirectory("Directory to write the PNG files to (created if needed).");
        var inference = CommonOptions.InferenceOption("Inference to draw the raster and probes of (default: the first one with spikes, or probes).");
        var json = CommonOptions.Json();
        command.Arguments.Add(path);
        command.Options.Add(output);
        command.Options.Add(inference);
        command.Options.Add(json);
        context.SetAction(command, parse =>
        {
            var log = context.Logger<TraceReader>();
            var tracePath = parse.GetValue(path)!;
            var outDirectory = parse.GetValue(output)!;
            context.Outputs.Input(tracePath, "the trace").Directory(outDirectory, "--out",
                ["raster.png", "energy.png", "latency.png", "rates.png", "cores.png", "utilisation.png", "links.png", "confusion.png", "probes.png"]);
            Directory.CreateDirectory(outDirectory);
            var written = new List<string>();
            var summaries = TracePlotData.Summaries(tracePath, log);
            var raster = TracePlotData.Raster(tracePath, parse.GetValue(inference), log);
            if (raster is not null)
            {
                var file = Path.Combine(outDirectory, "raster.png");
                Charts.Raster(file, $"Spike raster of inference {raster.Inference}", "time within the inference (µs)", raster.TimesUs, raster.Neurons,
                    raster.PopulationStarts, raster.InputTimesUs, raster.InputNeurons);
                written.Add(file);
            }
            else if (parse.GetValue(inference) is { } requested && TracePlotData.Probes(tracePath, requested, log) is null)
            {
                throw new Core.Errors.InvalidInputException(tracePath, "--inference", requested.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    "an inference with recorded spikes (the trace level must be spikes or messages) or probes");
            }
            else
            {
                using var reader = TraceReader.Open(tracePath);
                log.LogInformation("No spike raster: the trace has no spikes (level {Level})", reader.Header.Level.Name());
            }

            if (summaries.InferenceCount == 0)
            {
                log.LogWarning("{Trace} holds no inference summaries: no energy or latency plot", tracePath);
            }

            string chipName;
            using (var header = TraceReader.Open(tracePath, new TraceReadOptions { Kinds = TraceKinds.None }, log))
            {
                chipName = RunManifest.Of(header.Header).Chip ?? "chip";
            }

            foreach (var file in new[]
                     {
                         TracePlots.Energy(outDirectory, summaries), TracePlots.Latency(outDirectory, summaries),
                         TracePlots.Rates(outDirectory, tracePath, $"Firing rates per population ({summaries.InferenceCount:N0} inferences)", log),
                         TracePlots.Links(outDirectory, tracePath, $"Messages over the mesh, {summaries.InferenceCount:N0} inferences ({chipName})", log),
                         TracePlots.Confusion(outDirectory, TraceActivity.Confusion(tracePath, log), null, $"Confusion matrix ({chipName})"),
                         TracePlots.Probes(outDirectory, tracePath, parse.GetValue(inference), log),
                         TracePlots.Steps(outDirectory, tracePath, $"Accuracy against the read-out window ({chipName})", log),
                     }.Concat(TracePlots.Cores(outDirectory, tracePath, chipName, log)))
            {
                if (file is not null)
                {
                    written.Add(file);
                }
            }

            if (parse.GetValue(json))
            {
                context.Output.WriteJson(new { directory = Path.GetFullPath(outDirectory), files = written.Select(Path.GetFileName) });
            }
            else
            {
                foreach (var file in written)
                {
                    context.Output.WriteLine(file);
                }
            }

            return ExitCodes.Success;
        });
        return command;
    }
}
