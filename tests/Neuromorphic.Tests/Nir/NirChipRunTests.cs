using Neuromorphic.Chip;
using Neuromorphic.Workflows.Networks;
using Neuromorphic.Mapping;
using Neuromorphic.Nir;
using Neuromorphic.Simulation;
using Neuromorphic.Simulation.Input;
using Neuromorphic.Simulation.Variability;
using Neuromorphic.Tests.Support;
using static Neuromorphic.Tests.Nir.NirTestSupport;

namespace Neuromorphic.Tests.Nir;

/// <summary>NIR files from other frameworks run on our chips; an exported model runs as the original does.</summary>
public class NirChipRunTests
{
    public static TheoryData<string> Samples => new()
    {
        "lif_norse.nir", "lif_rockpool.nir", "two_lif_neurons.nir",
        "braille_noDelay_bias_zero.nir", "braille_noDelay_noBias_subtract.nir", "braille_noDelay_bias_zero_subgraph.nir",
    };

    [NirSampleTheory]
    [MemberData(nameof(Samples))]
    public void Sample_maps_onto_loihi1_and_runs(string file)
    {
        using var dir = new TempDirectory();
        var network = NetworkLoader.Load(Sample(file));
        var inputs = network.InputPopulation!.Size;
        File.WriteAllText(dir.File("in.csv"), string.Join("\n", Enumerable.Range(1, 20).SelectMany(s => Enumerable.Range(0, inputs).Where(i => (s + i) % 3 == 0).Select(i => $"{s},{i}"))));
        var result = CliRunner.Run("run", "--model", Sample(file), "--chip", "loihi1", "--input", dir.File("in.csv"), "--steps", "20", "--json");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("\"synapticOps\"", result.Stdout);
    }

    [NirSampleFact]
    public void Cnn_sinabs_maps_and_runs_and_a_chip_too_small_names_the_limit()
    {
        using var dir = new TempDirectory();
        var import = CliRunner.Run("import", "nir", Sample("cnn_sinabs.nir"), "--out", dir.File("cnn.json"), "--dt", "1");
        Assert.True(import.ExitCode == 0, import.ToString());
        var random = new Random(1);
        File.WriteAllLines(dir.File("in.csv"), Enumerable.Range(1, 10).SelectMany(s => Enumerable.Range(0, 2312).Where(_ => random.NextDouble() < 0.05).Select(i => $"{s},{i}")));
        CliRunner.AssertBadInput(CliRunner.Run("map", "--model", dir.File("cnn.json"), "--chip", "loihi1", "--out", dir.File("m.json")), "loihi1", "cores", "at most 128");
        // Dense unrolled convolutions fill synaptic memory: 382 Loihi 1 cores; an overlay with a 16 × 8 mesh holds them.
        File.WriteAllText(dir.File("big.json"), """
            { "schema": "neuromorphic.chip/1", "extends": "loihi1", "name": "loihi1-16x8", "provenance": "loihi1 on a 16 x 8 mesh (test overlay)", "mesh": { "width": 16, "height": 8 } }
            """);
        var run = CliRunner.Run("run", "--model", dir.File("cnn.json"), "--chip", dir.File("big.json"), "--input", dir.File("in.csv"), "--steps", "15", "--timing", "simple", "--json");
        Assert.True(run.ExitCode == 0, run.ToString());
        var report = System.Text.Json.Nodes.JsonNode.Parse(run.Stdout)!;
        Assert.True(report["perInference"]!["spikes"]!.GetValue<long>() > 0, run.Stdout);
        Assert.True(report["cores"]!.GetValue<int>() > 128, run.Stdout);
    }

    [Theory]
    [InlineData("loihi1")]
    [InlineData("analog-mismatch")]
    public void Exported_and_reimported_ep_model_gives_the_same_chip_run(string chip)
    {
        using var dir = new TempDirectory();
        var original = TestNetworks.EpLayered([784, 40, 10], seed: 12, weightScale: 3);
        NirExporter.Write(original, dir.File("model.nir"));
        var reimported = NetworkLoader.Load(dir.File("model.nir"));
        var data = Neuromorphic.Core.Data.DatasetCatalog.LoadEmbedded().Test;
        string Run(Neuromorphic.Core.Networks.NetworkSpec network)
        {
            var instance = ChipInstance.Create(new Mapper().Map(network, ChipLoader.Load(chip), "test"), 5, ideal: false);
            var summary = new Simulator().RunAsync(instance, 6, i => InferenceInput.FromImage(data.Image(i), data.Labels[i], InputEncoding.SigmaDelta, 5, i),
                new RunOptions { Steps = 40, Seed = 5 }).GetAwaiter().GetResult();
            return string.Join("|", summary.Inferences.Select(r => $"{r.Predicted} {string.Join(",", r.OutputCounts)} {r.Latency.Picoseconds} {r.Energy.TotalFj}"));
        }

        Assert.Equal(Run(original), Run(reimported));
    }
}
