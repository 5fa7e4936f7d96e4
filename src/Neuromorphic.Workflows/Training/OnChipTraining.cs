using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Neuromorphic.Chip;
using Neuromorphic.Core.Data;
using Neuromorphic.Core.Networks;
using Neuromorphic.Core.Progress;
using Neuromorphic.Learning.Models;
using Neuromorphic.Learning.TimeConstants;
using Neuromorphic.Learning.Training;
using Neuromorphic.Mapping;
using Neuromorphic.Simulation;
using Neuromorphic.Simulation.Input;
using Neuromorphic.Simulation.Learning;

namespace Neuromorphic.Workflows.Training;

/// <summary>
/// What <c>neuro train --on-chip CHIP</c> asks for: the HTS-EP options (layers, time constants, β,
/// phases, learning rates, epochs, limits, seed) and the on-chip ones. The learning rate a sample
/// applies on the chip is <c>--lr</c> / <c>--batch</c>: the per-sample share of the float trainer's
/// minibatch step (the chip learns sample by sample and keeps no optimizer state, so momentum and
/// Adam do not apply).
/// </summary>
public sealed record OnChipRequest
{
    public required EpTrainingOptions Training { get; init; }
    public required ChipSpec Chip { get; init; }

    /// <summary>Mode, timing, encoding, widths, trace time constant; β, phases, rates and seed are taken from <see cref="Training"/>.</summary>
    public OnChipLearningOptions Learning { get; init; } = new();

    public required string ModelPath { get; init; }
    public required string DatasetSpec { get; init; }

    /// <summary>The learning ledger (per-epoch counters and costs); default &lt;model&gt;.learning.json.</summary>
    public string? LedgerPath { get; init; }

    public string EffectiveLedgerPath => LedgerPath ?? Path.ChangeExtension(ModelPath, ".learning.json");

    /// <summary>The on-chip options as the learner runs them.</summary>
    public OnChipLearningOptions EffectiveLearning => Learning with
    {
        Beta = Training.Beta,
        FreeSteps = Training.FreeSteps,
        NudgedSteps = Training.NudgedSteps,
        LearningRates = Training.LearningRates.Select(r => r / Training.BatchSize).ToArray(),
        Seed = Training.Seed,
    };
}

/// <summary>One epoch of on-chip training.</summary>
/// <param name="Epoch">From 1.</param>
/// <param name="Ledger">Counters and costs of the epoch's training samples.</param>
/// <param name="TestAccuracy">Accuracy of the chip (free phase as an inference) on the test images.</param>
/// <param name="FloatTestAccuracy">Accuracy of the same weights in the float HTS-EP model (as <c>neuro eval</c> measures it).</param>
/// <param name="Test">The chip's test run (energy and latency per inference), if there were test images.</param>
/// <param name="TieDrift">RMS difference of feedback and forward weights relative to the forward RMS (<see cref="OnChipTrainer.TieDrift"/>).</param>
/// <param name="Seconds">Wall-clock seconds of the epoch's training samples.</param>
public sealed record OnChipEpoch(int Epoch, LearningLedger Ledger, double TestAccuracy, double FloatTestAccuracy, RunSummary? Test,
    double TieDrift, double Seconds)
{
    public double SamplesPerSecond => Seconds > 0 ? Ledger.Samples / Seconds : double.NaN;
}

/// <summary>What a finished on-chip run produced.</summary>
public sealed record OnChipResult(IReadOnlyList<OnChipEpoch> Epochs, string ModelPath, string LedgerPath, int PlasticSynapses, int Traces,
    int WeightBits, int TraceBits, IReadOnlyList<int> WeightExponents, int Cores);

/// <summary>
/// Trains an HTS-EP network on a chip model (src/Neuromorphic.Workflows/README.md, On-chip training):
/// initialises the model as <c>neuro train</c> does (same seeds: same initial weights and time
/// constants), maps it, and trains it sample by sample with <see cref="OnChipLearner"/>, in the
/// float trainer's shuffled order. After every epoch: the test accuracy of the chip and of the same
/// weights in the float model, the network file and the learning ledger (both atomically).
/// </summary>
public sealed class OnChipTrainer(ILoggerFactory? loggers = null, string toolVersion = "")
{
    private readonly ILoggerFactory _loggers = loggers ?? NullLoggerFactory.Instance;

    public async Task<OnChipResult> TrainAsync(OnChipRequest request, Dataset dataset, IProgress<WorkProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        var log = _loggers.CreateLogger<OnChipTrainer>();
        var options = request.Training;
        options.ValidateFor(dataset);
        var learning = request.EffectiveLearning;
        learning.Validate();
        OnChipLearner.RequireLearningEngine(request.Chip);
        var train = options.TrainLimit is { } trainLimit ? dataset.Train.Take(trainLimit) : dataset.Train;
        var test = options.TestLimit is { } testLimit ? dataset.Test.Take(testLimit) : dataset.Test;

        var draw = TimeStepDraw.Draw(options.Layers.Skip(1).ToArray(), options.TimeSteps, options.EffectiveTauSeed);
        var parameters = new EpParameters(options.Layers);
        parameters.Initialize(options.Seed, options.InitScale);
        parameters.SetTimeSteps(draw.Dt, draw.Tau);
        var name = Path.GetFileNameWithoutExtension(request.ModelPath);
        var model = new EpModel(parameters, options.FreeSteps, name, null, options.Dynamics);
        var network = model.ToNetwork(name, null);
        var mapped = new Mapper(_loggers.CreateLogger<Mapper>()).Map(network, request.Chip, toolVersion);
        var learner = new OnChipLearner(mapped, learning);
        log.LogInformation(
            "On-chip training of {Layers} on {Chip} ({Cores} cores, {Mode}): {Synapses} plastic synapses at {WeightBits}-bit weights, {Traces} traces of {TraceBits} bits; {Train} training, {Test} test images",
            string.Join("-", options.Layers), request.Chip.Name, mapped.CoreCount, learning.Mode, learner.PlasticSynapseCount, learner.WeightBits,
            learner.TraceCount, learner.TraceBits, train.Count, test.Count);

        var epochs = new List<OnChipEpoch>();
        var order = new int[train.Count];
        var simulator = new Simulator(_loggers.CreateLogger<Simulator>());
        var threads = options.Threads > 0 ? options.Threads : Environment.ProcessorCount;
        var reportEvery = Math.Max(1, train.Count / 200);
        for (var epoch = 0; epoch < options.Epochs; epoch++)
        {
            var clock = Stopwatch.StartNew();
            EpTrainer.Shuffle(order, options.Seed, epoch);
            var ledger = new LearningLedger();
            var stage = $"epoch {epoch + 1}/{options.Epochs}";
            for (var i = 0; i < order.Length; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var image = order[i];
                var label = train.Labels[image];
                var input = InferenceInput.FromImage(train.Image(image), label, learning.Encoding, learning.Seed, image);
                ledger.Add(learner.Train((long)epoch * train.Count + i, input, label));
                if ((i + 1) % reportEvery == 0 || i + 1 == order.Length)
                {
                    progress?.Report(new WorkProgress(stage, i + 1, order.Length, $"train accuracy {ledger.Accuracy:P1}"));
                }
            }

            var trainSeconds = clock.Elapsed.TotalSeconds;
            CopyWeights(learner, parameters);
            RunSummary? summary = null;
            if (test.Count > 0)
            {
                var inference = learner.InferenceOptions with { Threads = threads };
                summary = await simulator.RunAsync(learner.Chip, test.Count,
                    i => InferenceInput.FromImage(test.Image(i), test.Labels[i], inference.Encoding, inference.Seed, i), inference,
                    cancellationToken: cancellationToken);
            }

            var floatAccuracy = test.Count > 0 ? model.Evaluate(test, null, options.FreeSteps, options.Threads, null, cancellationToken).Accuracy : double.NaN;
            var row = new OnChipEpoch(epoch + 1, ledger, summary?.Accuracy ?? double.NaN, floatAccuracy, summary, TieDrift(learner, network), trainSeconds);
            epochs.Add(row);
            Save(request, dataset, train.Count, test.Count, draw, model, learner, epochs);
            log.LogInformation(
                "Epoch {Epoch}/{Epochs}: train {TrainAccuracy:P2}, test on chip {TestAccuracy:P2}, same weights in float {FloatAccuracy:P2}; per sample {EnergyUj:0.###} µJ ({FreeUj:0.###} free, {NudgedUj:0.###} nudged, {LearningUj:0.###} learning), {TimeUs:0.###} µs; {Changed:N0} weights changed; {Seconds:0.0} s, {Rate:0.0} samples/s",
                row.Epoch, options.Epochs, ledger.Accuracy, row.TestAccuracy, floatAccuracy, PerSampleUj(ledger, p => p.TotalFj, ledger.Free, ledger.Nudged, ledger.Learning),
                PerSampleUj(ledger, p => p.TotalFj, ledger.Free), PerSampleUj(ledger, p => p.TotalFj, ledger.Nudged), PerSampleUj(ledger, p => p.TotalFj, ledger.Learning),
                (ledger.Free.TimePs + ledger.Nudged.TimePs + ledger.Learning.TimePs) / 1e6 / Math.Max(1, ledger.Samples), ledger.Counters.WeightsChanged,
                trainSeconds, row.SamplesPerSecond);
        }

        return new OnChipResult(epochs, request.ModelPath, request.EffectiveLedgerPath, learner.PlasticSynapseCount, learner.TraceCount, learner.WeightBits,
            learner.TraceBits, learner.WeightExponents, mapped.CoreCount);
    }

    private static double PerSampleUj(LearningLedger ledger, Func<PartCost, long> of, params PartCost[] parts) =>
        parts.Sum(p => (double)of(p)) / 1e9 / Math.Max(1, ledger.Samples);

    /// <summary>The chip's forward weights into the model's parameters (feedback synapses mirror them on the chip).</summary>
    private static void CopyWeights(OnChipLearner learner, EpParameters parameters)
    {
        for (var k = 1; k <= parameters.LayerCount; k++)
        {
            parameters.SetDenseWeights(k, learner.Weights(k - 1));
        }
    }

    /// <summary>RMS difference between each feedback projection and its forward mirror, relative to the forward RMS (0: tied exactly).</summary>
    public static double TieDrift(OnChipLearner learner, NetworkSpec network)
    {
        double difference = 0, magnitude = 0;
        for (var j = 0; j < network.Projections.Count; j++)
        {
            var feedback = network.Projections[j];
            if (feedback.TransposeOf is not { } forwardName)
            {
                continue;
            }

            var f = network.Projections.ToList().FindIndex(p => p.Name == forwardName);
            var forward = learner.Weights(f);
            var back = learner.Weights(j);
            var pre = feedback.From.Size;
            var post = feedback.To.Size;
            for (var a = 0; a < post; a++)
            {
                for (var b = 0; b < pre; b++)
                {
                    var w = forward[b * post + a];
                    var d = back[a * pre + b] - w;
                    difference += d * d;
                    magnitude += w * w;
                }
            }
        }

        return magnitude == 0 ? 0 : Math.Sqrt(difference / magnitude);
    }

    private static void Save(OnChipRequest request, Dataset dataset, int trainCount, int testCount, TimeStepDraw draw, EpModel model, OnChipLearner learner,
        IReadOnlyList<OnChipEpoch> epochs)
    {
        var training = TrainingMetadata.Build(request.Training, request.DatasetSpec, dataset, trainCount, testCount, draw, []);
        training["algorithm"] = "hts-ep on chip";
        training["onChip"] = OnChipReports.Summary(request, learner, epochs);
        NetworkFile.Save(model.ToNetwork(model.Name, training), request.ModelPath);
        Core.IO.AtomicFile.WriteAllText(request.EffectiveLedgerPath, Core.IO.JsonText.Format(OnChipReports.Ledger(request, learner, epochs)));
    }
}
