using Serilog.Core;
using Serilog.Events;
using Spectre.Console;

namespace Neuromorphic.Cli.Hosting;

/// <summary>
/// Writes log events through the Spectre console on a terminal's standard error, the same console the
/// progress bar draws on: Spectre then prints each line above the live bar and redraws the bar below
/// it, so log lines are never cut by the bar and the bar never leaves fragments behind. Spectre
/// restores the live display correctly only around single-line writes, so a long line is wrapped
/// here, at the terminal's width, and each piece written on its own.
/// </summary>
internal sealed class AnsiConsoleSink(IAnsiConsole console) : ILogEventSink
{
    private readonly Lock _gate = new();

    public void Emit(LogEvent logEvent)
    {
        var style = logEvent.Level switch
        {
            >= LogEventLevel.Error => new Style(Color.Red),
            LogEventLevel.Warning => new Style(Color.Yellow),
            <= LogEventLevel.Debug => new Style(Color.Grey),
            _ => Style.Plain,
        };
        lock (_gate)
        {
            foreach (var line in Wrap(TextWriterSink.Format(logEvent), Math.Max(20, console.Profile.Width - 1)))
            {
                console.Write(new Text(line + "\n", style));
            }
        }
    }

    /// <summary>Splits <paramref name="text"/> into lines of at most <paramref name="width"/> characters, at spaces where possible.</summary>
    internal static IEnumerable<string> Wrap(string text, int width)
    {
        foreach (var raw in text.Replace("\r", "", StringComparison.Ordinal).Split('\n'))
        {
            var rest = raw;
            while (rest.Length > width)
            {
                var cut = rest.LastIndexOf(' ', width);
                cut = cut <= width / 2 ? width : cut;
                yield return rest[..cut].TrimEnd();
                rest = rest[cut..].TrimStart();
            }

            yield return rest;
        }
    }
}
