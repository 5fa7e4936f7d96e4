using Microsoft.Extensions.Logging;
using Neuromorphic.Sweeps;
using Neuromorphic.Sweeps.Orleans.Client;
using Neuromorphic.Sweeps.Orleans.Hosting;
using Neuromorphic.Sweeps.Store;
using Neuromorphic.Tests.Support;
using Orleans.TestingHost;

namespace Neuromorphic.Tests.Sweeps;

/// <summary>Sweeps on a real Orleans cluster of three in-process silos (Orleans' TestingHost).</summary>
public sealed class ClusterSweepTests
{
    private sealed class WorkerSilo : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder) => siloBuilder.AddSweepWorker(o => o.Slots = 1);
    }

    private static async Task<TestCluster> StartClusterAsync()
    {
        var builder = new TestClusterBuilder { Options = { InitialSilosCount = 3 } };
        builder.AddSiloBuilderConfigurator<WorkerSilo>();
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }

    private static ClusterExecutorOptions Fast => new() { DiscoveryInterval = TimeSpan.FromMilliseconds(300), CallTimeout = TimeSpan.FromSeconds(5) };

    [Fact]
    public async Task A_sweep_on_three_silos_equals_the_in_process_run_and_a_silo_stopped_midway_loses_no_job()
    {
        using var temp = new TempDirectory();
        var plan = SweepFixture.Plan(SweepFixture.RunSpec(temp.Path, seeds: 9, range: 60, steps: 40));
        await SweepFixture.RunInProcessAsync(plan, temp.File("in-process"));

        await using var cluster = await StartClusterAsync();
        var log = new CapturingLoggerProvider();
        using var loggers = LoggerFactory.Create(b => b.AddProvider(log).SetMinimumLevel(LogLevel.Debug));
        var executor = new ClusterExecutor(cluster.Client, "test cluster", Fast, loggers.CreateLogger<ClusterExecutor>());
        var first = await new SweepRunner(loggers).RunAsync(plan, new SweepDirectory(temp.File("cluster")), executor);
        Assert.Empty(first.Failed);
        SweepFixture.AssertSameResults(temp.File("in-process"), temp.File("cluster"));
        Assert.Equal(3, log.Lines.Count(l => l.Contains("joined the sweep", StringComparison.Ordinal)));

        // Again into a fresh folder, stopping a silo as soon as the first job is done: it holds a job then.
        var stopped = 0;
        var progress = new SyncProgress(p =>
        {
            if (p.Done >= 1 && Interlocked.Exchange(ref stopped, 1) == 0)
            {
                _ = cluster.StopSiloAsync(cluster.Silos[^1]);
            }
        });
        var second = await new SweepRunner(loggers).RunAsync(plan, new SweepDirectory(temp.File("stopped")), executor, null, progress);
        Assert.Equal(1, stopped);
        Assert.Empty(second.Failed);
        Assert.Equal(plan.Jobs.Count, second.Completed);
        Assert.Contains(log.Lines, l => l.Contains("dispatched again", StringComparison.Ordinal));
        SweepFixture.AssertSameResults(temp.File("in-process"), temp.File("stopped"));
    }
}
