using Neuromorphic.Core.Networks;
using Neuromorphic.Core.Random;
using Neuromorphic.Nir;
using Neuromorphic.Tests.Support;
using static Neuromorphic.Tests.Nir.NirTestSupport;

namespace Neuromorphic.Tests.Nir;

/// <summary>Exporting a network to NIR and importing it again gives the same network, parameter by parameter and weight by weight.</summary>
public class NirRoundTripTests
{
    private static PerNeuron S(double value) => PerNeuron.Scalar(value);

    private static PerNeuron A(params double[] values) => PerNeuron.Of(values);

    private static Population Cuba(string name, int size, PerNeuron? tauU, PerNeuron? tauV, PerNeuron threshold, PerNeuron? bias = null,
        PerNeuron? currentBias = null, ResetMode reset = ResetMode.Zero, PerNeuron? refractory = null) =>
        new(name, size, NeuronModel.CubaLif, new CubaLifParameters(tauU, tauV, threshold, bias ?? S(0), reset, refractory ?? S(0))
        {
            CurrentBias = currentBias ?? S(0),
        });

    private static float[] Weights(int rows, int columns, int seed)
    {
        var rng = new CounterRng(7, (ulong)seed);
        return Enumerable.Range(0, rows * columns).Select(_ => (float)rng.Uniform(-1, 1)).ToArray();
    }

    /// <summary>One population for every way a cuba-lif population is written as NIR (README, "Export").</summary>
    internal static NetworkSpec EveryExportCase()
    {
        var input = new Population("in", 3, NeuronModel.Input);
        var lif = Cuba("lif", 2, S(1), A(5, 8), A(1, 0.7), bias: A(0.01, -0.02));
        var ifWithBias = Cuba("if", 2, S(1), null, S(1.5), bias: S(0.05));
        var cuba = Cuba("cuba", 3, A(2, 3, 4), A(10, 12, 14), S(1), bias: S(0.001), currentBias: A(0.01, 0.02, 0.03),
            reset: ResetMode.Subtract, refractory: A(0, 1, 2));
        var liIf = Cuba("li-if", 2, S(4), null, S(1), currentBias: S(0.1));
        var iLif = Cuba("i-lif", 2, null, S(6), S(2), bias: S(0.01), currentBias: S(0.05));
        var selfDriven = Cuba("self-driven", 1, S(1), null, S(1), bias: S(0.3));
        var cubaDriven = Cuba("cuba-driven", 1, S(3), S(7), S(1), currentBias: S(0.2));
        var threshold = Cuba("threshold", 2, S(1), S(1), S(0.5));
        var forward = new Projection("cuba->li-if", cuba, liIf, Weights(2, 3, 4));
        var projections = new List<Projection>
        {
            new("in->lif", input, lif, Weights(2, 3, 1)),
            new("in->if", input, ifWithBias, Weights(2, 3, 2)),
            new("in->cuba", input, cuba, Weights(3, 3, 3)),
            new("recurrent", cuba, cuba, Weights(3, 3, 5)),
            forward,
            new("back", liIf, cuba, Projection.Transpose(forward.Weights, 2, 3), "cuba->li-if"),
            new("li-if->i-lif", liIf, iLif, Weights(2, 2, 6)),
            new("lif->threshold", lif, threshold, Weights(2, 2, 7)),
            new("self-driven->threshold", selfDriven, threshold, Weights(2, 1, 8)),
            new("cuba-driven->threshold", cubaDriven, threshold, Weights(2, 1, 9)),
        };
        return new NetworkSpec("every-case", [input, lif, ifWithBias, cuba, liIf, iLif, selfDriven, cubaDriven, threshold], projections,
            new Readout("threshold"));
    }

    private static NetworkSpec RoundTrip(NetworkSpec network, TempDirectory directory, double dt = 1e-4)
    {
        var path = directory.File("net.nir");
        NirExporter.Write(network, path, new NirExportOptions { Dt = dt });
        return NirImporter.Import(path).Network;
    }

    [Fact]
    public void Every_export_case_comes_back_identical()
    {
        using var directory = new TempDirectory();
        var network = EveryExportCase();
        var back = RoundTrip(network, directory);
        AssertEquivalent(network, back);
        Assert.Equal(network.ContentHash, back.ContentHash);
    }

    [Theory]
    [InlineData(1e-4)]
    [InlineData(1e-3)]
    [InlineData(1.0)]
    [InlineData(0.37)]
    public void The_step_is_stored_in_the_file_and_any_step_round_trips(double dt)
    {
        using var directory = new TempDirectory();
        var network = EveryExportCase();
        var back = RoundTrip(network, directory, dt);
        AssertEquivalent(network, back);
        var document = NirFile.Read(directory.File("net.nir"));
        Assert.Equal(dt, document.Root.Metadata[NirImportOptions.DtMetadataKey].Numbers!.Values[0]);
        var lif = document.Root.Find("lif")!;
        Assert.Equal(NirTypes.LIF, lif.Type);
        Assert.Equal(5 * dt, lif.Parameters["tau"].Values[0], 15);
    }

    [Fact]
    public void The_export_uses_the_NIR_node_each_population_calls_for()
    {
        var document = NirExporter.Export(EveryExportCase()).Document;
        string TypeOf(string name) => document.Root.Find(name)!.Type;
        Assert.Equal(NirTypes.Input, TypeOf("in"));
        Assert.Equal(NirTypes.LIF, TypeOf("lif"));
        Assert.Equal(NirTypes.IF, TypeOf("if"));
        Assert.Equal(NirTypes.CubaLIF, TypeOf("cuba"));
        Assert.Equal(NirTypes.IF, TypeOf("li-if"));
        Assert.Equal(NirTypes.LI, TypeOf("li-if.current"));
        Assert.Equal(NirTypes.Integrator, TypeOf("i-lif.current"));
        Assert.Equal(NirTypes.LIF, TypeOf("i-lif"));
        Assert.Equal(NirTypes.LI, TypeOf("self-driven.current"));
        Assert.Equal(NirTypes.LI, TypeOf("cuba-driven.current"));
        Assert.Equal(NirTypes.LIF, TypeOf("cuba-driven"));
        Assert.Equal(NirTypes.Affine, TypeOf("in->if"));
        Assert.Equal(NirTypes.Affine, TypeOf("in->cuba"));
        Assert.Equal(NirTypes.Linear, TypeOf("recurrent"));
        Assert.Equal(NirTypes.Output, TypeOf("output"));
        Assert.Equal("subtract", document.Root.Find("cuba")!.Metadata[NirExporter.ResetMetadataKey].Text);
        Assert.Equal("cuba->li-if", document.Root.Find("back")!.Metadata[NirExporter.TransposeOfMetadataKey].Text);
    }

    [Fact]
    public void An_ep_rate_model_comes_back_as_its_spiking_realization()
    {
        using var directory = new TempDirectory();
        var input = new Population("x", 4, NeuronModel.Input);
        var hidden = new Population("h", 3, NeuronModel.EpRate, epRate: new EpRateParameters(A(0.2, 0.5, 1.0), A(0.1, -0.2, 0.3), A(5, 2, 1)));
        var output = new Population("y", 2, NeuronModel.EpRate, epRate: new EpRateParameters(S(0.42), S(0), null));
        var forward = new Projection("h->y", hidden, output, Weights(2, 3, 11));
        var network = new NetworkSpec("ep", [input, hidden, output],
            [new Projection("x->h", input, hidden, Weights(3, 4, 10)), forward, new Projection("y->h", output, hidden, Projection.Transpose(forward.Weights, 2, 3), "h->y")],
            new Readout("y"));

        var realization = EpRateRealization.ToCubaLif(network);
        var back = RoundTrip(network, directory);
        AssertEquivalent(realization, back);

        // The EP realization (Core README): u ← (1 − dt_i)·u + dt_i·(Σ w·s + b), v ← v + u, spike above 1, subtractive reset.
        var h = back.GetPopulation("h").CubaLif!;
        Assert.Equal(1 / 0.2, h.TauCurrent![0], 12);
        Assert.Null(h.TauVoltage);
        Assert.Equal(1, h.Threshold[0]);
        Assert.Equal(ResetMode.Subtract, h.Reset);
        Assert.Equal(0.5 * -0.2, h.CurrentBias[1], 15);
        Assert.Equal((float)(0.5 * network.Projections[0].Weight(1, 2)), back.Projections[0].Weight(1, 2));
        Assert.Null(back.FindProjection("y->h")!.TransposeOf);
    }

    [Fact]
    public void Random_networks_round_trip()
    {
        using var directory = new TempDirectory();
        for (var seed = 0; seed < 25; seed++)
        {
            var network = RandomNetwork(new CounterRng(99, (ulong)seed));
            var back = RoundTrip(network, directory);
            AssertEquivalent(network, back);
        }
    }

    [Fact]
    public void A_voltage_bias_on_a_leakless_neuron_with_a_decaying_current_cannot_be_exported()
    {
        using var directory = new TempDirectory();
        var input = new Population("in", 1, NeuronModel.Input);
        var neuron = Cuba("n", 1, S(3), null, S(1), bias: S(0.2));
        NetworkFile.Save(new NetworkSpec("bad", [input, neuron], [new Projection("in->n", input, neuron, [1f])]), directory.File("bad.json"));
        var result = CliRunner.Run("export", "nir", "--model", directory.File("bad.json"), "--out", directory.File("bad.nir"));
        CliRunner.AssertBadInput(result, "n.bias", "voltage bias");
        Assert.False(File.Exists(directory.File("bad.nir")));
    }

    /// <summary>A network of random sizes, parameters and projections, in the canonical form the round trip keeps (README, "Export").</summary>
    private static NetworkSpec RandomNetwork(CounterRng rng)
    {
        var populations = new List<Population> { new("in", 1 + rng.NextInt(4), NeuronModel.Input) };
        var count = 1 + rng.NextInt(4);
        for (var k = 0; k < count; k++)
        {
            var size = 1 + rng.NextInt(5);
            PerNeuron Draw(double low, double high, bool round = false) =>
                rng.NextInt(2) == 0
                    ? S(round ? Math.Round(rng.Uniform(low, high)) : rng.Uniform(low, high))
                    : A(Enumerable.Range(0, size).Select(_ => round ? Math.Round(rng.Uniform(low, high)) : rng.Uniform(low, high)).ToArray());
            var tauU = rng.NextInt(3) switch { 0 => S(1), 1 => Draw(1, 20), _ => null };
            var tauV = rng.NextInt(3) == 0 ? null : Draw(1, 50);
            var currentBias = tauU is { IsScalar: true } u && u[0] == 1 ? S(0) : Draw(-0.1, 0.1);
            var bias = tauV is null && !(tauU is { IsScalar: true } t && t[0] == 1) ? S(0) : Draw(-0.1, 0.1);
            populations.Add(Cuba($"p{k}", size, tauU, tauV, Draw(0.1, 3), bias, currentBias,
                rng.NextInt(2) == 0 ? ResetMode.Zero : ResetMode.Subtract, Draw(0, 3, round: true)));
        }

        var projections = new List<Projection>();
        for (var k = 1; k < populations.Count; k++)
        {
            // Every neuron population gets an input, so that its current bias has an Affine to ride on.
            var from = populations[rng.NextInt(populations.Count)];
            var to = populations[k];
            projections.Add(new Projection($"{from.Name}->{to.Name}", from, to, Weights(to.Size, from.Size, rng.NextInt(1000))));
            if (rng.NextInt(3) == 0 && !projections.Any(p => p.From == to && p.To == to))
            {
                projections.Add(new Projection($"{to.Name}->{to.Name}", to, to, Weights(to.Size, to.Size, rng.NextInt(1000))));
            }
        }

        var readout = rng.NextInt(2) == 0 ? new Readout(populations[^1].Name) : null;
        return new NetworkSpec("random", populations, projections, readout);
    }
}
