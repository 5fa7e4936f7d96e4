using System.Text.Json;
using Neuromorphic.Tests.Support;

namespace Neuromorphic.Tests.Cli;

public class DataCommandTests
{
    [Fact]
    public void Data_info_json_reports_the_embedded_subset()
    {
        var result = CliRunner.Run("data", "info", "--dataset", "embedded", "--json");
        Assert.True(result.ExitCode == 0, result.ToString());
        using var doc = JsonDocument.Parse(result.Stdout);
        var root = doc.RootElement;
        Assert.Equal("embedded subset", root.GetProperty("source").GetString());
        Assert.Equal(2000, root.GetProperty("trainCount").GetInt32());
        Assert.Equal(1000, root.GetProperty("testCount").GetInt32());
        Assert.Equal(10, root.GetProperty("classes").GetArrayLength());
    }

    [Fact]
    public void Data_info_table_names_source_and_counts()
    {
        var result = CliRunner.Run("data", "info", "--dataset", "embedded");
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("embedded subset", result.Stdout);
        Assert.Contains("2,000 training, 1,000 test, 28×28", result.Stdout);
        Assert.Contains("Ankle boot", result.Stdout);
    }

    [Fact]
    public void Usage_error_gives_exit_2_and_the_command_help()
    {
        var result = CliRunner.Run("data", "info", "--no-such-flag");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--no-such-flag", result.Stderr);
        Assert.Contains("Usage:", result.Stderr);
        Assert.Contains("data info [options]", result.Stderr);
    }

    [Fact]
    public void Unknown_command_gives_exit_2()
    {
        Assert.Equal(2, CliRunner.Run("frobnicate").ExitCode);
    }

    [Fact]
    public void Quiet_suppresses_information_logs_and_log_file_receives_them()
    {
        using var dir = new TempDirectory();
        var log = dir.File("neuro.log");
        var result = CliRunner.Run("data", "info", "--dataset", "embedded", "--quiet", "--verbose", "--log-file", log);
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Loaded fashion-mnist", File.ReadAllText(log));
    }
}
