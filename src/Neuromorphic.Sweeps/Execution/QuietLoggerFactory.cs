using Microsoft.Extensions.Logging;

namespace Neuromorphic.Sweeps.Execution;

/// <summary>
/// Hands the libraries a job runs (planner, simulator, trainer) loggers that pass on warnings and
/// errors only: a sweep of a thousand jobs logs its progress, not a thousand runs' details.
/// Debug logging (the sweep's own <c>--verbose</c>) lets everything through.
/// </summary>
internal sealed class QuietLoggerFactory(ILoggerFactory inner) : ILoggerFactory
{
    public ILogger CreateLogger(string categoryName)
    {
        var logger = inner.CreateLogger(categoryName);
        return logger.IsEnabled(LogLevel.Debug) ? logger : new Quiet(logger);
    }

    public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

    public void Dispose()
    {
    }

    private sealed class Quiet(ILogger inner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning && inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                inner.Log(logLevel, eventId, state, exception, formatter);
            }
        }
    }
}
