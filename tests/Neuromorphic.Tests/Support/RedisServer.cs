using System.Diagnostics;
using System.Net.Sockets;
using System.Runtime.CompilerServices;

namespace Neuromorphic.Tests.Support;

/// <summary>
/// A real <c>redis-server</c> on a free loopback port with its data in a temporary folder, started
/// by the test and stopped on dispose. Tests that need one use <see cref="RedisFactAttribute"/>,
/// which skips them (with the reason in the displayed name) where Debian's redis-server is not installed.
/// </summary>
public sealed class RedisServer : IDisposable
{
    private readonly Process _process;
    private readonly TempDirectory _directory;

    private RedisServer(Process process, int port, TempDirectory directory)
    {
        _process = process;
        Port = port;
        _directory = directory;
    }

    public int Port { get; }

    public string Endpoint => $"redis://127.0.0.1:{Port}";

    /// <summary>The redis-server executable, or null when it is not installed.</summary>
    public static string? Executable { get; } = new[] { "/usr/bin/redis-server", "/usr/local/bin/redis-server" }.FirstOrDefault(File.Exists)
        ?? (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d, "redis-server")).FirstOrDefault(File.Exists);

    public const string SkipReason = "redis-server is not installed (apt-get install redis-server; .ci/run installs it)";

    public static async Task<RedisServer> StartAsync()
    {
        var directory = new TempDirectory();
        var port = NeuroProcess.FreePort();
        var info = new ProcessStartInfo(Executable ?? throw new InvalidOperationException(SkipReason))
        {
            UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = directory.Path,
        };
        foreach (var arg in new[] { "--port", port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", directory.Path, "--daemonize", "no" })
        {
            info.ArgumentList.Add(arg);
        }

        var process = Process.Start(info)!;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new RedisServer(process, port, directory);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", port);
                return server;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && !process.HasExited)
            {
                await Task.Delay(100);
            }
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit(5000);
        }

        _process.Dispose();
        _directory.Dispose();
    }
}

/// <summary>A fact that needs redis-server; skipped with the reason in its name when it is not installed.</summary>
public sealed class RedisFactAttribute : FactAttribute
{
    public RedisFactAttribute([CallerMemberName] string test = "", [CallerFilePath] string file = "")
    {
        if (RedisServer.Executable is null)
        {
            Skip = RedisServer.SkipReason;
            DisplayName = $"{Path.GetFileNameWithoutExtension(file)}.{test} [needs redis: {RedisServer.SkipReason}]";
        }
    }
}
