using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Neuromorphic.Core.Errors;
using Neuromorphic.Core.IO;
using Neuromorphic.Core.Progress;
using Neuromorphic.Core.Statistics;
using Neuromorphic.Simulation;
using Neuromorphic.Workflows.Runs;

namespace Neuromorphic.Workflows.Studies;

/// <summary>A chip to deploy on and the mode to run it in (<c>analog-mismatch:barrier</c>, <c>loihi1-async-variable:async</c>).</summary>
public sealed record ChipTarget(string Chip, SyncMode Mode)
{
    public string Label => $"{Chip} ({RunOptionNames.Mode(Mode)})";

    /// <summary>Parses "chip[:mode],…" (mode barrier by default); errors name <c>Chips</c>.</summary>
    public static List<ChipTarget> ParseList(string text)
    {
        var targets = new List<ChipTarget>();
        foreach (var entry in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = entry.Split(':', 2, StringSplitOptions.TrimEntries);
            var mode = parts.Length == 1 || parts[1] == "barrier" ? SyncMode.Barrier
                : parts[1] == "async" ? SyncMode.Async
                : throw new InvalidInputException(null, "Chips", $"\"{entry}\"", "chip names, each optionally with :barrier or :async (e.g. loihi1-async-variable:async)");
            targets.Add(new ChipTarget(parts[0], mode));
        }

        if (targets.Count == 0)
        {
            throw new InvalidInputException(null, "Chips", $"\"{text}\"", "at least one chip");
        }

        return targets;
    }
}

/// <summary>Two trained models of one seed (HTS and its homogeneous twin) that are compared on the same chip instance.</summary>
public sealed record ChipPair(string Group, ulong Seed, string HtsModel, string BaselineModel);

/// <summary>One model on one chip instance: the chip's and the float model's accuracy on the same images.</summary>
public sealed record ChipRun(ChipTarget Chip, ChipPair Pair, bool Hts, int Images, double ChipAccuracy, double FloatAccuracy, double Agreement)
{
    /// <summary>Accuracy lost on the chip: float − chip, on the same images.</summary>
    public double Loss => FloatAccuracy - ChipAccuracy;
}

/// <summary>
/// For one chip and group: the accuracy loss of each side over instances (mean, 95 % BCa bootstrap
/// interval) and the paired difference HTS − homogeneous (the same chip instance and seed) with
/// its interval and Wilcoxon p-value; a negative difference means HTS loses less on the chip.
/// </summary>
public sealed record ChipComparisonSummary(ChipTarget Chip, string Group, int Pairs, Interval HtsLoss, Interval BaselineLoss, Interval LossDifference,
    SignedRankResult DifferenceTest, Interval HtsChipAccuracy, Interval BaselineChipAccuracy);

/// <summary>
/// Does a heterogeneity-trained network survive heterogeneous hardware better? Deploys every pair
/// of models on the chip instance of its seed (<c>neuro run --seed</c>) of every chip, on the same
/// test images, through the application layer (<see cref="RunPlanner"/>, <see cref="RunSession"/>),
/// and compares the accuracy lost against each model's own float accuracy. Each run's result is
/// kept in <c>DIR/chip/</c>, so an interrupted comparison resumes run by run.
/// </summary>
public sealed class ChipComparison(ILoggerFactory? loggers = null, string toolVersion = "")
{
    private readonly ILoggerFactory _loggers = loggers ?? NullLoggerFactory.Instance;

    public async Task<IReadOnlyList<ChipRun>> RunAsync(IReadOnlyList<ChipPair> pairs, IReadOnlyList<ChipTarget> chips, string? dataset, int samples, int steps,
        int threads, string directory, IProgress<WorkProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        if (pairs.Count < 2)
        {
            throw new InvalidInputException(null, "ChipInstances", pairs.Count.ToString(CultureInfo.InvariantCulture),
                "at least 2 chip instances (pairs of trained models; the comparison is paired by instance)");
        }

        var folder = Path.Combine(directory, "chip");
        Directory.CreateDirectory(folder);
        var log = _loggers.CreateLogger<ChipComparison>();
        var runs = new List<ChipRun>();
        var total = chips.Count * pairs.Count * 2;
        foreach (var chip in chips)
        {
            foreach (var pair in pairs)
            {
                foreach (var hts in new[] { false, true })
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var name = $"{Slug(chip)}-{Slug(pair.Group)}-{(hts ? "hts" : "homogeneous")}-seed{pair.Seed.ToString(CultureInfo.InvariantCulture)}-n{samples}-t{steps}.json";
                    var path = Path.Combine(folder, name);
                    var model = hts ? pair.HtsModel : pair.BaselineModel;
                    ChipRun run;
                    if (File.Exists(path) && Read(path, chip, pair, hts, Networks.NetworkLoader.Load(model).ContentHash) is { } saved)
                    {
                        run = saved;
                    }
                    else
                    {
                        var request = new RunRequest
                        {
                            Model = model,
                            Chip = chip.Chip,
                            Dataset = dataset,
                            Samples = samples,
                            Steps = steps,
                            Mode = chip.Mode,
                            Seed = pair.Seed,
                            Threads = threads,
                        };
                        var plan = new RunPlanner(_loggers, toolVersion).Plan(request);
                        var report = await new RunSession(_loggers, toolVersion).RunAsync(plan, null, cancellationToken);
                        run = new ChipRun(chip, pair, hts, report.Summary.Labelled, report.Summary.Accuracy, report.FloatAccuracy ?? double.NaN,
                            report.ChipAgreesWithFloat ?? double.NaN);
                        AtomicFile.WriteAllText(path, JsonText.Format(new JsonObject
                        {
                            ["chip"] = chip.Chip,
                            ["mode"] = RunOptionNames.Mode(chip.Mode),
                            ["instanceSeed"] = pair.Seed,
                            ["model"] = Path.GetFileName(request.Model),
                            ["networkHash"] = report.NetworkHash,
                            ["images"] = run.Images,
                            ["chipAccuracy"] = Workflows.Json.Finite(run.ChipAccuracy),
                            ["floatAccuracy"] = Workflows.Json.Finite(run.FloatAccuracy),
                            ["agreement"] = Workflows.Json.Finite(run.Agreement),
                        }));
                    }

                    runs.Add(run);
                    progress?.Report(new WorkProgress("chip", runs.Count, total, $"{chip.Label}, seed {pair.Seed}: chip {100 * run.ChipAccuracy:0.0} %"));
                    log.LogInformation("{Chip}, {Group} seed {Seed}, {Side}: chip {Chip:P2}, float {Float:P2}", chip.Label, pair.Group, pair.Seed,
                        hts ? "HTS" : "homogeneous", run.ChipAccuracy, run.FloatAccuracy);
                }
            }
        }

        return runs;
    }

    /// <summary>Per chip and group, the losses and the paired difference (bootstraps keyed by position).</summary>
    public static IReadOnlyList<ChipComparisonSummary> Summarise(IReadOnlyList<ChipRun> runs, ulong bootstrapSeed = 20_260_303)
    {
        var summaries = new List<ChipComparisonSummary>();
        var key = 7000UL;
        foreach (var group in runs.GroupBy(r => (r.Chip, r.Pair.Group)))
        {
            var bySeed = group.GroupBy(r => r.Pair.Seed).Where(g => g.Count() == 2).OrderBy(g => g.Key).Select(g => (Hts: g.Single(r => r.Hts), Base: g.Single(r => !r.Hts))).ToList();
            var differences = bySeed.Select(p => p.Hts.Loss - p.Base.Loss).ToList();
            summaries.Add(new ChipComparisonSummary(group.Key.Chip, group.Key.Group, bySeed.Count,
                Bootstrap.Mean(bySeed.Select(p => p.Hts.Loss).ToList(), bootstrapSeed, key), Bootstrap.Mean(bySeed.Select(p => p.Base.Loss).ToList(), bootstrapSeed, key + 1),
                Bootstrap.Mean(differences, bootstrapSeed, key + 2), SignedRankTest.Of(differences),
                Bootstrap.Mean(bySeed.Select(p => p.Hts.ChipAccuracy).ToList(), bootstrapSeed, key + 3),
                Bootstrap.Mean(bySeed.Select(p => p.Base.ChipAccuracy).ToList(), bootstrapSeed, key + 4)));
            key += 8;
        }

        return summaries;
    }

    /// <summary>chip.md: one row per chip and group, and every run.</summary>
    public static string Markdown(IReadOnlyList<ChipRun> runs, IReadOnlyList<ChipComparisonSummary> summaries, string htsLabel)
    {
        string F(Interval i) => i.Format(100);
        var sb = new StringBuilder();
        sb.Append("# On the chip: ").Append(htsLabel).Append(" against homogeneous\n\n");
        sb.Append("Each pair (HTS and homogeneous model of the same seed) runs on the chip instance of that seed (`neuro run --seed`), on the same test images. ");
        sb.Append("Loss = float accuracy − chip accuracy, in percentage points: mean [95 % BCa bootstrap CI] over instances; Δ = HTS − homogeneous, paired by instance ");
        sb.Append("(negative: HTS loses less); p: two-sided Wilcoxon signed-rank (e = exact).\n\n");
        sb.Append("| chip | models | instances | HTS loss | homogeneous loss | Δ loss | p | HTS chip acc (%) | homogeneous chip acc (%) |\n");
        sb.Append("|---|---|---|---|---|---|---|---|---|\n");
        foreach (var s in summaries)
        {
            var p = s.DifferenceTest.Count == 0 ? "–" : s.DifferenceTest.PValue.ToString("0.000", CultureInfo.InvariantCulture) + (s.DifferenceTest.Exact ? " e" : "");
            sb.Append(CultureInfo.InvariantCulture, $"| {s.Chip.Label} | {s.Group} | {s.Pairs} | {F(s.HtsLoss)} | {F(s.BaselineLoss)} | {F(s.LossDifference)} | {p} | {F(s.HtsChipAccuracy)} | {F(s.BaselineChipAccuracy)} |\n");
        }

        sb.Append("\n| chip | models | seed | side | images | chip acc (%) | float acc (%) | agreement (%) |\n|---|---|---|---|---|---|---|---|\n");
        foreach (var r in runs)
        {
            sb.Append(CultureInfo.InvariantCulture,
                $"| {r.Chip.Label} | {r.Pair.Group} | {r.Pair.Seed} | {(r.Hts ? "HTS" : "homogeneous")} | {r.Images} | {100 * r.ChipAccuracy:0.00} | {100 * r.FloatAccuracy:0.00} | {100 * r.Agreement:0.0} |\n");
        }

        return sb.ToString();
    }

    public static JsonObject ToJson(IReadOnlyList<ChipRun> runs, IReadOnlyList<ChipComparisonSummary> summaries) => new()
    {
        ["summaries"] = new JsonArray(summaries.Select(s => (JsonNode)new JsonObject
        {
            ["chip"] = s.Chip.Chip,
            ["mode"] = RunOptionNames.Mode(s.Chip.Mode),
            ["models"] = s.Group,
            ["instances"] = s.Pairs,
            ["htsLoss"] = Interval(s.HtsLoss),
            ["homogeneousLoss"] = Interval(s.BaselineLoss),
            ["lossDifference"] = Interval(s.LossDifference),
            ["wilcoxonP"] = Workflows.Json.Finite(s.DifferenceTest.PValue),
            ["htsChipAccuracy"] = Interval(s.HtsChipAccuracy),
            ["homogeneousChipAccuracy"] = Interval(s.BaselineChipAccuracy),
        }).ToArray()),
        ["runs"] = new JsonArray(runs.Select(r => (JsonNode)new JsonObject
        {
            ["chip"] = r.Chip.Chip,
            ["mode"] = RunOptionNames.Mode(r.Chip.Mode),
            ["models"] = r.Pair.Group,
            ["seed"] = r.Pair.Seed,
            ["side"] = r.Hts ? "hts" : "homogeneous",
            ["images"] = r.Images,
            ["chipAccuracy"] = Workflows.Json.Finite(r.ChipAccuracy),
            ["floatAccuracy"] = Workflows.Json.Finite(r.FloatAccuracy),
            ["agreement"] = Workflows.Json.Finite(r.Agreement),
        }).ToArray()),
    };

    private static JsonObject Interval(Interval i) => new() { ["estimate"] = Workflows.Json.Finite(i.Estimate), ["low"] = Workflows.Json.Finite(i.Low), ["high"] = Workflows.Json.Finite(i.High) };

    /// <summary>A run saved before, or null when it was made with another network.</summary>
    private static ChipRun? Read(string path, ChipTarget chip, ChipPair pair, bool hts, string networkHash)
    {
        var json = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        if (json["networkHash"]?.GetValue<string>() != networkHash)
        {
            return null;
        }

        double Value(string key) => json[key] is JsonValue v && v.TryGetValue<double>(out var d) ? d : double.NaN;
        return new ChipRun(chip, pair, hts, json["images"]!.GetValue<int>(), Value("chipAccuracy"), Value("floatAccuracy"), Value("agreement"));
    }

    private static string Slug(ChipTarget chip) => $"{chip.Chip}-{RunOptionNames.Mode(chip.Mode)}".Replace('/', '_').Replace(Path.DirectorySeparatorChar, '_');

    private static string Slug(string text) => new(text.Select(c => char.IsLetterOrDigit(c) || c is '-' or '.' ? c : '-').ToArray());
}
