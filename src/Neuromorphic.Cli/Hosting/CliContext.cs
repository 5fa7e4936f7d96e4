using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Neuromorphic.Core.Errors;
using Neuromorphic.Core.IO;

namespace Neuromorphic.Cli.Hosting;

/// <summary>
/// What a command needs at run time: the output streams, the logger factory and services of the
/// generic host (available once the command line has parsed), and the global flags.
/// </summary>
public sealed class CliContext
{
    private IServiceProvider? _services;

    public CliContext(TextWriter stdout, TextWriter stderr)
    {
        Output = new CliOutput(stdout, stderr);
    }

    public CliOutput Output { get; }

    /// <summary>Global options, recursive on every command.</summary>
    public Option<bool> VerboseOption { get; } = new("--verbose", "-v") { Description = "Log debug details to stderr.", Recursive = true };

    public Option<bool> QuietOption { get; } = new("--quiet", "-q") { Description = "Log only warnings and errors.", Recursive = true };

    public Option<string?> LogFileOption { get; } = new("--log-file") { Description = "Also write the log to this file.", HelpName = "FILE", Recursive = true };

    public bool Verbose { get; internal set; }

    public bool Quiet { get; internal set; }

    public IServiceProvider Services
    {
        get => _services ?? throw new InvalidOperationException("services are available only while a command runs");
        internal set => _services = value;
    }

    public ILogger<T> Logger<T>() => Services.GetRequiredService<ILogger<T>>();

    public ILoggerFactory LoggerFactory => Services.GetRequiredService<ILoggerFactory>();

    /// <summary>
    /// The output guard of the running command: a command registers its inputs and checks every
    /// output through it before any long work; a failure to write an output later (a full disk) is
    /// then reported with the flag that named it.
    /// </summary>
    public OutputGuard Outputs { get; private set; } = new();

    /// <summary>
    /// Sets the action of <paramref name="command"/> so that bad input gives exit code 2 and a clear
    /// message, cancellation and other failures give 1, and no stack trace reaches the user unless
    /// --verbose is set.
    /// </summary>
    /// <param name="command">The command.</param>
    /// <param name="action">Its action.</param>
    /// <param name="flags">
    /// The command's flags for the library properties it fills (e.g. <c>Steps</c> → <c>--steps</c>): a
    /// bad-input error that names one of these properties is reported with the flag instead.
    /// </param>
    public void SetAction(Command command, Func<ParseResult, CancellationToken, Task<int>> action, IReadOnlyDictionary<string, string>? flags = null)
    {
        command.SetAction(async (parse, cancellationToken) =>
        {
            var log = Logger<CliContext>();
            Outputs = new OutputGuard();
            try
            {
                return await action(parse, cancellationToken);
            }
            catch (InvalidInputException ex)
            {
                var shown = ex.Field is { } field && flags is not null && flags.TryGetValue(field, out var flag) ? ex.WithField(flag) : ex;
                log.LogError("{Message}", shown.Message);
                return ExitCodes.BadInput;
            }
            catch (OutputWriteException ex)
            {
                // A run-time failure (exit 1), named by the flag of the output it hit.
                var target = Resolved(ex.OutputPath);
                var named = Outputs.Outputs.FirstOrDefault(o => o.Target == target || Resolved(o.Path) == target);
                if (named.Field is null)
                {
                    // A file written beside an output and named after it (a model's sidecar, a trace's .partial).
                    named = Outputs.Outputs.FirstOrDefault(o => target.StartsWith(Path.ChangeExtension(o.Target, null) + ".", StringComparison.Ordinal));
                }

                if (named.Field is { } outputFlag)
                {
                    log.LogError("{Flag} {Path}: writing failed: {Reason}", outputFlag, named.Path, ex.Reason);
                }
                else
                {
                    log.LogError("{Command} failed: {Message}", command.Name, ex.Message);
                }

                return ExitCodes.Failure;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                log.LogWarning("Interrupted");
                return ExitCodes.Failure;
            }
            catch (Exception ex)
            {
                if (Verbose)
                {
                    log.LogError(ex, "{Command} failed: {Message}", command.Name, ex.Message);
                }
                else
                {
                    log.LogError("{Command} failed: {Message} (run with --verbose for details)", command.Name, ex.Message);
                }

                return ExitCodes.Failure;
            }
        });
    }

    private static string Resolved(string path)
    {
        try
        {
            return FileSystemEntry.ResolveLinks(path);
        }
        catch (Exception ex) when (ex is IOException or ArgumentException)
        {
            return path;
        }
    }

    /// <summary>Synchronous variant of <see cref="SetAction(Command, Func{ParseResult, CancellationToken, Task{int}}, IReadOnlyDictionary{string, string})"/>.</summary>
    public void SetAction(Command command, Func<ParseResult, int> action, IReadOnlyDictionary<string, string>? flags = null) =>
        SetAction(command, (parse, _) => Task.FromResult(action(parse)), flags);
}
