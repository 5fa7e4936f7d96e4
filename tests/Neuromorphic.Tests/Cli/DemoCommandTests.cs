using System.Text.Json;
using Neuromorphic.Cli.Demo;
using Neuromorphic.Tests.Support;

namespace Neuromorphic.Tests.Cli;

public class DemoCommandTests
{
    [Fact]
    public void Demo_writes_every_report_file_offline()
    {
        using var dir = new TempDirectory();
        var result = CliRunner.Run("demo", "--out", dir.Path, "--samples", "12", "--steps", "40", "--json");
        Assert.True(result.ExitCode == 0, result.ToString());
        foreach (var file in DemoReport.Files)
        {
            Assert.True(File.Exists(Path.Combine(dir.Path, file)), $"{file} missing");
        }

        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir.Path, "summary.json")));
        var configurations = summary.RootElement.GetProperty("configurations");
        Assert.Equal(6, configurations.GetArrayLength());
        Assert.Single(configurations.EnumerateArray(), c => c.TryGetProperty("realization", out var r) && r.GetString() == "sigma-delta");
        Assert.Equal(["async", "barrier", "handshake"], configurations.EnumerateArray().Select(c => c.GetProperty("mode").GetString()).Distinct().Order());
        Assert.InRange(summary.RootElement.GetProperty("floatAccuracy").GetDouble(), 0.5, 1.0);   // a trained model, not chance
        Assert.Contains("![raster](raster.png)", File.ReadAllText(Path.Combine(dir.Path, "report.md")));
        Assert.Equal(0, CliRunner.Run("trace", "verify", Path.Combine(dir.Path, "trace.trace")).ExitCode);
    }

    [Fact]
    public void Demo_rejects_impossible_sample_counts()
    {
        CliRunner.AssertBadInput(CliRunner.Run("demo", "--samples", "5000"), "--samples", "1..1000");
    }
}
