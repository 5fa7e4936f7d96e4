using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Neuromorphic.Chip.Timing;
using Neuromorphic.Core.Data;
using Neuromorphic.Core.Errors;
using Neuromorphic.Core.IO;
using Neuromorphic.Learning.Models;
using Neuromorphic.Learning.TimeConstants;
using Neuromorphic.Learning.Training;
using Neuromorphic.Simulation;
using Neuromorphic.Workflows.Runs;

namespace Neuromorphic.Sweeps.Spec;

/// <summary>What one job of a sweep does.</summary>
public enum JobKind
{
    /// <summary>Simulate inferences on a chip (<c>neuro run</c>).</summary>
    Run,

    /// <summary>Train a network with HTS-EP (<c>neuro train</c>).</summary>
    Train,
}

/// <summary>The value an option holds in a sweep spec.</summary>
public enum OptionType
{
    Integer,
    Seed,
    Number,
    Flag,
    Text,

    /// <summary>A file that travels with the job by content hash (network, mapping, input events).</summary>
    File,

    /// <summary>A chip: a built-in name or a chip file; travels as its resolved JSON.</summary>
    Chip,
}

/// <summary>One option of a job, named as the command's flag without the dashes.</summary>
/// <param name="Name">The name in specs and results (<c>steps</c> for <c>--steps</c>).</param>
/// <param name="Type">Its value type.</param>
/// <param name="Property">The request property a library names in its errors (mapped back to the option).</param>
/// <param name="Choices">The allowed values of a text option, or null.</param>
public sealed record OptionInfo(string Name, OptionType Type, string Property, IReadOnlyList<string>? Choices = null);

/// <summary>
/// The options of sweep jobs — the same names as the options of <c>neuro run</c> and <c>neuro
/// train</c> — their types, how they become a <see cref="RunRequest"/> or <see cref="EpTrainingOptions"/>,
/// and their canonical form: every option with its effective value (defaults filled in from the
/// typed requests), in a fixed order, so that equal jobs have equal JSON and equal ids.
/// </summary>
public static class JobOptions
{
    /// <summary>The options of a run job (<c>range</c> is <c>--range</c>, also spelled <c>samples</c>).</summary>
    public static IReadOnlyList<OptionInfo> Run { get; } =
    [
        new("model", OptionType.File, nameof(RunRequest.Model)),
        new("chip", OptionType.Chip, nameof(RunRequest.Chip)),
        new("mapping", OptionType.File, nameof(RunRequest.Mapping)),
        new("input", OptionType.File, nameof(RunRequest.InputEvents)),
        new("dataset", OptionType.Text, nameof(RunRequest.Dataset)),
        new("offset", OptionType.Integer, nameof(RunRequest.Offset)),
        new("range", OptionType.Integer, nameof(RunRequest.Samples)),
        new("mode", OptionType.Text, nameof(RunRequest.Mode), RunOptionNames.Modes),
        new("steps", OptionType.Integer, nameof(RunRequest.Steps)),
        new("count-from", OptionType.Integer, nameof(RunRequest.CountFrom)),
        new("early-exit", OptionType.Flag, nameof(RunRequest.EarlyExit)),
        new("encoding", OptionType.Text, nameof(RunRequest.Encoding), ["sigma-delta", "bernoulli"]),
        new("realization", OptionType.Text, nameof(RunRequest.Realization), RunOptionNames.Realizations),
        new("delta-threshold", OptionType.Number, nameof(RunRequest.DeltaThreshold)),
        new("seed", OptionType.Seed, nameof(RunRequest.Seed)),
        new("ideal", OptionType.Flag, nameof(RunRequest.Ideal)),
        new("period-ns", OptionType.Number, nameof(RunRequest.PeriodNs)),
        new("timing", OptionType.Text, nameof(RunRequest.Timing), [TimingModelNames.Detailed, TimingModelNames.Simple]),
    ];

    /// <summary>The options of a training job. <c>lr-scale</c> multiplies every rate of <c>lr</c>.</summary>
    public static IReadOnlyList<OptionInfo> Train { get; } =
    [
        new("dataset", OptionType.Text, "Dataset"),
        new("layers", OptionType.Text, nameof(EpTrainingOptions.Layers)),
        new("epochs", OptionType.Integer, nameof(EpTrainingOptions.Epochs)),
        new("seed", OptionType.Seed, nameof(EpTrainingOptions.Seed)),
        new("tau-seed", OptionType.Seed, nameof(EpTrainingOptions.TauSeed)),
        new("tau-dist", OptionType.Text, "Distribution"),
        new("tau-spread", OptionType.Number, "Spread"),
        new("dt-mean", OptionType.Number, nameof(TimeStepSettings.DtMean)),
        new("dt-min", OptionType.Number, nameof(TimeStepSettings.DtMin)),
        new("tau-match", OptionType.Text, "Matching", ["dt", "tau"]),
        new("dynamics", OptionType.Text, nameof(EpTrainingOptions.Dynamics), DynamicsNames.Dynamics),
        new("nudge", OptionType.Text, nameof(EpTrainingOptions.Nudge), DynamicsNames.Nudges),
        new("estimator", OptionType.Text, nameof(EpTrainingOptions.Estimator), EpTrainingOptions.EstimatorNames),
        new("beta", OptionType.Number, nameof(EpTrainingOptions.Beta)),
        new("free-steps", OptionType.Integer, nameof(EpTrainingOptions.FreeSteps)),
        new("nudged-steps", OptionType.Integer, nameof(EpTrainingOptions.NudgedSteps)),
        new("batch", OptionType.Integer, nameof(EpTrainingOptions.BatchSize)),
        new("lr", OptionType.Text, nameof(EpTrainingOptions.LearningRates)),
        new("lr-scale", OptionType.Number, "LearningRateScale"),
        new("optimizer", OptionType.Text, nameof(EpTrainingOptions.Optimizer), EpTrainingOptions.OptimizerNames),
        new("momentum", OptionType.Number, nameof(EpTrainingOptions.Momentum)),
        new("weight-decay", OptionType.Number, nameof(EpTrainingOptions.WeightDecay)),
        new("cosine", OptionType.Flag, nameof(EpTrainingOptions.Cosine)),
        new("init-scale", OptionType.Number, nameof(EpTrainingOptions.InitScale)),
        new("train-limit", OptionType.Integer, nameof(EpTrainingOptions.TrainLimit)),
        new("test-limit", OptionType.Integer, nameof(EpTrainingOptions.TestLimit)),
    ];

    /// <summary>The layer sizes a training job uses when the spec names none (as <c>neuro train</c>).</summary>
    public const string DefaultLayers = "784,500,10";

    public static IReadOnlyList<OptionInfo> Of(JobKind kind) => kind == JobKind.Run ? Run : Train;

    /// <summary>The option called <paramref name="name"/> (<c>samples</c> is <c>range</c>), or null.</summary>
    public static OptionInfo? Find(JobKind kind, string name)
    {
        var canonical = kind == JobKind.Run && name == "samples" ? "range" : name;
        return Of(kind).FirstOrDefault(o => o.Name == canonical);
    }

    /// <summary>Checks the type of one value and returns it in canonical form; errors name <paramref name="path"/> in <paramref name="file"/>.</summary>
    public static JsonNode Value(OptionInfo option, JsonNode? node, string file, string path)
    {
        var input = new JsonInput(file);
        if (node is null)
        {
            throw input.Error(path, "null", Expected(option));
        }

        switch (option.Type)
        {
            case OptionType.Integer:
                return JsonValue.Create(input.AsInt(node, path));
            case OptionType.Seed:
                if (node.GetValueKind() == JsonValueKind.Number && node.AsValue().TryGetValue<ulong>(out var seed))
                {
                    return JsonValue.Create(seed);
                }

                throw input.Error(path, JsonInput.Show(node), "a seed: an integer in 0..18446744073709551615");
            case OptionType.Number:
                return JsonValue.Create(input.AsNumber(node, path));
            case OptionType.Flag:
                return node.GetValueKind() is JsonValueKind.True or JsonValueKind.False
                    ? JsonValue.Create(node.GetValue<bool>())
                    : throw input.Error(path, JsonInput.Show(node), "true or false");
            default:
                var text = input.AsString(node, path);
                if (option.Choices is { } choices && !choices.Contains(text, StringComparer.Ordinal))
                {
                    throw input.Error(path, $"\"{text}\"", $"one of {string.Join(", ", choices)}");
                }

                if (text.Length == 0)
                {
                    throw input.Error(path, "\"\"", Expected(option));
                }

                return JsonValue.Create(text);
        }
    }

    private static string Expected(OptionInfo option) => option.Type switch
    {
        OptionType.Integer => "an integer",
        OptionType.Seed => "a seed (an integer ≥ 0)",
        OptionType.Number => "a number",
        OptionType.Flag => "true or false",
        OptionType.File => "a file path (relative to the spec)",
        OptionType.Chip => "a built-in chip name or a chip file",
        _ => option.Choices is { } choices ? $"one of {string.Join(", ", choices)}" : "a non-empty string",
    };

    /// <summary>
    /// The run request of the values <paramref name="values"/> (canonical option values by name; files
    /// and the chip as paths). Defaults are <see cref="RunRequest"/>'s; errors name request properties.
    /// </summary>
    public static RunRequest BuildRun(JsonObject values, int threads = 1)
    {
        var request = new RunRequest
        {
            Model = Text(values, "model") ?? "",
            Chip = Text(values, "chip") ?? "",
            Mapping = Text(values, "mapping"),
            InputEvents = Text(values, "input"),
            Dataset = Text(values, "dataset"),
            Threads = threads,
        };
        request = request with
        {
            Offset = Int(values, "offset") ?? request.Offset,
            Samples = Int(values, "range") ?? request.Samples,
            Mode = RunOptionNames.ParseMode(Text(values, "mode")),
            Steps = Int(values, "steps") ?? request.Steps,
            CountFrom = Int(values, "count-from") ?? request.CountFrom,
            EarlyExit = Bool(values, "early-exit") ?? request.EarlyExit,
            Encoding = RunOptionNames.ParseEncoding(Text(values, "encoding")),
            Realization = RunOptionNames.ParseRealization(Text(values, "realization")),
            DeltaThreshold = Number(values, "delta-threshold") ?? request.DeltaThreshold,
            Seed = Seed(values, "seed") ?? request.Seed,
            Ideal = Bool(values, "ideal") ?? request.Ideal,
            PeriodNs = Number(values, "period-ns") ?? request.PeriodNs,
            Timing = TimingModelNames.Parse(Text(values, "timing") ?? TimingModelNames.Detailed),
        };
        request.Validate();
        return request;
    }

    /// <summary>
    /// The canonical run options of <paramref name="request"/>, without the files and the chip
    /// (they are identified by content hash): every option that changes the result.
    /// </summary>
    public static JsonObject CanonicalRun(RunRequest request)
    {
        var canonical = CanonicalBinaryRun(request);
        if (request.Realization == NeuronRealization.SigmaDelta)
        {
            // Only sigma-delta runs name their realization, so the ids of every other job stay as they were.
            canonical["realization"] = RunOptionNames.Realization(request.Realization);
            canonical["delta-threshold"] = request.DeltaThreshold;
        }

        return canonical;
    }

    private static JsonObject CanonicalBinaryRun(RunRequest request) => new()
    {
        ["dataset"] = request.InputEvents is null ? request.Dataset ?? DatasetCatalog.DefaultName : null,
        ["offset"] = request.Offset,
        ["range"] = request.InputEvents is null ? request.Samples : 1,
        ["mode"] = RunOptionNames.Mode(request.Mode),
        ["steps"] = request.Steps,
        ["count-from"] = request.CountFrom,
        ["early-exit"] = request.EarlyExit,
        ["encoding"] = RunOptionNames.Encoding(request.Encoding),
        ["seed"] = request.Seed,
        ["ideal"] = request.Ideal,
        ["period-ns"] = request.PeriodNs,
        ["timing"] = request.Timing.Name(),
    };

    /// <summary>
    /// The training options of <paramref name="values"/> and the dataset name. Defaults are
    /// <see cref="EpTrainingOptions"/>'s (layers <see cref="DefaultLayers"/>); <c>tau-dist</c> may carry
    /// its spread (<c>lognormal:0.5</c>); errors name option properties.
    /// </summary>
    public static (EpTrainingOptions Options, string Dataset) BuildTrain(JsonObject values, int threads = 0)
    {
        var defaults = new EpTrainingOptions { Layers = EpTrainingOptions.ParseLayers(DefaultLayers) };
        var distributionText = Text(values, "tau-dist") ?? defaults.TimeSteps.Distribution.Name;
        var spread = Number(values, "tau-spread");
        var parts = distributionText.Split(':', 2, StringSplitOptions.TrimEntries);
        if (parts.Length == 2)
        {
            spread = double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var s) && double.IsFinite(s)
                ? s
                : throw new InvalidInputException(null, "Distribution", $"\"{distributionText}\"", "a distribution, optionally with its spread (lognormal:0.5)");
        }

        var distribution = TauDistribution.Parse(parts[0], spread);
        var matching = Text(values, "tau-match") switch
        {
            null or "dt" => TauMatching.MeanDt,
            _ => TauMatching.MeanTau,
        };
        var rates = Text(values, "lr") is { } lr ? EpTrainingOptions.ParseLearningRates(lr) : defaults.LearningRates.ToArray();
        var scale = Number(values, "lr-scale") ?? 1.0;
        if (!(scale > 0 && double.IsFinite(scale)))
        {
            throw new InvalidInputException(null, "LearningRateScale", JsonInput.Format(scale), "a positive learning-rate scale");
        }

        var options = defaults with
        {
            Layers = Text(values, "layers") is { } layers ? EpTrainingOptions.ParseLayers(layers) : defaults.Layers,
            Epochs = Int(values, "epochs") ?? defaults.Epochs,
            Seed = Seed(values, "seed") ?? defaults.Seed,
            TauSeed = Seed(values, "tau-seed"),
            TimeSteps = new TimeStepSettings(distribution, Number(values, "dt-mean") ?? defaults.TimeSteps.DtMean,
                Number(values, "dt-min") ?? defaults.TimeSteps.DtMin, matching),
            Dynamics = Text(values, "dynamics") is { } dynamics ? DynamicsNames.ParseDynamics(dynamics) : defaults.Dynamics,
            Nudge = Text(values, "nudge") is { } nudge ? DynamicsNames.ParseNudge(nudge) : defaults.Nudge,
            Estimator = Text(values, "estimator") is { } estimator ? EpTrainingOptions.ParseEstimator(estimator) : defaults.Estimator,
            Beta = Number(values, "beta") ?? defaults.Beta,
            FreeSteps = Int(values, "free-steps") ?? defaults.FreeSteps,
            NudgedSteps = Int(values, "nudged-steps") ?? defaults.NudgedSteps,
            BatchSize = Int(values, "batch") ?? defaults.BatchSize,
            LearningRates = scale == 1.0 ? rates : rates.Select(r => r * scale).ToArray(),
            Optimizer = Text(values, "optimizer") is { } optimizer ? EpTrainingOptions.ParseOptimizer(optimizer) : defaults.Optimizer,
            Momentum = Number(values, "momentum") ?? defaults.Momentum,
            WeightDecay = Number(values, "weight-decay") ?? defaults.WeightDecay,
            Cosine = Bool(values, "cosine") ?? defaults.Cosine,
            InitScale = Number(values, "init-scale") ?? defaults.InitScale,
            TrainLimit = Int(values, "train-limit"),
            TestLimit = Int(values, "test-limit"),
            Threads = threads,
        };
        options.Validate();
        return (options, Text(values, "dataset") ?? DatasetCatalog.DefaultName);
    }

    /// <summary>
    /// The canonical training options: every option that changes the result, with <c>lr-scale</c>
    /// folded into <c>lr</c> (so equal effective rates are the same job) and the spread left out of
    /// a homogeneous distribution. The dynamics and the nudge appear only when they are not the
    /// defaults (prototypical, inside ρ), so the jobs of sweeps written before them keep their ids.
    /// </summary>
    public static JsonObject CanonicalTrain(EpTrainingOptions options, string dataset)
    {
        var distribution = options.TimeSteps.Distribution;
        var canonical = new JsonObject
        {
            ["dataset"] = dataset,
            ["layers"] = string.Join(",", options.Layers),
            ["epochs"] = options.Epochs,
            ["seed"] = options.Seed,
            ["tau-seed"] = options.TauSeed,
            ["tau-dist"] = distribution.Name,
            ["tau-spread"] = distribution.Family == TauFamily.Homogeneous ? null : distribution.Spread,
            ["dt-mean"] = options.TimeSteps.DtMean,
            ["dt-min"] = options.TimeSteps.DtMin,
            ["tau-match"] = options.TimeSteps.Matching == TauMatching.MeanDt ? "dt" : "tau",
            ["estimator"] = EpTrainingOptions.EstimatorName(options.Estimator),
            ["beta"] = options.Beta,
            ["free-steps"] = options.FreeSteps,
            ["nudged-steps"] = options.NudgedSteps,
            ["batch"] = options.BatchSize,
            ["lr"] = string.Join(",", options.LearningRates.Select(JsonInput.Format)),
            ["optimizer"] = EpTrainingOptions.OptimizerName(options.Optimizer),
            ["momentum"] = options.Optimizer == OptimizerKind.Sgd ? options.Momentum : null,
            ["weight-decay"] = options.WeightDecay,
            ["cosine"] = options.Cosine,
            ["init-scale"] = options.InitScale,
            ["train-limit"] = options.TrainLimit,
            ["test-limit"] = options.TestLimit,
        };
        if (options.Dynamics != EpDynamics.Prototypical)
        {
            canonical["dynamics"] = DynamicsNames.Name(options.Dynamics);
        }

        if (options.Nudge != OutputNudge.Inside)
        {
            canonical["nudge"] = DynamicsNames.Name(options.Nudge);
        }

        return canonical;
    }

    /// <summary>The option of <paramref name="kind"/> whose request property is <paramref name="property"/>, or null.</summary>
    public static OptionInfo? ForProperty(JobKind kind, string? property) =>
        property is null ? null : Of(kind).FirstOrDefault(o => o.Property == property || (kind == JobKind.Train && property == "Distributions" && o.Name == "tau-dist"));

    private static string? Text(JsonObject values, string name) => values[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static int? Int(JsonObject values, string name) => values[name] is JsonValue v && v.TryGetValue<int>(out var i) ? i : null;

    private static ulong? Seed(JsonObject values, string name) => values[name] is JsonValue v && v.TryGetValue<ulong>(out var u) ? u : null;

    private static double? Number(JsonObject values, string name) => values[name] is JsonValue v && v.TryGetValue<double>(out var d) ? d : null;

    private static bool? Bool(JsonObject values, string name) => values[name] is JsonValue v && v.TryGetValue<bool>(out var b) ? b : null;
}
