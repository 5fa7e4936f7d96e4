using System.CommandLine;
using Microsoft.Extensions.Logging;
using Neuromorphic.Chip;
using Neuromorphic.Chip.Timing;
using Neuromorphic.Cli.Hosting;
using Neuromorphic.Cli.Plotting;
using Neuromorphic.Cli.Rendering;
using Neuromorphic.Traces;
using Neuromorphic.Traces.Analysis;
using Neuromorphic.Workflows.Runs;

namespace Neuromorphic.Cli.Commands;

/// <summary>
/// <c>neuro run</c>: simulate inferences of a network on a chip and report accuracy, energy and
/// latency per inference. A thin adapter: flags → <see cref="RunRequest"/> → planner and session →
/// the typed report, rendered.
/// </summary>
internal static class RunCommand
{
    /// <summary>The flag of each <see cref="RunRequest"/> property (bad-input messages name the flag).</summary>
    private static readonly Dictionary<string, string> Flags = new(CommonOptions.MappingChoiceOptions.Flags)
    {
        [nameof(RunRequest.Model)] = "--model",
        [nameof(RunRequest.Chip)] = "--chip",
        [nameof(RunRequest.Mapping)] = "--mapping",
        [nameof(RunRequest.Dataset)] = "--dataset",
        [nameof(RunRequest.Samples)] = "--samples",
        [nameof(RunRequest.Offset)] = "--offset",
        [nameof(RunRequest.InputEvents)] = "--input",
        [nameof(RunRequest.Mode)] = "--mode",
        [nameof(RunRequest.Steps)] = "--steps",
        [nameof(RunRequest.CountFrom)] = "--count-from",
        [nameof(RunRequest.EarlyExit)] = "--early-exit",
        [nameof(RunRequest.Encoding)] = "--encoding",
        [nameof(RunRequest.Realization)] = "--realization",
        [nameof(RunRequest.DeltaThreshold)] = "--delta-threshold",
        [nameof(RunRequest.Seed)] = "--seed",
        [nameof(RunRequest.Threads)] = "--threads",
        [nameof(RunRequest.Ideal)] = "--ideal",
        [nameof(RunRequest.PeriodNs)] = "--period-ns",
        [nameof(RunRequest.Timing)] = "--timing",
        [nameof(RunRequest.Trace)] = "--trace",
        [nameof(RunRequest.Probes)] = "--probe",
    };

    public static Command Create(CliContext context)
    {
        var command = new Command("run", "Simulate a mapped network on a chip: accuracy on chip, energy and latency per inference.");
        var model = new Option<string>("--model") { Description = "Network file (JSON) or NIR file (.nir).", Required = true, HelpName = "FILE" };
        var chip = new Option<string>("--chip") { Description = "Chip file or built-in name (" + string.Join(", ", ChipLoader.BuiltinNames) + ").", Required = true, HelpName = "CHIP" };
        var mapping = new Option<string?>("--mapping") { Description = "Mapping file from `neuro map` (default: map now).", HelpName = "FILE" };
        var dataset = CommonOptions.Dataset();
        var samples = new Option<int>("--samples", "--range") { Description = "Test images to run: N of the test split from --offset on.", DefaultValueFactory = _ => 100 };
        var offset = new Option<int>("--offset") { Description = "Dataset index of the first test image (with --range N: a slice of the test set; traces record dataset indices).", HelpName = "K" };
        var input = new Option<string?>("--input") { Description = "Input events instead of images: CSV lines step,index (steps from 1).", HelpName = "EVENTS" };
        var mode = new Option<string>("--mode") { Description = "barrier (Loihi steps ended by a mesh barrier), handshake (self-timed cores, end-of-step tokens, same spikes as barrier) or async (free-running clocks, bounded input queues).", DefaultValueFactory = _ => "barrier" };
        mode.AcceptOnlyFromAmong([.. RunOptionNames.Modes]);
        var steps = new Option<int>("--steps") { Description = "Algorithmic steps per inference (the read-out window).", DefaultValueFactory = _ => 100 };
        var countFrom = new Option<int>("--count-from") { Description = "Count output spikes from this step on (steps from 1, as in input events).", DefaultValueFactory = _ => 1 };
        var earlyExit = new Option<bool>("--early-exit") { Description = "Stop an inference when the leading output can no longer be caught." };
        var encoding = new Option<string>("--encoding") { Description = "sigma-delta (deterministic) or bernoulli.", DefaultValueFactory = _ => "sigma-delta" };
        encoding.AcceptOnlyFromAmong("sigma-delta", "bernoulli");
        var realization = new Option<string>("--realization")
        {
            Description = "spiking (binary spikes, rate-coded EP neurons) or sigma-delta (graded spikes: each EP neuron sends the change of its output, " +
                "inputs send their pixel's change; needs a chip with graded spikes, barrier mode; --encoding does not apply).",
            DefaultValueFactory = _ => "spiking",
        };
        realization.AcceptOnlyFromAmong([.. RunOptionNames.Realizations]);
        var deltaThreshold = new Option<double>("--delta-threshold")
        {
            Description = "Sigma-delta realization: a neuron sends when its output moved by this fraction of full scale (1 = its threshold, pixel 255) since it last sent.",
            DefaultValueFactory = _ => Simulation.RunOptions.DefaultDeltaThreshold,
        };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the chip instance (variability) and of Bernoulli inputs.", DefaultValueFactory = _ => 1UL };
        var threads = new Option<int>("--threads") { Description = "Worker threads across inferences (results are identical for any value).", DefaultValueFactory = _ => Environment.ProcessorCount };
        var ideal = new Option<bool>("--ideal") { Description = "The network's own float arithmetic: no quantization, no variability." };
        var period = new Option<double?>("--period-ns")
        {
            Description = "Nominal local step period in async mode (default: the chip's timing.asyncStepPeriodNs).",
            HelpName = "NS",
        };
        var trace = new Option<string?>("--trace") { Description = $"Record a trace ({TraceHeader.Schema}) to this file.", HelpName = "FILE" };
        var traceLevel = new Option<string>("--trace-level")
        {
            Description = "summary, counters (enough to re-cost and re-simulate), spikes, or messages (enough to re-cost latency exactly).",
            DefaultValueFactory = _ => "messages",
        };
        traceLevel.AcceptOnlyFromAmong("summary", "counters", "spikes", "messages");
        var probe = new Option<string[]>("--probe")
        {
            Description = "Record the current u and potential v of these neurons every step in the trace (repeatable): POP, POP[i] or POP[a..b] (local indices, both ends included). Needs --trace.",
            HelpName = "POP[a..b]",
            Arity = ArgumentArity.OneOrMore,
            AllowMultipleArgumentsPerToken = false,
        };
        var traceCompression = new Option<string>("--trace-compression") { Description = "Block compression of the trace: deflate, brotli or none.", DefaultValueFactory = _ => "deflate" };
        traceCompression.AcceptOnlyFromAmong("deflate", "brotli", "none");
        var timing = new Option<string>("--timing")
        {
            Description = "Barrier-mode timing model: detailed (network-on-chip congestion, SANA-FE's default) or simple (busiest core's work, faster).",
            DefaultValueFactory = _ => TimingModelNames.Detailed,
        };
        timing.AcceptOnlyFromAmong(TimingModelNames.Detailed, TimingModelNames.Simple);
        var confusion = CommonOptions.ConfusionPlot();
        var json = CommonOptions.Json();
        var choices = CommonOptions.Mapping();
        foreach (var option in new Option[] { model, chip, mapping }.Concat(choices.All)
                     .Concat([dataset, samples, offset, input, mode, steps, countFrom, earlyExit, encoding, realization, deltaThreshold, seed, threads, ideal, period, timing, trace, traceLevel, traceCompression, probe, confusion, json]))
        {
            command.Options.Add(option);
        }

        context.SetAction(command, async (parse, cancellationToken) =>
        {
            var request = new RunRequest
            {
                Model = parse.GetValue(model)!,
                Chip = parse.GetValue(chip)!,
                Mapping = parse.GetValue(mapping),
                MappingChoices = choices.Read(parse),
                Dataset = parse.GetValue(dataset),
                Samples = parse.GetValue(samples),
                Offset = parse.GetValue(offset),
                InputEvents = parse.GetValue(input),
                Mode = RunOptionNames.ParseMode(parse.GetValue(mode)),
                Steps = parse.GetValue(steps),
                CountFrom = parse.GetValue(countFrom),
                EarlyExit = parse.GetValue(earlyExit),
                Encoding = RunOptionNames.ParseEncoding(parse.GetValue(encoding)),
                Realization = RunOptionNames.ParseRealization(parse.GetValue(realization)),
                DeltaThreshold = parse.GetValue(deltaThreshold),
                Seed = parse.GetValue(seed),
                Threads = parse.GetValue(threads),
                Ideal = parse.GetValue(ideal),
                PeriodNs = parse.GetValue(period),
                Timing = TimingModelNames.Parse(parse.GetValue(timing)),
                Trace = parse.GetValue(trace) is { } tracePath
                    ? new TraceRequest(tracePath, TraceLevels.TryParse(parse.GetValue(traceLevel), out var level) ? level : TraceLevel.Messages,
                        parse.GetValue(traceCompression) switch
                        {
                            "none" => TraceCompression.None,
                            "brotli" => TraceCompression.Brotli,
                            _ => TraceCompression.Deflate,
                        })
                    : null,
                Probes = parse.GetValue(probe) ?? [],
            };
            if (parse.GetValue(confusion) is { } wanted && (request.InputEvents is not null || request.Samples == 0))
            {
                throw new Core.Errors.InvalidInputException(null, "--confusion", wanted, "labelled inputs: test images of a dataset, not input events");
            }

            request.Validate();
            context.Outputs.Model(request.Model).Chip(ChipLoader.Load(request.Chip)).Input(request.Mapping, "--mapping").Input(request.InputEvents, "--input")
                .Dataset(request.Dataset);
            if (request.Trace is { } traceRequest)
            {
                context.Outputs.File(traceRequest.Path, "--trace");
                context.Outputs.File(traceRequest.Path + TraceWriter.PartialSuffix, "--trace", "its unfinished copy");
            }

            if (parse.GetValue(confusion) is { } confusionOutput)
            {
                context.Outputs.File(confusionOutput, "--confusion");
            }

            var plan = new RunPlanner(context.LoggerFactory, NeuroApp.Version).Plan(request);
            var log = context.Logger<RunSession>();
            var report = await new ProgressDisplay(context, log).RunAsync("Simulating",
                progress => new RunSession(context.LoggerFactory, NeuroApp.Version).RunAsync(plan, progress, cancellationToken));
            if (parse.GetValue(confusion) is { } confusionPath)
            {
                var pairs = report.Summary.Inferences.Where(r => r.Label >= 0).Select(r => (r.Label, r.Predicted)).ToList();
                var counts = TraceActivity.ConfusionOf(pairs, report.ClassNames?.Count);
                Charts.Confusion(confusionPath, $"Confusion matrix: {report.Network} on {report.Chip} ({counts.Correct:N0}/{counts.Labelled:N0} correct)",
                    report.ClassNames ?? Enumerable.Range(0, counts.Classes).Select(c => c.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList(), counts.Counts);
                log.LogInformation("Confusion matrix written to {Plot}", confusionPath);
            }

            if (parse.GetValue(json))
            {
                context.Output.WriteJson(report.ToJson());
            }
            else
            {
                RunReportView.Render(context.Output, report);
            }

            return ExitCodes.Success;
        }, Flags);
        return command;
    }
}
