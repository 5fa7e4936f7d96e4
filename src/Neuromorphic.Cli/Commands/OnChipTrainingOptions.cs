using System.CommandLine;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Neuromorphic.Chip.Timing;
using Neuromorphic.Cli.Hosting;
using Neuromorphic.Core.Errors;
using Neuromorphic.Learning.Models;
using Neuromorphic.Learning.Training;
using Neuromorphic.Simulation.Learning;
using Neuromorphic.Workflows.Runs;
using Neuromorphic.Workflows.Training;
using Spectre.Console;

namespace Neuromorphic.Cli.Commands;

/// <summary>The options <c>neuro train</c> adds for on-chip learning (<c>--on-chip CHIP</c>) and the run they start.</summary>
internal sealed class OnChipTrainingOptions
{
    public static readonly IReadOnlyDictionary<string, string> Flags = new Dictionary<string, string>
    {
        [nameof(OnChipLearningOptions.Mode)] = "--mode",
        [nameof(OnChipLearningOptions.WeightBits)] = "--weight-bits",
        [nameof(OnChipLearningOptions.TraceBits)] = "--trace-bits",
        [nameof(OnChipLearningOptions.TraceTauSteps)] = "--trace-tau",
        [nameof(OnChipLearningOptions.WeightHeadroom)] = "--weight-headroom",
        [nameof(OnChipLearningOptions.Beta)] = "--beta",
        [nameof(OnChipLearningOptions.FreeSteps)] = "--free-steps",
        [nameof(OnChipLearningOptions.NudgedSteps)] = "--nudged-steps",
        [nameof(OnChipLearningOptions.LearningRates)] = "--lr",
    };

    public Option<string?> Chip { get; } = new("--on-chip")
    {
        Description = "Train on this chip model (file or built-in name) with its learning engine: free and nudged phases as spiking dynamics, local plasticity, learning energy.",
        HelpName = "CHIP",
    };

    public Option<string> Mode { get; } = new("--mode") { Description = "On-chip sync mode: barrier or handshake.", DefaultValueFactory = _ => "barrier" };

    public Option<string> Timing { get; } = new("--timing")
    {
        Description = "On-chip timing model: detailed or simple.", DefaultValueFactory = _ => TimingModelNames.Detailed,
    };

    public Option<string> Encoding { get; } = new("--encoding") { Description = "On-chip input encoding: sigma-delta or bernoulli.", DefaultValueFactory = _ => "sigma-delta" };

    public Option<int?> WeightBits { get; } = new("--weight-bits") { Description = "On-chip weight width of the plastic synapses (default: the chip's core.limits.weightBits)." };

    public Option<int?> TraceBits { get; } = new("--trace-bits") { Description = "On-chip trace width (default: the chip's learning.traceBits)." };

    public Option<double> TraceTau { get; } = new("--trace-tau") { Description = "Time constant of the learning traces, in steps.", DefaultValueFactory = _ => 8.0 };

    public Option<double> WeightHeadroom { get; } = new("--weight-headroom")
    {
        Description = "Range kept above each projection's largest initial weight when its fixed-point exponent is chosen (2 = one bit).", DefaultValueFactory = _ => 2.0,
    };

    public void AddTo(Command command)
    {
        Mode.AcceptOnlyFromAmong("barrier", "handshake", "async");
        Timing.AcceptOnlyFromAmong(TimingModelNames.Detailed, TimingModelNames.Simple);
        Encoding.AcceptOnlyFromAmong("sigma-delta", "bernoulli");
        foreach (var option in new Option[] { Chip, Mode, Timing, Encoding, WeightBits, TraceBits, TraceTau, WeightHeadroom })
        {
            command.Options.Add(option);
        }
    }

    public OnChipLearningOptions Read(ParseResult parse) => new()
    {
        Mode = RunOptionNames.ParseMode(parse.GetValue(Mode)),
        Timing = TimingModelNames.Parse(parse.GetValue(Timing)),
        Encoding = RunOptionNames.ParseEncoding(parse.GetValue(Encoding)),
        WeightBits = parse.GetValue(WeightBits),
        TraceBits = parse.GetValue(TraceBits),
        TraceTauSteps = parse.GetValue(TraceTau),
        WeightHeadroom = parse.GetValue(WeightHeadroom),
    };

    /// <summary>Refuses float-trainer options that have no meaning on the chip.</summary>
    public static void CheckApplies(EpTrainingOptions options, bool resume)
    {
        if (resume)
        {
            throw new InvalidInputException(null, "--resume", "with --on-chip", "an on-chip run from the start (on-chip runs write no checkpoint)");
        }

        if (options.Estimator != GradientEstimator.Symmetric)
        {
            throw new InvalidInputException(null, "--estimator", EpTrainingOptions.EstimatorName(options.Estimator), "symmetric with --on-chip (the chip runs the +β and −β epochs)");
        }

        if (options.Dynamics != EpDynamics.Prototypical || options.Nudge != OutputNudge.Inside)
        {
            throw new InvalidInputException(null, options.Dynamics != EpDynamics.Prototypical ? "--dynamics" : "--nudge",
                options.Dynamics != EpDynamics.Prototypical ? "energy" : "outside", "the prototypical dynamics with the nudge inside ρ with --on-chip (what the spiking realization runs)");
        }

        if (options.Optimizer != OptimizerKind.Sgd || options.WeightDecay != 0 || options.Cosine)
        {
            throw new InvalidInputException(null, options.Optimizer != OptimizerKind.Sgd ? "--optimizer" : options.WeightDecay != 0 ? "--weight-decay" : "--cosine",
                "set", "plain SGD with --on-chip (the learning engine applies the EP rule itself and keeps no optimizer state)");
        }
    }

    /// <summary>Runs <c>neuro train --on-chip</c> and prints its report.</summary>
    public static async Task<int> RunAsync(CliContext context, OnChipRequest request, Core.Data.Dataset dataset, bool json, CancellationToken cancellationToken)
    {
        var log = context.Logger<OnChipTrainer>();
        if (request.Training.Momentum != 0)
        {
            log.LogInformation("On chip each sample applies --lr/--batch without momentum (the chip keeps no optimizer state)");
        }

        context.Outputs.Chip(request.Chip, "--on-chip").File(request.ModelPath, "--out");
        context.Outputs.File(request.EffectiveLedgerPath, "--out", "its learning ledger");
        var trainer = new OnChipTrainer(context.LoggerFactory, NeuroApp.Version);
        var result = await new ProgressDisplay(context, log).RunAsync("train on chip", progress => trainer.TrainAsync(request, dataset, progress, cancellationToken));
        log.LogInformation("Wrote {Model} and {Ledger}", result.ModelPath, result.LedgerPath);
        var last = result.Epochs.Count > 0 ? result.Epochs[^1] : null;
        if (json)
        {
            context.Output.WriteJson(new JsonObject
            {
                ["model"] = Path.GetFullPath(result.ModelPath),
                ["ledger"] = Path.GetFullPath(result.LedgerPath),
                ["chip"] = request.Chip.Name,
                ["cores"] = result.Cores,
                ["plasticSynapses"] = result.PlasticSynapses,
                ["traces"] = result.Traces,
                ["weightBits"] = result.WeightBits,
                ["traceBits"] = result.TraceBits,
                ["final"] = last is null ? null : OnChipReports.Epoch(last, times: true),
                ["epochs"] = new JsonArray(result.Epochs.Select(e => (JsonNode)OnChipReports.Epoch(e, times: true)).ToArray()),
            });
        }
        else
        {
            context.Output.Write(Table(result));
            if (last is not null)
            {
                context.Output.WriteLine(
                    $"Model {result.ModelPath}: test accuracy on {request.Chip.Name} {Formats.Percent(last.TestAccuracy)} (same weights in float: {Formats.Percent(last.FloatTestAccuracy)}) after {last.Epoch} epochs; ledger {result.LedgerPath}");
            }
        }

        return ExitCodes.Success;
    }

    private static Table Table(OnChipResult result)
    {
        var table = new Table().Title($"HTS-EP on chip ({result.WeightBits}-bit weights, {result.TraceBits}-bit traces)");
        foreach (var column in new[] { "epoch", "train acc", "test acc (chip)", "test acc (float)", "µJ/sample", "free", "nudged", "learning", "µs/sample", "weights changed", "samples/s" })
        {
            table.AddColumn(new TableColumn(column).RightAligned());
        }

        foreach (var e in result.Epochs)
        {
            var per = OnChipReports.PerSample(e.Ledger);
            string Uj(string part) => $"{per[part]!["energyUj"]!.GetValue<double>():0.###}";
            table.AddRow(e.Epoch.ToString(), Formats.Percent(e.Ledger.Accuracy), Formats.Percent(e.TestAccuracy), Formats.Percent(e.FloatTestAccuracy),
                Uj("total"), Uj("free"), Uj("nudged"), Uj("learning"), $"{per["total"]!["timeUs"]!.GetValue<double>():0.###}",
                $"{e.Ledger.Counters.WeightsChanged:N0}", $"{e.SamplesPerSecond:0.0}");
        }

        return table;
    }
}
