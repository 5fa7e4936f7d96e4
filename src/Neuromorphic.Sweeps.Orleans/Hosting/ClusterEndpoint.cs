using System.Globalization;
using System.Net;
using Neuromorphic.Core.Errors;

namespace Neuromorphic.Sweeps.Orleans.Hosting;

/// <summary>How silos find each other and clients find silos.</summary>
public enum ClusteringKind
{
    /// <summary>One machine: the first silo is the primary and keeps the membership; clients connect to silo gateways.</summary>
    Localhost,

    /// <summary>Many machines: membership in a Redis server that every silo and client reaches.</summary>
    Redis,
}

/// <summary>
/// A cluster endpoint as <c>--cluster</c> takes it: <c>localhost</c> (gateway port 30000),
/// <c>HOST:PORT[,HOST:PORT…]</c> (silo gateways), or <c>redis://HOST:PORT</c> (Redis clustering).
/// </summary>
public sealed record ClusterEndpoint(string Text, ClusteringKind Kind, IReadOnlyList<IPEndPoint> Gateways, string? RedisConfiguration)
{
    public const int DefaultGatewayPort = 30000;
    public const int DefaultSiloPort = 11111;
    public const string ServiceId = "neuromorphic";
    public const string DefaultClusterId = "sweeps";

    public static ClusterEndpoint Localhost { get; } = Parse("localhost");

    /// <summary>Parses an endpoint; errors name <paramref name="field"/>.</summary>
    public static ClusterEndpoint Parse(string text, string field = "--cluster")
    {
        var trimmed = text.Trim();
        if (trimmed.StartsWith("redis://", StringComparison.OrdinalIgnoreCase))
        {
            var rest = trimmed["redis://".Length..].TrimEnd('/');
            if (rest.Length == 0 || rest.Contains('/'))
            {
                throw Bad(text, field);
            }

            return new ClusterEndpoint(trimmed, ClusteringKind.Redis, [], rest.Contains(':') ? rest : rest + ":6379");
        }

        var gateways = new List<IPEndPoint>();
        foreach (var part in trimmed.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var colon = part.LastIndexOf(':');
            var host = colon < 0 ? part : part[..colon];
            var port = DefaultGatewayPort;
            if (colon >= 0 && !(int.TryParse(part[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out port) && port is > 0 and < 65536))
            {
                throw Bad(text, field);
            }

            gateways.Add(new IPEndPoint(Address(host, text, field), port));
        }

        if (gateways.Count == 0)
        {
            throw Bad(text, field);
        }

        return new ClusterEndpoint(trimmed, ClusteringKind.Localhost, gateways, null);
    }

    /// <summary>An IP address or a host name that resolves to one (IPv4 first).</summary>
    public static IPAddress Address(string host, string text, string field)
    {
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase))
        {
            return IPAddress.Loopback;
        }

        if (IPAddress.TryParse(host, out var ip))
        {
            return ip;
        }

        try
        {
            var addresses = Dns.GetHostAddresses(host);
            return addresses.FirstOrDefault(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork) ?? addresses.First();
        }
        catch (Exception ex) when (ex is System.Net.Sockets.SocketException or InvalidOperationException or ArgumentException)
        {
            throw new InvalidInputException(null, field, $"\"{text}\"", $"a host that resolves ({host}: {ex.Message})");
        }
    }

    private static InvalidInputException Bad(string text, string field) =>
        new(null, field, $"\"{text}\"", "localhost, HOST:PORT[,HOST:PORT…] (silo gateways) or redis://HOST:PORT");
}
