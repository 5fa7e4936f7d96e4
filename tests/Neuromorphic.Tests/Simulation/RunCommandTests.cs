using System.Text.Json;
using Neuromorphic.Core.Networks;
using Neuromorphic.Tests.Support;

namespace Neuromorphic.Tests.Simulation;

public class RunCommandTests
{
    private static string WriteNetwork(TempDirectory dir, int[] sizes, ulong seed = 3)
    {
        var path = dir.File($"net{seed}.json");
        NetworkFile.Save(TestNetworks.EpLayered(sizes, seed, weightScale: 3), path);
        return path;
    }

    [Fact]
    public void Run_reports_accuracy_energy_latency_and_throughput_as_json()
    {
        using var dir = new TempDirectory();
        var model = WriteNetwork(dir, [784, 20, 10]);
        var result = CliRunner.Run("run", "--model", model, "--chip", "loihi1", "--dataset", "embedded", "--samples", "4", "--steps", "20", "--threads", "2", "--json");
        Assert.True(result.ExitCode == 0, result.ToString());
        using var doc = JsonDocument.Parse(result.Stdout);
        var root = doc.RootElement;
        Assert.Equal(4, root.GetProperty("inferences").GetInt32());
        var energy = root.GetProperty("energyPerInference");
        Assert.Equal(energy.GetProperty("dynamicUj").GetDouble() + energy.GetProperty("staticUj").GetDouble(), energy.GetProperty("totalUj").GetDouble(), 5);
        Assert.True(root.GetProperty("latencyPerInference").GetProperty("p99Us").GetDouble() >= root.GetProperty("latencyPerInference").GetProperty("p50Us").GetDouble());
        Assert.True(root.GetProperty("performance").GetProperty("synapticEventsPerSecond").GetDouble() > 0);
    }

    [Fact]
    public void Run_with_input_events_and_a_saved_mapping()
    {
        using var dir = new TempDirectory();
        var model = WriteNetwork(dir, [6, 4, 3]);
        Assert.Equal(0, CliRunner.Run("map", "--model", model, "--chip", "tiny", "--out", dir.File("m.json")).ExitCode);
        File.WriteAllText(dir.File("in.csv"), "step,index\n1,0\n1,5\n2,3\n");
        var result = CliRunner.Run("run", "--model", model, "--chip", "tiny", "--mapping", dir.File("m.json"), "--input", dir.File("in.csv"), "--steps", "10", "--json");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("\"inferences\": 1", result.Stdout);
    }

    [Fact]
    public void Bad_run_inputs_give_exit_2()
    {
        using var dir = new TempDirectory();
        var model = WriteNetwork(dir, [6, 4, 3]);
        var other = WriteNetwork(dir, [6, 4, 3], seed: 4);
        Assert.Equal(0, CliRunner.Run("map", "--model", other, "--chip", "tiny", "--out", dir.File("other.json")).ExitCode);
        CliRunner.AssertBadInput(CliRunner.Run("run", "--model", model, "--chip", "tiny", "--mapping", dir.File("other.json"), "--samples", "1"),
            "other.json", "$.network.hash");

        File.WriteAllText(dir.File("in.csv"), "1,0\n2,6\n");
        CliRunner.AssertBadInput(CliRunner.Run("run", "--model", model, "--chip", "tiny", "--input", dir.File("in.csv")),
            "in.csv", "line 2 index", "0..5");

        CliRunner.AssertBadInput(CliRunner.Run("run", "--model", model, "--chip", "tiny", "--steps", "0"), "--steps", "at most 100,000,000");
        CliRunner.AssertBadInput(CliRunner.Run("run", "--model", model, "--chip", "tiny", "--steps", "-3"), "--steps");
        CliRunner.AssertBadInput(CliRunner.Run("run", "--model", model, "--chip", "tiny", "--samples", "-1"), "--samples");
        CliRunner.AssertBadInput(CliRunner.Run("run", "--model", model, "--chip", "tiny", "--dataset", "embedded", "--samples", "1"), "784");
    }
}
