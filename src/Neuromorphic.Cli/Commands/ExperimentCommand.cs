using System.CommandLine;
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

/// <summary><c>neuro experiment stability</c>: does HTS train more stably? N seeds per time-constant condition, one summary.</summary>
internal static class ExperimentCommand
{
    public static Command Create(CliContext context)
    {
        var experiment = new Command("experiment", "Run studies that answer a question over many training runs.");
        var stability = new Command("stability",
            "Train one architecture over N seeds for each time-constant distribution and spread, and compare how stably they train: " +
            "mean ± std of final and best test accuracy, collapse rate, drawdown, equilibrium residuals. Writes per-run CSVs, " +
            "summary.csv, summary.md and accuracy.png (mean ± std band per condition) to --out.");
        var training = new TrainingOptions();
        training.AddTo(stability, includeDistribution: false);
        var distributions = new Option<string>("--tau-dist")
        {
            Description = "Conditions, comma-separated: homogeneous, lognormal, gamma, uniform, normal, each optionally with its spread (lognormal:0.5).",
            HelpName = "A,B,…", DefaultValueFactory = _ => "homogeneous,lognormal",
        };
        var spreads = new Option<string?>("--tau-spread")
        {
            Description = "Spreads applied to every heterogeneous distribution given without one (comma-separated; default: each family's default).",
            HelpName = "X,Y,…",
        };
        var seeds = new Option<int>("--seeds") { Description = "Runs per condition (seeds --seed, --seed + 1, …).", DefaultValueFactory = _ => 3 };
        var output = new Option<string>("--out") { Description = "Directory for the runs and the summary.", HelpName = "DIR", Required = true };
        var resume = new Option<bool>("--resume")
        {
            Description = "Kept for old scripts: every run of the same command continues the study (finished runs are skipped, interrupted in-process ones resume from their checkpoints).",
        };
        var json = CommonOptions.Json();
        foreach (var option in new Option[] { distributions, spreads, seeds, output, resume, json })
        {
            stability.Options.Add(option);
        }

        var executor = new SweepExecutorOptions();
        executor.AddTo(stability, includeThreads: false);

        context.SetAction(stability, async (parse, cancellationToken) =>
        {
            var log = context.Logger<StabilityReport>();
            var conditions = StabilityConditions.Parse(parse.GetValue(distributions)!, parse.GetValue(spreads));
            var runsPerCondition = parse.GetValue(seeds);
            if (runsPerCondition is < 1 or > 10_000)
            {
                throw new InvalidInputException(null, "--seeds", runsPerCondition.ToString(), "a number of seeds per condition in 1..10000");
            }

            var options = training.Read(parse, conditions[0].Distribution);
            if (options.TestLimit == 0)
            {
                throw new InvalidInputException(null, "--test-limit", "0", "at least one test image: stability is judged on test accuracy");
            }

            var (datasetSpec, dataset) = training.LoadDataset(parse, options);
            context.Outputs.Dataset(datasetSpec).Directory(parse.GetValue(output), "--out", ["summary.csv", "summary.md"]);
            var directory = parse.GetValue(output)!;
            if (File.Exists(directory))
            {
                throw new InvalidInputException(null, "--out", directory, "a directory (it is a file)");
            }

            var seedList = Enumerable.Range(0, runsPerCondition).Select(i => options.Seed + (ulong)i).ToList();
            log.LogInformation("Stability study: {Conditions} × {Seeds} seeds of {Layers}, {Epochs} epochs each, on {Dataset}",
                string.Join(", ", conditions.Select(c => c.Label)), seedList.Count, string.Join("-", options.Layers), options.Epochs, dataset.Name);
            var title = $"HTS-EP stability: {string.Join("-", options.Layers)} on {dataset.Name}, {options.Epochs} epochs, {seedList.Count} seeds per condition";
            var plan = new SweepPlanner(context.Logger<SweepPlanner>()).Plan(StabilitySweep.Spec(options, datasetSpec, conditions, seedList, title));
            var store = new SweepDirectory(directory);
            var outcome = await executor.RunAsync(parse, context, store, options.Threads, jobs =>
                new ProgressDisplay(context, log).RunAsync("stability", progress =>
                    new SweepRunner(context.LoggerFactory).RunAsync(plan, store, jobs, executor.ReadShard(parse), progress, cancellationToken)), cancellationToken);
            var runs = StabilitySweep.Runs(outcome.Tables, store, options, conditions);

            var report = StabilityReport.Of(directory, title, seedList, conditions, runs);
            report.WriteSummaries(Command(options, datasetSpec, parse.GetValue(distributions)!, parse.GetValue(spreads), runsPerCondition, directory));
            PlotBands(Path.Combine(directory, "accuracy.png"), title, "test accuracy (%)", conditions, runs, h => 100 * h.TestAccuracy, AxisScale.Linear);
            PlotBands(Path.Combine(directory, "residual.png"), "Free-phase residual ‖s_T − s_T−1‖ (training minibatches)", "residual (log scale)", conditions, runs,
                h => h.FreeResidual, AxisScale.Log10);
            log.LogInformation("Wrote {Directory}/summary.csv, summary.md, accuracy.png, residual.png and {Runs} runs", directory, runs.Count);
            if (runs.Count < plan.Jobs.Count)
            {
                log.LogWarning("{Missing} of {Total} runs have no result yet (another shard, or failed): the summary covers {Runs}; run the same command again when they are done",
                    plan.Jobs.Count - runs.Count, plan.Jobs.Count, runs.Count);
            }

            if (parse.GetValue(json))
            {
                context.Output.WriteJson(report.ToJson());
            }
            else
            {
                context.Output.Write(Table(report.Conditions, title));
            }

            return SweepCommand.Failed(log, outcome.Failed);
        }, TrainingOptions.Flags);
        experiment.Subcommands.Add(stability);
        return experiment;
    }

    private static string Command(EpTrainingOptions options, string datasetSpec, string distributions, string? spreads, int seeds, string directory)
    {
        var settings = options.Settings().Where(s => s.Option is not ("--seed" or "--tau-dist" or "--tau-spread"));
        return $"neuro experiment stability --dataset {datasetSpec} --tau-dist {distributions}" + (spreads is null ? "" : $" --tau-spread {spreads}") +
               $" --seeds {seeds} --seed {options.Seed}" + string.Concat(settings.Select(s => s.Value.Length == 0 ? $" {s.Option}" : $" {s.Option} {s.Value}")) +
               $" --out {directory}";
    }

    private static Table Table(IReadOnlyList<ConditionSummary> summaries, string title)
    {
        var table = new Table().Title(Markup.Escape(title));
        table.AddColumn("condition");
        foreach (var column in new[] { "n", "final acc %", "best acc %", "collapse", "max drawdown", "residual", "mean dt", "clipped" })
        {
            table.AddColumn(new TableColumn(column).RightAligned());
        }

        foreach (var s in summaries)
        {
            table.AddRow(Markup.Escape(s.Condition.Label), s.Runs.ToString(), s.FinalAccuracy.Format(100), s.BestAccuracy.Format(100),
                Formats.Percent(s.CollapseRate), $"{100 * s.LargestDrawdown:0.00} pts", $"{s.FreeResidual.Mean:0.0e0}", $"{s.MeanDt.Mean:0.###}",
                Formats.Percent(s.ClippedShare.Mean));
        }

        return table;
    }

    private static void PlotBands(string path, string title, string yLabel, IReadOnlyList<StabilityCondition> conditions, IReadOnlyList<StabilityRun> runs,
        Func<EpochMetrics, double> value, AxisScale scale)
    {
        var series = new List<LineSeries>();
        foreach (var condition in conditions)
        {
            var histories = runs.Where(r => r.Condition == condition).Select(r => r.History).Where(h => h.Count > 0).ToList();
            if (histories.Count == 0)
            {
                continue;
            }

            var epochs = histories.Max(h => h.Count);
            var x = new double[epochs];
            var mean = new double[epochs];
            var low = new double[epochs];
            var high = new double[epochs];
            for (var e = 0; e < epochs; e++)
            {
                var spread = Spread.Of(histories.Where(h => h.Count > e).Select(h => value(h[e])));
                x[e] = e + 1;
                mean[e] = spread.Mean;
                low[e] = spread.Mean - spread.StandardDeviation;
                high[e] = spread.Mean + spread.StandardDeviation;
            }

            series.Add(new LineSeries($"{condition.Label} (n = {histories.Count})", x, mean, low, high, "mean ± 1 SD over seeds"));
        }

        Charts.Lines(path, title, "epoch", yLabel, series, integerX: true, scale);
    }
}
