using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Neuromorphic.Core.Data;
using Neuromorphic.Core.Networks;
using Neuromorphic.Core.Progress;
using Neuromorphic.Core.Random;
using Neuromorphic.Learning.Models;
using Neuromorphic.Learning.TimeConstants;

namespace Neuromorphic.Learning.Training;

/// <summary>Where a run writes, and whether it continues from its checkpoint.</summary>
/// <param name="ModelPath">The network file, rewritten after every epoch.</param>
/// <param name="DatasetSpec">The --dataset value, recorded in the reproduce command.</param>
/// <param name="Resume">Continue from <see cref="CheckpointPath"/>.</param>
/// <param name="CheckpointPath">Defaults to the model path with extension .ckpt.</param>
/// <param name="MetricsPath">Per-epoch CSV; defaults to &lt;model&gt;.metrics.csv; empty string: none.</param>
public sealed record TrainingOutputs(string ModelPath, string DatasetSpec, bool Resume = false, string? CheckpointPath = null, string? MetricsPath = null)
{
    public string EffectiveCheckpointPath => CheckpointPath ?? Path.ChangeExtension(ModelPath, ".ckpt");

    public string? EffectiveMetricsPath => MetricsPath switch
    {
        null => Path.ChangeExtension(ModelPath, ".metrics.csv"),
        "" => null,
        _ => MetricsPath,
    };
}

/// <summary>What a finished (or stopped) run produced.</summary>
public sealed record TrainingResult(EpModel Model, IReadOnlyList<EpochMetrics> History, TimeStepDraw TimeSteps, int FirstEpoch,
    string ModelPath, string CheckpointPath, string? MetricsPath)
{
    /// <summary>Training samples per second over the epochs this invocation ran (NaN if none).</summary>
    public double SamplesPerSecond
    {
        get
        {
            var ran = History.Skip(FirstEpoch).ToList();
            var seconds = ran.Sum(h => h.TrainSeconds);
            return seconds > 0 ? ran.Sum(h => h.SamplesPerSecond * h.TrainSeconds) / seconds : double.NaN;
        }
    }
}

/// <summary>Thrown when weights stop being finite (learning rates too high).</summary>
public sealed class TrainingDivergedException(int epoch) : Exception($"training diverged in epoch {epoch}: the weights are no longer finite (lower the learning rates)")
{
    public int Epoch { get; } = epoch;
}

/// <summary>
/// Trains a layered network with HTS-EP (src/Neuromorphic.Learning/README.md): minibatches
/// shuffled per epoch, free phase of T1 steps from zero, nudged phases of T2 steps, EP weight
/// update through SGD or Adam. After every epoch: a test evaluation, the metrics, an atomic
/// checkpoint and the model file. Cancellation stops between minibatches and leaves the last
/// checkpoint in place.
/// </summary>
public sealed class EpTrainer(EpTrainingOptions options, Dataset dataset, ILogger<EpTrainer>? logger = null)
{
    private readonly ILogger _log = logger ?? (ILogger)NullLogger.Instance;

    public EpTrainingOptions Options { get; } = options;

    /// <summary>Runs the epochs that remain (all of them unless resuming); <paramref name="epochCompleted"/> is called after each epoch's checkpoint is written.</summary>
    public TrainingResult Train(TrainingOutputs outputs, IProgress<WorkProgress>? progress = null, Action<EpochMetrics>? epochCompleted = null,
        CancellationToken cancellationToken = default)
    {
        Options.ValidateFor(dataset);
        var train = Options.TrainLimit is { } trainLimit ? dataset.Train.Take(trainLimit) : dataset.Train;
        var test = Options.TestLimit is { } testLimit ? dataset.Test.Take(testLimit) : dataset.Test;
        var checkpointPath = outputs.EffectiveCheckpointPath;
        var draw = TimeStepDraw.Draw(Options.Layers.Skip(1).ToArray(), Options.TimeSteps, Options.EffectiveTauSeed);

        TrainingState state;
        if (outputs.Resume)
        {
            state = Checkpoint.Load(checkpointPath, Options, dataset.ContentHash);
            _log.LogInformation("Resuming from {Checkpoint} after epoch {Epoch}", checkpointPath, state.EpochsCompleted);
        }
        else
        {
            var parameters = new EpParameters(Options.Layers);
            parameters.Initialize(Options.Seed, Options.InitScale);
            parameters.SetTimeSteps(draw.Dt, draw.Tau);
            state = new TrainingState(parameters, new Optimizer(Options.Optimizer, Options.Momentum, Options.WeightDecay, Optimizer.TensorLengths(parameters)));
        }

        _log.LogInformation(
            "Training {Layers} on {Dataset} ({Train} training, {Test} test images): τ {Distribution}, mean dt {DtMean:0.###}, {Clipped:0.#}% of dt clipped",
            string.Join("-", Options.Layers), dataset.Name, train.Count, test.Count, Options.TimeSteps.Distribution.Label, draw.MeanDt, 100 * draw.ClippedShare);

        var firstEpoch = state.EpochsCompleted;
        var learner = new BatchLearner(state.Parameters, state.Optimizer, Options);
        var evaluator = new Evaluator(state.Parameters, Options.Threads, Options.Dynamics);
        var batches = (train.Count + Options.BatchSize - 1) / Options.BatchSize;
        var order = new int[train.Count];
        var model = new EpModel(state.Parameters, Options.FreeSteps, ModelName(outputs.ModelPath), null, Options.Dynamics);
        for (var epoch = state.EpochsCompleted; epoch < Options.Epochs; epoch++)
        {
            var clock = Stopwatch.StartNew();
            Shuffle(order, epoch);
            var signs = new CounterRng(Options.Seed, RandomStreams.Sign, (ulong)epoch);
            var rateScale = Options.Cosine ? 0.5 * (1 + Math.Cos(Math.PI * epoch / Options.Epochs)) : 1.0;
            var output = new OutputTally();
            var free = new PhaseTally();
            var nudged = new PhaseTally();
            var activity = new OutputActivity(state.Parameters.OutputSize);
            var stage = $"epoch {epoch + 1}/{Options.Epochs}";
            for (var batch = 0; batch < batches; batch++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var start = batch * Options.BatchSize;
                var rows = Math.Min(Options.BatchSize, train.Count - start);
                var sign = Options.Estimator == GradientEstimator.RandomSign && (signs.NextUInt64() & 1) == 1 ? -1 : 1;
                learner.Train(train, order.AsSpan(start, rows), sign, rateScale, output, free, nudged, activity);
                progress?.Report(new WorkProgress(stage, batch + 1, batches, $"train accuracy {output.Accuracy:P1}"));
            }

            var trainSeconds = clock.Elapsed.TotalSeconds;
            if (!AllFinite(state.Parameters))
            {
                throw new TrainingDivergedException(epoch + 1);
            }

            EvaluationResult? evaluation = null;
            if (test.Count > 0)
            {
                evaluation = evaluator.Evaluate(test, test.Count, Options.FreeSteps, null, cancellationToken);
            }

            var metrics = new EpochMetrics
            {
                Epoch = epoch + 1,
                TrainAccuracy = output.Accuracy,
                TrainLoss = output.MeanLoss,
                TestAccuracy = evaluation?.Accuracy ?? double.NaN,
                TestLoss = evaluation?.Loss ?? double.NaN,
                FreeResidual = free.MeanResidual,
                NudgedResidual = nudged.MeanResidual,
                FreeNotConverged = free.NotConvergedShare,
                NudgedNotConverged = nudged.NotConvergedShare,
                FreePeriod2 = free.Period2Share,
                NudgedPeriod2 = nudged.Period2Share,
                TestResidual = evaluation?.MeanResidual ?? double.NaN,
                TestNotConverged = evaluation?.NotConvergedShare ?? double.NaN,
                LearningRateScale = rateScale,
                DeadOutputs = activity.Dead,
                SilentOutputs = activity.Silent,
                EpochSeconds = clock.Elapsed.TotalSeconds,
                TrainSeconds = trainSeconds,
                SamplesPerSecond = train.Count / trainSeconds,
            };
            state.History.Add(metrics);
            state.EpochsCompleted = epoch + 1;
            Checkpoint.Save(checkpointPath, Options, dataset.ContentHash, state);
            Save(state, model, outputs, train.Count, test.Count, draw);
            _log.LogInformation(
                "Epoch {Epoch}/{Epochs}: train {TrainAccuracy:P2} (loss {TrainLoss:0.0000}), test {TestAccuracy:P2}, residual free {FreeResidual:0.0e0} nudged {NudgedResidual:0.0e0}, not converged {NotConverged:P1}, period-2 {Period2:P1}, {Seconds:0.0} s, {SamplesPerSecond:0} samples/s",
                metrics.Epoch, Options.Epochs, metrics.TrainAccuracy, metrics.TrainLoss, metrics.TestAccuracy, metrics.FreeResidual, metrics.NudgedResidual,
                metrics.FreeNotConverged, metrics.FreePeriod2, metrics.EpochSeconds, metrics.SamplesPerSecond);
            if (metrics.DeadOutputs.Count > 0)
            {
                _log.LogWarning("Epoch {Epoch}: output units {Dead} are dead (zero in every phase of every training sample: no learning signal)",
                    metrics.Epoch, string.Join(", ", metrics.DeadOutputs));
            }

            epochCompleted?.Invoke(metrics);
        }

        if (firstEpoch == Options.Epochs)
        {
            Save(state, model, outputs, train.Count, test.Count, draw);
        }

        var finished = new EpModel(state.Parameters, Options.FreeSteps, model.Name,
            TrainingMetadata.Build(Options, outputs.DatasetSpec, dataset, train.Count, test.Count, draw, state.History), Options.Dynamics);
        return new TrainingResult(finished, state.History, draw, firstEpoch, outputs.ModelPath, checkpointPath, outputs.EffectiveMetricsPath);
    }

    private void Save(TrainingState state, EpModel model, TrainingOutputs outputs, int trainCount, int testCount, TimeStepDraw draw)
    {
        var training = TrainingMetadata.Build(Options, outputs.DatasetSpec, dataset, trainCount, testCount, draw, state.History);
        NetworkFile.Save(model.ToNetwork(model.Name, training), outputs.ModelPath);
        if (outputs.EffectiveMetricsPath is { } metricsPath)
        {
            MetricsCsv.Write(metricsPath, state.History);
        }
    }

    private void Shuffle(int[] order, int epoch) => Shuffle(order, Options.Seed, epoch);

    /// <summary>The order of the training images in epoch <paramref name="epoch"/> (0-based) for <paramref name="seed"/>: a Fisher–Yates shuffle from the shuffle stream.</summary>
    public static void Shuffle(int[] order, ulong seed, int epoch)
    {
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        var rng = new CounterRng(seed, RandomStreams.Shuffle, (ulong)epoch);
        for (var i = order.Length - 1; i > 0; i--)
        {
            var j = rng.NextInt(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
    }

    private static bool AllFinite(EpParameters parameters)
    {
        foreach (var tensor in parameters.Weights.Concat(parameters.Biases))
        {
            foreach (var value in tensor)
            {
                if (!float.IsFinite(value))
                {
                    return false;
                }
            }
        }

        return true;
    }

    private static string ModelName(string path) => Path.GetFileNameWithoutExtension(path);
}
