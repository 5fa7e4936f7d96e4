using BenchmarkDotNet.Attributes;
using Neuromorphic.Chip;
using Neuromorphic.Chip.Costs;
using Neuromorphic.Core.Data;
using Neuromorphic.Core.Networks;
using Neuromorphic.Mapping;
using Neuromorphic.Simulation;
using Neuromorphic.Simulation.Engine;
using Neuromorphic.Simulation.Input;
using Neuromorphic.Simulation.Kernels;
using Neuromorphic.Simulation.Variability;

namespace Neuromorphic.Benchmarks.Simulation;

/// <summary>
/// The simulator's hot paths on the demo model (784-500-10 HTS-EP, src/Neuromorphic.Cli/Demo/Assets)
/// mapped onto <c>loihi1</c>, energy accounting on: the synaptic accumulation of one dense run, one
/// core's neuron pass, one barrier step (detailed and simple timing; an inference of 100 steps,
/// reported per step) and the async event loop (per step). Allocations are reported per operation:
/// after warm-up an inference allocates only its result. Run with
/// <c>dotnet run -c Release --project tests/Neuromorphic.Benchmarks -- --filter '*Simulator*'</c>.
/// </summary>
[MemoryDiagnoser]
public class SimulatorBenchmarks
{
    private const int Steps = 100;
    private ChipInstance _chip = null!;
    private BarrierEngine _barrier = null!;
    private AsyncEngine _async = null!;
    private EventInput _input = null!;
    private readonly RunOptions _detailed = new() { Steps = Steps };
    private readonly RunOptions _simple = new() { Steps = Steps, Timing = Neuromorphic.Chip.Timing.TimingModel.Simple };
    private readonly RunOptions _asyncOptions = new() { Steps = Steps, Mode = SyncMode.Async };
    private int[] _accumulator = null!;
    private int[] _weights = null!;
    private float[] _accumulatorFloat = null!;
    private float[] _weightsFloat = null!;
    private NetworkState _state = null!;
    private InputSchedule _schedule = null!;
    private FiredList _fired = null!;
    private int _busiestCore;

    [GlobalSetup]
    public void Setup()
    {
        var model = Path.Combine(RepositoryRoot(), "src", "Neuromorphic.Cli", "Demo", "Assets", "demo-model.json");
        var mapped = new Mapper().Map(NetworkFile.Load(model), ChipLoader.Load("loihi1"), "bench");
        _chip = ChipInstance.Create(mapped, 1, ideal: false);
        _barrier = new BarrierEngine(_chip);
        _async = new AsyncEngine(_chip);
        // The first test image's sigma-delta spikes as events: stateless, so every inference reuses it.
        var image = InferenceInput.FromImage(DatasetCatalog.LoadEmbedded().Test.Image(0), 0, InputEncoding.SigmaDelta, 1, 0);
        var events = new List<(int, int)>();
        for (var step = 1; step <= Steps; step++)
        {
            for (var i = 0; i < 784; i++)
            {
                if (image.Spike(i, step))
                {
                    events.Add((step, i));
                }
            }
        }

        _input = new EventInput(events);
        var random = new Random(1);
        _accumulator = new int[500];
        _weights = Enumerable.Range(0, 500).Select(_ => random.Next(-4096, 4096)).ToArray();
        _accumulatorFloat = new float[500];
        _weightsFloat = Enumerable.Range(0, 500).Select(_ => (float)random.NextDouble()).ToArray();
        _state = new NetworkState(_chip);
        _state.Reset();
        _schedule = new InputSchedule(BarrierEngine.InputIndices(_chip));
        _fired = new FiredList(_chip.NeuronOfSlot.Length);
        var widest = 0;
        for (var c = 0; c < _chip.CoreCount; c++)
        {
            var size = mapped.CoreNeuronStart[c + 1] - mapped.CoreNeuronStart[c];
            if (!_chip.IsInput[mapped.CoreNeuronStart[c]] && size > widest)
            {
                (widest, _busiestCore) = (size, c);
            }
        }

        for (var s = 0; s < _state.InputNow.Length; s++)
        {
            _state.InputNow[s] = random.Next(-(1 << 16), 1 << 17);
        }
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Neuromorphic.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException($"no Neuromorphic.sln above {AppContext.BaseDirectory}");
    }

    [Benchmark(Description = "synaptic accumulate, 500 int weights (SIMD)")]
    public void AccumulateFixed() => SynapticAccumulate.Add<int>(_accumulator, _weights);

    [Benchmark(Description = "synaptic accumulate, 500 int weights (scalar reference)")]
    public void AccumulateFixedScalar() => SynapticAccumulate.AddScalar<int>(_accumulator, _weights);

    [Benchmark(Description = "synaptic accumulate, 500 float weights (SIMD)")]
    public void AccumulateFloat() => SynapticAccumulate.Add<float>(_accumulatorFloat, _weightsFloat);

    [Benchmark(Description = "soma step: one core's neuron pass (widest compartment core)")]
    public int SomaStep()
    {
        var counters = default(CoreStepCounters);
        _schedule.Begin(_input);
        var first = _chip.Mapped.CoreNeuronStart[_busiestCore];
        CoreUpdate.Run(_chip, _state, first, _chip.Mapped.CoreNeuronStart[_busiestCore + 1], 1, _schedule,
            _state.InputNow, _state.InputNowF, _state.ReceivedNow, ref counters, _fired);
        return counters.NeuronsUpdated;
    }

    [Benchmark(Description = "barrier step, detailed timing (inference of 100 steps / 100)", OperationsPerInvoke = Steps)]
    public InferenceResult BarrierStepDetailed() => _barrier.Run(0, _input, _detailed, null);

    [Benchmark(Description = "barrier step, simple timing (inference of 100 steps / 100)", OperationsPerInvoke = Steps)]
    public InferenceResult BarrierStepSimple() => _barrier.Run(0, _input, _simple, null);

    [Benchmark(Description = "async event loop (inference of 100 steps / 100)", OperationsPerInvoke = Steps)]
    public InferenceResult AsyncStep() => _async.Run(0, _input, _asyncOptions, null);
}
