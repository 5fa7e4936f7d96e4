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
    public void Cnn_sample_is_rejected_by_run_with_exit_2()
    {
        CliRunner.AssertBadInput(CliRunner.Run("run", "--model", Sample("cnn_sinabs.nir"), "--chip", "loihi1", "--samples", "1"), "cnn_sinabs.nir", "Conv");
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
