using Neuromorphic.Tests.Support;

namespace Neuromorphic.Tests.Sweeps;

/// <summary>
/// Real processes: two <c>neuro silo</c> workers and a <c>neuro sweep --cluster</c> client; one silo is
/// killed with SIGKILL while it runs a job, and the sweep still completes with the bytes of the
/// in-process run. Once with localhost clustering, once with Redis clustering on a redis-server
/// the test starts and stops.
/// </summary>
public sealed class SiloProcessTests
{
    private static readonly TimeSpan Startup = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Localhost_cluster_survives_a_killed_silo_with_the_in_process_bytes()
    {
        using var temp = new TempDirectory();
        var clusterId = "test-" + Guid.NewGuid().ToString("N")[..8];
        var (silo1, gateway1) = (NeuroProcess.FreePort(), NeuroProcess.FreePort());
        var (silo2, gateway2) = (NeuroProcess.FreePort(), NeuroProcess.FreePort());
        using var primary = NeuroProcess.Start(temp.Path, "silo", "--threads", "1", "--port", $"{silo1}", "--gateway-port", $"{gateway1}", "--cluster-id", clusterId);
        await primary.WaitForAsync("Silo ready", Startup);
        using var secondary = NeuroProcess.Start(temp.Path, "silo", "--threads", "1", "--primary", $"127.0.0.1:{silo1}", "--port", $"{silo2}",
            "--gateway-port", $"{gateway2}", "--cluster-id", clusterId);
        await secondary.WaitForAsync("Silo ready", Startup);
        await SweepKillingAsync(temp, secondary, "--cluster", $"127.0.0.1:{gateway1}", "--cluster-id", clusterId);
    }

    [RedisFact]
    public async Task Redis_cluster_survives_a_killed_silo_with_the_in_process_bytes()
    {
        using var temp = new TempDirectory();
        using var redis = await RedisServer.StartAsync();
        var clusterId = "test-" + Guid.NewGuid().ToString("N")[..8];
        using var first = NeuroProcess.Start(temp.Path, "silo", "--cluster", redis.Endpoint, "--threads", "1", "--port", $"{NeuroProcess.FreePort()}",
            "--gateway-port", $"{NeuroProcess.FreePort()}", "--cluster-id", clusterId);
        using var second = NeuroProcess.Start(temp.Path, "silo", "--cluster", redis.Endpoint, "--threads", "1", "--port", $"{NeuroProcess.FreePort()}",
            "--gateway-port", $"{NeuroProcess.FreePort()}", "--cluster-id", clusterId);
        await first.WaitForAsync("Silo ready", Startup);
        await second.WaitForAsync("Silo ready", Startup);
        await SweepKillingAsync(temp, first, "--cluster", redis.Endpoint, "--cluster-id", clusterId);
    }

    /// <summary>Runs a sweep on the cluster, SIGKILLs <paramref name="victim"/> once the first job is stored, and compares with the in-process run.</summary>
    private static async Task SweepKillingAsync(TempDirectory temp, NeuroProcess victim, params string[] cluster)
    {
        var spec = SweepFixture.RunSpec(temp.Path, seeds: 6, range: 80, steps: 40);
        var reference = await CliRunner.RunAsync("sweep", spec, "--out", temp.File("in-process"), "-q");
        Assert.True(reference.ExitCode == 0, reference.ToString());

        using var client = NeuroProcess.Start(temp.Path, ["sweep", spec, "--out", temp.File("cluster"), "-v", .. cluster]);
        var jobs = temp.File("cluster/jobs");
        var deadline = DateTime.UtcNow + Startup;
        while (!(Directory.Exists(jobs) && Directory.GetFiles(jobs, "*.json").Length > 0))
        {
            Assert.True(DateTime.UtcNow < deadline && !client.HasExited, "no job finished on the cluster:\n" + client.Stderr);
            await Task.Delay(50);
        }

        victim.Kill();
        var exit = await client.ExitAsync(TimeSpan.FromSeconds(120));
        Assert.True(exit == 0, client.Stderr);
        Assert.Contains("dispatched again", client.Stderr);
        SweepFixture.AssertSameResults(temp.File("in-process"), temp.File("cluster"));
    }
}
