using BenchmarkDotNet.Attributes;
using Neuromorphic.Core.Data;
using Neuromorphic.Learning.Kernels;
using Neuromorphic.Learning.Models;
using Neuromorphic.Learning.TimeConstants;
using Neuromorphic.Learning.Training;

namespace Neuromorphic.Benchmarks.Learning;

/// <summary>
/// One HTS-EP training minibatch of 784-500-10 (batch 64, T1 = 60, T2 = 20, symmetric, lognormal
/// τ), the setting of tools/bench/ep_torch.py; samples/s = 64 / time per operation. Run with
/// <c>dotnet run -c Release --project tests/Neuromorphic.Benchmarks -- --filter '*EpTraining*'</c>.
/// </summary>
[MemoryDiagnoser]
public class EpTrainingBenchmarks
{
    private BatchLearner _learner = null!;
    private LabeledImages _images = null!;
    private int[] _indices = null!;
    private OutputTally _output = new();
    private PhaseTally _free = new();
    private PhaseTally _nudged = new();

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var options = new EpTrainingOptions
        {
            Layers = [784, 500, 10],
            BatchSize = 64,
            FreeSteps = 60,
            NudgedSteps = 20,
            Threads = Threads,
        };
        var parameters = new EpParameters(options.Layers);
        parameters.Initialize(1);
        var draw = TimeStepDraw.Draw([500, 10], options.TimeSteps, 1);
        parameters.SetTimeSteps(draw.Dt, draw.Tau);
        _learner = new BatchLearner(parameters, new Optimizer(OptimizerKind.Sgd, 0.9, 0, Optimizer.TensorLengths(parameters)), options);
        _images = DatasetCatalog.LoadEmbedded().Train;
        _indices = Enumerable.Range(0, 64).ToArray();
    }

    [Benchmark(Description = "train one minibatch (64 samples)")]
    public void TrainMinibatch() => _learner.Train(_images, _indices, 1, 1, _output, _free, _nudged);
}

/// <summary>The kernels of one 784-500-10 minibatch on one thread: input projection, relaxation, learning signal of W_1.</summary>
public class EpKernelBenchmarks
{
    private const int Batch = 64;
    private Relaxation _relaxation = null!;
    private float[] _difference = null!;
    private float[] _signal = null!;

    [GlobalSetup]
    public void Setup()
    {
        var parameters = new EpParameters([784, 500, 10]);
        parameters.Initialize(1);
        var draw = TimeStepDraw.Draw([500, 10], new TimeStepSettings(new TauDistribution(TauFamily.LogNormal, 0.5)), 1);
        parameters.SetTimeSteps(draw.Dt, draw.Tau);
        _relaxation = new Relaxation(parameters, Batch);
        var images = DatasetCatalog.LoadEmbedded().Train;
        for (var r = 0; r < Batch; r++)
        {
            _relaxation.SetInput(r, images.Image(r));
            _relaxation.SetTarget(r, images.Labels[r]);
        }

        _difference = new float[Batch * parameters.Strides[1]];
        for (var i = 0; i < _difference.Length; i++)
        {
            _difference[i] = (i % 7 - 3) * 0.01f;
        }

        _signal = new float[500 * 784];
    }

    [Benchmark(Description = "input projection W1·x + b1 (64×784 → 500)")]
    public void Projection() => _relaxation.Project(Batch, 1);

    [Benchmark(Description = "free phase, 60 steps (64 samples)")]
    public void FreePhase() => _relaxation.RelaxFree(Batch, 60, 1);

    [Benchmark(Description = "learning signal of W1 (500×784 over 64 samples)")]
    public void InputLayerSignal() =>
        EpKernels.OuterProductRows(_difference, _relaxation.Input, [], [], 504, Batch, 0, 500, 784, 1f / 64, _signal);
}
