using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Neuromorphic.Cli.Hosting;

namespace Neuromorphic.Tests.Support;

/// <summary>
/// <c>neuro</c> in a process of its own (a silo, a sweep client), with its stderr collected line by
/// line. Disposing kills it if it still runs. <see cref="Kill"/> is SIGKILL on Linux.
/// </summary>
public sealed class NeuroProcess : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly SemaphoreSlim _arrived = new(0);

    private NeuroProcess(Process process) => _process = process;

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public string Stderr => string.Join("\n", _lines);

    public static NeuroProcess Start(string workingDirectory, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory, RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        info.ArgumentList.Add(typeof(NeuroApp).Assembly.Location);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var result = new NeuroProcess(process);
        process.ErrorDataReceived += (_, e) => result.Add(e.Data);
        process.OutputDataReceived += (_, e) => result.Add(e.Data);
        process.Start();
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        return result;
    }

    private void Add(string? line)
    {
        if (line is not null)
        {
            _lines.Enqueue(line);
            _arrived.Release();
        }
    }

    /// <summary>Waits until a line contains <paramref name="text"/>; fails the test after <paramref name="timeout"/> or if the process exits first.</summary>
    public async Task WaitForAsync(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!_lines.Any(l => l.Contains(text, StringComparison.Ordinal)))
        {
            if (_process.HasExited && !_lines.Any(l => l.Contains(text, StringComparison.Ordinal)))
            {
                throw new Xunit.Sdk.XunitException($"neuro exited ({_process.ExitCode}) before printing \"{text}\":\n{Stderr}");
            }

            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException($"neuro did not print \"{text}\" within {timeout.TotalSeconds} s:\n{Stderr}");
            }

            await _arrived.WaitAsync(TimeSpan.FromMilliseconds(Math.Min(200, left.TotalMilliseconds)));
        }
    }

    /// <summary>Waits for the process to exit and returns its exit code.</summary>
    public async Task<int> ExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
    }

    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }

    /// <summary>A TCP port on the loopback interface that was free a moment ago.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
