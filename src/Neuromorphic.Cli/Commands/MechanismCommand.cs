using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Neuromorphic.Cli.Hosting;
using Neuromorphic.Cli.Plotting;
using Neuromorphic.Core.Data;
using Neuromorphic.Core.Errors;
using Neuromorphic.Learning.Mechanism;
using Neuromorphic.Learning.Models;
using Neuromorphic.Learning.Training;
using Neuromorphic.Workflows.Studies;
using Spectre.Console;

namespace Neuromorphic.Cli.Commands;

/// <summary><c>neuro experiment mechanism</c>: how well the finite-T EP update follows the BPTT gradient of the same transient, per τ spread, T1 and dynamics.</summary>
internal static class MechanismCommand
{
    /// <summary>The flags of the settings: the training options' (layers, τ, T1, T2, β, estimator, dt, threads) and the study's own.</summary>
    private static readonly IReadOnlyDictionary<string, string> s_flags = new Dictionary<string, string>(TrainingOptions.Flags)
    {
        ["Seeds"] = "--seeds",
        [nameof(MechanismSettings.Samples)] = "--samples",
        [nameof(MechanismSettings.ConvergedSteps)] = "--converged-steps",
    };

    public static Command Create(CliContext context)
    {
        var command = new Command("mechanism",
            "Why would HTS help? For each τ condition, dynamics and free-phase length T1: the cosine between the EP update of T1 free and T2 nudged " +
            "steps and the BPTT gradient of the same finite-T network (double precision), and how settled the free phase is (residual, not converged, " +
            "period-2). Writes mechanism.json, mechanism.md, mechanism.csv and plots to --out.");
        var dataset = CommonOptions.Dataset();
        var layers = new Option<string>("--layers") { Description = "Layer sizes, input first.", HelpName = "N,N,…", DefaultValueFactory = _ => "784,128,10" };
        var distributions = new Option<string>("--tau-dist")
        {
            Description = "τ conditions, comma-separated, each optionally with its spread (lognormal:0.5).", HelpName = "A,B,…",
            DefaultValueFactory = _ => "homogeneous,lognormal:0.25,lognormal:0.5,lognormal:1,gamma:2,gamma:4",
        };
        var spreads = new Option<string?>("--tau-spread") { Description = "Spreads for distributions given without one.", HelpName = "X,Y,…" };
        var freeSteps = new Option<string>("--free-steps") { Description = "Free-phase lengths T1, comma-separated.", HelpName = "T,T,…", DefaultValueFactory = _ => "10,20,40,60,100" };
        var dynamics = new Option<string>("--dynamics") { Description = "Dynamics, comma-separated: prototypical, energy.", HelpName = "D,D", DefaultValueFactory = _ => "prototypical,energy" };
        var seeds = new Option<int>("--seeds") { Description = "Measurements per condition (seeds --seed, --seed + 1, …): weights, images and τ draw.", DefaultValueFactory = _ => 10 };
        var seed = new Option<ulong>("--seed") { Description = "First seed.", DefaultValueFactory = _ => 1UL };
        var nudged = new Option<int>("--nudged-steps") { Description = "Steps of each nudged phase, T2.", DefaultValueFactory = _ => 20 };
        var beta = new Option<double>("--beta") { Description = "Nudging strength β.", DefaultValueFactory = _ => 0.2 };
        var estimator = new Option<string>("--estimator") { Description = "symmetric or one-sided.", HelpName = "NAME", DefaultValueFactory = _ => "symmetric" };
        var dtMean = new Option<double>("--dt-mean") { Description = "Mean time step (matched across conditions).", DefaultValueFactory = _ => 0.5 };
        var dtMin = new Option<double>("--dt-min") { Description = "Smallest time step.", DefaultValueFactory = _ => 0.05 };
        var initScale = new Option<double>("--init-scale") { Description = "Scale of the initial weights.", DefaultValueFactory = _ => 1.0 };
        var samples = new Option<int>("--samples") { Description = "Training images per measurement.", DefaultValueFactory = _ => 32 };
        var converged = new Option<int>("--converged-steps") { Description = "Free steps standing for the fixed point.", DefaultValueFactory = _ => 1000 };
        var model = new Option<string?>("--model") { Description = "Measure at these trained weights (each condition replaces their dt) instead of fresh initialisations.", HelpName = "FILE" };
        var threads = new Option<int>("--threads") { Description = "Worker threads (0: all processors). Results do not depend on it.", DefaultValueFactory = _ => 0 };
        var output = new Option<string>("--out") { Description = "Directory for the report.", HelpName = "DIR", Required = true };
        var json = CommonOptions.Json();
        foreach (var option in new Option[]
                 {
                     dataset, layers, distributions, spreads, freeSteps, dynamics, seeds, seed, nudged, beta, estimator, dtMean, dtMin, initScale, samples, converged, model,
                     threads, output, json,
                 })
        {
            command.Options.Add(option);
        }

        context.SetAction(command, async (parse, cancellationToken) =>
        {
            var log = context.Logger<MechanismReport>();
            var count = parse.GetValue(seeds);
            if (count is < 2 or > 10_000)
            {
                throw new InvalidInputException(null, "--seeds", count.ToString(CultureInfo.InvariantCulture), "a number of seeds in 2..10000 (the statistics need more than one)");
            }

            var first = parse.GetValue(seed);
            var weights = parse.GetValue(model) is { } modelPath ? EpModel.Load(modelPath) : null;
            var settings = new MechanismSettings
            {
                Layers = weights?.LayerSizes ?? EpTrainingOptions.ParseLayers(parse.GetValue(layers)!),
                Distributions = StabilityConditions.Parse(parse.GetValue(distributions)!, parse.GetValue(spreads)),
                FreeSteps = StabilityConditions.ParseSteps(parse.GetValue(freeSteps)!),
                Dynamics = StabilityConditions.ParseDynamics(parse.GetValue(dynamics)!),
                Seeds = Enumerable.Range(0, count).Select(i => first + (ulong)i).ToList(),
                NudgedSteps = parse.GetValue(nudged),
                Beta = parse.GetValue(beta),
                Estimator = EpTrainingOptions.ParseEstimator(parse.GetValue(estimator)!),
                DtMean = parse.GetValue(dtMean),
                DtMin = parse.GetValue(dtMin),
                InitScale = parse.GetValue(initScale),
                Samples = parse.GetValue(samples),
                ConvergedSteps = parse.GetValue(converged),
                Weights = weights,
                Threads = parse.GetValue(threads),
            };
            settings.Validate();
            var data = DatasetCatalog.Load(parse.GetValue(dataset));
            var directory = parse.GetValue(output)!;
            var title = $"EP update against BPTT of the same finite transient: {string.Join("-", settings.Layers)} on {data.Name}";
            log.LogInformation("Mechanism study: {Conditions} τ conditions × {Dynamics} dynamics × {Steps} T1 × {Seeds} seeds, {Samples} images each",
                settings.Distributions.Count, settings.Dynamics.Count, settings.FreeSteps.Count, count, settings.Samples);
            var measurements = await new ProgressDisplay(context, log).RunAsync("mechanism", progress =>
                Task.Run(() => MechanismStudy.Run(settings, data.Train, progress, cancellationToken), cancellationToken));
            var reproduce = $"neuro experiment mechanism --dataset {parse.GetValue(dataset) ?? DatasetCatalog.DefaultName} --layers {string.Join(",", settings.Layers)} " +
                            $"--tau-dist {parse.GetValue(distributions)} --free-steps {parse.GetValue(freeSteps)} --dynamics {parse.GetValue(dynamics)} --seeds {count} --seed {first} " +
                            $"--nudged-steps {settings.NudgedSteps} --beta {Num(settings.Beta)} --estimator {EpTrainingOptions.EstimatorName(settings.Estimator)} " +
                            $"--dt-mean {Num(settings.DtMean)} --dt-min {Num(settings.DtMin)} --init-scale {Num(settings.InitScale)} --samples {settings.Samples} " +
                            $"--converged-steps {settings.ConvergedSteps}" + (parse.GetValue(model) is { } m ? $" --model {m}" : "") + $" --out {directory}";
            var report = MechanismReport.Of(directory, title, settings, measurements, reproduce);
            var files = report.Write().ToList();
            files.AddRange(Plot(directory, report));
            log.LogInformation("Wrote {Files}", string.Join(", ", files.Select(Path.GetFileName)));
            if (parse.GetValue(json))
            {
                context.Output.WriteJson(report.ToJson());
            }
            else
            {
                var table = new Table().Title(Markup.Escape(title));
                foreach (var column in new[] { "dynamics", "T1", "τ condition", "cos(EP, −∇L_T1) [95 % CI]", "Δ vs homog.", "not converged" })
                {
                    table.AddColumn(Markup.Escape(column));
                }

                foreach (var s in report.Summaries)
                {
                    table.AddRow(DynamicsNames.Name(s.Condition.Dynamics), s.Condition.FreeSteps.ToString(CultureInfo.InvariantCulture), Markup.Escape(s.Condition.Distribution.Label),
                        Markup.Escape(s.Cosine.Format(1, "0.000")), Markup.Escape(s.CosineDifference?.Format(1, "0.000") ?? "–"), $"{100 * s.NotConverged.Mean:0.0} %");
                }

                context.Output.Write(table);
            }

            return ExitCodes.Success;
        }, s_flags);
        return command;
    }

    private static IReadOnlyList<string> Plot(string directory, MechanismReport report)
    {
        var files = new List<string>();
        foreach (var group in report.Summaries.GroupBy(s => s.Condition.Dynamics))
        {
            var name = DynamicsNames.Name(group.Key);
            var byCondition = group.GroupBy(s => s.Condition.Distribution).ToList();
            var cosine = Path.Combine(directory, $"cosine-{name}.png");
            Charts.IntervalLines(cosine, $"EP update vs BPTT gradient of the same T1 steps ({name} dynamics)", "free-phase steps T1 (log scale)",
                "cos(EP update, −∇L after T1 steps)",
                byCondition.Select(g => new IntervalSeries(g.Key.Label, g.Select(s => (double)s.Condition.FreeSteps).ToArray(),
                    g.Select(s => Charts.Of(s.Cosine)).ToArray())).ToList(), log2X: true,
                note: $"bars: 95 % BCa bootstrap CI of the mean over {report.Settings.Seeds.Count} seeds", xTicks: t => t.ToString("0", CultureInfo.InvariantCulture));
            files.Add(cosine);
            var settled = Path.Combine(directory, $"not-converged-{name}.png");
            Charts.IntervalLines(settled, $"Free phase not converged after T1 steps ({name} dynamics)", "free-phase steps T1 (log scale)",
                "samples with ‖s_T − s_T−1‖ > 1e-3 (%)",
                byCondition.Select(g => new IntervalSeries(g.Key.Label, g.Select(s => (double)s.Condition.FreeSteps).ToArray(),
                    g.Select(s => new Estimate(100 * s.NotConverged.Mean, 100 * s.NotConverged.Min, 100 * s.NotConverged.Max)).ToArray())).ToList(), log2X: true,
                note: "bars: smallest and largest share over seeds", yMin: -5, yMax: 105, xTicks: t => t.ToString("0", CultureInfo.InvariantCulture));
            files.Add(settled);
        }

        return files;
    }

    private static string Num(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
