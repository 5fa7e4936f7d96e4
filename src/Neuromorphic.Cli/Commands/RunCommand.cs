using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Neuromorphic.Chip;
using Neuromorphic.Chip.Costs;
using Neuromorphic.Cli.Hosting;
using Neuromorphic.Cli.Models;
using Neuromorphic.Core.Data;
using Neuromorphic.Core.Errors;
using Neuromorphic.Core.IO;
using Neuromorphic.Core.Networks;
using Neuromorphic.Mapping;
using Neuromorphic.Simulation;
using Neuromorphic.Simulation.Input;
using Neuromorphic.Simulation.Variability;
using Neuromorphic.Traces;
using Spectre.Console;

namespace Neuromorphic.Cli.Commands;

/// <summary>
/// <c>neuro run</c>: simulate inferences of a network on a chip and report accuracy, energy and
/// latency per inference.
/// </summary>
internal static class RunCommand
{
    /// <summary>The HTS-EP float model of <paramref name="network"/>, or null when it is not a layered EP network.</summary>
    internal static Neuromorphic.Learning.Models.EpModel? FloatReference(NetworkSpec network)
    {
        try
        {
            return Neuromorphic.Learning.Models.EpModel.FromNetwork(network);
        }
        catch (InvalidInputException)
        {
            return null;
        }
    }

    public static Command Create(CliContext context)
    {
        var command = new Command("run", "Simulate a mapped network on a chip: accuracy on chip, energy and latency per inference.");
        var model = new Option<string>("--model") { Description = "Network file (JSON) or NIR file (.nir).", Required = true, HelpName = "FILE" };
        var chip = new Option<string>("--chip") { Description = "Chip file or built-in name.", Required = true, HelpName = "CHIP" };
        var mapping = new Option<string?>("--mapping") { Description = "Mapping file from `neuro map` (default: map now).", HelpName = "FILE" };
        var dataset = CommonOptions.Dataset();
        var samples = new Option<int>("--samples") { Description = "Test images to run (the first N of the test split).", DefaultValueFactory = _ => 100 };
        var input = new Option<string?>("--input") { Description = "Input events instead of images: CSV lines step,index (steps from 1).", HelpName = "EVENTS" };
        var mode = new Option<string>("--mode") { Description = "barrier (Loihi steps ended by a mesh barrier) or async (no barrier; cores on their own clocks).", DefaultValueFactory = _ => "barrier" };
        mode.AcceptOnlyFromAmong("barrier", "async");
        var steps = new Option<int>("--steps") { Description = "Algorithmic steps per inference (the read-out window).", DefaultValueFactory = _ => 100 };
        var countFrom = new Option<int>("--count-from") { Description = "Count output spikes from this step on (0-based).", DefaultValueFactory = _ => 0 };
        var earlyExit = new Option<bool>("--early-exit") { Description = "Stop an inference when the leading output can no longer be caught." };
        var encoding = new Option<string>("--encoding") { Description = "sigma-delta (deterministic) or bernoulli.", DefaultValueFactory = _ => "sigma-delta" };
        encoding.AcceptOnlyFromAmong("sigma-delta", "bernoulli");
        var seed = new Option<ulong>("--seed") { Description = "Seed of the chip instance (variability) and of Bernoulli inputs.", DefaultValueFactory = _ => 1UL };
        var threads = new Option<int>("--threads") { Description = "Worker threads across inferences (results are identical for any value).", DefaultValueFactory = _ => Environment.ProcessorCount };
        var ideal = new Option<bool>("--ideal") { Description = "The network's own float arithmetic: no quantization, no variability." };
        var period = new Option<double?>("--period-ns")
        {
            Description = "Local step period in async mode (default: calibrated to the chip's barrier-mode pace on the first input, at least the chip's timing.asyncStepPeriodNs).",
            HelpName = "NS",
        };
        var trace = new Option<string?>("--trace") { Description = "Record a trace (neuromorphic.trace/1) to this file.", HelpName = "FILE" };
        var traceLevel = new Option<string>("--trace-level")
        {
            Description = "summary, counters (enough to re-cost and re-simulate), spikes, or messages (enough to re-cost latency exactly).",
            DefaultValueFactory = _ => "messages",
        };
        traceLevel.AcceptOnlyFromAmong("summary", "counters", "spikes", "messages");
        var traceCompression = new Option<string>("--trace-compression") { Description = "Block compression of the trace: deflate, brotli or none.", DefaultValueFactory = _ => "deflate" };
        traceCompression.AcceptOnlyFromAmong("deflate", "brotli", "none");
        var timing = new Option<string>("--timing")
        {
            Description = "Barrier-mode timing model: detailed (network-on-chip congestion, SANA-FE's default) or simple (busiest core's work, faster).",
            DefaultValueFactory = _ => "detailed",
        };
        timing.AcceptOnlyFromAmong("detailed", "simple");
        var json = CommonOptions.Json();
        foreach (var option in new Option[] { model, chip, mapping, dataset, samples, input, mode, steps, countFrom, earlyExit, encoding, seed, threads, ideal, period, timing, trace, traceLevel, traceCompression, json })
        {
            command.Options.Add(option);
        }

        context.SetAction(command, async (parse, cancellationToken) =>
        {
            var log = context.Logger<Simulator>();
            var stepCount = parse.GetValue(steps);
            if (stepCount <= 0)
            {
                throw new InvalidInputException(null, "--steps", stepCount.ToString(CultureInfo.InvariantCulture), "a positive number of steps");
            }

            var sampleCount = parse.GetValue(samples);
            if (sampleCount < 0)
            {
                throw new InvalidInputException(null, "--samples", sampleCount.ToString(CultureInfo.InvariantCulture), "a sample count ≥ 0");
            }

            var threadCount = parse.GetValue(threads);
            if (threadCount <= 0)
            {
                throw new InvalidInputException(null, "--threads", threadCount.ToString(CultureInfo.InvariantCulture), "a positive number of threads");
            }

            var countFromStep = parse.GetValue(countFrom);
            if (countFromStep < 0 || countFromStep >= stepCount)
            {
                throw new InvalidInputException(null, "--count-from", countFromStep.ToString(CultureInfo.InvariantCulture), $"a step in 0..{stepCount - 1}");
            }

            if (parse.GetValue(period) is { } p && !(p > 0))
            {
                throw new InvalidInputException(null, "--period-ns", p.ToString(CultureInfo.InvariantCulture), "a positive period in ns");
            }

            var modelPath = parse.GetValue(model)!;
            var network = ModelLoader.Load(modelPath, context.Logger<MappedNetwork>());
            var inputPopulation = network.InputPopulation
                ?? throw new InvalidInputException(modelPath, "$.populations", "no input population", "a population with model \"input\" to drive");
            var chipSpec = ChipLoader.Load(parse.GetValue(chip)!);
            MappedNetwork mapped;
            if (parse.GetValue(mapping) is { } mappingPath)
            {
                mapped = MappedNetworkBuilder.Build(network, chipSpec, MappingFile.Load(mappingPath, network, chipSpec), mappingPath);
            }
            else
            {
                mapped = new Mapper(context.Logger<Mapper>()).Map(network, chipSpec, NeuroApp.Version);
            }

            var options = new RunOptions
            {
                Mode = parse.GetValue(mode) == "async" ? SyncMode.Async : SyncMode.Barrier,
                Steps = stepCount,
                CountFromStep = countFromStep,
                EarlyExit = parse.GetValue(earlyExit),
                Seed = parse.GetValue(seed),
                Encoding = parse.GetValue(encoding) == "bernoulli" ? InputEncoding.Bernoulli : InputEncoding.SigmaDelta,
                Ideal = parse.GetValue(ideal),
                AsyncPeriodPs = parse.GetValue(period) is { } ns ? (long)Math.Round(ns * 1000) : null,
                Threads = threadCount,
                Timing = parse.GetValue(timing) == "simple" ? TimingModel.Simple : TimingModel.Detailed,
            };

            int count;
            Func<int, InferenceInput> inputOf;
            string source;
            LabeledImages? images = null;
            if (parse.GetValue(input) is { } eventsPath)
            {
                var events = InputEventsFile.Read(eventsPath, inputPopulation.Size, stepCount);
                count = 1;
                inputOf = _ => new EventInput(events);
                source = $"{eventsPath} ({events.Count} events)";
            }
            else
            {
                var data = DatasetCatalog.Load(parse.GetValue(dataset));
                if (data.PixelsPerImage != inputPopulation.Size)
                {
                    throw new InvalidInputException(modelPath, $"population '{inputPopulation.Name}' size", inputPopulation.Size.ToString(CultureInfo.InvariantCulture),
                        $"{data.PixelsPerImage}, the pixels per image of {data.Name}");
                }

                images = data.Test.Take(sampleCount);
                count = images.Count;
                var test = images;
                inputOf = i => InferenceInput.FromImage(test.Image(i), test.Labels[i], options.Encoding, options.Seed, i);
                source = $"{data.Name} test images ({data.Source})";
            }

            var instance = ChipInstance.Create(mapped, options.Seed, options.Ideal);
            log.LogInformation("Running {Count} inferences of {Network} on {Chip} ({Mode}, {Steps} steps, seed {Seed}, {Threads} threads) from {Source}",
                count, network.Name, chipSpec.Name, options.Mode, options.Steps, options.Seed, options.Threads, source);
            var simulator = new Simulator(context.Logger<Simulator>());
            if (options.Mode == SyncMode.Async && options.AsyncPeriodPs is null && count > 0)
            {
                options = options with { AsyncPeriodPs = Simulator.CalibrateAsyncPeriod(instance, inputOf(0), options) };
            }

            await using var recording = parse.GetValue(trace) is { } tracePath
                ? RunTrace.Create(tracePath, TraceLevels.TryParse(parse.GetValue(traceLevel), out var level) ? level : TraceLevel.Messages, modelPath, network, mapped, instance, options, source,
                    "neuro " + string.Join(' ', parse.Tokens.Select(t => t.Value)),
                    new TraceWriterOptions
                    {
                        Compression = parse.GetValue(traceCompression) switch
                        {
                            "none" => TraceCompression.None,
                            "brotli" => TraceCompression.Brotli,
                            _ => TraceCompression.Deflate,
                        },
                    },
                    context.Logger<RunTrace>())
                : null;
            RunSummary summary;
            try
            {
                summary = await new ProgressDisplay(context, log).RunAsync("Simulating",
                    progress => simulator.RunAsync(instance, count, inputOf, options,
                        recording is null ? null : i => recording.Recorder(i, i), recording is null ? null : recording.Completed,
                        progress, cancellationToken));
                if (recording is not null)
                {
                    await recording.CompleteAsync();
                    log.LogInformation("Trace written to {Path}", recording.Path);
                }
            }
            catch (OperationCanceledException) when (recording is not null)
            {
                await recording.CompleteAsync(TraceCompletion.Interrupted);
                throw;
            }

            var report = RunReport.Create(network, chipSpec, mapped, options, summary, source);
            if (images is not null && FloatReference(network) is { } epModel)
            {
                // The float model on the same images (its own free phase, no chip): what the chip's accuracy is measured against.
                var predictions = epModel.Predict(images, threads: options.Threads, cancellationToken: cancellationToken);
                var correct = 0;
                var agree = 0;
                for (var i = 0; i < predictions.Length; i++)
                {
                    correct += predictions[i] == images.Labels[i] ? 1 : 0;
                    agree += predictions[i] == summary.Inferences[i].Predicted ? 1 : 0;
                }

                report["floatAccuracy"] = predictions.Length == 0 ? null : Math.Round((double)correct / predictions.Length, 6);
                report["chipAgreesWithFloat"] = predictions.Length == 0 ? null : Math.Round((double)agree / predictions.Length, 6);
            }

            if (parse.GetValue(json))
            {
                context.Output.WriteJson(report);
            }
            else
            {
                RunReport.Render(context.Output, report, summary);
            }

            return ExitCodes.Success;
        });
        return command;
    }
}

/// <summary>The summary of a run, as printed and as <c>--json</c>.</summary>
internal static class RunReport
{
    public static JsonObject Create(NetworkSpec network, ChipSpec chip, MappedNetwork mapped, RunOptions options, RunSummary summary, string source)
    {
        var energy = summary.MeanEnergy;
        var totals = summary.Totals;
        var n = Math.Max(1, summary.Count);
        return new JsonObject
        {
            ["network"] = network.Name,
            ["networkHash"] = network.ContentHash,
            ["chip"] = chip.Name,
            ["chipHash"] = chip.ContentHash,
            ["cores"] = mapped.CoreCount,
            ["mode"] = options.Mode.ToString().ToLowerInvariant(),
            ["timing"] = options.Timing.ToString().ToLowerInvariant(),
            ["steps"] = options.Steps,
            ["seed"] = options.Seed,
            ["ideal"] = options.Ideal,
            ["encoding"] = options.Encoding == InputEncoding.SigmaDelta ? "sigma-delta" : "bernoulli",
            ["source"] = source,
            ["inferences"] = summary.Count,
            ["accuracy"] = summary.Labelled == 0 ? null : Math.Round(summary.Accuracy, 6),
            ["energyPerInference"] = new JsonObject
            {
                ["dynamicUj"] = Uj(energy.DynamicFj),
                ["staticUj"] = Uj(energy.StaticFj),
                ["totalUj"] = Uj(energy.TotalFj),
                ["synapseUj"] = Uj(energy.SynapseFj),
                ["neuronUj"] = Uj(energy.NeuronFj),
                ["networkUj"] = Uj(energy.NetworkFj),
            },
            ["latencyPerInference"] = new JsonObject
            {
                ["meanUs"] = Math.Round(summary.MeanLatencyPs / 1e6, 4),
                ["p50Us"] = Math.Round(summary.LatencyP50Ps / 1e6, 4),
                ["p99Us"] = Math.Round(summary.LatencyP99Ps / 1e6, 4),
                ["meanSteps"] = Math.Round(summary.MeanSteps, 3),
            },
            ["perInference"] = new JsonObject
            {
                ["inputSpikes"] = Math.Round((double)totals.InputSpikes / n, 2),
                ["spikes"] = Math.Round((double)totals.NeuronsFired / n, 2),
                ["synapticOps"] = Math.Round((double)totals.SynapticOps / n, 1),
                ["messages"] = Math.Round((double)totals.MessagesOut / n, 1),
            },
            ["overruns"] = summary.Overruns,
            ["asyncPeriodNs"] = summary.AsyncPeriodPs is { } periodPs ? Math.Round(periodPs / 1000.0, 3) : null,
            ["performance"] = new JsonObject
            {
                ["wallSeconds"] = Math.Round(summary.WallSeconds, 3),
                ["threads"] = summary.Threads,
                ["synapticEventsPerSecond"] = Math.Round(summary.SynapticEventsPerSecond),
                ["synapticEventsPerSecondPerThread"] = Math.Round(summary.SynapticEventsPerSecond / summary.Threads),
            },
        };
    }

    private static double Uj(long femtojoules) => Math.Round(femtojoules / 1e9, 6);

    public static void Render(CliOutput output, JsonObject report, RunSummary summary)
    {
        var inv = CultureInfo.InvariantCulture;
        var e = report["energyPerInference"]!;
        var l = report["latencyPerInference"]!;
        var per = report["perInference"]!;
        var perf = report["performance"]!;
        var table = new Table().Title($"{Markup.Escape(report["network"]!.GetValue<string>())} on {Markup.Escape(report["chip"]!.GetValue<string>())} ({report["mode"]}, {report["steps"]} steps)")
            .AddColumn("per inference").AddColumn(new TableColumn("value").RightAligned());
        table.AddRow("inferences", summary.Count.ToString(inv));
        table.AddRow("accuracy on chip", summary.Labelled == 0 ? "n/a (no labels)" : summary.Accuracy.ToString("P2", inv));
        if (report["floatAccuracy"] is { } floatAccuracy)
        {
            table.AddRow("accuracy of the float model", floatAccuracy.GetValue<double>().ToString("P2", inv));
            table.AddRow("chip agrees with float", report["chipAgreesWithFloat"]!.GetValue<double>().ToString("P2", inv));
        }
        table.AddRow("energy: dynamic", $"{e["dynamicUj"]!.GetValue<double>().ToString("0.###", inv)} µJ");
        table.AddRow("  synapse / neuron / network", $"{e["synapseUj"]!.GetValue<double>().ToString("0.###", inv)} / {e["neuronUj"]!.GetValue<double>().ToString("0.###", inv)} / {e["networkUj"]!.GetValue<double>().ToString("0.###", inv)} µJ");
        table.AddRow("energy: static", $"{e["staticUj"]!.GetValue<double>().ToString("0.###", inv)} µJ");
        table.AddRow("energy: total", $"{e["totalUj"]!.GetValue<double>().ToString("0.###", inv)} µJ");
        table.AddRow("latency mean / p50 / p99", $"{l["meanUs"]!.GetValue<double>().ToString("0.##", inv)} / {l["p50Us"]!.GetValue<double>().ToString("0.##", inv)} / {l["p99Us"]!.GetValue<double>().ToString("0.##", inv)} µs");
        table.AddRow("steps (mean)", l["meanSteps"]!.GetValue<double>().ToString("0.#", inv));
        table.AddRow("input spikes / spikes", $"{per["inputSpikes"]!.GetValue<double>().ToString("N0", inv)} / {per["spikes"]!.GetValue<double>().ToString("N0", inv)}");
        table.AddRow("synaptic ops / messages", $"{per["synapticOps"]!.GetValue<double>().ToString("N0", inv)} / {per["messages"]!.GetValue<double>().ToString("N0", inv)}");
        if (summary.AsyncPeriodPs is { } periodPs)
        {
            table.AddRow("async clock period", $"{(periodPs / 1000.0).ToString("0.#", inv)} ns");
        }

        if (summary.Overruns > 0)
        {
            table.AddRow("async overruns (core steps)", summary.Overruns.ToString("N0", inv));
        }

        table.AddRow("simulated synaptic events / s", $"{perf["synapticEventsPerSecond"]!.GetValue<double>().ToString("0.##e0", inv)} ({summary.Threads} threads, {summary.WallSeconds.ToString("0.##", inv)} s)");
        output.Write(table);
        output.WriteLine($"network {Hashing.Short(report["networkHash"]!.GetValue<string>())}, chip {Hashing.Short(report["chipHash"]!.GetValue<string>())}, seed {report["seed"]}");
    }
}
