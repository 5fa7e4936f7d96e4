using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Neuromorphic.Core.Errors;
using Neuromorphic.Sweeps.Orleans.Hosting;
using Orleans.Configuration;

namespace Neuromorphic.Sweeps.Orleans.Client;

/// <summary>A connection to a sweep cluster: an Orleans client host, started within a timeout.</summary>
public sealed class SweepCluster : IAsyncDisposable
{
    private readonly IHost _host;

    private SweepCluster(IHost host, ClusterEndpoint endpoint)
    {
        _host = host;
        Endpoint = endpoint;
    }

    public ClusterEndpoint Endpoint { get; }

    public IClusterClient Client => _host.Services.GetRequiredService<IClusterClient>();

    /// <summary>
    /// Connects to <paramref name="endpoint"/>; a cluster that does not answer within
    /// <paramref name="timeout"/> is bad input naming the endpoint (<c>--cluster</c>).
    /// </summary>
    public static async Task<SweepCluster> ConnectAsync(ClusterEndpoint endpoint, string clusterId, TimeSpan timeout, ILoggerFactory loggers,
        bool verbose = false, CancellationToken cancellationToken = default)
    {
        var builder = HostBuilders.Create("neuro-sweep", loggers, verbose ? LogLevel.Information : LogLevel.Critical);
        var deadline = DateTime.UtcNow + timeout;
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o =>
            {
                o.ServiceId = ClusterEndpoint.ServiceId;
                o.ClusterId = clusterId;
            });
            client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(30));
            if (endpoint.Kind == ClusteringKind.Redis)
            {
                client.UseRedisClustering(endpoint.RedisConfiguration!);
            }
            else
            {
                client.UseStaticClustering(endpoint.Gateways.ToArray());
            }

            client.UseConnectionRetryFilter(async (_, token) =>
            {
                if (DateTime.UtcNow >= deadline || token.IsCancellationRequested)
                {
                    return false;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(500), token);
                return true;
            });
        });
        var host = builder.Build();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        linked.CancelAfter(timeout + TimeSpan.FromSeconds(1));
        try
        {
            await host.StartAsync(linked.Token);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            host.Dispose();
            throw new InvalidInputException(null, "--cluster", $"\"{endpoint.Text}\"",
                $"a reachable cluster (no silo answered within {timeout.TotalSeconds:0} s: {FirstLine(ex.Message)}); start one with neuro silo", ex);
        }

        return new SweepCluster(host, endpoint);
    }

    public async ValueTask DisposeAsync()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            await _host.StopAsync(stop.Token);
        }
        catch (OperationCanceledException)
        {
        }

        _host.Dispose();
    }

    private static string FirstLine(string text) => text.Split('\n')[0].Trim();
}
