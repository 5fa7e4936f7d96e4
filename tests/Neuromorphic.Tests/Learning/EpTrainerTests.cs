using Neuromorphic.Core.Data;
using Neuromorphic.Core.Networks;
using Neuromorphic.Learning.Models;
using Neuromorphic.Learning.TimeConstants;
using Neuromorphic.Learning.Training;
using Neuromorphic.Tests.Support;

namespace Neuromorphic.Tests.Learning;

/// <summary>Reproducibility of training: any thread count, and resumption after an interruption, give the same bytes.</summary>
public sealed class EpTrainerTests
{
    private static readonly Lazy<Dataset> s_embedded = new(DatasetCatalog.LoadEmbedded);

    private static EpTrainingOptions Tiny(int threads, int epochs = 3) => new()
    {
        Layers = [784, 24, 16, 10],
        Epochs = epochs,
        Seed = 5,
        BatchSize = 32,
        FreeSteps = 20,
        NudgedSteps = 8,
        LearningRates = [0.05, 0.03, 0.02],
        TimeSteps = new TimeStepSettings(new TauDistribution(TauFamily.Gamma, 3), 0.5),
        TrainLimit = 200,
        TestLimit = 100,
        Threads = threads,
    };

    [Fact]
    public void One_thread_and_several_threads_write_byte_identical_models()
    {
        using var temp = new TempDirectory();
        var one = new EpTrainer(Tiny(1), s_embedded.Value).Train(new TrainingOutputs(ModelIn(temp, "one"), "embedded"));
        var many = new EpTrainer(Tiny(3), s_embedded.Value).Train(new TrainingOutputs(ModelIn(temp, "many"), "embedded"));
        AssertSameModelFiles(ModelIn(temp, "one"), ModelIn(temp, "many"));
        Assert.Equal(one.History.Select(h => h.TestAccuracy), many.History.Select(h => h.TestAccuracy));
    }

    [Fact]
    public void Resuming_after_a_cancellation_gives_the_bytes_of_an_uninterrupted_run()
    {
        using var temp = new TempDirectory();
        var options = Tiny(2) with { Optimizer = OptimizerKind.Adam, LearningRates = [0.002], Estimator = GradientEstimator.RandomSign, Cosine = true };
        new EpTrainer(options, s_embedded.Value).Train(new TrainingOutputs(ModelIn(temp, "straight"), "embedded"));

        var interrupted = new TrainingOutputs(ModelIn(temp, "resumed"), "embedded");
        using var cancellation = new CancellationTokenSource();
        Assert.ThrowsAny<OperationCanceledException>(() =>
            new EpTrainer(options, s_embedded.Value).Train(interrupted, null, m =>
            {
                if (m.Epoch == 1)
                {
                    cancellation.Cancel();
                }
            }, cancellation.Token));
        Assert.Equal(1, EpModel.Load(ModelIn(temp, "resumed")).Training!["epochsCompleted"]!.GetValue<int>());

        var resumed = new EpTrainer(options, s_embedded.Value).Train(interrupted with { Resume = true });
        Assert.Equal(1, resumed.FirstEpoch);
        Assert.Equal(3, resumed.History.Count);
        AssertSameModelFiles(ModelIn(temp, "straight"), ModelIn(temp, "resumed"));
    }

    [Fact]
    public void Model_file_has_the_shape_the_simulator_maps_and_reloads_to_the_same_predictions()
    {
        using var temp = new TempDirectory();
        var result = new EpTrainer(Tiny(2, epochs: 1), s_embedded.Value).Train(new TrainingOutputs(temp.File("m.json"), "embedded"));
        var network = NetworkFile.Load(temp.File("m.json"));
        Assert.Equal(["input", "h1", "h2", "output"], network.Populations.Select(p => p.Name));
        Assert.Equal(NeuronModel.Input, network.Populations[0].Model);
        Assert.All(network.Populations.Skip(1), p => Assert.Equal(NeuronModel.EpRate, p.Model));
        Assert.Equal(["input->h1", "h1->h2", "h2->output", "output->h2", "h2->h1"], network.Projections.Select(p => p.Name));
        Assert.Equal("h2->output", network.FindProjection("output->h2")!.TransposeOf);
        Assert.Equal("output", network.Readout!.Population);
        var output = network.GetPopulation("output").EpRate!;
        Assert.Equal(10, output.Dt.Length);
        Assert.Equal(10, output.Tau!.Length);
        var training = network.Training!;
        Assert.StartsWith("neuro train --dataset embedded --layers 784,24,16,10 --epochs 1 --seed 5", training["command"]!.GetValue<string>());
        Assert.Equal(s_embedded.Value.ContentHash, training["dataset"]!["contentHash"]!.GetValue<string>());
        Assert.Equal(result.TimeSteps.ClippedShare, training["timeConstants"]!["clippedShare"]!.GetValue<double>());

        var model = EpModel.FromNetwork(network);
        var evaluation = model.Evaluate(s_embedded.Value.Test, 100);
        Assert.Equal(result.History[^1].TestAccuracy, evaluation.Accuracy);

        var inputs = new float[7 * 784];
        for (var i = 0; i < 7; i++)
        {
            s_embedded.Value.Test.CopyScaled(i, inputs.AsSpan(i * 784, 784));
        }

        Assert.Equal(evaluation.Predictions.Take(7), model.Predict(inputs, 7, threads: 1));
        Assert.Equal(model.Predict(inputs.AsSpan(0, 784), 1)[0], evaluation.Predictions[0]);
    }

    /// <summary>model.json in its own subdirectory, so that two runs' files (and the sidecar names inside them) compare byte for byte.</summary>
    private static string ModelIn(TempDirectory temp, string directory)
    {
        Directory.CreateDirectory(temp.File(directory));
        return Path.Combine(temp.File(directory), "model.json");
    }

    private static void AssertSameModelFiles(string a, string b)
    {
        Assert.Equal(File.ReadAllBytes(a), File.ReadAllBytes(b));
        var sidecars = Directory.GetFiles(Path.GetDirectoryName(a)!, Path.GetFileNameWithoutExtension(a) + ".*.f32");
        Assert.NotEmpty(sidecars);
        foreach (var sidecar in sidecars)
        {
            Assert.Equal(File.ReadAllBytes(sidecar), File.ReadAllBytes(Path.Combine(Path.GetDirectoryName(b)!, Path.GetFileName(sidecar))));
        }
    }
}
