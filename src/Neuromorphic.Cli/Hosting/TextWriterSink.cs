using System.Globalization;
using Serilog.Core;
using Serilog.Events;

namespace Neuromorphic.Cli.Hosting;

/// <summary>
/// Writes log events as plain lines ("[12:00:01 INF] message") to a <see cref="TextWriter"/>. Used
/// when standard error is not the process console (tests, redirection inside a host).
/// </summary>
internal sealed class TextWriterSink(TextWriter writer) : ILogEventSink
{
    private readonly Lock _gate = new();

    public void Emit(LogEvent logEvent)
    {
        var level = logEvent.Level switch
        {
            LogEventLevel.Verbose => "VRB",
            LogEventLevel.Debug => "DBG",
            LogEventLevel.Information => "INF",
            LogEventLevel.Warning => "WRN",
            LogEventLevel.Error => "ERR",
            _ => "FTL",
        };
        var line = $"[{logEvent.Timestamp.ToString("HH:mm:ss", CultureInfo.InvariantCulture)} {level}] {logEvent.RenderMessage(CultureInfo.InvariantCulture)}";
        lock (_gate)
        {
            writer.WriteLine(line);
            if (logEvent.Exception is not null && logEvent.Level >= LogEventLevel.Error)
            {
                writer.WriteLine(logEvent.Exception.ToString());
            }

            writer.Flush();
        }
    }
}
