using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Neuromorphic.Sweeps.Orleans.Grains;
using Neuromorphic.Sweeps.Orleans.Worker;
using Orleans.Configuration;

namespace Neuromorphic.Sweeps.Orleans.Hosting;

/// <summary>Settings of a worker silo (<c>neuro silo</c>).</summary>
public sealed record SiloSettings
{
    public ClusterEndpoint Cluster { get; init; } = ClusterEndpoint.Localhost;
    public string ClusterId { get; init; } = ClusterEndpoint.DefaultClusterId;
    public int SiloPort { get; init; } = ClusterEndpoint.DefaultSiloPort;
    public int GatewayPort { get; init; } = ClusterEndpoint.DefaultGatewayPort;

    /// <summary>Localhost clustering: the primary silo's endpoint, or null when this silo is the primary.</summary>
    public IPEndPoint? Primary { get; init; }

    /// <summary>The address other machines reach this silo at (Redis clustering across machines); loopback by default.</summary>
    public IPAddress Advertise { get; init; } = IPAddress.Loopback;

    public SweepWorkerOptions Worker { get; init; } = new();
}

/// <summary>Builds worker silos: the sweep worker, its placement, clustering, and failure detection tuned for small clusters.</summary>
public static class SweepSilo
{
    /// <summary>Adds the sweep worker and its placement to a silo (also what Orleans' TestingHost silos call).</summary>
    public static ISiloBuilder AddSweepWorker(this ISiloBuilder silo, Action<SweepWorkerOptions>? configure = null)
    {
        silo.Services.AddOptions<SweepWorkerOptions>().Configure(o => configure?.Invoke(o));
        silo.Services.AddSingleton<SweepWorker>();
        silo.Services.AddPlacementDirector<TargetSiloPlacement, TargetSiloPlacementDirector>();
        silo.Services.Configure<ClusterMembershipOptions>(o =>
        {
            // A dead worker is noticed by its clients within a call timeout; membership follows within a few seconds.
            o.ProbeTimeout = TimeSpan.FromSeconds(2);
            o.NumMissedProbesLimit = 2;
        });
        return silo;
    }

    /// <summary>A host running one worker silo; logs go to <paramref name="loggers"/> (Orleans' own below errors only when <paramref name="verbose"/>).</summary>
    public static IHost Create(SiloSettings settings, ILoggerFactory loggers, bool verbose = false)
    {
        var builder = HostBuilders.Create("neuro-silo", loggers, verbose ? LogLevel.Information : LogLevel.Error);
        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(o =>
            {
                o.ServiceId = ClusterEndpoint.ServiceId;
                o.ClusterId = settings.ClusterId;
            });
            if (settings.Cluster.Kind == ClusteringKind.Redis)
            {
                silo.UseRedisClustering(settings.Cluster.RedisConfiguration!);
                silo.ConfigureEndpoints(settings.Advertise, settings.SiloPort, settings.GatewayPort, listenOnAnyHostAddress: !IPAddress.IsLoopback(settings.Advertise));
            }
            else
            {
                silo.UseLocalhostClustering(settings.SiloPort, settings.GatewayPort, settings.Primary, ClusterEndpoint.ServiceId, settings.ClusterId);
            }

            silo.AddSweepWorker(o =>
            {
                o.Slots = settings.Worker.Slots;
                o.WorkDirectory = settings.Worker.WorkDirectory;
                o.ToolVersion = settings.Worker.ToolVersion;
            });
        });
        return builder.Build();
    }
}

/// <summary>The Orleans hosts of sweeps (silo and client) log through the caller's logger factory.</summary>
internal static class HostBuilders
{
    /// <summary>A bare host builder whose logs go to <paramref name="loggers"/>, Orleans' own from <paramref name="orleansLevel"/> on.</summary>
    public static HostApplicationBuilder Create(string name, ILoggerFactory loggers, LogLevel orleansLevel)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, ApplicationName = name });
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(new ForwardingLoggerProvider(loggers));
        builder.Logging.SetMinimumLevel(LogLevel.Trace);
        builder.Logging.AddFilter("Orleans", orleansLevel);
        builder.Logging.AddFilter("Polly", orleansLevel);
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting", LogLevel.None); // a failed start is thrown, and reported once by the caller
        return builder;
    }
}

/// <summary>Hands a host's logging to an existing logger factory (the command line's).</summary>
internal sealed class ForwardingLoggerProvider(ILoggerFactory loggers) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => loggers.CreateLogger(categoryName);

    public void Dispose()
    {
    }
}
