using System.Globalization;
using Neuromorphic.Chip;
using Neuromorphic.Core.Networks;
using Neuromorphic.SanaFe;
using Neuromorphic.Tests.Support;

namespace Neuromorphic.Tests.SanaFe;

public class SanaFeImportTests
{
    /// <summary>
    /// The round trip of the issue: a SANA-FE architecture and network we wrote import, map and run,
    /// and every step's energy and duration equal SANA-FE's accounting, worked out by hand below (SANA-FE
    /// itself, run on the same two files with <c>-t simple</c> and <c>-t detailed</c>, printed the same perf.csv:
    /// counters, sim_time and energies).
    /// </summary>
    [Fact]
    public void Architecture_and_network_import_map_and_run_with_the_energy_and_latency_of_SANA_FE()
    {
        // fired, updated (firing inputs count in both, as in SANA-FE), packets, hops, synaptic ops.
        (int, int, int, int, int)[] counters = [(1, 1, 1, 1, 2), (3, 3, 3, 3, 4), (3, 3, 2, 2, 2), (1, 1, 0, 0, 0), (0, 0, 0, 0, 0)];
        // Per step (pJ): every LIF neuron (hid.0, hid.1, out.0) pays access 3; in.0 (step 1) and in.1 (step 2)
        // each send one message east: out 10 + hop 2 (destination tile's east hop) + in 1 + 2 synapses × (5 + 0.5 dendrite).
        // Step 2: hid.0 and hid.1 fire (update 2 + spike 7 each) and send one message west each: 10 + 1.5 + 1 + 5.5.
        // Step 3: out fires (2 + 7); hid fires again from in.1 (as in step 2). Step 4: out fires. Step 5: access only.
        double[] energyPj =
        [
            9 + (10 + 2 + 1 + 11),
            9 + 2 * (2 + 7) + (10 + 2 + 1 + 11) + 2 * (10 + 1.5 + 1 + 5.5),
            9 + (2 + 7) + 2 * (2 + 7) + 2 * (10 + 1.5 + 1 + 5.5),
            9 + (2 + 7),
            9,
        ];
        // Simple timing (ns): max over cores of generation (neuron latencies + 6 per message sent) and processing
        // (2 per message in + 5 per synapse), plus the sync table's entry for 2 tiles in use, 200.
        double[] durationNs =
        [
            Math.Max(Math.Max(1 + 6, 2), 2 + 2 * 5) + 200, // core 0: out access 1 + in.0's message 6; core 1: hid access 2; processing on core 1: 2 + 2·5
            Math.Max(2 * (1 + 2 + 3 + 6), 2 * (2 + 5)) + 200, // core 1 generates 24; core 0 processes two 1-synapse messages: 14
            Math.Max(2 * (1 + 2 + 3 + 6), 2 * (2 + 5)) + 200,
            Math.Max(1 + 2 + 3, 2) + 200, // core 0: out fires; core 1: two idle accesses
            Math.Max(1, 2) + 200,
        ];
        Assert.Equal([212, 224, 224, 206, 202], durationNs);
        Assert.Equal(219, energyPj.Sum());
        var spikes = RunAndCheck(SanaFeFixtures.ChainSnn, "simple", energyPj, durationNs, counters);
        Assert.Equal(["in.0", "in.1", "hid.0", "hid.1", "out.0", "hid.0", "hid.1", "out.0"], spikes); // step order; in a step inputs first, then by core (out on core 0)

        // Detailed timing (ns): messages leave their core when generated (neuron work so far + 6 out), travel their hops
        // (east 3, west 2), and are processed at the destination (2 in + 5 per synapse) once it is free; the step ends
        // when the last core is done, plus the sync entry for 2 tiles.
        double[] detailedNs =
        [
            6 + 3 + (2 + 2 * 5) + 200, // in.0 → core 1: sent 6, arrives 9, processed by 21
            2 * (1 + 2 + 3 + 6) + 2 + (2 + 5) + 200, // hid.1 sent at 24 (after hid.0's 12), arrives 26, processed by 33
            2 * (1 + 2 + 3 + 6) + 2 + (2 + 5) + 200,
            (1 + 2 + 3) + 200, // core 0: out fires; core 1: two idle accesses (2)
            Math.Max(1, 2) + 200,
        ];
        Assert.Equal([221, 233, 233, 206, 202], detailedNs);
        Assert.Equal(spikes, RunAndCheck(SanaFeFixtures.ChainSnn, "detailed", energyPj, detailedNs, counters));
    }

    /// <summary>
    /// The same chain with a sparse edge (in.0 → hid.0 and in.1 → hid.1 only): only the connections are
    /// synapses, as in SANA-FE, so each input message carries one synaptic op. hid.0 fires at step 2, hid.1 at
    /// 3, out (v holds, no leak) at 4. SANA-FE printed 1.47e-10 J and 1.041e-06 s.
    /// </summary>
    [Fact]
    public void A_sparse_edge_counts_only_its_connections_as_SANA_FE_does()
    {
        var snn = SanaFeFixtures.ChainSnn.Replace("type: dense\n        weight: [1, 1, 1, 1]",
            "type: sparse\n        source_target_pairs: [[0, 0], [1, 1]]\n        weight: [1, 1]", StringComparison.Ordinal);
        Assert.Contains("sparse", snn, StringComparison.Ordinal);
        const double inMessage = 10 + 2 + 1 + 5.5; // out, hop east, in, one synapse
        const double hidMessage = 10 + 1.5 + 1 + 5.5;
        double[] energyPj = [9 + inMessage, 9 + (2 + 7) + hidMessage + inMessage, 9 + (2 + 7) + hidMessage + 2, 9 + (2 + 7), 9];
        double[] durationNs =
        [
            Math.Max(1 + 6, 2 + 5) + 200,
            Math.Max(1 + 2 + 3 + 6 + 1, 2 + 5) + 200, // core 1: hid.0 fires and sends, hid.1 idle
            Math.Max(1 + (1 + 2 + 3 + 6), 2 + 5) + 200,
            Math.Max(1 + 2 + 3, 2) + 200,
            Math.Max(1, 2) + 200,
        ];
        Assert.Equal(147, energyPj.Sum());
        Assert.Equal(1041, durationNs.Sum());
        (int, int, int, int, int)[] counters = [(1, 1, 1, 1, 1), (2, 2, 2, 2, 2), (1, 2, 1, 1, 1), (1, 1, 0, 0, 0), (0, 0, 0, 0, 0)]; // step 3: out updated, not fired
        var spikes = RunAndCheck(snn, "simple", energyPj, durationNs, counters);
        Assert.Equal(["in.0", "in.1", "hid.0", "hid.1", "out.0"], spikes);
        // Detailed (SANA-FE: 1.067e-06 s): step 2 hid.0 sends at 12, arrives 14, processed by 21; step 3 hid.1 (after hid.0's idle access) at 13 → 22.
        double[] detailedNs = [6 + 3 + (2 + 5) + 200, (1 + 2 + 3 + 6) + 2 + (2 + 5) + 200, 1 + (1 + 2 + 3 + 6) + 2 + (2 + 5) + 200, (1 + 2 + 3) + 200, Math.Max(1, 2) + 200];
        Assert.Equal(1067, detailedNs.Sum());
        RunAndCheck(snn, "detailed", energyPj, detailedNs, counters);
        var network = SanaFeNetworkImporter.ImportText(snn, "snn.yaml", SanaFeFixtures.MiniArch, "arch.yaml").Network;
        Assert.Equal(2, network.FindProjection("in->hid")!.SynapseCount);
    }

    [Fact]
    public void Importing_over_the_snn_file_itself_is_refused_and_leaves_it_whole()
    {
        using var directory = new TempDirectory();
        var (arch, snn) = SanaFeFixtures.Write(directory);
        var before = File.ReadAllBytes(snn);
        CliRunner.AssertBadInput(CliRunner.Run("import", "sana-fe", snn, "--arch", arch, "--out", snn), "--out");
        Assert.Equal(before, File.ReadAllBytes(snn));
    }

    /// <summary>Imports, runs and checks every step's counters, energy and duration; returns the spikes.csv neuron names, in order.</summary>
    private static List<string> RunAndCheck(string snnText, string timing, double[] energyPj, double[] durationNs, (int, int, int, int, int)[] counters)
    {
        using var directory = new TempDirectory();
        var (arch, snn) = SanaFeFixtures.Write(directory, snn: snnText);
        var chipResult = CliRunner.Run("chip", "import", "sana-fe", arch, "--out", directory.File("chip.json"));
        Assert.True(chipResult.ExitCode == 0, chipResult.ToString());
        var netResult = CliRunner.Run("import", "sana-fe", snn, "--arch", arch, "--out", directory.File("net.json"));
        Assert.True(netResult.ExitCode == 0, netResult.ToString());
        Assert.Equal("step,index\n1,0\n2,1\n", File.ReadAllText(directory.File("net.input.csv")));

        var run = CliRunner.Run("run", "--model", directory.File("net.json"), "--chip", directory.File("chip.json"), "--input", directory.File("net.input.csv"),
            "--steps", "5", "--timing", timing, "--trace", directory.File("run.trace"), "--trace-level", "messages", "--threads", "1");
        Assert.True(run.ExitCode == 0, run.ToString());
        var export = CliRunner.Run("trace", "export", directory.File("run.trace"), "--out", directory.File("csv"));
        Assert.True(export.ExitCode == 0, export.ToString());
        var perf = Csv(directory.File("csv/perf.csv")).OrderBy(r => long.Parse(r["step"], CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(energyPj.Length, perf.Count);
        for (var i = 0; i < energyPj.Length; i++)
        {
            var fj = long.Parse(perf[i]["synapse_fj"], CultureInfo.InvariantCulture) + long.Parse(perf[i]["neuron_fj"], CultureInfo.InvariantCulture)
                + long.Parse(perf[i]["network_fj"], CultureInfo.InvariantCulture);
            Assert.Equal((long)Math.Round(energyPj[i] * 1000), fj);
            var ps = long.Parse(perf[i]["step_end_ps"], CultureInfo.InvariantCulture) - long.Parse(perf[i]["step_start_ps"], CultureInfo.InvariantCulture);
            Assert.True((long)(durationNs[i] * 1000) == ps, $"{timing} step {i + 1}: {ps} ps, expected {durationNs[i]} ns");
            long Count(string column) => long.Parse(perf[i][column], CultureInfo.InvariantCulture);
            Assert.Equal(counters[i], ((int)Count("fired"), (int)Count("updated"), (int)Count("packets"), (int)Count("hops"), (int)Count("spikes")));
        }

        return Csv(directory.File("csv/spikes.csv")).Select(r => r["neuron"]).ToList();
    }

    [Fact]
    public void A_network_driven_by_biases_alone_runs_with_SANA_FE_energy_and_latency()
    {
        using var directory = new TempDirectory();
        var (arch, snn) = SanaFeFixtures.Write(directory, snn: """
            network:
              groups:
                - name: n
                  attributes: {threshold: 1.0, bias: 0.26}
                  neurons:
                    - 0
              edges: []
            mappings:
              - n: {core: 0.0}
            """);
        Assert.Equal(0, CliRunner.Run("chip", "import", "sana-fe", arch, "--out", directory.File("chip.json")).ExitCode);
        var import = CliRunner.Run("import", "sana-fe", snn, "--arch", arch, "--out", directory.File("net.json"));
        Assert.True(import.ExitCode == 0, import.ToString());
        Assert.False(File.Exists(directory.File("net.input.csv")));
        File.WriteAllText(directory.File("none.csv"), "step,index\n");
        var run = CliRunner.Run("run", "--model", directory.File("net.json"), "--chip", directory.File("chip.json"), "--input", directory.File("none.csv"),
            "--steps", "8", "--timing", "simple", "--json");
        Assert.True(run.ExitCode == 0, run.ToString());
        var report = System.Text.Json.Nodes.JsonNode.Parse(run.Stdout)!;
        Assert.Equal(8 * (3 + 2) + 2 * 7, report["energyPerInference"]!["dynamicUj"]!.GetValue<double>() * 1e6, 9);
        Assert.Equal((6 * (1 + 2 + 100) + 2 * (1 + 2 + 3 + 100)) / 1000.0, report["latencyPerInference"]!["meanUs"]!.GetValue<double>(), 9);
        Assert.Equal(2, report["perInference"]!["spikes"]!.GetValue<int>());
        CliRunner.AssertBadInput(CliRunner.Run("run", "--model", directory.File("net.json"), "--chip", directory.File("chip.json"), "--samples", "1"),
            "no input population");
    }

    [Fact]
    public void Network_import_reads_groups_attributes_edges_mapping_and_spike_lists()
    {
        var import = SanaFeNetworkImporter.ImportText(SanaFeFixtures.ChainSnn, "snn.yaml", SanaFeFixtures.MiniArch, "arch.yaml");
        var network = import.Network;
        Assert.Equal(["in", "hid", "out"], network.Populations.Select(p => p.Name));
        Assert.Equal(NeuronModel.Input, network.Populations[0].Model);
        var hid = network.GetPopulation("hid").CubaLif!;
        Assert.Equal(0.5, hid.Threshold[0]);
        Assert.Equal(1, hid.TauCurrent![0]); // input_decay 0: u holds only this step's input
        Assert.Null(hid.TauVoltage); // leak_decay 1: no leak
        Assert.Equal(ResetMode.Zero, hid.Reset);
        Assert.Equal(new PlacementPin(1, 0, 0, 0, null), network.GetPopulation("hid").Placement.Single()); // tile 1 → x 1 (x = id / height)
        Assert.Equal(new PlacementPin(0, 0, 0, 0, null), network.GetPopulation("in").Placement.Single());
        Assert.Equal([1f, 1f, 1f, 1f], network.FindProjection("in->hid")!.Weights);
        Assert.Equal("out", network.Readout!.Population);
        Assert.Equal([(1, 0), (2, 1)], import.InputEvents);
        Assert.Equal(3, import.InputSteps);
        var hardware = network.Training!["importedFrom"]!["hardware"]!;
        Assert.Equal("gen[0]", hardware["in"]!["soma"]![0]!.GetValue<string>());
        Assert.Equal("lif", hardware["hid"]!["soma"]![0]!.GetValue<string>());
    }

    [Fact]
    public void Attributes_map_onto_our_neuron_parameters()
    {
        const string snn = """
            network:
              groups:
                - name: src
                  neurons:
                    - 0..3: {spikes: [0, 1]}
                - name: a
                  attributes: [threshold: 2, reset_mode: soft, reverse_reset_mode: saturate]
                  neurons:
                    - 0: {leak_decay: 0.75, input_decay: 0.5, bias: 0.25}
                    - 1: {soma: {threshold: 3}, leak_decay: 0.75, input_decay: 0.5, refractory_delay: 1}
                    - 2: [leak_decay: 0.75, input_decay: 0.5, reverse_threshold: -1]
                - name: b
                  attributes: {threshold: 1, refractory_delay: 3}
                  neurons:
                    - 0..3
              edges:
                - src.0 -> a.1: {weight: 2}
                - src.0 -> a.1: {weight: 0.5}
                - src -> b:
                    type: sparse
                    source_target_pairs: [[0, 3], [3, 0]]
                    weight: [4, -4]
                - src -> b:
                    type: conv2d
                    input_width: 2
                    input_height: 2
                    input_channels: 1
                    kernel_width: 2
                    kernel_height: 1
                    kernel_count: 2
                    weight: [1, 2, 3, 4]
            mappings:
              - src: {core: 0.0, soma: "gen[0]"}
              - a.0..1: {core: 0.0}
              - a.2: {core: 1.0}
              - b: {core: 1.0}
            """;
        var import = SanaFeNetworkImporter.ImportText(snn, "net.yaml", SanaFeFixtures.MiniArch, "arch.yaml");
        var a = import.Network.GetPopulation("a");
        var p = a.CubaLif!;
        Assert.Equal([2, 3, 2], p.Threshold.Values.ToArray());
        Assert.Equal(4, p.TauVoltage![0]); // v·0.75 = v·(1 − 1/4)
        Assert.Equal(2, p.TauCurrent![0]); // u·0.5
        Assert.Equal([0.25, 0, 0], p.Bias.Values.ToArray());
        Assert.Equal(ResetMode.Subtract, p.Reset);
        Assert.Equal(0, p.Refractory[1]); // SANA-FE's refractory_delay 1 silences no step
        Assert.Equal(3 - 1, import.Network.GetPopulation("b").CubaLif!.Refractory[0]);
        Assert.Equal([new PlacementPin(0, 0, 0, 0, 2), new PlacementPin(1, 0, 0, 2, 1)], a.Placement);
        Assert.Equal([0, 0, -1], p.VoltageMin!.Values.ToArray()); // reverse_threshold (default 0) as a clamp
        Assert.Equal(2.5f, import.Network.FindProjection("src->a")!.Weight(1, 0)); // two connections add
        // sparse: src.0 → b.3 (4), src.3 → b.0 (−4). conv2d: 2×2 input, 2×1 kernels, 2 of them; output 1 × 2 per
        // kernel, target k·2 + y; source y·2 + x + kx; filter index kx·2 + k, so kernel 0 is [1, 3] and kernel 1 [2, 4] over kx.
        var b = import.Network.FindProjection("src->b")!;
        float W(int post, int pre) => b.Weight(post, pre);
        Assert.Equal(4f, W(3, 0)); // sparse only
        Assert.Equal(-4f, W(0, 3)); // sparse only
        Assert.Equal((1f, 3f, 1f, 3f), (W(0, 0), W(0, 1), W(1, 2), W(1, 3))); // kernel 0 at y = 0 and y = 1
        Assert.Equal((2f, 4f, 2f, 4f), (W(2, 0), W(2, 1), W(3, 2), W(3, 3))); // kernel 1
        Assert.Contains(import.Notes, n => n.Contains("connects some pairs more than once", StringComparison.Ordinal));
        Assert.Equal([(2, 0), (2, 1), (2, 2), (2, 3)], import.InputEvents); // the range shares one spike list: each fires at step 2
    }

    [Fact]
    public void Every_shipped_chip_exported_to_SANA_FE_yaml_imports_back_to_the_same_hash()
    {
        foreach (var name in ChipLoader.BuiltinNames)
        {
            var chip = ChipLoader.Load(name);
            var export = SanaFeChipExporter.Export(chip);
            Assert.Contains("architecture:", export.Yaml, StringComparison.Ordinal);
            var back = SanaFeChipImporter.ImportText(export.Yaml, $"{name}.yaml");
            Assert.True(chip.ContentHash == back.Chip.ContentHash, $"{name}: {chip.ResolvedJson}\n---\n{back.Json}");
            Assert.Empty(back.Notes);
        }
    }

    /// <summary>The same round trip through the commands a user types, for every shipped chip: export, import, and the hash both print.</summary>
    [Fact]
    public void Chip_export_and_import_commands_round_trip_every_shipped_chip_to_its_hash()
    {
        using var directory = new TempDirectory();
        foreach (var name in ChipLoader.BuiltinNames)
        {
            var yaml = directory.File($"{name}.yaml");
            var export = CliRunner.Run("chip", "export", "sana-fe", name, "--out", yaml, "--json");
            Assert.True(export.ExitCode == 0, export.ToString());
            var import = CliRunner.Run("chip", "import", "sana-fe", yaml, "--out", directory.File($"{name}.json"), "--json");
            Assert.True(import.ExitCode == 0, import.ToString());
            var exported = System.Text.Json.Nodes.JsonNode.Parse(export.Stdout)!["contentHash"]!.GetValue<string>();
            var imported = System.Text.Json.Nodes.JsonNode.Parse(import.Stdout)!["contentHash"]!.GetValue<string>();
            Assert.Equal(ChipLoader.Load(name).ContentHash, exported);
            Assert.True(exported == imported, $"{name}: exported {exported}, re-imported {imported}");
            Assert.Equal(imported, ChipLoader.Load(directory.File($"{name}.json")).ContentHash);
        }
    }

    [Fact]
    public void Export_warns_exactly_where_SANA_FE_will_not_do_as_we_do()
    {
        var calibrated = SanaFeChipExporter.Export(ChipLoader.Load("loihi1-calibrated")).Warnings;
        Assert.Equal(["staticPowerMw", "core.kernel"], calibrated.Select(w => w.Split(':')[0]));
        var mismatch = SanaFeChipExporter.Export(ChipLoader.Load("analog-mismatch")).Warnings.Select(w => w.Split(':')[0]).ToList();
        Assert.Contains("sync.interpolate", mismatch);
        Assert.Contains("staticPowerMw", mismatch);
        Assert.Contains("variability", mismatch);
    }

    [Fact]
    public void Architecture_import_takes_SANA_FE_units_and_conversions_exactly()
    {
        var import = SanaFeChipImporter.ImportText(SanaFeFixtures.MiniArch, "arch.yaml");
        var chip = import.Chip;
        Assert.Equal((2, 1, 1, 4), (chip.Mesh.Width, chip.Mesh.Height, chip.Mesh.CoresPerTile, chip.Mesh.LinkBufferMessages));
        Assert.Equal(new EventCost(5.5, 5), chip.Core.SynapticOp); // synapse 5 pJ / 4 ns + dendrite 0.5 pJ / 1 ns per synaptic event
        Assert.Equal(new EventCost(3, 1), chip.Core.NeuronAccess);
        Assert.Equal(new EventCost(1.5, 2), chip.Noc.HopWest);
        Assert.Equal([(1, 100.0), (2, 200.0)], chip.Sync.BarrierLatency);
        Assert.False(chip.Sync.Interpolate);
        Assert.Equal(4, chip.Core.Limits.Neurons);
        Assert.Equal(NeuronKernel.Float, chip.Core.Kernel);
        Assert.Equal(0, chip.StaticPowerMw);
        Assert.Equal(StaticPowerBasis.None, chip.StaticPowerBasis);

        // A second soma unit with other costs is dropped with a note naming it; --soma picks it instead.
        var twoSomas = SanaFeFixtures.MiniArch.Replace("            - name: gen[0..3]", """
                        - name: fast
                          attributes: {model: leaky_integrate_fire, energy_access_neuron: 1.0e-12, latency_access_neuron: 0.5e-9, energy_update_neuron: 1.0e-12, latency_update_neuron: 0.5e-9, energy_spike_out: 1.0e-12, latency_spike_out: 0.5e-9}
                        - name: gen[0..3]
            """.TrimEnd(), StringComparison.Ordinal);
        var first = SanaFeChipImporter.ImportText(twoSomas, "arch.yaml");
        Assert.Contains(first.Notes, n => n.Contains("soma[1] (fast", StringComparison.Ordinal));
        var fast = SanaFeChipImporter.ImportText(twoSomas, "arch.yaml", new SanaFeChipOptions { Soma = "fast" });
        Assert.Equal(new EventCost(1, 0.5), fast.Chip.Core.NeuronAccess);
    }

    [Fact]
    public void A_fixed_sync_and_a_partial_last_column_import()
    {
        var arch = SanaFeFixtures.MiniArch.Replace("width: 2, height: 1", "width: 5, height: 1", StringComparison.Ordinal)
            .Replace("sync_model: table, latency_sync: {1: 100.0e-9, 2: 200.0e-9}", "sync_model: fixed, latency_sync: 0.25e-6", StringComparison.Ordinal);
        var import = SanaFeChipImporter.ImportText(arch, "arch.yaml");
        Assert.Equal(2, import.Chip.Mesh.Width); // 2 tiles of height 1 fill the first 2 columns
        Assert.Contains(import.Notes, n => n.StartsWith("architecture.attributes.width", StringComparison.Ordinal));
        Assert.Equal([(1, 250.0)], import.Chip.Sync.BarrierLatency);
    }

    [Theory]
    [InlineData("architecture:\n  name: x\n  attributes: {width: 2\n", "line", "well-formed YAML")]
    [InlineData("network: {}\n", "architecture", "a SANA-FE architecture file")]
    public void Malformed_architecture_files_exit_2_naming_file_and_place(string text, string where, string expected)
    {
        using var directory = new TempDirectory();
        File.WriteAllText(directory.File("bad.yaml"), text);
        CliRunner.AssertBadInput(CliRunner.Run("chip", "import", "sana-fe", directory.File("bad.yaml"), "--out", directory.File("c.json")), "bad.yaml", where, expected);
        Assert.False(File.Exists(directory.File("c.json")));
    }

    [Theory]
    [InlineData("model: current_based, energy_process_spike", "model: lookup_table, energy_process_spike", "synapse[0].attributes.model", "lookup_table")]
    [InlineData("model: leaky_integrate_fire", "model: izhikevich", "soma[0].attributes.model", "izhikevich")]
    [InlineData("model: accumulator", "model: taps", "dendrite[0].attributes.model", "taps")]
    [InlineData("buffer_position: soma", "buffer_position: dendrite", "attributes.buffer_position", "last synapse")]
    [InlineData("energy_message_out: 10.0e-12", "energy_message_out: ten", "axon_out[0].attributes.energy_message_out", "joules")]
    [InlineData("max_neurons_supported: 4", "max_neurons_supported: 4.0", "max_neurons_supported", "integer")]
    [InlineData("energy_east_hop: 2.0e-12", "energy_east_hop: -2.0e-12", "energy_east_hop", "≥ 0")]
    public void Unknown_models_and_features_without_an_equivalent_exit_2_naming_the_yaml_path(string from, string to, string path, string expected)
    {
        using var directory = new TempDirectory();
        var (arch, _) = SanaFeFixtures.Write(directory, SanaFeFixtures.MiniArch.Replace(from, to, StringComparison.Ordinal));
        var result = CliRunner.Run("chip", "import", "sana-fe", arch, "--out", directory.File("c.json"));
        CliRunner.AssertBadInput(result, "arch.yaml", path, expected, "line");
    }

    [Fact]
    public void Heterogeneous_tiles_are_refused_naming_the_differing_value()
    {
        var arch = SanaFeFixtures.MiniArch.Replace("    - name: t[0..1]", "    - name: t", StringComparison.Ordinal);
        var second = arch[arch.IndexOf("    - name: t", StringComparison.Ordinal)..].Replace("    - name: t", "    - name: u", StringComparison.Ordinal)
            .Replace("energy_east_hop: 2.0e-12", "energy_east_hop: 2.5e-12", StringComparison.Ordinal);
        var error = Assert.Throws<Neuromorphic.Core.Errors.InvalidInputException>(() => SanaFeChipImporter.ImportText(arch + "\n" + second, "arch.yaml"));
        Assert.Contains("architecture.tile[1].attributes.energy_east_hop", error.Message, StringComparison.Ordinal);
        Assert.Contains("one set of hop costs", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("- 1: {spikes: [0, 1, 0]}", "- 1: {poisson: 0.5}", "poisson", "spike list")]
    [InlineData("attributes: {threshold: 0.5, reset_mode: hard}", "attributes: {threshold: 0.5, reset_mode: saturate}", "reset_mode", "hard or soft")]
    [InlineData("attributes: {threshold: 0.5, reset_mode: hard}", "attributes: {threshold: 0.5, tau: 3}", "tau", "leaky_integrate_fire")]
    [InlineData("attributes: {threshold: 0.5, reset_mode: hard}", "attributes: {threshold: 0.5, potential: 0.2}", "potential", "start at v = 0")]
    [InlineData("- hid: {core: 1.0}", "- hid: {core: 2.0}", "mappings[3].hid.core", "a core of arch.yaml")]
    [InlineData("- hid: {core: 1.0}", "- hid.0: {core: 1.0}", "hid.1 not mapped", "every neuron mapped")]
    [InlineData("- in -> hid:", "- in -> nowhere:", "nowhere", "a group")]
    [InlineData("weight: [1, 1]", "weight: [1]", "weight", "at least 2")]
    [InlineData("- in -> hid:", "- in -> hid: {", "line 21", "well-formed YAML")]
    [InlineData("attributes: {threshold: 0.5, reset_mode: hard}", "attributes: {threshold: 0.5, reset_mode: hard, soma_hw_name: nosuch}", "groups[1].neurons[0] (hid.0)", "a soma unit of core 1.0")]
    [InlineData("- out: {core: 0.0}", "- out: {core: 0.0, synapse: nosyn}", "nosyn", "a synapse unit of core 0.0")]
    public void Bad_network_files_exit_2_naming_file_path_and_value(string from, string to, string field, string expected)
    {
        using var directory = new TempDirectory();
        var (arch, snn) = SanaFeFixtures.Write(directory, snn: SanaFeFixtures.ChainSnn.Replace(from, to, StringComparison.Ordinal));
        var result = CliRunner.Run("import", "sana-fe", snn, "--arch", arch, "--out", directory.File("n.json"));
        CliRunner.AssertBadInput(result, "snn.yaml", field, expected);
        Assert.False(File.Exists(directory.File("n.json")));
    }

    [Fact]
    public void SANA_FE_files_given_where_our_formats_are_expected_point_to_the_import_commands()
    {
        using var directory = new TempDirectory();
        var (arch, snn) = SanaFeFixtures.Write(directory);
        CliRunner.AssertBadInput(CliRunner.Run("chip", "validate", arch), "arch.yaml", "neuro chip import sana-fe");
        CliRunner.AssertBadInput(CliRunner.Run("map", "--model", snn, "--chip", "tiny", "--out", directory.File("m.json")), "snn.yaml", "neuro import sana-fe");
    }

    [Fact]
    public void Rate_inputs_expand_over_the_given_steps_as_SANA_FE_fires_them()
    {
        var snn = SanaFeFixtures.ChainSnn.Replace("- 1: {spikes: [0, 1, 0]}", "- 1: {rate: 0.4}", StringComparison.Ordinal);
        var error = Assert.Throws<Neuromorphic.Core.Errors.InvalidInputException>(() => SanaFeNetworkImporter.ImportText(snn, "snn.yaml", SanaFeFixtures.MiniArch, "arch.yaml"));
        Assert.Contains("--steps", error.Message, StringComparison.Ordinal);
        var import = SanaFeNetworkImporter.ImportText(snn, "snn.yaml", SanaFeFixtures.MiniArch, "arch.yaml", new SanaFeNetworkOptions { Steps = 7 });
        // int(1 / 0.4) = 2: steps 2, 4, 6.
        Assert.Equal([(1, 0), (2, 1), (4, 1), (6, 1)], import.InputEvents);
    }

    private static List<Dictionary<string, string>> Csv(string path)
    {
        var lines = File.ReadAllLines(path);
        var header = lines[0].Split(',');
        return lines.Skip(1).Select(l => header.Zip(l.Split(',')).ToDictionary(p => p.First, p => p.Second)).ToList();
    }
}
