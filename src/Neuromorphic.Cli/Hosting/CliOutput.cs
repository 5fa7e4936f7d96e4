using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Neuromorphic.Cli.Hosting;

/// <summary>
/// Standard output carries results only (tables, or one JSON object with --json); standard error
/// carries logs and progress. Nothing in the CLI writes to <see cref="Console"/> directly, so that
/// commands can run in-process in tests.
/// </summary>
public sealed class CliOutput
{
    public static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DictionaryKeyPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };

    private IAnsiConsole? _stdoutConsole;
    private IAnsiConsole? _stderrConsole;

    public CliOutput(TextWriter stdout, TextWriter stderr)
    {
        Out = stdout;
        Error = stderr;
    }

    public TextWriter Out { get; }

    public TextWriter Error { get; }

    /// <summary>True when stderr is this process's console and a terminal: progress bars are drawn only then.</summary>
    public bool ErrorIsTerminal => ReferenceEquals(Error, Console.Error) && !Console.IsErrorRedirected;

    public bool OutIsTerminal => ReferenceEquals(Out, Console.Out) && !Console.IsOutputRedirected;

    /// <summary>Spectre console on stdout, for tables.</summary>
    public IAnsiConsole Stdout => _stdoutConsole ??= CreateConsole(Out, OutIsTerminal);

    /// <summary>Spectre console on stderr, for progress.</summary>
    public IAnsiConsole Stderr => _stderrConsole ??= CreateConsole(Error, ErrorIsTerminal);

    /// <summary>Writes one JSON object (the machine-readable summary of a command) to stdout.</summary>
    public void WriteJson(object value)
    {
        var text = value is JsonNode node ? node.ToJsonString(JsonOptions) : JsonSerializer.Serialize(value, value.GetType(), JsonOptions);
        Out.WriteLine(text);
        Out.Flush();
    }

    public void Write(IRenderable renderable) => Stdout.Write(renderable);

    public void WriteLine(string text = "")
    {
        Out.WriteLine(text);
        Out.Flush();
    }

    private static IAnsiConsole CreateConsole(TextWriter writer, bool terminal)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = terminal ? InteractionSupport.Detect : InteractionSupport.No,
        });
        if (!terminal)
        {
            console.Profile.Width = 120;
        }

        return console;
    }
}
