using System.CommandLine;
using Neuromorphic.Cli.Hosting;
using Neuromorphic.Sweeps.Execution;
using Neuromorphic.Sweeps.Orleans.Client;
using Neuromorphic.Sweeps.Orleans.Hosting;
using Neuromorphic.Sweeps.Planning;
using Neuromorphic.Sweeps.Store;

namespace Neuromorphic.Cli.Commands;

/// <summary>
/// Where the jobs of a sweep run, shared by <c>neuro sweep</c> and <c>neuro experiment stability</c>:
/// in this process (default), one shard of them (<c>--shard i/N</c>), or on a cluster of
/// <c>neuro silo</c> workers (<c>--cluster ENDPOINT</c>).
/// </summary>
internal sealed class SweepExecutorOptions
{
    public Option<int> Threads { get; } = new("--threads")
    {
        Description = "In-process: jobs run at once (default: every processor). Results do not depend on it.",
        DefaultValueFactory = _ => Environment.ProcessorCount,
    };

    public Option<string?> Shard { get; } = new("--shard")
    {
        Description = "Run only shard i of N: every N-th job, from the i-th (for batch schedulers; gather with neuro sweep merge).", HelpName = "i/N",
    };

    public Option<string?> Cluster { get; } = new("--cluster")
    {
        Description = "Run the jobs on neuro silo workers: localhost, HOST:PORT[,…] (silo gateways) or redis://HOST:PORT.", HelpName = "ENDPOINT",
    };

    public Option<string> ClusterId { get; } = new("--cluster-id")
    {
        Description = "The cluster's id (the silos' --cluster-id).", HelpName = "ID", DefaultValueFactory = _ => ClusterEndpoint.DefaultClusterId,
    };

    public Option<double> ConnectTimeout { get; } = new("--connect-timeout")
    {
        Description = "Seconds to wait for the cluster to answer.", HelpName = "S", DefaultValueFactory = _ => 10.0,
    };

    /// <summary>Adds the options (without --threads when the command has its own).</summary>
    public void AddTo(Command command, bool includeThreads = true)
    {
        if (includeThreads)
        {
            command.Options.Add(Threads);
        }

        command.Options.Add(Shard);
        command.Options.Add(Cluster);
        command.Options.Add(ClusterId);
        command.Options.Add(ConnectTimeout);
    }

    public Shard? ReadShard(ParseResult parse) => parse.GetValue(Shard) is { } text ? Sweeps.Planning.Shard.Parse(text) : null;

    /// <summary>Runs <paramref name="work"/> with the executor the options name (connecting to the cluster first, within the timeout).</summary>
    public async Task<T> RunAsync<T>(ParseResult parse, CliContext context, SweepDirectory store, int threads, Func<IJobExecutor, Task<T>> work,
        CancellationToken cancellationToken)
    {
        if (parse.GetValue(Cluster) is not { } endpointText)
        {
            return await work(new InProcessExecutor(threads <= 0 ? Environment.ProcessorCount : threads, store.WorkDirectory, context.LoggerFactory, NeuroApp.Version));
        }

        var timeout = parse.GetValue(ConnectTimeout);
        if (!(timeout > 0 && double.IsFinite(timeout)))
        {
            throw new Core.Errors.InvalidInputException(null, "--connect-timeout", timeout.ToString(System.Globalization.CultureInfo.InvariantCulture), "a positive number of seconds");
        }

        var endpoint = ClusterEndpoint.Parse(endpointText);
        await using var cluster = await SweepCluster.ConnectAsync(endpoint, parse.GetValue(ClusterId)!, TimeSpan.FromSeconds(timeout), context.LoggerFactory,
            context.Verbose, cancellationToken);
        return await work(new ClusterExecutor(cluster.Client, endpoint.Text, null, context.Logger<ClusterExecutor>()));
    }
}
