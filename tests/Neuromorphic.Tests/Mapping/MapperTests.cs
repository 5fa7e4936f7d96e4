using Neuromorphic.Chip;
using Neuromorphic.Core.Errors;
using Neuromorphic.Core.Networks;
using Neuromorphic.Mapping;
using Neuromorphic.Mapping.Partitioning;
using Neuromorphic.Mapping.Quantization;
using Neuromorphic.Mapping.Realization;
using Neuromorphic.Tests.Support;

namespace Neuromorphic.Tests.Mapping;

public class MapperTests
{
    private static readonly Lazy<NetworkSpec> s_ep784 = new(() => TestNetworks.EpLayered([784, 500, 10], seed: 3));

    private static MappedNetwork Map(NetworkSpec network, string chip) => new Mapper().Map(network, ChipLoader.Load(chip), "test");

    [Fact]
    public void Ep_784_500_10_spreads_its_500_time_constants_over_cores_within_every_limit()
    {
        var network = s_ep784.Value;
        var mapped = Map(network, "loihi1");
        IndependentChecks.AssertWithinLimits(mapped);
        IndependentChecks.AssertNothingLost(mapped);
        // 500 distinct dt, at most 32 prototypes per core: at least ⌈500 / 32⌉ = 16 cores for the hidden layer, none clustered.
        Assert.True(mapped.CoreCount >= 16, $"got {mapped.CoreCount} cores");
        var report = MappingReport.Create(mapped);
        Assert.Equal(PrototypePolicy.Spread, report.Prototypes);
        Assert.Equal(0, report.ClusteredCores);
        Assert.InRange(report.WeightRelativeRmsError, 1e-4, 0.02);
        Assert.True(report.SpikeHopsFinal <= report.SpikeHopsGreedy);
        // Only the 12-bit decay fields remain: a gain error of at most half a field step over the smallest dt (0.05).
        Assert.InRange(report.GainMaxError, 0, 0.5 / 4096 / 0.05 + 1e-9);
    }

    [Fact]
    public void Ep_784_500_10_clusters_on_request_and_compensates_the_gain()
    {
        var network = s_ep784.Value;
        var mapped = new Mapper().Map(network, ChipLoader.Load("loihi1"), "test", new MappingOptions { Prototypes = PrototypePolicy.Cluster });
        IndependentChecks.AssertWithinLimits(mapped);
        IndependentChecks.AssertNothingLost(mapped);
        Assert.True(mapped.CoreCount < 16, $"got {mapped.CoreCount} cores");
        var report = MappingReport.Create(mapped);
        Assert.Equal(PrototypePolicy.Cluster, report.Prototypes);
        Assert.True(report.ClusteredCores > 0, "500 distinct dt over ≤ 32 prototypes per core needs clustering");
        Assert.True(report.GainMaxErrorUncompensated > 0.02, $"uncompensated {report.GainMaxErrorUncompensated}");
        Assert.True(report.GainMaxError < 1e-9, $"compensated {report.GainMaxError}");
    }

    [Fact]
    public async Task Heterogeneous_cuba_lif_784_500_10_maps_onto_loihi1_within_every_limit_and_runs()
    {
        // 500 distinct current and voltage time constants and thresholds: 500 distinct prototypes.
        var network = TestNetworks.CubaHeterogeneous([784, 500, 10], seed: 5);
        var chip = ChipLoader.Load("loihi1");
        var mapped = new Mapper().Map(network, chip, "test");
        IndependentChecks.AssertWithinLimits(mapped);
        IndependentChecks.AssertNothingLost(mapped);
        Assert.Equal(0, MappingReport.Create(mapped).ClusteredCores);
        var data = Neuromorphic.Core.Data.DatasetCatalog.LoadEmbedded().Test;
        var summary = await new Neuromorphic.Simulation.Simulator().RunAsync(Neuromorphic.Simulation.Variability.ChipInstance.Create(mapped, 1, false), 2,
            i => Neuromorphic.Simulation.Input.InferenceInput.FromImage(data.Image(i), data.Labels[i], Neuromorphic.Simulation.InputEncoding.SigmaDelta, 1, i),
            new Neuromorphic.Simulation.RunOptions { Steps = 20 });
        Assert.True(summary.Totals.NeuronsFired > 0);
    }

    [Theory]
    [InlineData("loihi1-calibrated")]
    [InlineData("loihi2-like")]
    [InlineData("analog-mismatch")]
    public void Ep_network_maps_onto_other_chips(string chip)
    {
        var mapped = Map(TestNetworks.EpLayered([100, 60, 10], seed: 4), chip);
        IndependentChecks.AssertWithinLimits(mapped);
        IndependentChecks.AssertNothingLost(mapped);
    }

    [Fact]
    public void Mapping_is_deterministic_and_round_trips_through_its_file()
    {
        using var dir = new TempDirectory();
        var network = TestNetworks.EpLayered([120, 70, 10], seed: 9);
        var chip = ChipLoader.Load("loihi1");
        var first = new Mapper().Map(network, chip, "test");
        var second = new Mapper().Map(network, chip, "test");
        MappingFile.Save(first.Plan, dir.File("a.json"), MappingReport.Create(first));
        MappingFile.Save(second.Plan, dir.File("b.json"), MappingReport.Create(second));
        Assert.Equal(File.ReadAllBytes(dir.File("a.json")), File.ReadAllBytes(dir.File("b.json")));

        var reloaded = MappedNetworkBuilder.Build(network, chip, MappingFile.Load(dir.File("a.json"), network, chip));
        Assert.Equal(first.SynapseWeightUnits, reloaded.SynapseWeightUnits);
        Assert.Equal(first.SynapseTargetLocal, reloaded.SynapseTargetLocal);
        Assert.Equal(first.DecayUField, reloaded.DecayUField);
        Assert.Equal(first.NeuronCore, reloaded.NeuronCore);
        Assert.Equal(first.CoreTile, reloaded.CoreTile);
    }

    [Fact]
    public void Mapping_file_for_another_network_or_chip_is_rejected()
    {
        using var dir = new TempDirectory();
        var network = TestNetworks.EpLayered([40, 20, 10], seed: 1);
        var chip = ChipLoader.Load("loihi1");
        MappingFile.Save(new Mapper().Plan(network, chip, "test"), dir.File("m.json"));
        var other = TestNetworks.EpLayered([40, 20, 10], seed: 2);
        var ex = Assert.Throws<InvalidInputException>(() => MappingFile.Load(dir.File("m.json"), other, chip));
        Assert.Equal("$.network.hash", ex.Field);
        ex = Assert.Throws<InvalidInputException>(() => MappingFile.Load(dir.File("m.json"), network, ChipLoader.Load("loihi1-calibrated")));
        Assert.Equal("$.chip.hash", ex.Field);
    }

    [Fact]
    public void Network_too_large_for_tiny_fails_with_exit_2_naming_limit_value_and_bound()
    {
        using var dir = new TempDirectory();
        var input = new Population("in", 4, NeuronModel.Input);
        var lif = new CubaLifParameters(PerNeuron.Scalar(2), null, PerNeuron.Scalar(1), PerNeuron.Scalar(0), ResetMode.Zero, PerNeuron.Scalar(0));
        var huge = new Population("huge", 200_000, NeuronModel.CubaLif, lif);
        var network = new NetworkSpec("huge", [input, huge], [new Projection("in->huge", input, huge, new float[4 * 200_000])]);
        NetworkFile.Save(network, dir.File("huge.json"));
        var result = CliRunner.Run("map", "--model", dir.File("huge.json"), "--chip", "tiny", "--out", dir.File("m.json"));
        CliRunner.AssertBadInput(result, "limit cores", "25,001", "at most 4");
        Assert.False(File.Exists(dir.File("m.json")));
    }

    [Fact]
    public void Fan_in_beyond_the_input_axon_limit_is_named()
    {
        var network = TestNetworks.EpLayered([40, 3], seed: 1);
        var ex = Assert.Throws<CapacityException>(() => Map(network, "tiny"));
        Assert.Equal("inputAxons", ex.Limit);
        Assert.Equal(40, ex.ValueNeeded);
        Assert.Equal(16, ex.Bound);
    }

    [Fact]
    public void Pinned_population_lands_on_its_core()
    {
        var network = NetworkFile.Parse("""
            { "schema": "neuromorphic.network/1",
              "populations": [ { "name": "in", "size": 2, "model": "input" },
                               { "name": "hid", "size": 1, "model": "cuba-lif", "params": { "threshold": 1.5 }, "placement": { "tile": [1, 1], "core": 0 } } ],
              "projections": [ { "from": "in", "to": "hid", "weights": [[0.5, 1.0]] } ] }
            """, "pin.json", ".");
        var mapped = Map(network, "tiny");
        var hid = network.GetPopulation("hid").FirstNeuron;
        Assert.Equal(new Neuromorphic.Core.Units.TileId(1, 1), mapped.CoreTile[mapped.NeuronCore[hid]]);
    }

    [Fact]
    public void Map_command_prints_per_core_table_and_writes_the_file()
    {
        using var dir = new TempDirectory();
        NetworkFile.Save(TestNetworks.EpLayered([100, 60, 10], seed: 2), dir.File("net.json"));
        var result = CliRunner.Run("map", "--model", dir.File("net.json"), "--chip", "loihi1", "--out", dir.File("map.json"));
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("fan-in axons", result.Stdout);
        Assert.Contains("Weight quantization", result.Stdout);
        Assert.Contains("spikes × hops", result.Stdout);
        Assert.True(File.Exists(dir.File("map.json")));
        var json = CliRunner.Run("map", "--model", dir.File("net.json"), "--chip", "loihi1", "--out", dir.File("map2.json"), "--json");
        Assert.Contains("\"weightRelativeRmsError\"", json.Stdout);
    }

    [Fact]
    public void Ep_realization_scales_inputs_and_bias_by_dt_and_clamps_voltage()
    {
        var network = TestNetworks.EpLayered([4, 3], seed: 1);
        var realized = EpRateRealization.ToCubaLif(network);
        var c = CompartmentRealizer.Realize(realized);
        var pop = network.GetPopulation("output");
        var dt = pop.EpRate!.Dt[1];
        var g = pop.FirstNeuron + 1;
        var neuron = c[g];
        Assert.Equal(1 / (1 / dt), neuron.DecayU, 12);
        Assert.Equal(dt * pop.EpRate.Bias[1], neuron.CurrentBias, 12);
        Assert.Equal(0, neuron.DecayV);
        Assert.Equal(1, neuron.Threshold);
        Assert.Equal(ResetMode.Subtract, neuron.Reset);
        Assert.Equal((0, 2), (neuron.VMin, neuron.VMax));
        Assert.Equal((float)(dt * network.Projections[0].Weight(1, 2)), realized.Projections[0].Weight(1, 2));

        var mapped = Map(network, "loihi1");
        Assert.Equal(1 << 20, mapped.ThresholdUnits[g]);                 // one threshold = 2^20 state units
        Assert.Equal((1 << 21) - 1, mapped.VMaxUnits[g]);                 // Loihi vmax just below 2 thresholds
        Assert.Equal(LoihiFixedPoint.CurrentDecayField(dt), mapped.DecayUField[g]);
        // Loihi 1 has no bias on u: the current bias dt·b is folded into the voltage bias as (dt·b)/δu ≈ b.
        Assert.Equal(pop.EpRate.Bias[1] * (1 << 20), mapped.BiasUnits[g], 2e-2 * (1 << 20));
    }
}
