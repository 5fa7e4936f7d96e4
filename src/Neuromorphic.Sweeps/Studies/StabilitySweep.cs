using System.Globalization;
using System.Text.Json.Nodes;
using Neuromorphic.Core.IO;
using Neuromorphic.Core.Networks;
using Neuromorphic.Learning.Experiments;
using Neuromorphic.Learning.Models;
using Neuromorphic.Learning.TimeConstants;
using Neuromorphic.Learning.Training;
using Neuromorphic.Sweeps.Execution;
using Neuromorphic.Sweeps.Planning;
using Neuromorphic.Sweeps.Results;
using Neuromorphic.Sweeps.Spec;
using Neuromorphic.Sweeps.Store;

namespace Neuromorphic.Sweeps.Studies;

/// <summary>
/// A stability study (<see cref="StabilityGrid"/>) as a sweep of training jobs, so it runs on any
/// executor (in-process, shards, a cluster of silos) and a re-run (or the last shard's merge) skips
/// what is done. The grid's cells are the sweep grid <c>seed</c> × <c>dynamics</c> × <c>free-steps</c>
/// × <c>lr-scale</c> × <c>tau-dist</c> (the runs of one seed come first, so a partial study already
/// pairs cells); the remedy cells (prototypical, <c>nudge</c> outside) are a second grid in the same
/// plan. The results folder is the sweep's, plus <c>runs/&lt;cell&gt;-seed&lt;N&gt;.json</c> (the model)
/// and <c>.metrics.csv</c> (its epochs, without wall-clock times) per run.
/// </summary>
public static class StabilitySweep
{
    /// <summary>The grid keys of a study plan, in table order.</summary>
    public static readonly IReadOnlyList<string> Columns = ["seed", "dynamics", "nudge", "free-steps", "lr-scale", "tau-dist"];

    /// <summary>The plan of <paramref name="grid"/> with <paramref name="baseOptions"/> (validated as <c>neuro train</c> validates).</summary>
    public static SweepPlan Plan(SweepPlanner planner, StabilityGrid grid, EpTrainingOptions baseOptions, string datasetSpec, string title)
    {
        grid.Validate();
        var main = planner.Plan(Spec(baseOptions, datasetSpec, title, grid.Seeds, grid.Dynamics, OutputNudge.Inside, grid.FreeSteps, grid.LearningRateScales,
            grid.Distributions));
        var plans = new List<SweepPlan> { main };
        if (grid.RemedyDistributions is { Count: > 0 } remedy)
        {
            plans.Add(planner.Plan(Spec(baseOptions, datasetSpec, title, grid.Seeds, [EpDynamics.Prototypical], OutputNudge.Outside, grid.FreeSteps,
                grid.LearningRateScales, remedy)));
        }

        var jobs = plans.SelectMany(p => p.Jobs).ToList();
        var spec = new JsonObject { ["schema"] = "neuromorphic.stability-study/1", ["name"] = title, ["sweeps"] = new JsonArray(plans.Select(p => (JsonNode)p.Spec.DeepClone()).ToArray()) };
        return main with
        {
            SpecHash = Hashing.Sha256Hex(System.Text.Encoding.UTF8.GetBytes(string.Join("\n", plans.Select(p => p.SpecHash)))),
            Spec = spec,
            Columns = Columns,
            Jobs = jobs,
        };
    }

    private static SweepSpec Spec(EpTrainingOptions baseOptions, string datasetSpec, string title, IReadOnlyList<ulong> seeds, IReadOnlyList<EpDynamics> dynamics,
        OutputNudge nudge, IReadOnlyList<int> freeSteps, IReadOnlyList<double> scales, IReadOnlyList<TauDistribution> distributions)
    {
        var train = new JsonObject();
        foreach (var (key, value) in JobOptions.CanonicalTrain(baseOptions, datasetSpec))
        {
            if (value is not null && key is not ("seed" or "tau-dist" or "tau-spread" or "free-steps" or "dynamics" or "nudge"))
            {
                train[key] = value.DeepClone();
            }
        }

        train["nudge"] = DynamicsNames.Name(nudge);
        static JsonArray Values<T>(IEnumerable<T> values, Func<T, JsonNode> node) => new(values.Distinct().Select(node).ToArray());
        var spec = new JsonObject
        {
            ["schema"] = SweepSpec.Schema,
            ["name"] = title,
            ["kind"] = "train",
            ["train"] = train,
            ["grid"] = new JsonObject
            {
                ["seed"] = Values(seeds, s => JsonValue.Create(s)),
                ["dynamics"] = Values(dynamics, d => JsonValue.Create(DynamicsNames.Name(d))),
                ["free-steps"] = Values(freeSteps, t => JsonValue.Create(t)),
                ["lr-scale"] = Values(scales, s => JsonValue.Create(s)),
                ["tau-dist"] = Values(distributions, d => JsonValue.Create(Condition(d))),
            },
        };
        return SweepSpec.Parse(spec.ToJsonString(), "experiment stability", Directory.GetCurrentDirectory());
    }

    /// <summary>The grid value of a condition: <c>homogeneous</c> or <c>name:spread</c>.</summary>
    public static string Condition(TauDistribution distribution) =>
        distribution.Family == TauFamily.Homogeneous ? distribution.Name : $"{distribution.Name}:{distribution.Spread.ToString("R", CultureInfo.InvariantCulture)}";

    /// <summary>
    /// The runs of a study folder (training jobs without a result yet are left out), in grid order,
    /// with their model and metrics copied to <c>runs/</c> under the study's names.
    /// </summary>
    public static IReadOnlyList<StabilityRun> Runs(SweepTables tables, SweepDirectory store, StabilityGrid grid)
    {
        var cells = grid.Cells.ToList();
        var runs = new List<StabilityRun>();
        var runsDirectory = Path.Combine(store.Path, "runs");
        Directory.CreateDirectory(runsDirectory);
        foreach (var row in tables.Trainings)
        {
            var (options, _) = JobOptions.BuildTrain(row.Job.Options);
            var scale = row.Job.Point["lr-scale"]!.GetValue<double>();
            var cell = new StabilityCell(options.TimeSteps.Distribution, scale, options.FreeSteps, options.Dynamics, options.Nudge);
            var name = $"{cell.Slug}-seed{options.Seed.ToString(CultureInfo.InvariantCulture)}";
            var history = row.History;
            MetricsCsv.Write(Path.Combine(runsDirectory, name + ".metrics.csv"), history);
            string? modelPath = null;
            if (row.Result["model"] is not null)
            {
                modelPath = Path.Combine(runsDirectory, name + ".json");
                NetworkFile.Save(NetworkFile.Load(Path.Combine(store.FilesPath(row.Job.Name), JobRunner.ModelFile)), modelPath);
            }

            var constants = row.Result["timeConstants"]!;
            double Value(string key) => constants[key] is JsonValue v && v.TryGetValue<double>(out var d) ? d : double.NaN;
            runs.Add(new StabilityRun(cell, options.Seed, history, new RunTimeSteps(Value("dtMean"), Value("tauMean"), Value("tauCv"), Value("clippedShare")),
                row.Diverged, row.Result["divergedInEpoch"] is JsonValue e ? e.GetValue<int>() : null, modelPath));
        }

        return runs.OrderBy(r => cells.IndexOf(r.Cell)).ThenBy(r => grid.Seeds.ToList().IndexOf(r.Seed)).ToList();
    }
}
