using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Neuromorphic.Core.Data;
using Neuromorphic.Core.Progress;
using Neuromorphic.Learning.TimeConstants;
using Neuromorphic.Learning.Training;

namespace Neuromorphic.Learning.Experiments;

/// <summary>One condition of a stability study: a time-constant distribution (with its spread).</summary>
public sealed record StabilityCondition(TauDistribution Distribution)
{
    public string Label => Distribution.Label;
    public string Slug => Distribution.Slug;
}

/// <summary>
/// One training run of a study. <see cref="Diverged"/>: the weights stopped being finite; the
/// history ends there and the run counts as collapsed.
/// </summary>
public sealed record StabilityRun(StabilityCondition Condition, ulong Seed, IReadOnlyList<EpochMetrics> History, TimeStepDraw TimeSteps,
    string ModelPath, string MetricsPath, bool Diverged);

/// <summary>
/// <c>neuro experiment stability</c>: trains one architecture over N seeds for every condition
/// (distribution × spread) with otherwise equal options, and summarises how stable training was.
/// Each run is an ordinary <see cref="EpTrainer"/> run with its own model, checkpoint and CSV under
/// <c>DIR/runs/</c>, so an interrupted study resumes run by run.
/// </summary>
public sealed class StabilityExperiment(EpTrainingOptions baseOptions, Dataset dataset, string datasetSpec, ILoggerFactory? loggerFactory = null)
{
    private readonly ILoggerFactory _loggers = loggerFactory ?? NullLoggerFactory.Instance;

    public IReadOnlyList<StabilityRun> Run(IReadOnlyList<StabilityCondition> conditions, IReadOnlyList<ulong> seeds, string directory, bool resume,
        IProgress<WorkProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var runsDirectory = Path.Combine(directory, "runs");
        Directory.CreateDirectory(runsDirectory);
        var runs = new List<StabilityRun>();
        var total = (long)conditions.Count * seeds.Count * baseOptions.Epochs;
        var index = 0;
        foreach (var condition in conditions)
        {
            foreach (var seed in seeds)
            {
                var options = baseOptions with { Seed = seed, TimeSteps = baseOptions.TimeSteps with { Distribution = condition.Distribution } };
                var name = $"{condition.Slug}-seed{seed.ToString(CultureInfo.InvariantCulture)}";
                var modelPath = Path.Combine(runsDirectory, name + ".json");
                var outputs = new TrainingOutputs(modelPath, datasetSpec, resume && File.Exists(Path.ChangeExtension(modelPath, ".ckpt")));
                var done = (long)index * baseOptions.Epochs;
                var log = _loggers.CreateLogger<StabilityExperiment>();
                log.LogInformation("Run {Index}/{Count}: {Condition}, seed {Seed}", index + 1, conditions.Count * seeds.Count, condition.Label, seed);
                var trainer = new EpTrainer(options, dataset, _loggers.CreateLogger<EpTrainer>());
                StabilityRun run;
                try
                {
                    var result = trainer.Train(outputs, null, metrics =>
                        progress?.Report(new WorkProgress($"{condition.Label} seed {seed}", done + metrics.Epoch, total,
                            $"test {100 * metrics.TestAccuracy:0.0} %")), cancellationToken);
                    run = new StabilityRun(condition, seed, result.History, result.TimeSteps, modelPath, result.MetricsPath!, false);
                }
                catch (TrainingDivergedException ex)
                {
                    log.LogWarning("{Condition} seed {Seed}: {Message}", condition.Label, seed, ex.Message);
                    var history = ReadHistory(Path.ChangeExtension(modelPath, ".metrics.csv"));
                    var draw = TimeStepDraw.Draw(options.Layers.Skip(1).ToArray(), options.TimeSteps, options.EffectiveTauSeed);
                    run = new StabilityRun(condition, seed, history, draw, modelPath, Path.ChangeExtension(modelPath, ".metrics.csv"), true);
                }

                runs.Add(run);
                index++;
            }
        }

        return runs;
    }

    /// <summary>Reads a metrics CSV written by <see cref="MetricsCsv"/> (empty when the file does not exist).</summary>
    public static IReadOnlyList<EpochMetrics> ReadHistory(string path) => MetricsCsv.Read(path);
}
