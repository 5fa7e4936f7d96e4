using System.CommandLine;
using System.Reflection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Neuromorphic.Cli.Commands;
using Neuromorphic.Cli.Demo;
using Serilog;
using Serilog.Events;

namespace Neuromorphic.Cli.Hosting;

/// <summary>
/// The <c>neuro</c> program: parses the command line (System.CommandLine owns the arguments),
/// configures Serilog from the global flags, builds the generic host, and invokes the command.
/// Everything goes through the given writers, so tests run it in-process.
/// </summary>
public static class NeuroApp
{
    public static string Version =>
        typeof(NeuroApp).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion?.Split('+')[0] ?? "0.0.0";

    /// <summary>The commands, in the order the help lists them.</summary>
    private static IEnumerable<Command> Commands(CliContext context) =>
    [
        DemoCommand.Create(context),
        DataCommand.Create(context),
        TrainCommand.Create(context),
        EvalCommand.Create(context),
        ExperimentCommand.Create(context),
        ChipCommand.Create(context),
        MapCommand.Create(context),
        RunCommand.Create(context),
        ReplayCommand.Create(context),
        SweepCommand.Create(context),
        SiloCommand.Create(context),
        Trace(context),
        ImportCommand.Create(context),
        ExportCommand.Create(context),
    ];

    /// <summary>The <c>trace</c> group: info, verify and export, plus plot and synth.</summary>
    private static Command Trace(CliContext context)
    {
        var trace = TraceCommand.Create(context);
        trace.Subcommands.Add(TracePlotCommand.Create(context));
        trace.Subcommands.Add(TraceSynthCommand.Create(context));
        return trace;
    }

    public static RootCommand BuildRoot(CliContext context)
    {
        var root = new RootCommand(
            "neuro: train networks with HTS-EP, map them onto virtual Loihi-like chips, simulate them event-driven on " +
            "asynchronous cores with device variability, and estimate accuracy, energy and latency per inference.");
        root.Options.Add(context.VerboseOption);
        root.Options.Add(context.QuietOption);
        root.Options.Add(context.LogFileOption);
        foreach (var command in Commands(context))
        {
            root.Subcommands.Add(command);
        }

        return root;
    }

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var context = new CliContext(stdout, stderr);
        var root = BuildRoot(context);
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                await stderr.WriteLineAsync($"error: {error.Message}");
            }

            await stderr.WriteLineAsync();
            await PrintHelpAsync(root, parse.CommandResult.Command, stderr);
            return ExitCodes.BadInput;
        }

        context.Verbose = parse.GetValue(context.VerboseOption);
        context.Quiet = parse.GetValue(context.QuietOption) && !context.Verbose;
        var logFile = parse.GetValue(context.LogFileOption);
        if (!string.IsNullOrWhiteSpace(logFile) && LogFileProblem(parse, logFile) is { } problem)
        {
            await stderr.WriteLineAsync($"error: --log-file: got \"{logFile}\", expected {problem}");
            return ExitCodes.BadInput;
        }

        var level = context.Verbose ? LogEventLevel.Debug : context.Quiet ? LogEventLevel.Warning : LogEventLevel.Information;
        var loggerConfiguration = new LoggerConfiguration().MinimumLevel.Is(level);
        // On a terminal, logs go through the Spectre console that draws the progress bar, which prints them above the bar.
        loggerConfiguration = context.Output.ErrorIsTerminal
            ? loggerConfiguration.WriteTo.Sink(new AnsiConsoleSink(context.Output.Stderr))
            : loggerConfiguration.WriteTo.Sink(new TextWriterSink(stderr));
        if (!string.IsNullOrWhiteSpace(logFile))
        {
            loggerConfiguration = loggerConfiguration.WriteTo.File(logFile, restrictedToMinimumLevel: LogEventLevel.Debug);
        }

        await using var serilog = loggerConfiguration.CreateLogger();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, ApplicationName = "neuro" });
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Trace);
        builder.Services.AddSerilog(serilog, dispose: false);
        using var host = builder.Build();
        context.Services = host.Services;

        try
        {
            return await parse.InvokeAsync(new InvocationConfiguration
            {
                Output = stdout,
                Error = stderr,
                EnableDefaultExceptionHandler = false,
                ProcessTerminationTimeout = TimeSpan.FromSeconds(10), // Ctrl-C/SIGTERM cancel the action's token (System.CommandLine 2.0.0 defaults to off)
            });
        }
        catch (Exception ex)
        {
            // Last resort: a failure outside any command action (the actions handle their own).
            await stderr.WriteLineAsync($"error: {ex.Message}");
            return ExitCodes.Failure;
        }
    }

    /// <summary>
    /// The log is appended to its file from the start, before a command checks its own files, so it
    /// is checked here: not a directory, and not a file that another argument names (or a sidecar of
    /// a network file another argument names), which the log would corrupt. Devices such as
    /// /dev/stderr are fine: appending does not replace them.
    /// </summary>
    private static string? LogFileProblem(ParseResult parse, string logFile)
    {
        if (Directory.Exists(logFile))
        {
            return "a file to append the log to (it is a directory)";
        }

        var identity = Core.IO.FileSystemEntry.IdentityOf(logFile);
        var full = Path.GetFullPath(logFile);
        var skipped = false;
        foreach (var token in parse.Tokens.Select(t => t.Value))
        {
            if (!skipped && token == logFile)
            {
                skipped = true;
                continue;
            }

            if (token.Length == 0 || token.StartsWith('-'))
            {
                continue;
            }

            string tokenFull;
            try
            {
                tokenFull = Path.GetFullPath(token);
            }
            catch (ArgumentException)
            {
                continue;
            }

            var files = File.Exists(token) ? Workflows.Networks.NetworkLoader.FilesOf(token) : [tokenFull];
            foreach (var file in files)
            {
                if (file == full || (identity is not null && Core.IO.FileSystemEntry.IdentityOf(file) == identity))
                {
                    return $"a file that no argument of the command names ({token}{(file == files[0] ? "" : $" names {file}")}; the log would be appended to it)";
                }
            }
        }

        return null;
    }

    /// <summary>Prints the help of <paramref name="command"/> (the subcommand a usage error occurred in).</summary>
    private static async Task PrintHelpAsync(RootCommand root, Command command, TextWriter writer)
    {
        var path = new List<string>();
        for (Command? c = command; c is not null && c is not RootCommand; c = FindParent(root, c))
        {
            path.Insert(0, c.Name);
        }

        path.Add("--help");
        await root.Parse(path).InvokeAsync(new InvocationConfiguration { Output = writer, Error = writer });
    }

    private static Command? FindParent(Command root, Command target)
    {
        foreach (var sub in root.Subcommands)
        {
            if (sub == target)
            {
                return root;
            }

            if (FindParent(sub, target) is { } found)
            {
                return found;
            }
        }

        return null;
    }
}
