using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Neuromorphic.Core.Progress;
using Neuromorphic.Simulation;
using Neuromorphic.Traces;

namespace Neuromorphic.Workflows.Runs;

/// <summary>
/// Runs a <see cref="RunPlan"/>: the simulator over every input, the trace when the plan asks for
/// one (closed as interrupted when the run is cancelled), and the typed <see cref="RunReport"/>.
/// </summary>
public sealed partial class RunSession(ILoggerFactory? loggers = null, string toolVersion = "")
{
    private readonly ILoggerFactory _loggers = loggers ?? NullLoggerFactory.Instance;
    private readonly ILogger _logger = (loggers ?? NullLoggerFactory.Instance).CreateLogger<RunSession>();

    public async Task<RunReport> RunAsync(RunPlan plan, IProgress<WorkProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var simulator = new Simulator(_loggers.CreateLogger<Simulator>());
        await using var recording = plan.Trace is { } trace
            ? TraceRecording.Create(plan, trace, toolVersion, _loggers.CreateLogger<TraceRecording>())
            : null;
        RunSummary summary;
        try
        {
            summary = await simulator.RunAsync(plan.Instance, plan.Inputs.Count, plan.Inputs.InputOf, plan.Options,
                recording is null ? null : i => recording.Recorder(i, plan.Inputs.Images is null ? -1 : plan.Inputs.FirstSample + i), recording is null ? null : recording.Completed,
                progress, cancellationToken);
            if (recording is not null)
            {
                await recording.CompleteAsync();
                LogTraceWritten(recording.Path);
            }
        }
        catch (OperationCanceledException) when (recording is not null)
        {
            await recording.CompleteAsync(TraceCompletion.Interrupted);
            throw;
        }

        return RunReport.Of(plan, summary, recording?.Path);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Trace written to {Path}")]
    private partial void LogTraceWritten(string path);
}
