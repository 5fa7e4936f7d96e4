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
using Neuromorphic.Simulation.Input;
using Neuromorphic.Simulation.Variability;
using Neuromorphic.Traces;

namespace Neuromorphic.Cli.Demo;

/// <summary>
/// <c>neuro demo</c>: the whole journey on embedded defaults, offline — the trained HTS-EP model,
/// mapped onto the SANA-FE-calibrated Loihi, run in barrier and async mode, with and without
/// device variability, traced, and reported as a folder of JSON, Markdown and PNG plots.
/// </summary>
internal static class DemoCommand
{
    /// <summary>One configuration the demo runs.</summary>
    internal sealed record Configuration(string Name, string Chip, SyncMode Mode, string Variability, bool Traced = false);

    internal static readonly Configuration[] Configurations =
    [
        new("barrier", "loihi1-calibrated", SyncMode.Barrier, "none", Traced: true),
        new("async", "loihi1-calibrated", SyncMode.Async, "none"),
        new("async + timing variability", "loihi1-async-variable", SyncMode.Async, "clock skew 5 %, latency jitter 10 %"),
        new("barrier + analog mismatch", "analog-mismatch", SyncMode.Barrier, "thresholds, decays, weights 10 %"),
    ];

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
            var stepCount = parse.GetValue(steps);
            var threadCount = parse.GetValue(threads);
            if (sampleCount is <= 0 or > 1000)
            {
                throw new InvalidInputException(null, "--samples", sampleCount.ToString(CultureInfo.InvariantCulture), "1..1000 (the embedded test subset has 1,000 images)");
            }

            if (stepCount <= 0 || threadCount <= 0)
            {
                throw new InvalidInputException(null, stepCount <= 0 ? "--steps" : "--threads", (stepCount <= 0 ? stepCount : threadCount).ToString(CultureInfo.InvariantCulture), "a positive number");
            }

            var clock = System.Diagnostics.Stopwatch.StartNew();
            var directory = Path.GetFullPath(parse.GetValue(output)!);
            Directory.CreateDirectory(directory);
            var modelPath = DemoModel.Extract(Path.Combine(directory, "model"));
            var network = NetworkFile.Load(modelPath);
            var images = DatasetCatalog.LoadEmbedded().Test.Take(sampleCount);
            log.LogInformation("Demo: {Network} ({Neurons} neurons, {Synapses:N0} synapses), {Samples} embedded Fashion-MNIST test images, {Steps} steps, report in {Directory}",
                network.Name, network.NeuronCount, network.SynapseCount, sampleCount, stepCount, directory);

            var floatModel = RunCommand.FloatReference(network)!;
            var floatPredictions = floatModel.Predict(images, threads: threadCount, cancellationToken: cancellationToken);
            var floatAccuracy = floatPredictions.Where((p, i) => p == images.Labels[i]).Count() / (double)sampleCount;

            var results = new List<DemoReport.Result>();
            var mappings = new Dictionary<string, MappedNetwork>();
            foreach (var configuration in Configurations)
            {
                var chip = ChipLoader.Load(configuration.Chip);
                if (!mappings.TryGetValue(chip.Name, out var mapped))
                {
                    mapped = new Mapper(context.Logger<Mapper>()).Map(network, chip, NeuroApp.Version);
                    mappings[chip.Name] = mapped;
                    if (configuration.Chip == Configurations[0].Chip)
                    {
                        MappingFile.Save(mapped.Plan, Path.Combine(directory, "mapping.json"), MappingReport.Create(mapped));
                    }
                }

                var options = new RunOptions { Mode = configuration.Mode, Steps = stepCount, Seed = 1, Threads = threadCount };
                var instance = ChipInstance.Create(mapped, options.Seed, ideal: false);
                InferenceInput InputOf(int i) => InferenceInput.FromImage(images.Image(i), images.Labels[i], options.Encoding, options.Seed, i);
                if (options.Mode == SyncMode.Async)
                {
                    options = options with { AsyncPeriodPs = Simulator.CalibrateAsyncPeriod(instance, InputOf(0), options) };
                }

                await using var trace = configuration.Traced
                    ? RunTrace.Create(Path.Combine(directory, "trace.trace"), TraceLevel.Spikes, modelPath, network, mapped, instance, options,
                        "embedded Fashion-MNIST test subset", "neuro demo", TraceWriterOptions.Default, context.Logger<RunTrace>())
                    : null;
                var summary = await new ProgressDisplay(context, log).RunAsync(configuration.Name,
                    progress => new Simulator(context.Logger<Simulator>()).RunAsync(instance, sampleCount, InputOf, options,
                        trace is null ? null : i => trace.Recorder(i, i), trace is null ? null : trace.Completed, progress, cancellationToken));
                if (trace is not null)
                {
                    await trace.CompleteAsync();
                }

                var report = RunReport.Create(network, chip, mapped, options, summary, "embedded Fashion-MNIST test subset");
                var agree = summary.Inferences.Where((r, i) => r.Predicted == floatPredictions[i]).Count() / (double)sampleCount;
                results.Add(new DemoReport.Result(configuration, report, summary, agree));
                log.LogInformation("{Configuration}: accuracy {Accuracy:P1} (float {Float:P1}), {Energy:0.#} µJ and {Latency:0.#} µs per inference",
                    configuration.Name, summary.Accuracy, floatAccuracy, summary.MeanEnergy.TotalFj / 1e9, summary.MeanLatencyPs / 1e6);
            }

            var demo = new DemoReport(directory, network, sampleCount, stepCount, floatAccuracy, results, clock.Elapsed);
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
        });
        return command;
    }
}
