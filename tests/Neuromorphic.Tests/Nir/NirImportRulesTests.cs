using Neuromorphic.Core.Errors;
using Neuromorphic.Core.Networks;
using Neuromorphic.Nir;
using Neuromorphic.Tests.Support;
using PureHDF;
using static Neuromorphic.Tests.Nir.NirTestSupport;

namespace Neuromorphic.Tests.Nir;

/// <summary>How NIR constructs become populations and projections, and how bad files are refused (exit 2, node path and problem).</summary>
public class NirImportRulesTests
{
    private static readonly double[,] Identity2 = { { 1, 0 }, { 0, 1 } };

    private static GraphBuilder Lif(GraphBuilder graph, string name, int size, double tau = 1e-3, double threshold = 1) =>
        graph.Node(name, NirTypes.LIF, ("tau", V(Enumerable.Repeat(tau, size).ToArray())), ("v_threshold", V(Enumerable.Repeat(threshold, size).ToArray())));

    private static NetworkSpec Import(GraphBuilder graph, double dt = 1e-4) =>
        NirImporter.Import(graph.Document(), new NirImportOptions { Dt = dt }).Network;

    private static CliRunner.Result ImportFile(TempDirectory directory, string path, params string[] extra) =>
        CliRunner.Run(["import", "nir", path, "--out", directory.File("out.json"), .. extra]);

    private static void AssertRejected(GraphBuilder graph, params string[] words)
    {
        using var directory = new TempDirectory();
        var path = graph.Write(directory);
        var result = ImportFile(directory, path);
        CliRunner.AssertBadInput(result, ["graph.nir", .. words]);
        Assert.False(File.Exists(directory.File("out.json")), "no output file after a failed import");
    }

    // ---- Bad files ---------------------------------------------------------------------------------

    [Fact]
    public void A_file_without_node_is_rejected()
    {
        using var directory = new TempDirectory();
        var path = directory.File("graph.nir");
        new H5File { ["version"] = "0.2.0", ["graph"] = new H5Group { ["type"] = "NIRGraph" } }.Write(path);
        CliRunner.AssertBadInput(ImportFile(directory, path), "graph.nir", "/node", "missing");
    }

    [Fact]
    public void A_file_that_is_not_HDF5_is_rejected()
    {
        using var directory = new TempDirectory();
        var path = directory.File("graph.nir");
        File.WriteAllText(path, "{ \"schema\": \"neuromorphic.network/1\" }");
        CliRunner.AssertBadInput(ImportFile(directory, path), "graph.nir", "HDF5");
    }

    [Fact]
    public void A_truncated_file_is_rejected()
    {
        using var directory = new TempDirectory();
        NirExporter.Write(NirRoundTripTests.EveryExportCase(), directory.File("whole.nir"));
        var whole = File.ReadAllBytes(directory.File("whole.nir"));
        foreach (var length in new[] { 100, whole.Length / 3, whole.Length * 2 / 3 })
        {
            var path = directory.File("graph.nir");
            File.WriteAllBytes(path, whole.AsSpan(0, length).ToArray());
            CliRunner.AssertBadInput(ImportFile(directory, path), "graph.nir");
        }
    }

    [Fact]
    public void A_node_without_type_is_rejected()
    {
        using var directory = new TempDirectory();
        var path = directory.File("graph.nir");
        new H5File
        {
            ["node"] = new H5Group
            {
                ["type"] = "NIRGraph",
                ["nodes"] = new H5Group { ["in"] = new H5Group { ["shape"] = new long[] { 2 } } },
                ["edges"] = new string[0, 2],
            },
        }.Write(path);
        CliRunner.AssertBadInput(ImportFile(directory, path), "/node/nodes/in/type", "missing");
    }

    [Fact]
    public void An_unknown_node_type_is_rejected_with_its_path() =>
        AssertRejected(new GraphBuilder().Input("in", 2).Node("mystery", "Resonator", ("omega", V(1, 2))).Edges("in", "mystery"),
            "/node/nodes/mystery/type", "Resonator", "a NIR node type");

    [Fact]
    public void An_edge_to_a_node_that_does_not_exist_is_rejected() =>
        AssertRejected(Lif(new GraphBuilder().Input("in", 2).Linear("w", Identity2), "lif", 2).Edges("in", "w", "ghost").Edge("w", "lif"),
            "/node/edges[1]", "ghost", "no node");

    [Fact]
    public void A_weight_that_does_not_fit_its_input_is_rejected() =>
        AssertRejected(Lif(new GraphBuilder().Input("in", 5).Linear("w", new double[3, 4]), "lif", 3).Edges("in", "w", "lif"),
            "/node/nodes/w", "5 values from /node/nodes/in", "4 inputs");

    [Fact]
    public void A_weight_that_does_not_fit_its_neurons_is_rejected() =>
        AssertRejected(Lif(new GraphBuilder().Input("in", 2).Linear("w", new double[3, 2]), "lif", 4).Edges("in", "w", "lif"),
            "/node/nodes/lif", "3 values from /node/nodes/w", "4 inputs, one per neuron");

    [Fact]
    public void Parameters_of_different_lengths_are_rejected() =>
        AssertRejected(new GraphBuilder().Input("in", 3).Node("lif", NirTypes.LIF, ("tau", V(1e-3, 1e-3, 1e-3)), ("v_threshold", V(1, 1))).Edges("in", "lif"),
            "/node/nodes/lif/v_threshold", "2 values", "3 values");

    [Fact]
    public void A_missing_required_parameter_is_rejected() =>
        AssertRejected(new GraphBuilder().Input("in", 1).Node("lif", NirTypes.LIF, ("tau", V(1e-3))).Edges("in", "lif"),
            "/node/nodes/lif/v_threshold", "missing");

    [Fact]
    public void A_one_dimensional_weight_is_rejected() =>
        AssertRejected(Lif(new GraphBuilder().Input("in", 2).Node("w", NirTypes.Linear, ("weight", V(1, 2))), "lif", 1).Edges("in", "w", "lif"),
            "/node/nodes/w/weight", "a matrix");

    [Fact]
    public void A_convolution_without_a_two_dimensional_input_is_rejected_naming_the_node() =>
        AssertRejected(Lif(new GraphBuilder().Input("in", 4).Node("conv", NirTypes.Conv2d, ("weight", new NirArray(new double[4], [1, 1, 2, 2]))), "lif", 4)
                .Edges("in", "conv", "lif"),
            "/node/nodes/conv/input_shape", "[4]", "[H, W]");

    [Fact]
    public void A_pooling_window_larger_than_its_input_is_rejected() =>
        AssertRejected(Lif(new GraphBuilder().Node("in", NirTypes.Input, ("shape", NirArray.Integers(1, 2, 2)))
                .Node("pool", NirTypes.SumPool2d, ("kernel_size", NirArray.Integers(3, 3)), ("stride", NirArray.Integers(1, 1)), ("padding", NirArray.Integers(0, 0))), "lif", 1)
                .Edges("in", "pool", "lif"),
            "/node/nodes/pool", "window");

    [Fact]
    public void A_delay_is_rejected_unless_it_is_zero()
    {
        AssertRejected(Lif(new GraphBuilder().Input("in", 2).Node("d", NirTypes.Delay, ("delay", V(0, 2e-3))), "lif", 2).Edges("in", "d", "lif"),
            "/node/nodes/d/delay", "delay 0");
        var network = Import(Lif(new GraphBuilder().Input("in", 2).Node("d", NirTypes.Delay, ("delay", V(0, 0))), "lif", 2).Edges("in", "d", "lif"));
        Assert.Single(network.Projections);
    }

    [Fact]
    public void A_non_spiking_read_out_is_rejected() =>
        AssertRejected(new GraphBuilder().Input("in", 2).Linear("w", Identity2).Node("li", NirTypes.LI, ("tau", V(1e-3, 1e-3)), ("r", V(1, 1)), ("v_leak", V(0, 0)))
                .Output("out", 2).Edges("in", "w", "li", "out"),
            "/node/nodes/li", "no threshold", "non-spiking read-out");

    [Fact]
    public void A_linear_read_out_is_rejected() =>
        AssertRejected(Lif(new GraphBuilder().Input("in", 2), "lif", 2).Linear("w", Identity2).Output("out", 2).Edges("in", "lif", "w", "out"),
            "/node/nodes/out", "linear node", "spike counts");

    [Fact]
    public void A_time_constant_shorter_than_the_step_is_rejected_with_a_hint() =>
        AssertRejected(Lif(new GraphBuilder().Input("in", 1), "lif", 1, tau: 5e-5).Edges("in", "lif"),
            "/node/nodes/lif/tau", "--dt 5e-05");

    [Fact]
    public void A_bad_step_option_is_rejected()
    {
        using var directory = new TempDirectory();
        var path = Lif(new GraphBuilder().Input("in", 1), "lif", 1).Edges("in", "lif").Write(directory);
        CliRunner.AssertBadInput(ImportFile(directory, path, "--dt", "-1"), "--dt", "-1");
    }

    [Fact]
    public void A_loop_of_linear_nodes_is_rejected() =>
        AssertRejected(Lif(new GraphBuilder().Input("in", 2).Linear("a", Identity2).Linear("b", Identity2), "lif", 2)
                .Edges("in", "a", "b", "a").Edge("b", "lif"),
            "a cycle", "through a neuron");

    // ---- How constructs are imported ----------------------------------------------------------------

    [Fact]
    public void Linear_chains_compose_and_parallel_paths_add_up()
    {
        // in → a (2×2) → Flatten → s (scale) → b (1×2) → lif, plus in → c (1×2) → lif.
        var graph = new GraphBuilder().Input("in", 2)
            .Linear("a", new double[,] { { 1, 2 }, { 3, 4 } })
            .Node("flat", NirTypes.Flatten, ("input_type", NirArray.Integers(2)), ("start_dim", NirArray.Scalar(0, NirElementType.Int64)))
            .Node("s", NirTypes.Scale, ("scale", V(0.5, 2)))
            .Linear("b", new double[,] { { 1, -1 } })
            .Linear("c", new double[,] { { 10, 20 } })
            .Node("lif", NirTypes.LIF, ("tau", V(1e-4)), ("v_threshold", V(1)))
            .Edges("in", "a", "flat", "s", "b", "lif").Edges("in", "c", "lif");
        var projection = Import(graph).Projections.Single();

        // b·diag(s)·a = [1, −1]·[[0.5, 1], [6, 8]] = [−5.5, −7]; plus c = [10, 20]; LIF gain r·dt/τ = 1.
        Assert.Equal("in->lif", projection.Name);
        Assert.Equal([4.5f, 13f], projection.Weights);
    }

    [Fact]
    public void Affine_bias_becomes_a_voltage_bias_for_LIF_and_a_current_bias_for_CubaLIF()
    {
        var graph = new GraphBuilder().Input("in", 1)
            .Affine("a", new double[,] { { 1 } }, 0.5)
            .Node("lif", NirTypes.LIF, ("tau", V(1e-3)), ("r", V(2)), ("v_leak", V(0.1)), ("v_threshold", V(1)))
            .Affine("b", new double[,] { { 1 } }, 0.25)
            .Node("cuba", NirTypes.CubaLIF, ("tau_syn", V(2e-4)), ("tau_mem", V(1e-3)), ("r", V(3)), ("v_leak", V(0.2)), ("v_threshold", V(1)), ("w_in", V(4)))
            .Edges("in", "a", "lif").Edges("in", "b", "cuba");
        var network = Import(graph);
        var lif = network.GetPopulation("lif").CubaLif!;
        var cuba = network.GetPopulation("cuba").CubaLif!;

        // LIF: k = r·dt/τ = 0.2; bias = dt·v_leak/τ + k·0.5 = 0.01 + 0.1.
        Assert.Equal(0.11, lif.Bias[0], 15);
        Assert.True(lif.HasNoCurrentBias);
        Assert.Equal(0.2f, network.FindProjection("a")!.Weights[0]);

        // CubaLIF: k = r·w_in·dt²/(τ_syn·τ_mem) = 3·4·1e-8/2e-7 = 0.6; currentBias = 0.6·0.25; bias = dt·v_leak/τ_mem = 0.02.
        Assert.Equal(0.15, cuba.CurrentBias[0], 15);
        Assert.Equal(0.02, cuba.Bias[0], 15);
        Assert.Equal(2, cuba.TauCurrent![0], 12);
        Assert.Equal(10, cuba.TauVoltage![0], 12);
        Assert.Equal(0.6f, network.FindProjection("b")!.Weights[0]);
    }

    [Fact]
    public void An_LI_feeding_an_IF_alone_becomes_its_current()
    {
        var graph = new GraphBuilder().Input("in", 1).Linear("w", new double[,] { { 1 } })
            .Node("syn", NirTypes.LI, ("tau", V(5e-4)), ("r", V(2)), ("v_leak", V(0.3)))
            .Node("if", NirTypes.IF, ("r", V(1000)), ("v_threshold", V(1)))
            .Output("out", 1)
            .Edges("in", "w", "syn", "if", "out");
        var result = NirImporter.Import(graph.Document(), new NirImportOptions { Dt = 1e-4 });
        var neuron = result.Network.GetPopulation("if").CubaLif!;
        Assert.Equal(["in", "if"], result.Network.Populations.Select(p => p.Name));
        Assert.Equal(["LI", "IF"], result.Sources[1].NodeTypes);
        Assert.Equal(5, neuron.TauCurrent![0], 12);
        Assert.Null(neuron.TauVoltage);

        // k = (dt/τ)·r · dt·r_IF = 0.2·2·0.1 = 0.04; currentBias = dt·r_IF · dt·v_leak/τ = 0.1·0.06.
        Assert.Equal(0.04f, result.Network.Projections[0].Weights[0]);
        Assert.Equal(0.006, neuron.CurrentBias[0], 15);
        Assert.Equal("if", result.Network.Readout!.Population);
    }

    [Fact]
    public void A_threshold_node_is_a_neuron_without_memory()
    {
        var network = Import(new GraphBuilder().Input("in", 2).Linear("w", Identity2).Node("t", NirTypes.Threshold, ("threshold", V(0.5, 0.7))).Edges("in", "w", "t"));
        var t = network.GetPopulation("t").CubaLif!;
        Assert.Equal(1, t.TauCurrent![0]);
        Assert.Equal(1, t.TauVoltage![0]);
        Assert.Equal(0.7, t.Threshold[1]);
        Assert.Equal([1f, 0f, 0f, 1f], network.Projections[0].Weights);
    }

    [Fact]
    public void A_non_zero_v_reset_shifts_the_voltage_and_says_so()
    {
        var graph = new GraphBuilder().Input("in", 1).Linear("w", new double[,] { { 1 } })
            .Node("lif", NirTypes.LIF, ("tau", V(1e-3)), ("v_leak", V(-0.5)), ("v_threshold", V(1)), ("v_reset", V(-0.2)))
            .Edges("in", "w", "lif");
        var result = NirImporter.Import(graph.Document(), new NirImportOptions { Dt = 1e-4 });
        var lif = result.Network.GetPopulation("lif").CubaLif!;
        Assert.Equal(1.2, lif.Threshold[0], 15);
        Assert.Equal(1e-4 * (-0.5 + 0.2) / 1e-3, lif.Bias[0], 15);
        Assert.Contains(result.Notes, n => n.Contains("v_reset", StringComparison.Ordinal) && n.Contains("/node/nodes/lif", StringComparison.Ordinal));
    }

    [Fact]
    public void Nested_graphs_flatten_with_dotted_names_and_recurrent_edges_stay_recurrent()
    {
        var inner = new GraphBuilder("/node/nodes/rnn").Input("input", 2).Linear("w_rec", new double[,] { { 0, 1 }, { 1, 0 } }).Output("output", 2);
        Lif(inner, "lif", 2).Edges("input", "lif", "w_rec", "lif").Edge("lif", "output");
        var graph = new GraphBuilder().Input("in", 2).Linear("fc", Identity2).Subgraph("rnn", inner).Output("out", 2).Edges("in", "fc", "rnn", "out");
        var network = Import(graph);
        Assert.Equal(["in", "rnn.lif"], network.Populations.Select(p => p.Name));
        Assert.Equal(["fc", "rnn.w_rec"], network.Projections.Select(p => p.Name));
        Assert.Equal("rnn.lif", network.FindProjection("rnn.w_rec")!.From.Name);
        Assert.Equal("rnn.lif", network.FindProjection("rnn.w_rec")!.To.Name);
        Assert.Equal("rnn.lif", network.Readout!.Population);
    }

    [Fact]
    public void The_step_comes_from_the_option_then_the_file_then_the_NIR_paper_default()
    {
        var graph = Lif(new GraphBuilder().Input("in", 1), "lif", 1, tau: 1e-2).Edges("in", "lif");
        Assert.Equal(100, NirImporter.Import(graph.Document()).Network.GetPopulation("lif").CubaLif!.TauVoltage![0], 12);
        graph.Graph.Metadata[NirImportOptions.DtMetadataKey] = NirMetadataValue.Of(NirArray.Scalar(1e-3));
        var fromFile = NirImporter.Import(graph.Document());
        Assert.Equal(("file metadata", 10.0), (fromFile.DtSource, fromFile.Network.GetPopulation("lif").CubaLif!.TauVoltage![0]));
        var fromOption = NirImporter.Import(graph.Document(), new NirImportOptions { Dt = 5e-3 });
        Assert.Equal(("option", 2.0), (fromOption.DtSource, fromOption.Network.GetPopulation("lif").CubaLif!.TauVoltage![0]));
    }

    [Fact]
    public void Importing_is_independent_of_the_file_names_in_exceptions()
    {
        var error = Assert.Throws<InvalidInputException>(() => NirImporter.Import(new GraphBuilder().Input("in", 1).Edge("in", "nowhere").Document("x.nir")));
        Assert.Equal("x.nir", error.File);
        Assert.Equal("/node/edges[0]", error.Field);
    }
}
