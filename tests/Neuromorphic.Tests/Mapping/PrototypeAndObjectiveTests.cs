using Neuromorphic.Chip;
using Neuromorphic.Core.Networks;
using Neuromorphic.Mapping;
using Neuromorphic.Simulation;
using Neuromorphic.Simulation.Input;
using Neuromorphic.Simulation.Variability;
using Neuromorphic.Tests.Support;

namespace Neuromorphic.Tests.Mapping;

/// <summary>Prototype-aware partitioning (spread, cluster with compensated gains) and the latency and energy objectives.</summary>
public class PrototypeAndObjectiveTests
{
    private static NetworkSpec EpWithDts(double[] dts, double weight = 0.4)
    {
        var input = new Population("in", 1, NeuronModel.Input);
        var hidden = new Population("h", dts.Length, NeuronModel.EpRate, epRate: new EpRateParameters(PerNeuron.Of(dts), PerNeuron.Scalar(0), null));
        return new NetworkSpec("ep-dts", [input, hidden], [new Projection("in->h", input, hidden, Enumerable.Repeat((float)weight, dts.Length).ToArray())],
            new Readout("h"));
    }

    [Fact]
    public void Spread_puts_at_most_the_chips_prototypes_on_each_core()
    {
        // tiny: 8 neurons and 4 prototypes per core. Eight distinct thresholds: two cores of four, nothing clustered.
        var input = new Population("in", 1, NeuronModel.Input);
        var lif = new CubaLifParameters(PerNeuron.Scalar(2), null, PerNeuron.Of([1, 1.25, 1.5, 1.75, 2, 2.25, 2.5, 2.75]), PerNeuron.Scalar(0), ResetMode.Zero, PerNeuron.Scalar(0));
        var hidden = new Population("h", 8, NeuronModel.CubaLif, lif);
        var network = new NetworkSpec("thresholds", [input, hidden], [new Projection("in->h", input, hidden, new float[8])]);
        var mapped = new Mapper().Map(network, ChipLoader.Load("tiny"), "test");
        IndependentChecks.AssertWithinLimits(mapped);
        Assert.Equal(0, MappingReport.Create(mapped).ClusteredCores);
        Assert.Equal([4, 4], mapped.Plan.Cores.SelectMany(c => c.Slices).Where(s => s.Population == "h").Select(s => s.Count));
    }

    [Fact]
    public void Spread_falls_back_to_clustering_when_the_chip_has_no_room()
    {
        // 20 distinct dt need 5 cores of 4 prototypes; tiny has 4 cores.
        var network = EpWithDts(Enumerable.Range(0, 20).Select(i => 0.1 + 0.04 * i).ToArray());
        var mapped = new Mapper().Map(network, ChipLoader.Load("tiny"), "test");
        IndependentChecks.AssertWithinLimits(mapped);
        IndependentChecks.AssertNothingLost(mapped);
        Assert.Equal(PrototypePolicy.Cluster, mapped.Plan.Prototypes);
        Assert.True(MappingReport.Create(mapped).ClusteredCores > 0);
    }

    [Fact]
    public void Clustered_ep_neurons_keep_their_steady_state_rate()
    {
        // Seven distinct dt on one tiny core of four prototypes. The input fires every step, so each neuron's u settles at
        // 0.4 (its weight) and it fires at rate 0.4: 400 steps give 160 spikes, within the transient. Without compensation a
        // neuron whose δu is replaced by its cluster's δc would settle at 0.4·dt/δc instead (e.g. 0.05 and 0.07 sharing 0.06:
        // rates 0.33 and 0.47).
        var dts = new[] { 0.05, 0.07, 0.12, 0.2, 0.35, 0.6, 0.9 };
        var network = EpWithDts(dts);
        foreach (var ideal in new[] { false, true })
        {
            var mapped = new Mapper().Map(network, ChipLoader.Load("tiny"), "test", new MappingOptions { Prototypes = PrototypePolicy.Cluster });
            Assert.Equal(1, mapped.CoreCount);
            var report = MappingReport.Create(mapped);
            Assert.True(report.GainMaxErrorUncompensated > 0.1, $"{report.GainMaxErrorUncompensated}");
            var counts = Spikes(mapped, ideal, 400);
            Assert.All(counts, c => Assert.InRange(c, 160 - 4, 160 + 1));

            // The same clustering without compensation misses the rate of every neuron whose decay moved more than a few percent.
            var raw = new Mapper().Map(network, ChipLoader.Load("tiny"), "test", new MappingOptions { Prototypes = PrototypePolicy.Cluster, CompensateDecays = false });
            Assert.Contains(Spikes(raw, ideal, 400), c => Math.Abs(c - 160) > 10);
        }
    }

    private static int[] Spikes(MappedNetwork mapped, bool ideal, int steps)
    {
        var result = new Simulator().RunAsync(ChipInstance.Create(mapped, 1, ideal), 1, _ => new EventInput(Enumerable.Range(1, steps).Select(s => (s, 0))),
            new RunOptions { Steps = steps, Ideal = ideal }).GetAwaiter().GetResult();
        return result.Inferences[0].OutputCounts;
    }

    [Fact]
    public void The_latency_objective_uses_more_cores_for_a_shorter_step_and_respects_a_core_budget()
    {
        var network = TestNetworks.EpLayered([400, 120, 10], seed: 8);
        var chip = ChipLoader.Load("loihi1-calibrated");
        var packed = new Mapper().Map(network, chip, "test");
        var fast = new Mapper().Map(network, chip, "test", new MappingOptions { Objective = MappingObjective.Latency });
        IndependentChecks.AssertWithinLimits(fast);
        IndependentChecks.AssertNothingLost(fast);
        Assert.True(fast.CoreCount > packed.CoreCount, $"{fast.CoreCount} vs {packed.CoreCount} cores");
        var (a, b) = (MappingReport.Create(packed).PredictedStep, MappingReport.Create(fast).PredictedStep);
        Assert.True(b.DetailedPs < a.DetailedPs / 2, $"predicted {b.DetailedPs} ps vs {a.DetailedPs} ps");
        Assert.Equal(MappingObjective.Latency, fast.Plan.Objective);

        var data = Neuromorphic.Core.Data.DatasetCatalog.LoadEmbedded().Test;
        long Latency(MappedNetwork mapped) => new Simulator().RunAsync(ChipInstance.Create(mapped, 1, false), 3,
                i => InferenceInput.FromImage(data.Image(i).Slice(200, 400), data.Labels[i], InputEncoding.SigmaDelta, 1, i), new RunOptions { Steps = 30 })
            .GetAwaiter().GetResult().Inferences.Sum(r => r.Latency.Picoseconds);
        Assert.True(Latency(fast) < Latency(packed) / 2);

        var budget = new Mapper().Map(network, chip, "test", new MappingOptions { Objective = MappingObjective.Latency, MaxCores = packed.CoreCount + 3 });
        Assert.InRange(budget.CoreCount, packed.CoreCount, packed.CoreCount + 3);
        var energy = new Mapper().Map(network, chip, "test", new MappingOptions { Objective = MappingObjective.Energy });
        IndependentChecks.AssertWithinLimits(energy);
    }

    [Fact]
    public void Mapping_options_are_validated_naming_the_property()
    {
        var ex = Assert.Throws<Neuromorphic.Core.Errors.InvalidInputException>(() => new MappingOptions { MaxCores = 0, Objective = MappingObjective.Latency }.Validate());
        Assert.Equal(nameof(MappingOptions.MaxCores), ex.Field);
        ex = Assert.Throws<Neuromorphic.Core.Errors.InvalidInputException>(() => new MappingOptions { MaxCores = 4 }.Validate());
        Assert.Equal(nameof(MappingOptions.MaxCores), ex.Field);
    }

    [Fact]
    public void Map_and_run_take_the_mapping_choices_and_name_their_flags_in_errors()
    {
        using var dir = new TempDirectory();
        NetworkFile.Save(TestNetworks.EpLayered([100, 60, 10], seed: 2), dir.File("net.json"));
        var map = CliRunner.Run("map", "--model", dir.File("net.json"), "--chip", "loihi1", "--out", dir.File("m.json"), "--objective", "latency",
            "--max-cores", "6", "--json");
        Assert.True(map.ExitCode == 0, map.ToString());
        using (var json = System.Text.Json.JsonDocument.Parse(map.Stdout))
        {
            Assert.Equal("latency", json.RootElement.GetProperty("objective").GetString());
            Assert.InRange(json.RootElement.GetProperty("cores").GetInt32(), 1, 6);
            Assert.True(json.RootElement.GetProperty("predictedStepPs").GetProperty("detailed").GetInt64() > 0);
        }

        var text = CliRunner.Run("map", "--model", dir.File("net.json"), "--chip", "loihi1", "--out", dir.File("m2.json"), "--prototypes", "cluster");
        Assert.True(text.ExitCode == 0, text.ToString());
        Assert.Contains("prototypes cluster", text.Stdout);
        Assert.Contains("predicted step", text.Stdout);

        CliRunner.AssertBadInput(CliRunner.Run("map", "--model", dir.File("net.json"), "--chip", "loihi1", "--out", dir.File("m3.json"), "--max-cores", "4"), "--max-cores");
        CliRunner.AssertBadInput(CliRunner.Run("map", "--model", dir.File("net.json"), "--chip", "loihi1", "--out", dir.File("m3.json"), "--objective", "latency",
            "--max-cores", "0"), "--max-cores");
        CliRunner.AssertBadInput(CliRunner.Run("run", "--model", dir.File("net.json"), "--chip", "loihi1", "--mapping", dir.File("m.json"), "--objective", "latency",
            "--dataset", "embedded", "--samples", "1"), "--objective");
        File.WriteAllText(dir.File("in.csv"), "1,0\n2,5\n");
        var run = CliRunner.Run("run", "--model", dir.File("net.json"), "--chip", "loihi1", "--objective", "latency", "--max-cores", "6", "--input", dir.File("in.csv"),
            "--steps", "10", "--json", "--quiet");
        Assert.True(run.ExitCode == 0, run.ToString());
        using var report = System.Text.Json.JsonDocument.Parse(run.Stdout);
        Assert.InRange(report.RootElement.GetProperty("cores").GetInt32(), 1, 6);
    }
}
