using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Neuromorphic.Core.Data;
using Neuromorphic.Core.Errors;
using Neuromorphic.Core.IO;
using Neuromorphic.Core.Networks;
using Neuromorphic.Core.Progress;
using Neuromorphic.Learning.Models;
using Neuromorphic.Learning.TimeConstants;
using Neuromorphic.Learning.Training;

namespace Neuromorphic.Learning.Experiments;

/// <summary>The time-constant draw of a run, as far as a study reports it.</summary>
public readonly record struct RunTimeSteps(double MeanDt, double MeanTau, double TauCv, double ClippedShare)
{
    public static RunTimeSteps Of(TimeStepDraw draw) => new(draw.MeanDt, draw.MeanTau, draw.TauCoefficientOfVariation, draw.ClippedShare);
}

/// <summary>
/// One training run of a study. <see cref="Diverged"/>: the weights stopped being finite in epoch
/// <see cref="DivergedInEpoch"/>; the history ends before it and the run counts as collapsed.
/// </summary>
public sealed record StabilityRun(StabilityCell Cell, ulong Seed, IReadOnlyList<EpochMetrics> History, RunTimeSteps TimeSteps, bool Diverged,
    int? DivergedInEpoch = null, string? ModelPath = null);

/// <summary>
/// Runs the jobs of a <see cref="StabilityGrid"/>. Each job is a pure function of its options and
/// the dataset: an ordinary <see cref="EpTrainer"/> run with its model, checkpoint and CSV under
/// <c>DIR/runs/</c>, and, when it ends, its result <c>DIR/runs/NAME.result.json</c> (the options,
/// the time-constant draw, every epoch's metrics with dead outputs; no wall-clock times, so equal
/// jobs write equal bytes). With <c>resume</c> a finished job is read back from its result and an
/// interrupted one continues from its checkpoint; a sweep executor can call <see cref="Run"/> job by job.
/// </summary>
public sealed class StabilityRunner(Dataset dataset, string datasetSpec, ILoggerFactory? loggerFactory = null)
{
    public const string ResultSchema = "neuromorphic.stability-run/1";

    private readonly ILoggerFactory _loggers = loggerFactory ?? NullLoggerFactory.Instance;

    /// <summary>
    /// Runs every job (up to <paramref name="concurrentJobs"/> at a time, each with its options'
    /// threads) and returns the runs in job order. Progress counts epochs over all jobs.
    /// </summary>
    public IReadOnlyList<StabilityRun> RunAll(IReadOnlyList<StabilityJob> jobs, string directory, bool resume, int concurrentJobs = 1,
        IProgress<WorkProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(Path.Combine(directory, "runs"));
        var results = new StabilityRun[jobs.Count];
        var total = jobs.Sum(j => (long)j.Options.Epochs);
        long done = 0;
        var finished = 0;
        var log = _loggers.CreateLogger<StabilityRunner>();
        // Workers take jobs in order (not in ranges), so an interrupted study has finished whole seeds, paired across cells.
        var next = -1;
        void Work()
        {
            for (var i = Interlocked.Increment(ref next); i < jobs.Count; i = Interlocked.Increment(ref next))
            {
                cancellationToken.ThrowIfCancellationRequested();
                var job = jobs[i];
                results[i] = Run(job, directory, resume, metrics =>
                {
                    var now = Interlocked.Increment(ref done);
                    progress?.Report(new WorkProgress("stability", now, total, $"{job.Name}: test {100 * metrics.TestAccuracy:0.0} %"));
                }, cancellationToken);
                var count = Interlocked.Increment(ref finished);
                log.LogInformation("Run {Done}/{Count} finished: {Job}, final test accuracy {Accuracy:P2}{Diverged}", count, jobs.Count, job.Name,
                    results[i].History.Count > 0 ? results[i].History[^1].TestAccuracy : double.NaN, results[i].Diverged ? " (diverged)" : "");
            }
        }

        var workers = Enumerable.Range(0, Math.Clamp(concurrentJobs, 1, Math.Max(1, jobs.Count))).Select(_ => Task.Factory.StartNew(Work, cancellationToken,
            TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToArray();
        try
        {
            Task.WaitAll(workers, cancellationToken);
        }
        catch (AggregateException ex) when (ex.InnerExceptions.Count == 1)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex.InnerExceptions[0]).Throw();
        }

        return results;
    }

    /// <summary>Runs one job (or reads its finished result with <paramref name="resume"/>).</summary>
    public StabilityRun Run(StabilityJob job, string directory, bool resume, Action<EpochMetrics>? epochCompleted = null, CancellationToken cancellationToken = default)
    {
        var runs = Path.Combine(directory, "runs");
        Directory.CreateDirectory(runs);
        var modelPath = Path.Combine(runs, job.Name + ".json");
        var resultPath = ResultPath(directory, job);
        if (resume && File.Exists(resultPath))
        {
            var saved = ReadResult(resultPath, job.Cell);
            CheckSameOptions(resultPath, saved.Options, job.Options);
            return saved.Run with { ModelPath = modelPath };
        }

        var log = _loggers.CreateLogger<StabilityRunner>();
        var outputs = new TrainingOutputs(modelPath, datasetSpec, resume && File.Exists(Path.ChangeExtension(modelPath, ".ckpt")));
        var trainer = new EpTrainer(job.Options, dataset, _loggers.CreateLogger<EpTrainer>());
        StabilityRun run;
        try
        {
            var result = trainer.Train(outputs, null, epochCompleted, cancellationToken);
            run = new StabilityRun(job.Cell, job.Seed, result.History, RunTimeSteps.Of(result.TimeSteps), false, null, modelPath);
        }
        catch (TrainingDivergedException ex)
        {
            log.LogWarning("{Job}: {Message}", job.Name, ex.Message);
            var history = File.Exists(modelPath) ? TrainingMetadata.ReadHistory(NetworkFile.Load(modelPath).Training) : [];
            var draw = TimeStepDraw.Draw(job.Options.Layers.Skip(1).ToArray(), job.Options.TimeSteps, job.Options.EffectiveTauSeed);
            run = new StabilityRun(job.Cell, job.Seed, history, RunTimeSteps.Of(draw), true, ex.Epoch, modelPath);
        }

        AtomicFile.WriteAllText(resultPath, JsonText.Format(ResultJson(job, run)));
        return run;
    }

    /// <summary>Where the result of <paramref name="job"/> lives.</summary>
    public static string ResultPath(string directory, StabilityJob job) => Path.Combine(directory, "runs", job.Name + ".result.json");

    /// <summary>The result file's content: canonical, without machine paths or times.</summary>
    public JsonObject ResultJson(StabilityJob job, StabilityRun run)
    {
        var settings = new JsonObject();
        foreach (var (option, value) in job.Options.Settings())
        {
            settings[option] = value;
        }

        return new JsonObject
        {
            ["schema"] = ResultSchema,
            ["name"] = job.Name,
            ["cell"] = CellJson(job.Cell),
            ["seed"] = job.Seed,
            ["options"] = settings,
            ["dataset"] = new JsonObject { ["spec"] = datasetSpec, ["name"] = dataset.Name, ["contentHash"] = dataset.ContentHash },
            ["diverged"] = run.Diverged,
            ["divergedInEpoch"] = run.DivergedInEpoch,
            ["timeConstants"] = new JsonObject
            {
                ["dtMean"] = Finite(run.TimeSteps.MeanDt),
                ["tauMean"] = Finite(run.TimeSteps.MeanTau),
                ["tauCv"] = Finite(run.TimeSteps.TauCv),
                ["clippedShare"] = Finite(run.TimeSteps.ClippedShare),
            },
            ["epochs"] = new JsonArray(run.History.Select(h => (JsonNode)TrainingMetadata.EpochJson(h)).ToArray()),
        };
    }

    /// <summary>The cell as JSON (distribution, spread, lrScale, freeSteps, dynamics, nudge).</summary>
    public static JsonObject CellJson(StabilityCell cell) => new()
    {
        ["label"] = cell.Label,
        ["distribution"] = cell.Distribution.Name,
        ["spread"] = cell.IsHomogeneous ? null : cell.Distribution.Spread,
        ["lrScale"] = cell.LearningRateScale,
        ["freeSteps"] = cell.FreeSteps,
        ["dynamics"] = DynamicsNames.Name(cell.Dynamics),
        ["nudge"] = DynamicsNames.Name(cell.Nudge),
    };

    /// <summary>Reads a result file written by <see cref="Run"/>; errors name the file.</summary>
    public static (StabilityRun Run, JsonObject Options) ReadResult(string path, StabilityCell cell)
    {
        var input = new JsonInput(path);
        JsonObject json;
        try
        {
            json = JsonNode.Parse(File.ReadAllText(path))?.AsObject() ?? throw input.Error("$", "empty", "a stability run result");
        }
        catch (System.Text.Json.JsonException ex)
        {
            throw new InvalidInputException(path, "$", "invalid JSON", $"a stability run result ({ex.Message})", ex);
        }

        if (json["schema"]?.GetValue<string>() != ResultSchema)
        {
            throw input.Error("$.schema", json["schema"]?.ToJsonString() ?? "missing", $"\"{ResultSchema}\"");
        }

        var history = TrainingMetadata.ReadHistory(new JsonObject { ["history"] = json["epochs"]?.DeepClone() });
        var tc = json["timeConstants"]?.AsObject();
        double Value(string key) => tc?[key] is JsonValue v && v.TryGetValue<double>(out var d) ? d : double.NaN;
        var run = new StabilityRun(cell, json["seed"]!.GetValue<ulong>(), history, new RunTimeSteps(Value("dtMean"), Value("tauMean"), Value("tauCv"), Value("clippedShare")),
            json["diverged"]?.GetValue<bool>() ?? false, json["divergedInEpoch"] is JsonValue e ? e.GetValue<int>() : null);
        return (run, json["options"]?.AsObject() ?? []);
    }

    private static void CheckSameOptions(string path, JsonObject saved, EpTrainingOptions options)
    {
        var current = options.Settings().ToDictionary(s => s.Option, s => s.Value);
        foreach (var option in current.Keys.Union(saved.Select(s => s.Key)))
        {
            var before = saved[option]?.GetValue<string>();
            current.TryGetValue(option, out var now);
            if (before != now)
            {
                throw new InvalidInputException(path, option, now ?? "not set",
                    $"{before ?? "not set"}, the value this finished run was trained with (resume a study with the options it was started with)");
            }
        }
    }

    private static JsonNode? Finite(double value) => double.IsFinite(value) ? JsonValue.Create(value) : null;

    internal static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
