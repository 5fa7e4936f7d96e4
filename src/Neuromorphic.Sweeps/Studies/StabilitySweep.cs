using System.Globalization;
using System.Text.Json.Nodes;
using Neuromorphic.Core.Networks;
using Neuromorphic.Learning.Experiments;
using Neuromorphic.Learning.TimeConstants;
using Neuromorphic.Learning.Training;
using Neuromorphic.Sweeps.Execution;
using Neuromorphic.Sweeps.Results;
using Neuromorphic.Sweeps.Spec;
using Neuromorphic.Sweeps.Store;

namespace Neuromorphic.Sweeps.Studies;

/// <summary>
/// A stability study as a sweep: one training job per condition × seed with otherwise equal options
/// (grid <c>tau-dist</c> × <c>seed</c>), so it runs on any executor and a re-run (or the last shard's
/// merge) skips what is done. The results folder is the sweep's, plus <c>runs/&lt;condition&gt;-seed&lt;N&gt;.json</c>
/// (the model) and <c>.metrics.csv</c> (its epochs, without wall-clock times) per run.
/// </summary>
public static class StabilitySweep
{
    /// <summary>The sweep spec of a study (JSON text): <paramref name="baseOptions"/> trained for every condition and seed.</summary>
    public static SweepSpec Spec(EpTrainingOptions baseOptions, string datasetSpec, IReadOnlyList<StabilityCondition> conditions, IReadOnlyList<ulong> seeds, string title)
    {
        var train = new JsonObject();
        foreach (var (key, value) in JobOptions.CanonicalTrain(baseOptions, datasetSpec))
        {
            if (value is not null && key is not ("seed" or "tau-dist" or "tau-spread"))
            {
                train[key] = value.DeepClone();
            }
        }

        var spec = new JsonObject
        {
            ["schema"] = SweepSpec.Schema,
            ["name"] = title,
            ["kind"] = "train",
            ["train"] = train,
            ["grid"] = new JsonObject
            {
                ["tau-dist"] = new JsonArray(conditions.Select(c => (JsonNode)Condition(c.Distribution)).ToArray()),
                ["seed"] = new JsonArray(seeds.Select(s => (JsonNode)s).ToArray()),
            },
        };
        return SweepSpec.Parse(spec.ToJsonString(), "experiment stability", Directory.GetCurrentDirectory());
    }

    /// <summary>The grid value of a condition: <c>homogeneous</c> or <c>name:spread</c>.</summary>
    public static string Condition(TauDistribution distribution) =>
        distribution.Family == TauFamily.Homogeneous ? distribution.Name : $"{distribution.Name}:{distribution.Spread.ToString("R", CultureInfo.InvariantCulture)}";

    /// <summary>
    /// The runs of a finished study (training jobs without a result are left out), with their model
    /// and metrics copied to <c>runs/</c> under the study's names.
    /// </summary>
    public static IReadOnlyList<StabilityRun> Runs(SweepTables tables, SweepDirectory store, EpTrainingOptions baseOptions, IReadOnlyList<StabilityCondition> conditions)
    {
        var runs = new List<StabilityRun>();
        var runsDirectory = Path.Combine(store.Path, "runs");
        foreach (var row in tables.Trainings)
        {
            var (options, _) = JobOptions.BuildTrain(row.Job.Options);
            var condition = conditions.First(c => c.Distribution == options.TimeSteps.Distribution);
            var name = $"{condition.Slug}-seed{options.Seed.ToString(CultureInfo.InvariantCulture)}";
            var history = row.History;
            var metricsPath = Path.Combine(runsDirectory, name + ".metrics.csv");
            MetricsCsv.Write(metricsPath, history);
            var modelPath = Path.Combine(runsDirectory, name + ".json");
            if (row.Result["model"] is not null)
            {
                var network = NetworkFile.Load(Path.Combine(store.FilesPath(row.Job.Name), JobRunner.ModelFile));
                NetworkFile.Save(network, modelPath);
            }

            var draw = TimeStepDraw.Draw(options.Layers.Skip(1).ToArray(), options.TimeSteps, options.EffectiveTauSeed);
            runs.Add(new StabilityRun(condition, options.Seed, history, draw, modelPath, metricsPath, row.Diverged));
        }

        return runs.OrderBy(r => conditions.ToList().IndexOf(r.Condition)).ThenBy(r => r.Seed).ToList();
    }
}
