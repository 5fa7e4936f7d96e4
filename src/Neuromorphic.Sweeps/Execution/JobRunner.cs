using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Neuromorphic.Core.Data;
using Neuromorphic.Core.IO;
using Neuromorphic.Learning.Training;
using Neuromorphic.Sweeps.Inputs;
using Neuromorphic.Sweeps.Planning;
using Neuromorphic.Sweeps.Results;
using Neuromorphic.Sweeps.Spec;
using Neuromorphic.Workflows.Runs;
using Neuromorphic.Workflows.Training;

namespace Neuromorphic.Sweeps.Execution;

/// <summary>
/// Runs one job wherever it is (in-process or in a worker silo) through the application layer:
/// a run job is a <see cref="RunRequest"/> planned by <see cref="RunPlanner"/> and run by
/// <see cref="RunSession"/>; a training job is an <see cref="EpTrainer"/> run in a work folder (an
/// interrupted one resumes from its checkpoint there). The result is canonical JSON without
/// wall-clock times or machine paths, so it is byte-identical whatever ran it. One runner serves
/// many jobs concurrently and shares datasets, networks and mappings between them.
/// </summary>
public sealed partial class JobRunner(ILoggerFactory? loggers = null, string toolVersion = "")
{
    public const string ResultSchema = "neuromorphic.sweep-result/1";

    /// <summary>The main file of a trained model in a training job's folder.</summary>
    public const string ModelFile = "model.json";

    private readonly ILoggerFactory _loggers = new QuietLoggerFactory(loggers ?? NullLoggerFactory.Instance);
    private readonly ILogger _logger = (loggers ?? NullLoggerFactory.Instance).CreateLogger<JobRunner>();
    private readonly RunResources _resources = new();

    /// <param name="payload">The job.</param>
    /// <param name="inputs">Where its input bundles are laid out.</param>
    /// <param name="workDirectory">A folder of this job's own (training checkpoints); deleted when the job succeeds.</param>
    /// <param name="threads">Worker threads for this job (results do not depend on it).</param>
    /// <param name="cancellationToken">Stops the job (a training job keeps its last checkpoint).</param>
    public async Task<JobOutput> RunAsync(JobPayload payload, InputCache inputs, string workDirectory, int threads, CancellationToken cancellationToken = default)
    {
        LogStarting(payload.Name, SweepJob.KindName(payload.Kind), threads);
        var output = payload.Kind == JobKind.Run
            ? await RunJobAsync(payload, inputs, threads, cancellationToken)
            : await Task.Run(() => TrainJob(payload, workDirectory, threads, cancellationToken), cancellationToken);
        if (Directory.Exists(workDirectory))
        {
            Directory.Delete(workDirectory, recursive: true);
        }

        return output;
    }

    private async Task<JobOutput> RunJobAsync(JobPayload payload, InputCache inputs, int threads, CancellationToken cancellationToken)
    {
        var values = payload.Options.DeepClone().AsObject();
        foreach (var (role, bundle) in payload.Inputs)
        {
            values[role] = inputs.Materialize(bundle);
        }

        var request = JobOptions.BuildRun(values, threads);
        var plan = new RunPlanner(_loggers, toolVersion, _resources).Plan(request);
        var report = await new RunSession(_loggers, toolVersion).RunAsync(plan, null, cancellationToken);
        var tally = RunTally.Of(plan, report);
        var result = Header(payload, plan.Dataset);
        result["network"] = new JsonObject { ["name"] = report.Network, ["hash"] = report.NetworkHash };
        result["chip"] = new JsonObject { ["name"] = report.Chip, ["hash"] = report.ChipHash };
        result["cores"] = report.Cores;
        result["period"] = report.Period.ToString();
        result["figures"] = tally.Figures();
        result["tally"] = tally.ToJson();
        return new JobOutput(payload.Id, Bytes(result), []);
    }

    private JobOutput TrainJob(JobPayload payload, string workDirectory, int threads, CancellationToken cancellationToken)
    {
        var (options, datasetName) = JobOptions.BuildTrain(payload.Options, threads);
        var dataset = _resources.Dataset(datasetName, () => DatasetCatalog.Load(datasetName));
        Directory.CreateDirectory(workDirectory);
        var modelPath = Path.Combine(workDirectory, ModelFile);
        var outputs = new TrainingOutputs(modelPath, datasetName, Resume: File.Exists(Path.ChangeExtension(modelPath, ".ckpt")));
        var trainer = new EpTrainer(options, dataset, _loggers.CreateLogger<EpTrainer>());
        IReadOnlyList<EpochMetrics> history;
        int? divergedIn = null;
        Learning.TimeConstants.TimeStepDraw draw;
        try
        {
            var trained = trainer.Train(outputs, null, null, cancellationToken);
            history = trained.History;
            draw = trained.TimeSteps;
        }
        catch (TrainingDivergedException ex)
        {
            LogDiverged(payload.Name, ex.Epoch);
            divergedIn = ex.Epoch;
            history = MetricsCsv.Read(Path.ChangeExtension(modelPath, ".metrics.csv"));
            draw = Learning.TimeConstants.TimeStepDraw.Draw(options.Layers.Skip(1).ToArray(), options.TimeSteps, options.EffectiveTauSeed);
        }

        var files = new List<JobFile>();
        if (divergedIn is null)
        {
            var stem = Path.GetFileNameWithoutExtension(ModelFile);
            foreach (var path in Directory.GetFiles(workDirectory).Order(StringComparer.Ordinal))
            {
                var name = Path.GetFileName(path);
                if (name == ModelFile || (name.StartsWith(stem + ".", StringComparison.Ordinal) && name.EndsWith(".f32", StringComparison.Ordinal)))
                {
                    files.Add(new JobFile(name, File.ReadAllBytes(path)));
                }
            }
        }

        var result = Header(payload, dataset);
        result["diverged"] = divergedIn is not null;
        result["divergedInEpoch"] = divergedIn;
        result["timeConstants"] = new JsonObject
        {
            ["distribution"] = options.TimeSteps.Distribution.Name,
            ["spread"] = options.TimeSteps.Distribution.Family == Learning.TimeConstants.TauFamily.Homogeneous ? null : options.TimeSteps.Distribution.Spread,
            ["dtMean"] = Workflows.Json.Finite(draw.MeanDt),
            ["tauMean"] = Workflows.Json.Finite(draw.MeanTau),
            ["tauCv"] = Workflows.Json.Finite(draw.TauCoefficientOfVariation),
            ["clippedShare"] = Workflows.Json.Finite(draw.ClippedShare),
        };
        result["final"] = history.Count > 0 ? TrainingReports.Json(history[^1], times: false) : null;
        result["epochs"] = new JsonArray(history.Select(h => (JsonNode)TrainingReports.Json(h, times: false)).ToArray());
        if (files.Count > 0)
        {
            var bundle = new InputBundle(ModelFile, files.Select(f => new BundleFile(f.Path, Hashing.Sha256Hex(f.Bytes), f.Bytes.Length)).ToList());
            result["model"] = bundle.ToJson();
        }
        else
        {
            result["model"] = null;
        }

        return new JobOutput(payload.Id, Bytes(result), files);
    }

    private static JsonObject Header(JobPayload payload, Dataset? dataset) => new()
    {
        ["schema"] = ResultSchema,
        ["id"] = payload.Id,
        ["kind"] = SweepJob.KindName(payload.Kind),
        ["options"] = payload.Options.DeepClone(),
        ["inputs"] = new JsonObject(payload.Inputs.OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => KeyValuePair.Create(p.Key, (JsonNode?)new JsonObject { ["file"] = Path.GetFileName(p.Value.Main), ["hash"] = p.Value.Hash }))),
        ["dataset"] = dataset is null ? null : new JsonObject { ["name"] = dataset.Name, ["contentHash"] = dataset.ContentHash },
    };

    private static byte[] Bytes(JsonObject result) => System.Text.Encoding.UTF8.GetBytes(JsonText.Format(result));

    [LoggerMessage(Level = LogLevel.Debug, Message = "Job {Job} ({Kind}) starting with {Threads} threads")]
    private partial void LogStarting(string job, string kind, int threads);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {Job}: training diverged in epoch {Epoch} (a result: the run collapsed)")]
    private partial void LogDiverged(string job, int epoch);
}
