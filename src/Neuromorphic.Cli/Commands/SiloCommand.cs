using System.CommandLine;
using System.Globalization;
using System.Net;
using Microsoft.Extensions.Logging;
using Neuromorphic.Cli.Hosting;
using Neuromorphic.Core.Errors;
using Neuromorphic.Sweeps.Orleans.Hosting;
using Neuromorphic.Sweeps.Orleans.Worker;

namespace Neuromorphic.Cli.Commands;

/// <summary><c>neuro silo</c>: a worker silo for <c>neuro sweep --cluster</c>, until Ctrl-C or SIGTERM.</summary>
internal static class SiloCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("silo",
            "Start an Orleans worker silo that runs sweep jobs (neuro sweep --cluster). On one machine the first silo is the primary " +
            "(localhost clustering) and others join it with --primary; across machines every silo and client names a Redis server.");
        var cluster = new Option<string>("--cluster") { Description = "localhost (one machine) or redis://HOST:PORT (membership in Redis).", HelpName = "ENDPOINT", DefaultValueFactory = _ => "localhost" };
        var primary = new Option<string?>("--primary") { Description = "Localhost clustering: the primary silo's HOST:PORT (silo port) to join; without it this silo is the primary.", HelpName = "HOST:PORT" };
        var port = new Option<int>("--port") { Description = "Silo-to-silo port.", DefaultValueFactory = _ => ClusterEndpoint.DefaultSiloPort };
        var gatewayPort = new Option<int>("--gateway-port") { Description = "Port clients connect to (neuro sweep --cluster HOST:PORT).", DefaultValueFactory = _ => ClusterEndpoint.DefaultGatewayPort };
        var advertise = new Option<string>("--advertise") { Description = "Redis clustering: the address other machines reach this silo at.", HelpName = "IP", DefaultValueFactory = _ => "127.0.0.1" };
        var threads = new Option<int>("--threads") { Description = "Jobs run at once, one thread each (default: every processor).", DefaultValueFactory = _ => Environment.ProcessorCount };
        var workDir = new Option<string?>("--work-dir") { Description = "Folder for input files and unfinished jobs (default: a temporary folder, removed at exit).", HelpName = "DIR" };
        var clusterId = new Option<string>("--cluster-id") { Description = "The cluster's id (clients pass the same).", HelpName = "ID", DefaultValueFactory = _ => ClusterEndpoint.DefaultClusterId };
        foreach (var option in new Option[] { cluster, primary, port, gatewayPort, advertise, threads, workDir, clusterId })
        {
            command.Options.Add(option);
        }

        context.SetAction(command, async (parse, cancellationToken) =>
        {
            var log = context.Logger<SweepWorker>();
            var endpoint = ClusterEndpoint.Parse(parse.GetValue(cluster)!);
            if (endpoint.Kind == ClusteringKind.Localhost && endpoint.Gateways.Any(g => !IPAddress.IsLoopback(g.Address)))
            {
                throw new InvalidInputException(null, "--cluster", parse.GetValue(cluster), "localhost or redis://HOST:PORT (a silo's own clustering, not a gateway list)");
            }

            foreach (var (option, value) in new[] { ("--port", parse.GetValue(port)), ("--gateway-port", parse.GetValue(gatewayPort)) })
            {
                if (value is < 1 or > 65535)
                {
                    throw new InvalidInputException(null, option, value.ToString(CultureInfo.InvariantCulture), "a TCP port in 1..65535");
                }
            }

            if (parse.GetValue(threads) < 1)
            {
                throw new InvalidInputException(null, "--threads", parse.GetValue(threads).ToString(CultureInfo.InvariantCulture), "at least one job at a time");
            }

            IPEndPoint? primaryEndpoint = null;
            if (parse.GetValue(primary) is { } primaryText)
            {
                var parsed = ClusterEndpoint.Parse(primaryText, "--primary");
                primaryEndpoint = parsed.Kind == ClusteringKind.Localhost && parsed.Gateways.Count == 1 && primaryText.Contains(':')
                    ? parsed.Gateways[0]
                    : throw new InvalidInputException(null, "--primary", primaryText, "the primary silo's HOST:PORT (its --port)");
            }

            var settings = new SiloSettings
            {
                Cluster = endpoint,
                ClusterId = parse.GetValue(clusterId)!,
                SiloPort = parse.GetValue(port),
                GatewayPort = parse.GetValue(gatewayPort),
                Primary = primaryEndpoint,
                Advertise = ClusterEndpoint.Address(parse.GetValue(advertise)!, parse.GetValue(advertise)!, "--advertise"),
                Worker = new SweepWorkerOptions { Slots = parse.GetValue(threads), WorkDirectory = parse.GetValue(workDir), ToolVersion = NeuroApp.Version },
            };
            using var host = SweepSilo.Create(settings, context.LoggerFactory, context.Verbose);
            await host.StartAsync(cancellationToken);
            log.LogInformation("Silo ready: {Clustering} clustering, silo port {Port}, gateway port {Gateway}, {Threads} jobs at a time, cluster id {ClusterId}; Ctrl-C stops it",
                endpoint.Kind == ClusteringKind.Redis ? endpoint.Text : primaryEndpoint is null ? "localhost (primary)" : $"localhost (joined {primaryEndpoint})",
                settings.SiloPort, settings.GatewayPort, settings.Worker.Slots, settings.ClusterId);
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                log.LogInformation("Stopping the silo");
            }

            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(8));
            await host.StopAsync(stop.Token);
            return ExitCodes.Success;
        });
        return command;
    }
}
