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
        var command = new Command("plot", "Draw a trace as PNG files: spike raster (raster.png), energy breakdown (energy.png), latency histogram (latency.png).");
        var path = CommonOptions.TraceArgument();
        var output = CommonOptions.OutDirectory("Directory to write the PNG files to (created if needed).");
        var inference = CommonOptions.InferenceOption("Inference to draw the raster of (default: the first one with spikes).");
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
            context.Outputs.Input(tracePath, "the trace").Directory(outDirectory, "--out", ["raster.png", "energy.png", "latency.png"]);
            Directory.CreateDirectory(outDirectory);
            var written = new List<string>();
            var summaries = TracePlotData.Summaries(tracePath, log);
            var raster = TracePlotData.Raster(tracePath, parse.GetValue(inference), log);
            if (raster is not null)
            {
                var file = Path.Combine(outDirectory, "raster.png");
                Charts.Raster(file, $"Spikes of inference {raster.Inference} ({raster.TimesUs.Length:N0})", "time (µs)", raster.TimesUs, raster.Neurons,
                    raster.PopulationStarts);
                written.Add(file);
            }
            else if (parse.GetValue(inference) is { } requested)
            {
                throw new Core.Errors.InvalidInputException(tracePath, "--inference", requested.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    "an inference with recorded spikes (the trace level must be spikes or messages)");
            }
            else
            {
                using var reader = TraceReader.Open(tracePath);
                log.LogInformation("No spike raster: the trace has no spikes (level {Level})", reader.Header.Level.Name());
            }

            if (summaries.InferenceCount > 0)
            {
                var energy = summaries.Energy;
                var max = energy.SynapseFj.Zip(energy.NeuronFj, (a, b) => a + b).Zip(energy.NetworkFj, (a, b) => a + b).Zip(energy.StaticFj, (a, b) => a + b).Max();
                var (scale, unit) = max >= 1e9 ? (1e9, "µJ") : max >= 1e6 ? (1e6, "nJ") : (1e3, "pJ");
                double[] Scaled(double[] values) => values.Select(v => v / scale).ToArray();
                var file = Path.Combine(outDirectory, "energy.png");
                Charts.StackedBars(file, energy.Grouping == "label" ? "Mean energy per inference, by label" : "Energy per inference",
                    unit, energy.Groups,
                    [
                        new BarSegment("synapse", Scaled(energy.SynapseFj)), new BarSegment("neuron", Scaled(energy.NeuronFj)),
                        new BarSegment("network", Scaled(energy.NetworkFj)), new BarSegment("static", Scaled(energy.StaticFj)),
                    ]);
                written.Add(file);
                file = Path.Combine(outDirectory, "latency.png");
                Charts.Histogram(file, $"Latency per inference ({summaries.InferenceCount:N0} inferences)", "latency (µs)", summaries.LatenciesUs,
                    Math.Clamp(summaries.InferenceCount / 4, 5, 40));
                written.Add(file);
            }
            else
            {
                log.LogWarning("{Trace} holds no inference summaries: no energy or latency plot", tracePath);
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
