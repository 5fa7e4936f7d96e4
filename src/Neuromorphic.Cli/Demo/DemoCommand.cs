using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Neuromorphic.Chip;
using Neuromorphic.Cli.Commands;
using Neuromorphic.Cli.Hosting;
using Neuromorphic.Core.Data;
using Neuromorphic.Core.Errors;
using Neuromorphic.Core.Networks;
using Neuromorphic.Mapping;
using Neuromorphic.Simulation;
using Neuromorphic.Traces;
using Neuromorphic.Workflows.Runs;

namespace Neuromorphic.Cli.Demo;

/// <summary>
/// <c>neuro demo</c>: the whole journey on embedded defaults, offline — the trained HTS-EP model,
/// mapped onto the SANA-FE-calibrated Loihi, run in barrier and async mode, with and without
/// device variability, traced, and reported as a folder of JSON, Markdown and PNG plots.
/// </summary>
internal static class DemoCommand
{
    private const string Source = "embedded Fashion-MNIST test subset";

    public static Command Create(CliContext context)
    {
        var command = new Command("demo", "The whole toolkit in one command, offline: the embedded HTS-EP model mapped onto a Loihi-like chip, " +
            "simulated in barrier and async modes with and without variability, traced, and reported (JSON, Markdown, PNG).");
        var output = new Option<string>("--out") { Description = "Report folder.", DefaultValueFactory = _ => "neuro-demo", HelpName = "DIR" };
        var samples = new Option<int>("--samples") { Description = "Test images per configuration (embedded Fashion-MNIST subset).", DefaultValueFactory = _ => 200 };
        var steps = new Option<int>("--steps") { Description = "Algorithmic steps per inference.", DefaultValueFactory = _ => 100 };
        var threads = new Option<int>("--threads") { Description = "Worker threads.", DefaultValueFactory = _ => Environment.ProcessorCount };
        var json = CommonOptions.Json();
        foreach (var option in new Option[] { output, samples, steps, threads, json })
        {
            command.Options.Add(option);
        }

        context.SetAction(command, async (parse, cancellationToken) =>
        {
            var log = context.Logger<DemoReport>();
            var sampleCount = parse.GetValue(samples);
            if (sampleCount is <= 0 or > 1000)
            {
                throw new InvalidInputException(null, "--samples", sampleCount.ToString(CultureInfo.InvariantCulture), "1..1000 (the embedded test subset has 1,000 images)");
            }

            var clock = System.Diagnostics.Stopwatch.StartNew();
            context.Outputs.Directory(parse.GetValue(output), "--out", DemoReport.Files);
            context.Outputs.Directory(Path.Combine(parse.GetValue(output)!, "model"), "--out", DemoModel.Files);
            var directory = Path.GetFullPath(parse.GetValue(output)!);
            Directory.CreateDirectory(directory);
            var modelPath = DemoModel.Extract(Path.Combine(directory, "model"));
            var network = NetworkFile.Load(modelPath);
            var images = DatasetCatalog.LoadEmbedded().Test.Take(sampleCount);
            var stepCount = parse.GetValue(steps);
            var threadCount = parse.GetValue(threads);
            log.LogInformation("Demo: {Network} ({Neurons} neurons, {Synapses:N0} synapses), {Samples} embedded Fashion-MNIST test images, {Steps} steps, report in {Directory}",
                network.Name, network.NeuronCount, network.SynapseCount, sampleCount, stepCount, directory);

            var floatReference = FloatReference.Of(network, images, threadCount)!;
            var planner = new RunPlanner(context.LoggerFactory, NeuroApp.Version);
            var session = new RunSession(context.LoggerFactory, NeuroApp.Version);
            var results = new List<DemoReport.Result>();
            var mappings = new Dictionary<string, MappedNetwork>();
            foreach (var configuration in DemoConfiguration.All)
            {
                var chip = ChipLoader.Load(configuration.Chip);
                if (!mappings.TryGetValue(chip.Name, out var mapped))
                {
                    mapped = planner.Map(network, chip);
                    mappings[chip.Name] = mapped;
                    if (configuration.Chip == DemoConfiguration.All[0].Chip)
                    {
                        MappingFile.Save(mapped.Plan, Path.Combine(directory, "mapping.json"), MappingReport.Create(mapped));
                    }
                }

                var options = new RunOptions
                {
                    Mode = configuration.Mode, Steps = stepCount, Seed = 1, Threads = threadCount, Realization = configuration.Realization, EarlyExit = configuration.EarlyExit,
                };
                var plan = planner.Resolve(modelPath, network, mapped, options, RunInputs.FromImages(images, Source, options.Encoding, options.Seed), floatReference,
                    configuration.Traced ? new TraceRequest(Path.Combine(directory, "trace.trace"), TraceLevel.Spikes) : null);
                var report = await new ProgressDisplay(context, log).RunAsync(configuration.Name, progress => session.RunAsync(plan, progress, cancellationToken));
                results.Add(new DemoReport.Result(configuration, report));
                log.LogInformation("{Configuration}: accuracy {Accuracy:P1} (float {Float:P1}), {Energy:0.#} µJ and {Latency:0.#} µs per inference",
                    configuration.Name, report.Summary.Accuracy, floatReference.Accuracy, report.Summary.MeanEnergy.Total.TotalMicrojoules, report.Summary.MeanLatencyPs / 1e6);
            }

            var demo = new DemoReport(directory, network, sampleCount, stepCount, floatReference.Accuracy, results, clock.Elapsed,
                mappings[ChipLoader.Load(DemoConfiguration.All.First(c => c.Traced).Chip).Name], DatasetCatalog.FashionMnistClasses);
            demo.Write(log);
            if (parse.GetValue(json))
            {
                context.Output.WriteJson(demo.Summary());
            }
            else
            {
                demo.Render(context.Output);
            }

            return ExitCodes.Success;
        }, new Dictionary<string, string> { [nameof(RunOptions.Steps)] = "--steps", [nameof(RunOptions.Threads)] = "--threads" });
        return command;
    }
}
