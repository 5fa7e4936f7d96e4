using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Neuromorphic.Cli.Hosting;
using Neuromorphic.Cli.Plotting;
using Neuromorphic.Core.Errors;
using Neuromorphic.Learning.Experiments;
using Neuromorphic.Learning.Training;
using Neuromorphic.Sweeps;
using Neuromorphic.Sweeps.Planning;
using Neuromorphic.Sweeps.Store;
using Neuromorphic.Sweeps.Studies;
using Neuromorphic.Workflows.Studies;
using Spectre.Console;

namespace Neuromorphic.Cli.Commands;

/// <summary><c>neuro experiment stability</c>: does HTS train more stably? A grid of τ conditions × lr scales × T1 × dynamics over paired seeds, with statistics.</summary>
internal static class ExperimentCommand
{
    /// <summary>The flags of the grid's properties, on top of <see cref="TrainingOptions.Flags"/>.</summary>
    private static readonly IReadOnlyDictionary<string, string> s_flags = new Dictionary<string, string>(TrainingOptions.Flags)
    {
        [nameof(StabilityGrid.Distributions)] = "--tau-dist",
        [nameof(StabilityGrid.LearningRateScales)] = "--lr-scale",
        [nameof(StabilityGrid.FreeSteps)] = "--free-steps",
        [nameof(StabilityGrid.Dynamics)] = "--dynamics",
        [nameof(StabilityGrid.Seeds)] = "--seeds",
        [nameof(StabilityGrid.RemedyDistributions)] = "--remedy-tau-dist",
        ["Chips"] = "--chip",
        ["ChipDistribution"] = "--chip-tau-dist",
        ["ChipInstances"] = "--chip-instances",
        ["ChipDynamics"] = "--chip-dynamics",
        [nameof(Workflows.Runs.RunRequest.Samples)] = "--chip-samples",
        [nameof(Workflows.Runs.RunRequest.Steps)] = "--chip-steps",
        [nameof(Workflows.Runs.RunRequest.Chip)] = "--chip",
    };

    public static Command Create(CliContext context)
    {
        var experiment = new Command("experiment", "Run studies that answer a question over many training runs.");
        experiment.Subcommands.Add(Stability(context));
        experiment.Subcommands.Add(MechanismCommand.Create(context));
        return experiment;
    }

    private static Command Stability(CliContext context)
    {
        var stability = new Command("stability",
            "Does HTS train more stably? Trains every cell of a grid — τ distributions × learning-rate scales × free-phase lengths T1 × dynamics — " +
            "over N seeds paired across cells, then compares every τ condition with homogeneous at the same lr scale and T1: mean and 95 % bootstrap " +
            "interval of final and best test accuracy, collapse rate with a Wilson interval, paired differences with Wilcoxon p-values (Holm-adjusted), " +
            "Brown–Forsythe spread, dead outputs per run. Writes runs/, summary.json, summary.md, summary.csv, runs.csv and plots to --out. " +
            "Every run is a sweep training job: the study runs in this process (--threads jobs at once), one shard at a time (--shard i/N, then neuro sweep merge " +
            "and the same command again) or on neuro silo workers (--cluster).");
        var training = new TrainingOptions();
        training.AddTo(stability, forGrid: true);
        var distributions = new Option<string>("--tau-dist")
        {
            Description = "τ conditions, comma-separated: homogeneous, lognormal, gamma, uniform, normal, each optionally with its spread (lognormal:0.5, gamma:2).",
            HelpName = "A,B,…", DefaultValueFactory = _ => "homogeneous,lognormal",
        };
        var spreads = new Option<string?>("--tau-spread")
        {
            Description = "Spreads applied to every heterogeneous distribution given without one (comma-separated; default: each family's default).",
            HelpName = "X,Y,…",
        };
        var scales = new Option<string>("--lr-scale") { Description = "Learning-rate scales: every rate of --lr times each (comma-separated).", HelpName = "S,S,…", DefaultValueFactory = _ => "1" };
        var freeSteps = new Option<string>("--free-steps") { Description = "Free-phase lengths T1, comma-separated (also used at evaluation).", HelpName = "T,T,…", DefaultValueFactory = _ => "60" };
        var dynamics = new Option<string>("--dynamics")
        {
            Description = "Dynamics, comma-separated: prototypical, energy (Scellier and Bengio 2017).", HelpName = "D,D", DefaultValueFactory = _ => "prototypical",
        };
        var remedy = new Option<string?>("--remedy-tau-dist")
        {
            Description = "Also train these τ conditions with the dead-output remedy (prototypical, nudge outside ρ) at every lr scale and T1; reported apart.",
            HelpName = "A,B,…",
        };
        var seeds = new Option<int>("--seeds") { Description = "Runs per cell (seeds --seed, --seed + 1, …; at least 2).", DefaultValueFactory = _ => 3 };
        var output = new Option<string>("--out") { Description = "Directory for the runs and the summary.", HelpName = "DIR", Required = true };
        var resume = new Option<bool>("--resume")
        {
            Description = "Kept for old scripts: every run of the same command continues the study (finished runs are skipped, interrupted in-process ones resume from their checkpoints).",
        };
        var chips = new Option<string?>("--chip")
        {
            Description = "After training, deploy HTS and homogeneous models of each seed on the chip instance of that seed (neuro run --seed) of these chips, " +
                          "each optionally with its mode (analog-mismatch:barrier,loihi1-async-variable:async), and compare their accuracy loss paired by instance.",
            HelpName = "CHIP[:MODE],…",
        };
        var chipDistribution = new Option<string>("--chip-tau-dist")
        {
            Description = "The HTS condition deployed on the chips (at the first lr scale and the longest T1, for every --chip-dynamics).", HelpName = "NAME:SPREAD",
            DefaultValueFactory = _ => "lognormal:0.5",
        };
        var chipDynamics = new Option<string?>("--chip-dynamics")
        {
            Description = "The dynamics whose models are deployed on the chips (comma-separated; default: every dynamics of the grid).", HelpName = "D,D",
        };
        var chipInstances = new Option<int?>("--chip-instances") { Description = "Chip instances (seeds) to deploy on (default: every seed)." };
        var chipSamples = new Option<int>("--chip-samples") { Description = "Test images per chip run.", DefaultValueFactory = _ => 500 };
        var chipSteps = new Option<int>("--chip-steps") { Description = "Algorithmic steps per inference on the chip.", DefaultValueFactory = _ => 100 };
        var json = CommonOptions.Json();
        foreach (var option in new Option[]
                 {
                     distributions, spreads, scales, freeSteps, dynamics, remedy, seeds, output, resume, chips, chipDistribution, chipDynamics, chipInstances, chipSamples,
                     chipSteps,
                     json,
                 })
        {
            stability.Options.Add(option);
        }

        var executor = new SweepExecutorOptions();
        executor.AddTo(stability, includeThreads: false);

        context.SetAction(stability, async (parse, cancellationToken) =>
        {
            var log = context.Logger<StabilityReport>();
            var conditions = StabilityConditions.Parse(parse.GetValue(distributions)!, parse.GetValue(spreads));
            var remedyConditions = parse.GetValue(remedy) is { } remedyText ? StabilityConditions.Parse(remedyText, null, nameof(StabilityGrid.RemedyDistributions)) : null;
            var runsPerCell = parse.GetValue(seeds);
            if (runsPerCell > 10_000)
            {
                throw new InvalidInputException(null, "--seeds", runsPerCell.ToString(CultureInfo.InvariantCulture), "a number of seeds per cell in 2..10000");
            }

            var options = training.Read(parse, conditions[0], forGrid: true);
            var grid = new StabilityGrid(conditions, StabilityConditions.ParseScales(parse.GetValue(scales)!), StabilityConditions.ParseSteps(parse.GetValue(freeSteps)!),
                StabilityConditions.ParseDynamics(parse.GetValue(dynamics)!),
                Enumerable.Range(0, Math.Max(0, runsPerCell)).Select(i => options.Seed + (ulong)i).ToList(), remedyConditions);
            grid.Validate();
            if (options.TestLimit == 0)
            {
                throw new InvalidInputException(null, "--test-limit", "0", "at least one test image: stability is judged on test accuracy");
            }

            var chipTargets = parse.GetValue(chips) is { } chipText ? ChipTarget.ParseList(chipText) : null;
            var chipCondition = StabilityConditions.Parse(parse.GetValue(chipDistribution)!, null, "ChipDistribution").Single();
            if (chipTargets is not null && !conditions.Contains(chipCondition))
            {
                throw new InvalidInputException(null, "ChipDistribution", chipCondition.Label, $"one of the grid's conditions ({string.Join(", ", conditions.Select(c => c.Label))})");
            }

            if (chipTargets is not null && !conditions.Contains(Learning.TimeConstants.TauDistribution.Homogeneous))
            {
                throw new InvalidInputException(null, "Distributions", parse.GetValue(distributions), "a grid with homogeneous in it (the chip comparison deploys homogeneous models)");
            }

            var chipDynamicsList = parse.GetValue(chipDynamics) is { } chipDynamicsText ? StabilityConditions.ParseDynamics(chipDynamicsText, "ChipDynamics") : grid.Dynamics;
            if (chipDynamicsList.Where(d => !grid.Dynamics.Contains(d)).Select(Learning.Models.DynamicsNames.Name).FirstOrDefault() is { } missing)
            {
                throw new InvalidInputException(null, "--chip-dynamics", missing,
                    $"dynamics of the grid ({string.Join(", ", grid.Dynamics.Select(Learning.Models.DynamicsNames.Name))})");
            }

            if (parse.GetValue(chipInstances) is { } instanceCount && (instanceCount < 2 || instanceCount > runsPerCell))
            {
                throw new InvalidInputException(null, "ChipInstances", instanceCount.ToString(CultureInfo.InvariantCulture), $"2..{runsPerCell} chip instances (one per seed)");
            }

            foreach (var target in chipTargets ?? [])
            {
                Neuromorphic.Chip.ChipLoader.Load(target.Chip);
            }

            var (datasetSpec, dataset) = training.LoadDataset(parse, options);
            context.Outputs.Dataset(datasetSpec).Directory(parse.GetValue(output), "--out", ["summary.csv", "summary.md"]);
            var directory = parse.GetValue(output)!;
            if (File.Exists(directory))
            {
                throw new InvalidInputException(null, "--out", directory, "a directory (it is a file)");
            }

            var title = $"HTS-EP stability: {string.Join("-", options.Layers)} on {dataset.Name}" +
                        (options.TrainLimit is { } limit ? $" ({limit:N0} training images)" : "") + $", {options.Epochs} epochs, {grid.Seeds.Count} seeds per cell";
            var jobCount = grid.Jobs(options).Count;
            log.LogInformation("Stability study: {Cells} cells × {Seeds} seeds = {Runs} runs of {Layers}, {Epochs} epochs each, on {Dataset}",
                grid.Cells.Count, grid.Seeds.Count, jobCount, string.Join("-", options.Layers), options.Epochs, dataset.Name);
            var plan = StabilitySweep.Plan(new SweepPlanner(context.Logger<SweepPlanner>()), grid, options, datasetSpec, title);
            var store = new SweepDirectory(directory);
            var outcome = await executor.RunAsync(parse, context, store, options.Threads, executorJobs =>
                new ProgressDisplay(context, log).RunAsync("stability", progress =>
                    new SweepRunner(context.LoggerFactory).RunAsync(plan, store, executorJobs, executor.ReadShard(parse), progress, cancellationToken)), cancellationToken);
            var runs = StabilitySweep.Runs(outcome.Tables, store, grid);
            if (runs.Count < plan.Jobs.Count)
            {
                log.LogWarning("{Missing} of {Total} runs have no result yet (another shard, or failed): the summary covers {Runs}; run the same command again when they are done",
                    plan.Jobs.Count - runs.Count, plan.Jobs.Count, runs.Count);
            }

            var report = StabilityReport.Of(directory, title, grid, runs, dataset.ClassCount, Command(options, datasetSpec, parse, distributions, spreads, scales,
                freeSteps, dynamics, remedy, runsPerCell, directory));
            var files = report.WriteSummaries().ToList();
            files.AddRange(StudyPlots.Write(directory, report, options));
            log.LogInformation("Wrote {Files} and {Runs} runs to {Directory}", string.Join(", ", files.Select(Path.GetFileName)), runs.Count, directory);

            System.Text.Json.Nodes.JsonObject? chipJson = null;
            if (chipTargets is not null && runs.Count < plan.Jobs.Count)
            {
                log.LogWarning("The chip comparison waits for every training run: run the same command again when all {Total} are done", plan.Jobs.Count);
            }
            else if (chipTargets is not null)
            {
                var pairs = ChipPairs(grid, chipDynamicsList, runs, chipCondition, parse.GetValue(chipInstances));
                var comparison = new ChipComparison(context.LoggerFactory);
                var chipRuns = await new ProgressDisplay(context, log).RunAsync("chip", progress =>
                    comparison.RunAsync(pairs, chipTargets, datasetSpec, parse.GetValue(chipSamples), parse.GetValue(chipSteps), options.Threads == 0 ? 0 : options.Threads,
                        directory, progress, cancellationToken));
                var chipSummaries = ChipComparison.Summarise(chipRuns);
                chipJson = ChipComparison.ToJson(chipRuns, chipSummaries);
                Core.IO.AtomicFile.WriteAllText(Path.Combine(directory, "chip.json"), Core.IO.JsonText.Format(chipJson));
                Core.IO.AtomicFile.WriteAllText(Path.Combine(directory, "chip.md"), ChipComparison.Markdown(chipRuns, chipSummaries, chipCondition.Label));
                var chipPlots = StudyPlots.WriteChip(directory, chipSummaries, chipCondition.Label);
                log.LogInformation("Wrote chip.json, chip.md, {Plots} ({Runs} chip runs)", string.Join(", ", chipPlots.Select(Path.GetFileName)), chipRuns.Count);
            }

            if (parse.GetValue(json))
            {
                var summary = report.ToJson();
                if (chipJson is not null)
                {
                    summary["chip"] = chipJson.DeepClone();
                }

                context.Output.WriteJson(summary);
            }
            else
            {
                context.Output.Write(Table(report, title));
            }

            return SweepCommand.Failed(log, outcome.Failed);
        }, s_flags);
        return stability;
    }

    /// <summary>
    /// The model pairs deployed on chips: for every dynamics, the HTS cell <paramref name="condition"/> at the first lr scale and the longest T1 and its
    /// homogeneous twin, one pair per seed whose two runs finished with a model (diverged runs have none), up to <paramref name="instances"/>.
    /// </summary>
    private static List<ChipPair> ChipPairs(StabilityGrid grid, IReadOnlyList<Learning.Models.EpDynamics> deployed, IReadOnlyList<StabilityRun> runs,
        Learning.TimeConstants.TauDistribution condition, int? instances)
    {
        var pairs = new List<ChipPair>();
        foreach (var dynamics in deployed)
        {
            var hts = new StabilityCell(condition, grid.LearningRateScales[0], grid.FreeSteps.Max(), dynamics);
            var group = $"{hts.Group.Label}";
            var count = 0;
            foreach (var seed in grid.Seeds)
            {
                var a = runs.SingleOrDefault(r => r.Cell == hts && r.Seed == seed);
                var b = runs.SingleOrDefault(r => r.Cell == hts.Baseline && r.Seed == seed);
                if (a is { Diverged: false, ModelPath: { } htsModel } && b is { Diverged: false, ModelPath: { } baseModel } && File.Exists(htsModel) && File.Exists(baseModel))
                {
                    pairs.Add(new ChipPair(group, seed, htsModel, baseModel));
                    if (++count == instances)
                    {
                        break;
                    }
                }
            }
        }

        return pairs;
    }

    private static string Command(EpTrainingOptions options, string datasetSpec, ParseResult parse, Option<string> distributions, Option<string?> spreads,
        Option<string> scales, Option<string> freeSteps, Option<string> dynamics, Option<string?> remedy, int seeds, string directory)
    {
        var settings = options.Settings().Where(s => s.Option is not ("--seed" or "--tau-dist" or "--tau-spread" or "--free-steps"));
        var text = $"neuro experiment stability --dataset {datasetSpec} --tau-dist {parse.GetValue(distributions)}";
        if (parse.GetValue(spreads) is { } spreadText)
        {
            text += $" --tau-spread {spreadText}";
        }

        text += $" --lr-scale {parse.GetValue(scales)} --free-steps {parse.GetValue(freeSteps)} --dynamics {parse.GetValue(dynamics)}";
        if (parse.GetValue(remedy) is { } remedyText)
        {
            text += $" --remedy-tau-dist {remedyText}";
        }

        foreach (var option in parse.CommandResult.Command.Options.Where(o => o.Name.StartsWith("--chip", StringComparison.Ordinal)))
        {
            if (parse.GetResult(option) is { Implicit: false } given)
            {
                text += $" {option.Name} {string.Join(",", given.Tokens.Select(t => t.Value))}";
            }
        }

        return text + $" --seeds {seeds} --seed {options.Seed}" + string.Concat(settings.Select(s => s.Value.Length == 0 ? $" {s.Option}" : $" {s.Option} {s.Value}")) +
               $" --out {directory}";
    }

    private static Table Table(StabilityReport report, string title)
    {
        var table = new Table().Title(Markup.Escape(title));
        table.AddColumn("group");
        table.AddColumn("τ condition");
        foreach (var column in new[] { "n", "final acc % [95 % CI]", "Δ vs homog. (pts)", "p (Holm)", "collapsed", "dead-output runs" })
        {
            table.AddColumn(new TableColumn(Markup.Escape(column)).RightAligned());
        }

        foreach (var c in report.Analysis.Cells)
        {
            var comparison = report.Analysis.Comparisons.FirstOrDefault(p => p.Cell == c.Cell);
            table.AddRow(Markup.Escape(c.Cell.Group.Label), Markup.Escape(c.Cell.Distribution.Label), c.Runs.ToString(CultureInfo.InvariantCulture),
                Markup.Escape(c.FinalAccuracy.Format(100)), Markup.Escape(comparison?.FinalDifference.Format(100) ?? "–"),
                comparison is null ? "–" : comparison.FinalHolm.ToString("0.000", CultureInfo.InvariantCulture),
                $"{c.Collapsed}/{c.Runs}", c.RunsWithDeadOutputs.ToString(CultureInfo.InvariantCulture));
        }

        return table;
    }
}
