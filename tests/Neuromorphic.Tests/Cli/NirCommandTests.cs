using System.Text.Json.Nodes;
using Neuromorphic.Workflows.Networks;
using Neuromorphic.Core.Networks;
using Neuromorphic.Nir;
using Neuromorphic.Tests.Nir;
using Neuromorphic.Tests.Support;

namespace Neuromorphic.Tests.Cli;

public class NirCommandTests
{
    [NirSampleFact]
    public void Import_writes_the_network_and_a_json_summary()
    {
        using var directory = new TempDirectory();
        var output = directory.File("braille.json");
        var result = CliRunner.Run("import", "nir", NirTestSupport.Sample("braille_noDelay_bias_zero.nir"), "--out", output, "--json");
        Assert.True(result.ExitCode == 0, result.ToString());
        var summary = JsonNode.Parse(result.Stdout)!.AsObject();
        Assert.Equal("0.2.0", summary["nirVersion"]!.GetValue<string>());
        Assert.Equal(1e-4, summary["dt"]!.GetValue<double>());
        Assert.Equal(57, summary["neurons"]!.GetValue<int>());
        Assert.Equal("CubaLIF", summary["populations"]![1]!["nirTypes"]![0]!.GetValue<string>());
        Assert.Equal("lif2", summary["readout"]!.GetValue<string>());
        var network = NetworkFile.Load(output);
        Assert.Equal(summary["contentHash"]!.GetValue<string>(), network.ContentHash);
    }

    [NirSampleFact]
    public void Import_prints_tables_and_honours_dt_and_reset()
    {
        using var directory = new TempDirectory();
        var output = directory.File("subtract.json");
        var result = CliRunner.Run("import", "nir", NirTestSupport.Sample("braille_noDelay_noBias_subtract.nir"), "--out", output, "--dt", "5e-5", "--reset", "subtract");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("lif1.lif", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("subtract", result.Stdout, StringComparison.Ordinal);
        var lif = NetworkFile.Load(output).GetPopulation("lif1.lif").CubaLif!;
        Assert.Equal(ResetMode.Subtract, lif.Reset);
        Assert.Equal(8, lif.TauCurrent![0], 9); // tau_syn = 4e-4 s at dt = 5e-5 s
    }

    [Fact]
    public void Import_of_a_file_we_wrote_prints_a_json_summary_and_honours_dt_and_reset()
    {
        using var directory = new TempDirectory();
        var network = NirRoundTripTests.EveryExportCase();
        NirExporter.Write(network, directory.File("ours.nir"), new NirExportOptions { Dt = 1e-4 });
        var result = CliRunner.Run("import", "nir", directory.File("ours.nir"), "--out", directory.File("back.json"), "--json");
        Assert.True(result.ExitCode == 0, result.ToString());
        var summary = JsonNode.Parse(result.Stdout)!.AsObject();
        Assert.Equal(1e-4, summary["dt"]!.GetValue<double>());
        Assert.Equal(network.NeuronCount, summary["neurons"]!.GetValue<int>());
        Assert.Equal("threshold", summary["readout"]!.GetValue<string>());
        Assert.Equal(summary["contentHash"]!.GetValue<string>(), NetworkFile.Load(directory.File("back.json")).ContentHash);

        // Half the step: time constants in steps double; --reset subtract applies to every spiking population.
        var halved = CliRunner.Run("import", "nir", directory.File("ours.nir"), "--out", directory.File("halved.json"), "--dt", "5e-5", "--reset", "subtract");
        Assert.True(halved.ExitCode == 0, halved.ToString());
        Assert.Contains("subtract", halved.Stdout, StringComparison.Ordinal);
        var lif = NetworkFile.Load(directory.File("halved.json")).GetPopulation("lif").CubaLif!;
        Assert.Equal(ResetMode.Subtract, lif.Reset);
        Assert.Equal(2 * network.GetPopulation("lif").CubaLif!.TauVoltage![0], lif.TauVoltage![0], 6);
    }

    [Fact]
    public void Export_then_import_gives_the_model_back()
    {
        using var directory = new TempDirectory();
        var model = directory.File("model.json");
        NetworkFile.Save(NirRoundTripTests.EveryExportCase(), model);
        var result = CliRunner.Run("export", "nir", "--model", model, "--out", directory.File("model.nir"), "--json");
        Assert.True(result.ExitCode == 0, result.ToString());
        var summary = JsonNode.Parse(result.Stdout)!.AsObject();
        Assert.False(summary["realizedEpRate"]!.GetValue<bool>());
        Assert.Contains(summary["nodeTypes"]!.AsArray(), t => t!["type"]!.GetValue<string>() == "CubaLIF" && t["count"]!.GetValue<int>() == 1);

        var back = CliRunner.Run("import", "nir", directory.File("model.nir"), "--out", directory.File("back.json"));
        Assert.True(back.ExitCode == 0, back.ToString());
        NirTestSupport.AssertEquivalent(NetworkFile.Load(model), NetworkFile.Load(directory.File("back.json")));
    }

    [Fact]
    public void Model_loader_reads_network_files_and_nir_files_by_content()
    {
        using var directory = new TempDirectory();
        var json = directory.File("model.json");
        var network = NirRoundTripTests.EveryExportCase();
        NetworkFile.Save(network, json);
        NirExporter.Write(network, directory.File("model.nir"));
        File.Copy(directory.File("model.nir"), directory.File("model.h5"));

        Assert.Equal(network.ContentHash, NetworkLoader.Load(json).ContentHash);
        Assert.Equal(network.ContentHash, NetworkLoader.Load(directory.File("model.nir")).ContentHash);
        Assert.Equal(network.ContentHash, NetworkLoader.Load(directory.File("model.h5")).ContentHash);
        Assert.False(NetworkLoader.IsNir(json));
    }

    [Fact]
    public void Bad_arguments_exit_with_2()
    {
        using var directory = new TempDirectory();
        CliRunner.AssertBadInput(CliRunner.Run("import", "nir", directory.File("missing.nir"), "--out", directory.File("x.json")), "missing.nir");
        NirExporter.Write(NirRoundTripTests.EveryExportCase(), directory.File("ours.nir"));
        CliRunner.AssertBadInput(CliRunner.Run("import", "nir", directory.File("ours.nir"), "--out", directory.File("x.json"), "--reset", "sideways"), "sideways");
        CliRunner.AssertBadInput(CliRunner.Run("export", "nir", "--model", directory.File("missing.json"), "--out", directory.File("x.nir")), "missing.json");
    }
}
