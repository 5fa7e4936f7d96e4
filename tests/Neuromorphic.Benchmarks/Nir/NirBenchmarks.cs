using BenchmarkDotNet.Attributes;
using Neuromorphic.Core.Networks;
using Neuromorphic.Core.Random;
using Neuromorphic.Nir;

namespace Neuromorphic.Benchmarks.Nir;

/// <summary>
/// NIR file I/O for a 784-500-10 HTS-EP model (its spiking realization: 392,000 + 5,000 + 5,000
/// weights). The file it writes, <c>$TMPDIR/neuro-bench/mlp-784-500-10.nir</c>, is what
/// <c>tools/bench/nir-peer.py</c> times NIR's own <c>nir.read</c>/<c>nir.write</c> on (tools/bench/nir-io.sh runs both).
/// </summary>
[MemoryDiagnoser]
public class NirBenchmarks
{
    public static string FilePath => Path.Combine(Path.GetTempPath(), "neuro-bench", "mlp-784-500-10.nir");

    private NetworkSpec _network = null!;
    private NirDocument _document = null!;
    private string _output = "";

    [GlobalSetup]
    public void Setup()
    {
        _network = Mlp();
        Directory.CreateDirectory(Path.GetDirectoryName(FilePath)!);
        NirExporter.Write(_network, FilePath);
        _document = NirFile.Read(FilePath);
        _output = Path.Combine(Path.GetDirectoryName(FilePath)!, "written.nir");
    }

    [Benchmark]
    public NirDocument ReadFile() => NirFile.Read(FilePath);

    [Benchmark]
    public NetworkSpec Import() => NirImporter.Import(_document).Network;

    [Benchmark]
    public NirDocument Export() => NirExporter.Export(_network).Document;

    [Benchmark]
    public void WriteFile() => NirFile.Write(_document, _output);

    private static NetworkSpec Mlp()
    {
        var rng = new CounterRng(42);
        float[] Weights(int rows, int columns) => Enumerable.Range(0, rows * columns).Select(_ => (float)rng.Uniform(-0.1, 0.1)).ToArray();
        var x = new Population("x", 784, NeuronModel.Input);
        var h = new Population("h", 500, NeuronModel.EpRate, epRate: new EpRateParameters(
            PerNeuron.Of(Enumerable.Range(0, 500).Select(_ => rng.Uniform(0.05, 1)).ToArray()),
            PerNeuron.Of(Enumerable.Range(0, 500).Select(_ => rng.Uniform(-0.1, 0.1)).ToArray()), null));
        var y = new Population("y", 10, NeuronModel.EpRate, epRate: new EpRateParameters(PerNeuron.Scalar(0.5), PerNeuron.Scalar(0), null));
        var forward = new Projection("h->y", h, y, Weights(10, 500));
        return new NetworkSpec("mlp-784-500-10", [x, h, y],
            [new Projection("x->h", x, h, Weights(500, 784)), forward, new Projection("y->h", y, h, Projection.Transpose(forward.Weights, 10, 500), "h->y")],
            new Readout("y"));
    }
}
