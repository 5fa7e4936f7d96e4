using Neuromorphic.Core.Networks;
using Neuromorphic.Nir;
using Neuromorphic.Tests.Support;
using static Neuromorphic.Tests.Nir.NirTestSupport;

namespace Neuromorphic.Tests.Nir;

/// <summary>
/// The NIR files written by other frameworks (found through NEURO_NIR_SAMPLES or ../shared/nir-samples; skipped when absent): each imports
/// into a valid network whose sizes and weights are those of the HDF5 data, and survives our JSON
/// format; cnn_sinabs.nir's convolutions and pooling unroll into dense projections.
/// </summary>
public class NirSampleTests
{
    public static TheoryData<string, string> Importable => new()
    {
        // file, expected populations as "name:size" (read-out last when there is one)
        { "lif_norse.nir", "input:1 1:1" },
        { "lif_rockpool.nir", "input:1 1_LIFNeuronTorch:1" },
        { "two_lif_neurons.nir", "in:1 lif1:1 lif2:1" },
        { "braille_noDelay_bias_zero.nir", "input:12 lif1.lif:38 lif2:7" },
        { "braille_noDelay_noBias_subtract.nir", "input:12 lif1.lif:40 lif2:7" },
        { "braille_noDelay_bias_zero_subgraph.nir", "input:12 lif1.lif1:38 lif2:7" },
    };

    [NirSampleTheory]
    [MemberData(nameof(Importable))]
    public void Sample_imports_with_the_sizes_and_weights_of_the_file_and_round_trips_through_json(string file, string populations)
    {
        var path = Sample(file);
        var document = NirFile.Read(path);
        var result = NirImporter.Import(document);
        var network = result.Network;

        Assert.Equal(populations, string.Join(" ", network.Populations.Select(p => $"{p.Name}:{p.Size}")));
        Assert.Equal(NirImportOptions.DefaultDt, result.Dt);
        Assert.Equal(network.Populations[^1].Name, network.Readout?.Population);

        // Every projection here comes from one Affine or Linear node: its weights are that node's,
        // times the target neuron's input gain k (recomputed here from the node's own parameters).
        var nodes = Flatten(document.Root, "");
        foreach (var projection in network.Projections)
        {
            var linear = nodes[projection.Name];
            var weight = linear.Parameters["weight"];
            Assert.Equal(new long[] { projection.To.Size, projection.From.Size }, weight.Shape);
            var target = nodes[projection.To.Name];
            for (var post = 0; post < projection.To.Size; post++)
            {
                var k = Gain(target, post, result.Dt);
                for (var pre = 0; pre < projection.From.Size; pre++)
                {
                    var expected = (float)(k * weight.Values[post * projection.From.Size + pre]);
                    Assert.Equal(expected, projection.Weight(post, pre));
                }
            }
        }

        // The JSON network format keeps all of it, and so does our own NIR export.
        using var directory = new TempDirectory();
        NetworkFile.Save(network, directory.File("net.json"));
        var reloaded = NetworkFile.Load(directory.File("net.json"));
        AssertEquivalent(network, reloaded, tolerance: 0);
        Assert.Equal(network.ContentHash, reloaded.ContentHash);
        NirExporter.Write(reloaded, directory.File("again.nir"));
        var again = NirImporter.Import(directory.File("again.nir")).Network;
        AssertEquivalent(network, again);
    }

    [NirSampleFact]
    public void Braille_parameters_follow_from_dt_1e4()
    {
        var network = NirImporter.Import(Sample("braille_noDelay_bias_zero.nir")).Network;
        var lif1 = network.GetPopulation("lif1.lif").CubaLif!;

        // h5dump: tau_syn = 0.0002222222281091009, tau_mem = 0.0009999997615814777 (float64), v_threshold = 1.
        Assert.Equal(0.0002222222281091009 / 1e-4, lif1.TauCurrent![0], 12);
        Assert.Equal(0.0009999997615814777 / 1e-4, lif1.TauVoltage![0], 12);
        Assert.Equal(1, lif1.Threshold[0]);
        Assert.Equal(ResetMode.Zero, lif1.Reset);

        // snnTorch's export makes r·w_in·dt²/(τ_syn·τ_mem) = 1: the weights are the file's (h5dump: fc1[0][0] = -1.3380636).
        Assert.Equal(-1.3380636f, network.FindProjection("fc1")!.Weight(0, 0));
        Assert.Equal(-0.4730911f, network.FindProjection("lif1.w_rec")!.Weight(0, 0));

        // The Affine biases of fc1 (-0.06660467) and of lif1.w_rec (0.1316501) add up into the current.
        Assert.Equal(-0.06660467 + 0.1316501, lif1.CurrentBias[0], 6);
        Assert.Equal(0, lif1.Bias[0]);
    }

    [NirSampleFact]
    public void The_nested_subgraph_file_is_the_same_network_as_the_flat_one()
    {
        var flat = NirImporter.Import(Sample("braille_noDelay_bias_zero.nir")).Network;
        var nested = NirImporter.Import(Sample("braille_noDelay_bias_zero_subgraph.nir"));

        Assert.Contains(nested.Notes, n => n.Contains("\"lif\"", StringComparison.Ordinal) && n.Contains("\"lif1\"", StringComparison.Ordinal));
        Assert.Equal(["input", "lif1.lif1", "lif2"], nested.Network.Populations.Select(p => p.Name));
        Assert.Equal(["fc1", "lif1.lin", "fc2"], nested.Network.Projections.Select(p => p.Name));
        for (var k = 0; k < flat.Projections.Count; k++)
        {
            Assert.Equal(flat.Projections[k].Weights, nested.Network.Projections[k].Weights);
        }

        for (var k = 1; k < flat.Populations.Count; k++)
        {
            var (a, b, size) = (flat.Populations[k].CubaLif!, nested.Network.Populations[k].CubaLif!, flat.Populations[k].Size);
            AssertClose(a.TauCurrent, b.TauCurrent, size, 0, "tauCurrent");
            AssertClose(a.TauVoltage, b.TauVoltage, size, 0, "tauVoltage");
            AssertClose(a.Threshold, b.Threshold, size, 0, "threshold");
            AssertClose(a.Bias, b.Bias, size, 0, "bias");
            AssertClose(a.CurrentBias, b.CurrentBias, size, 0, "currentBias");
        }
    }

    [NirSampleFact]
    public void Reset_by_subtraction_is_chosen_on_import_because_NIR_cannot_say_it()
    {
        var path = Sample("braille_noDelay_noBias_subtract.nir");
        Assert.Equal(ResetMode.Zero, NirImporter.Import(path).Network.GetPopulation("lif1.lif").CubaLif!.Reset);
        var subtract = NirImporter.Import(path, new NirImportOptions { Reset = ResetMode.Subtract }).Network;
        Assert.All(subtract.Populations.Where(p => p.CubaLif is not null), p => Assert.Equal(ResetMode.Subtract, p.CubaLif!.Reset));
    }

    [NirSampleFact]
    public void Lif_samples_without_r_or_v_reset_use_NIR_defaults_and_clean_float32_values()
    {
        // lif_norse.nir (NIR 0.1.1): tau = 0.0025 (float32), v_threshold = 0.1, v_leak = 0, Affine weight 1.
        var norse = NirImporter.Import(Sample("lif_norse.nir")).Network;
        var neuron = norse.GetPopulation("1").CubaLif!;
        Assert.Equal(25, neuron.TauVoltage![0]);
        Assert.Equal(1, neuron.TauCurrent![0]);
        Assert.Equal(0.1, neuron.Threshold[0]);
        Assert.Equal(0.04f, norse.Projections[0].Weight(0, 0));

        // two_lif_neurons.nir: lif1 has v_leak 1.2 above its threshold 1, with τ = 0.01: bias = dt·v_leak/τ.
        var two = NirImporter.Import(Sample("two_lif_neurons.nir")).Network;
        Assert.Equal(1e-4 * 1.2 / 0.01, two.GetPopulation("lif1").CubaLif!.Bias[0], 15);
        Assert.Equal(20, two.GetPopulation("lif2").CubaLif!.Threshold[0]);
    }

    [NirSampleFact]
    public void Cnn_sinabs_convolutions_and_pooling_unroll_into_dense_projections()
    {
        var result = NirImporter.Import(Sample("cnn_sinabs.nir"), new NirImportOptions { Dt = 1 });
        var network = result.Network;
        // [2, 34, 34] → Conv 5×5 / 2, pad 1 → [16, 16, 16] → Conv 3×3 pad 1 → [16, 16, 16] → SumPool 2 → Conv 3×3 pad 1 → [8, 8, 8]
        // → SumPool 2 → Flatten [128] → Affine 256 → Affine 10.
        Assert.Equal("input:2312 1:4096 3:4096 6:512 10:256 12:10", string.Join(" ", network.Populations.Select(p => $"{p.Name}:{p.Size}")));
        var first = network.Projections.Single(p => p.From.Name == "input");
        // A 5×5 kernel over 2 channels touches at most 50 inputs; at the corner (padding 1) 2 × 4 × 4.
        Assert.InRange(Enumerable.Range(0, 2312).Count(j => first.Weight(0, j) != 0), 1, 32);
        Assert.True(Enumerable.Range(0, 4096).Max(i => Enumerable.Range(0, 2312).Count(j => first.Weight(i, j) != 0)) <= 50);
        Assert.Contains(result.Notes, n => n.Contains("5 convolution and pooling nodes unrolled", StringComparison.Ordinal));
    }

    [Fact]
    public void PureHDF_reads_a_file_libhdf5_compressed_with_gzip()
    {
        // Fixtures/README.md: our export of gzip-libhdf5.source.json, rewritten by h5py with gzip on every numeric array.
        var network = NirImporter.Import(Fixture("gzip-libhdf5.nir")).Network;
        var source = NetworkFile.Load(Fixture("gzip-libhdf5.source.json"));
        AssertEquivalent(source, network);
        Assert.Equal(source.ContentHash, network.ContentHash);
    }

    private static Dictionary<string, NirNode> Flatten(NirGraph graph, string prefix)
    {
        var result = new Dictionary<string, NirNode>(StringComparer.Ordinal);
        foreach (var node in graph.Nodes)
        {
            if (node.Graph is { } inner)
            {
                foreach (var (name, n) in Flatten(inner, $"{prefix}{node.Name}."))
                {
                    result[name] = n;
                }
            }
            else
            {
                result[$"{prefix}{node.Name}"] = node;
            }
        }

        return result;
    }

    /// <summary>k for the node types in the samples (README, "Discretisation"), with NIR's defaults.</summary>
    private static double Gain(NirNode node, int i, double dt)
    {
        double P(string key, double fallback) => node.Parameters.TryGetValue(key, out var a) ? a.AsWritten()[a.Count == 1 ? 0 : i] : fallback;
        return node.Type switch
        {
            NirTypes.LIF => P("r", 1) * dt / P("tau", double.NaN),
            NirTypes.CubaLIF => P("r", 1) * P("w_in", 1) * dt * dt / (P("tau_syn", double.NaN) * P("tau_mem", double.NaN)),
            _ => throw new InvalidOperationException(node.Type),
        };
    }
}
