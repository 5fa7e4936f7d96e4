using System.Buffers.Binary;
using System.Text.Json.Nodes;
using Neuromorphic.Core.Networks;
using Neuromorphic.Nir;
using Neuromorphic.Tests.Nir;
using Neuromorphic.Tests.Support;
using Neuromorphic.Tests.Traces;
using Neuromorphic.Traces;
using PureHDF;

namespace Neuromorphic.Tests.Cli;

/// <summary>
/// The bad-input corpus, part 2 (issue 14): files that declare absurd sizes or values, repeat JSON
/// keys, contradict themselves or the network — each is exit 2 naming the file, the field and the
/// bound, found before anything large is allocated.
/// </summary>
public sealed class BadInputCorpusTests
{
    [Fact]
    public void A_nir_file_declaring_a_huge_sparse_weight_is_refused_before_it_is_read()
    {
        using var temp = new TempDirectory();
        foreach (var (rows, columns) in new[] { (100_000UL, 100_000UL), (10UL, 100_000_000UL) })
        {
            // An unallocated, chunked (and compressed) dataset: a file of about a hundred kB that declares 10^9–10^10 weights.
            var path = temp.File($"sparse-{rows}x{columns}.nir");
            var weight = new H5Dataset<float[]>(fileDims: [rows, columns], chunks: [(uint)Math.Min(rows, 1000), (uint)Math.Min(columns, 1000)],
                datasetCreation: new PureHDF.VOL.Native.H5DatasetCreation(Filters: [new PureHDF.Filters.H5Filter(PureHDF.Filters.DeflateFilter.Id,
                    new Dictionary<string, object> { [PureHDF.Filters.DeflateFilter.COMPRESSION_LEVEL] = 1 })]));
            H5Group Lif(int n) => new()
            {
                ["type"] = "LIF", ["tau"] = Enumerable.Repeat(0.01f, n).ToArray(), ["r"] = Enumerable.Repeat(1f, n).ToArray(),
                ["v_leak"] = new float[n], ["v_threshold"] = Enumerable.Repeat(1f, n).ToArray(), ["v_reset"] = new float[n],
            };
            var file = new H5File
            {
                ["version"] = "0.2.0",
                ["node"] = new H5Group
                {
                    ["type"] = "NIRGraph",
                    ["nodes"] = new H5Group
                    {
                        ["input"] = new H5Group { ["type"] = "Input", ["shape"] = new long[] { 38 } },
                        ["fc"] = new H5Group { ["type"] = "Linear", ["weight"] = weight },
                        ["lif"] = Lif(10),
                        ["output"] = new H5Group { ["type"] = "Output", ["shape"] = new long[] { 10 } },
                    },
                    ["edges"] = new string[,] { { "input", "fc" }, { "fc", "lif" }, { "lif", "output" } },
                },
            };
            using (file.BeginWrite(path))
            {
            }

            Assert.True(new FileInfo(path).Length < 4_000_000, $"{new FileInfo(path).Length} bytes");
            var result = CliRunner.Run("import", "nir", path, "--out", temp.File("s.json"));
            CliRunner.AssertBadInput(result, Path.GetFileName(path), "/node/nodes/fc/weight", $"{rows}, {columns}", "38 × 38");
            Assert.False(File.Exists(temp.File("s.json")));
        }
    }

    [Fact]
    public void A_nir_graph_without_edges_is_refused()
    {
        using var temp = new TempDirectory();
        var path = new NirTestSupport.GraphBuilder()
            .Input("input", 4)
            .Node("lif", NirTypes.LIF, ("tau", NirTestSupport.V(0.01, 0.01, 0.01, 0.01)), ("r", NirTestSupport.V(1, 1, 1, 1)),
                ("v_leak", NirTestSupport.V(0, 0, 0, 0)), ("v_threshold", NirTestSupport.V(1, 1, 1, 1)), ("v_reset", NirTestSupport.V(0, 0, 0, 0)))
            .Output("output", 4)
            .Write(temp, "noedges.nir");
        CliRunner.AssertBadInput(CliRunner.Run("import", "nir", path, "--out", temp.File("n.json")), "noedges.nir", "/node/edges", "no edges");
        CliRunner.AssertBadInput(CliRunner.Run("map", "--model", path, "--chip", "loihi1", "--out", temp.File("m.json")), "/node/edges");
        Assert.False(File.Exists(temp.File("n.json")));
    }

    [Theory]
    [InlineData("core.synapticOp", "energyPj", "1e300", "$.core.synapticOp.energyPj", "1000000 pJ")]
    [InlineData("core.spikeOut", "latencyNs", "1e300", "$.core.spikeOut.latencyNs", "1000000 ns")]
    [InlineData("noc.hop.east", "energyPj", "9.3e15", "$.noc.hop.east.energyPj", "1000000 pJ")]
    [InlineData("", "staticPowerMw", "1e300", "$.staticPowerMw", "10000000 mW")]
    [InlineData("timing", "asyncStepPeriodNs", "1e12", "$.timing.asyncStepPeriodNs", "1000000 ns")]
    public void Chip_values_that_would_overflow_the_integer_accounting_are_refused(string parent, string key, string value, string path, string bound)
    {
        using var temp = new TempDirectory();
        var overlay = new JsonObject { ["extends"] = "loihi1" };
        var target = overlay;
        foreach (var part in parent.Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            var child = new JsonObject();
            target[part] = child;
            target = child;
        }

        target[key] = JsonNode.Parse(value);
        if (parent is "core.synapticOp" or "core.spikeOut" or "noc.hop.east")
        {
            target[key == "energyPj" ? "latencyNs" : "energyPj"] = 1;
        }

        File.WriteAllText(temp.File("huge.json"), overlay.ToJsonString());
        CliRunner.AssertBadInput(CliRunner.Run("chip", "validate", temp.File("huge.json")), "huge.json", path, bound);
        var model = OutputGuardCommandTests.TestNetworkFile(temp);
        CliRunner.AssertBadInput(CliRunner.Run("run", "--model", model, "--chip", temp.File("huge.json"), "--input", temp.File("in.csv"), "--steps", "12"), path);
    }

    [Fact]
    public void Steps_and_samples_are_bounded()
    {
        using var temp = new TempDirectory();
        var model = OutputGuardCommandTests.TestNetworkFile(temp);
        CliRunner.AssertBadInput(CliRunner.Run("run", "--model", model, "--chip", "tiny", "--input", temp.File("in.csv"), "--steps", "2000000000"),
            "--steps", "2000000000", "at most 100,000,000");
        CliRunner.AssertBadInput(CliRunner.Run("run", "--model", model, "--chip", "tiny", "--dataset", "embedded", "--samples", "0"), "--samples", "≥ 1");
    }

    [Fact]
    public void A_repeated_key_is_bad_input_with_its_json_path_in_every_json_format()
    {
        using var temp = new TempDirectory();
        var network = File.ReadAllText(RepoPaths.Path("traces", "golden", "three-neurons.json"));
        File.WriteAllText(temp.File("net.json"), network.Replace("\"threshold\": 1,", "\"threshold\": 1, \"threshold\": 2,", StringComparison.Ordinal));
        CliRunner.AssertBadInput(CliRunner.Run("map", "--model", temp.File("net.json"), "--chip", "tiny", "--out", temp.File("o.json")),
            "net.json", "$.populations[1].params.threshold", "a second time");

        File.WriteAllText(temp.File("chip.json"), """{ "extends": "tiny", "core": { "messageIn": { "energyPj": 1, "latencyNs": 1, "energyPj": 2 } } }""");
        CliRunner.AssertBadInput(CliRunner.Run("chip", "validate", temp.File("chip.json")), "chip.json", "$.core.messageIn.energyPj");

        File.WriteAllText(temp.File("three.json"), network);
        Assert.Equal(0, CliRunner.Run("map", "--model", temp.File("three.json"), "--chip", "tiny", "--out", temp.File("map.json"), "-q").ExitCode);
        var mapping = File.ReadAllText(temp.File("map.json"));
        File.WriteAllText(temp.File("map2.json"), mapping.Replace("\"slot\": 0,", "\"slot\": 0, \"slot\": 1,", StringComparison.Ordinal));
        File.WriteAllText(temp.File("in.csv"), "1,0\n");
        CliRunner.AssertBadInput(CliRunner.Run("run", "--model", temp.File("three.json"), "--chip", "tiny", "--mapping", temp.File("map2.json"), "--input", temp.File("in.csv")),
            "map2.json", "$.cores[0].slot");

        // A trace header's metadata (JSON inside the binary header, checksummed: a crafted file).
        var header = TestTraces.Header(TraceLevel.Summary) with { MetadataJson = """{ "steps": 10, "model": "a", "steps": 20 }""" };
        using (var writer = TraceWriter.Create(temp.File("dup.trace"), header))
        {
            writer.Complete();
        }

        CliRunner.AssertBadInput(CliRunner.Run("trace", "info", temp.File("dup.trace")), "dup.trace", "header", "steps", "twice", "$.steps");

        // NIR: our exports' training metadata is JSON too.
        var graph = new NirTestSupport.GraphBuilder().Input("input", 2).Linear("fc", new double[,] { { 1, 1 } })
            .Node("lif", NirTypes.LIF, ("tau", NirTestSupport.V(0.01)), ("r", NirTestSupport.V(1)), ("v_leak", NirTestSupport.V(0)), ("v_threshold", NirTestSupport.V(1)), ("v_reset", NirTestSupport.V(0)))
            .Output("output", 1).Edges("input", "fc", "lif", "output");
        graph.Graph.Metadata[NirExporter.TrainingMetadataKey] = NirMetadataValue.Of("""{ "seed": 1, "seed": 2 }""");
        var nir = graph.Write(temp, "dup.nir");
        CliRunner.AssertBadInput(CliRunner.Run("import", "nir", nir, "--out", temp.File("n.json")), "dup.nir", NirExporter.TrainingMetadataKey, "seed", "twice");
    }

    [Fact]
    public void Sizes_a_file_declares_are_checked_before_anything_is_allocated()
    {
        using var temp = new TempDirectory();

        // A sidecar of 100000 × 100000 weights: a sparse 40 GB file of the right length.
        File.WriteAllText(temp.File("sc.json"), """
            { "schema": "neuromorphic.network/1",
              "populations": [ { "name": "in", "size": 100000, "model": "input" }, { "name": "lif", "size": 100000, "model": "cuba-lif", "params": { "threshold": 1 } } ],
              "projections": [ { "from": "in", "to": "lif", "weights": { "file": "sc.0.f32", "shape": [100000, 100000] } } ] }
            """);
        using (var sparse = File.Create(temp.File("sc.0.f32")))
        {
            sparse.SetLength(100_000L * 100_000 * sizeof(float));
        }

        CliRunner.AssertBadInput(CliRunner.Run("map", "--model", temp.File("sc.json"), "--chip", "loihi1", "--out", temp.File("o.json")),
            "sc.json", "$.projections[0].weights", "10,000,000,000 weights", "2,147,483,591");

        // A population of 10^9 neurons: the estimate exceeds any test machine's memory (256 GB).
        File.WriteAllText(temp.File("big.json"), """
            { "schema": "neuromorphic.network/1",
              "populations": [ { "name": "in", "size": 10, "model": "input" }, { "name": "lif", "size": 1000000000, "model": "cuba-lif", "params": { "threshold": 1 } } ] }
            """);
        CliRunner.AssertBadInput(CliRunner.Run("map", "--model", temp.File("big.json"), "--chip", "loihi1", "--out", temp.File("o.json")), "big.json", "1,000,000,010 neurons", "memory");

        // Layers whose weights cannot be one array.
        CliRunner.AssertBadInput(CliRunner.Run("train", "--dataset", "embedded", "--layers", "784,10000000,10", "--epochs", "1", "--out", temp.File("t.json")),
            "--layers", "784 × 10,000,000");

        // An IDX header that declares a million images in a file of a hundred bytes.
        var idx = Directory.CreateDirectory(temp.File("idx")).FullName;
        foreach (var (name, magic, dims) in new[] { ("train-images-idx3-ubyte", 0x803u, new[] { 1_000_000, 28, 28 }), ("train-labels-idx1-ubyte", 0x801u, new[] { 1_000_000 }),
                     ("t10k-images-idx3-ubyte", 0x803u, new[] { 1_000_000, 28, 28 }), ("t10k-labels-idx1-ubyte", 0x801u, new[] { 1_000_000 }) })
        {
            var bytes = new byte[4 + 4 * dims.Length + 100];
            BinaryPrimitives.WriteUInt32BigEndian(bytes, magic);
            for (var d = 0; d < dims.Length; d++)
            {
                BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + 4 * d), dims[d]);
            }

            File.WriteAllBytes(Path.Combine(idx, name), bytes);
        }

        CliRunner.AssertBadInput(CliRunner.Run("data", "info", "--dataset", idx), "idx3-ubyte", "1000000×28×28", "784,000,000 bytes", "holds 100");
        Assert.False(File.Exists(temp.File("o.json")));
    }

    [Fact]
    public void A_bias_or_weight_the_chip_cannot_hold_names_the_model_file_and_field()
    {
        using var temp = new TempDirectory();
        var network = JsonNode.Parse(File.ReadAllText(RepoPaths.Path("traces", "golden", "three-neurons.json")))!;
        network["populations"]![1]!["params"]!["bias"] = 1e30;
        File.WriteAllText(temp.File("bias.json"), network.ToJsonString());
        CliRunner.AssertBadInput(CliRunner.Run("map", "--model", temp.File("bias.json"), "--chip", "tiny", "--out", temp.File("o.json")),
            "bias.json", "$.populations[1].params.bias", "1E+30", "|bias| ≤", "biasExponentMax 7");

        network = JsonNode.Parse(File.ReadAllText(RepoPaths.Path("traces", "golden", "three-neurons.json")))!;
        network["projections"]![0]!["weights"]![0]![1] = 1e30;
        File.WriteAllText(temp.File("weight.json"), network.ToJsonString());
        CliRunner.AssertBadInput(CliRunner.Run("map", "--model", temp.File("weight.json"), "--chip", "tiny", "--out", temp.File("o.json")),
            "weight.json", "$.projections[0].weights[0][1]", "|weight| ≤", "weightExponentMax 7");
    }

    [Fact]
    public void A_mapping_file_that_contradicts_itself_or_the_network_is_bad_input()
    {
        using var temp = new TempDirectory();
        var model = temp.File("m.json");
        NetworkFile.Save(TestNetworks.EpLayered([784, 16, 10]), model);
        Assert.Equal(0, CliRunner.Run("map", "--model", model, "--chip", "loihi1", "--out", temp.File("map.json"), "-q").ExitCode);
        var mapping = JsonNode.Parse(File.ReadAllText(temp.File("map.json")))!.AsObject();
        string[] run = ["run", "--model", model, "--chip", "loihi1", "--dataset", "embedded", "--samples", "1", "--mapping"];

        void Case(string name, Action<JsonObject> edit, params string[] expected)
        {
            var copy = mapping.DeepClone().AsObject();
            edit(copy);
            File.WriteAllText(temp.File(name), copy.ToJsonString());
            CliRunner.AssertBadInput(CliRunner.Run([.. run, temp.File(name)]), [name, .. expected]);
        }

        Case("dup-group.json", m =>
        {
            var first = m["synapseGroups"]![0]!.DeepClone();
            first["weightExponent"] = first["weightExponent"]!.GetValue<int>() - 1;
            m["synapseGroups"]!.AsArray().Add(first);
        }, "$.synapseGroups[3]", "second synapse group", "$.synapseGroups[0]", "another exponent");
        Case("same-group.json", m => m["synapseGroups"]!.AsArray().Add(m["synapseGroups"]![1]!.DeepClone()), "$.synapseGroups[3]", "$.synapseGroups[1] already gives it");
        Case("ghost-scale.json", m => m["scaleLog2"]!["ghost"] = 3, "$.scaleLog2.ghost", "a population of network");
        Case("ghost-slice.json", m => m["cores"]![0]!["slices"]![0]!["population"] = "ghost", "$.cores[0].slices[0].population");
        Case("ghost-projection.json", m => m["synapseGroups"]![0]!["projection"] = "ghost", "$.synapseGroups[0].projection");
    }

    [Fact]
    public void An_extends_chain_outside_the_chip_folder_names_the_file_holding_the_bad_value()
    {
        using var temp = new TempDirectory();
        Directory.CreateDirectory(temp.File("chips"));
        Directory.CreateDirectory(temp.File("other"));
        File.WriteAllText(temp.File("other/b.json"), """{ "extends": "loihi1", "staticPowerMw": -5 }""");
        File.WriteAllText(temp.File("chips/a.json"), """{ "extends": "../other/b.json", "name": "a" }""");
        CliRunner.AssertBadInput(CliRunner.Run("chip", "validate", temp.File("chips/a.json")), "other/b.json", "reached through", "extends", "chips/a.json", "$.staticPowerMw", "-5");

        File.WriteAllText(temp.File("other/b.json"), """{ "extends": "loihi1", "staticPowerMw": 5 }""");
        var show = CliRunner.Run("chip", "show", temp.File("chips/a.json"));
        Assert.True(show.ExitCode == 0, show.ToString());
        Assert.Contains("other/b.json", show.Stdout, StringComparison.Ordinal);
    }
}
