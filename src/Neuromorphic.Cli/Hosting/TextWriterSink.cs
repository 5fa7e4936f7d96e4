using System.Globalization;
using Serilog.Core;
using Serilog.Events;

namespace Neuromorphic.Cli.Hosting;

/// <summary>
/// Writes log events as plain lines ("[12:00:01 INF] message") to a <see cref="TextWriter"/>. Used
/// when standard error is not a terminal (redirection, CI, tests).
/// </summary>
internal sealed class TextWriterSink(TextWriter writer) : ILogEventSink
{
    private readonly Lock _gate = new();

    public void Emit(LogEvent logEvent)
    {
        var line = Format(logEvent);
        lock (_gate)
        {
            writer.WriteLine(line);
            writer.Flush();
        }
    }

    /// <summary>The log line of <paramref name="logEvent"/> (and its exception, for errors).</summary>
    public static string Format(LogEvent logEvent)
    {
        var line = $"[{logEvent.Timestamp.ToString("HH:mm:ss", CultureInfo.InvariantCulture)} {LevelName(logEvent.Level)}] {logEvent.RenderMessage(CultureInfo.InvariantCulture)}";
        return logEvent.Exception is not null && logEvent.Level >= LogEventLevel.Error ? line + Environment.NewLine + logEvent.Exception : line;
    }

    public static string LevelName(LogEventLevel level) => level switch
    {
        LogEventLevel.Verbose => "VRB",
        LogEventLevel.Debug => "DBG",
        LogEventLevel.Information => "INF",
        LogEventLevel.Warning => "WRN",
        LogEventLevel.Error => "ERR",
        _ => "FTL",
    };
}
