using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Neuromorphic.Core.Progress;

namespace Neuromorphic.Tests.Support;

/// <summary>Collects formatted log lines, for tests that check what a component reported.</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyList<string> Lines => _lines.ToArray();

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void Dispose()
    {
    }

    private sealed class Logger(CapturingLoggerProvider owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner._lines.Enqueue($"{logLevel}: {formatter(state, exception)}");
    }
}

/// <summary>An <see cref="IProgress{T}"/> that calls back on the reporting thread (no synchronisation context).</summary>
public sealed class SyncProgress(Action<WorkProgress> report) : IProgress<WorkProgress>
{
    public void Report(WorkProgress value) => report(value);
}
