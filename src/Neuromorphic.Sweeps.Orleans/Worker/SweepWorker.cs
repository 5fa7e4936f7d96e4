using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Neuromorphic.Sweeps.Execution;
using Neuromorphic.Sweeps.Inputs;
using Neuromorphic.Sweeps.Orleans.Grains;

namespace Neuromorphic.Sweeps.Orleans.Worker;

/// <summary>Settings of a silo's sweep worker.</summary>
public sealed class SweepWorkerOptions
{
    /// <summary>Jobs run at once, one thread each (default: every processor).</summary>
    public int Slots { get; set; } = Environment.ProcessorCount;

    /// <summary>Input files and job work folders (default: a folder of its own under the system's temporary folder, removed at the end).</summary>
    public string? WorkDirectory { get; set; }

    /// <summary>Recorded in trained models (the tool's version).</summary>
    public string ToolVersion { get; set; } = "";
}

/// <summary>
/// Runs the sweep jobs a silo accepts: each on the thread pool with one thread, at most
/// <see cref="SweepWorkerOptions.Slots"/> at a time, through the same <see cref="JobRunner"/> as the
/// in-process executor (so the outputs are the same bytes). Input files arrive by content hash
/// and are kept in an <see cref="InputCache"/> for later jobs; datasets are resolved here by name.
/// Outcomes wait until a client polls for them. Stopping the silo interrupts running jobs, which
/// their client then dispatches elsewhere.
/// </summary>
public sealed partial class SweepWorker : IDisposable
{
    private readonly ConcurrentDictionary<string, Entry> _jobs = new();
    private readonly SemaphoreSlim _slots;
    private readonly CancellationTokenSource _stopping = new();
    private readonly InputCache _cache;
    private readonly JobRunner _runner;
    private readonly string _directory;
    private readonly bool _ownsDirectory;
    private readonly ILogger _logger;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public SweepWorker(IOptions<SweepWorkerOptions> options, ILoggerFactory loggers)
    {
        var settings = options.Value;
        Slots = Math.Max(1, settings.Slots);
        _ownsDirectory = settings.WorkDirectory is null;
        _directory = settings.WorkDirectory ?? Path.Combine(Path.GetTempPath(), $"neuro-silo-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(_directory);
        _cache = new InputCache(Path.Combine(_directory, "cache"));
        _runner = new JobRunner(loggers, settings.ToolVersion);
        _slots = new SemaphoreSlim(Slots);
        _logger = loggers.CreateLogger<SweepWorker>();
        LogReady(Slots, _directory);
    }

    public int Slots { get; }

    public StartReply Start(string text)
    {
        var payload = JobPayload.Parse(text);
        if (_jobs.TryGetValue(payload.Id, out var known) && known.State is JobState.Queued or JobState.Running or JobState.Done)
        {
            return new StartReply { Accepted = true };
        }

        var missing = _cache.Missing(payload.Inputs.Values);
        if (missing.Count > 0)
        {
            return new StartReply { MissingFiles = missing.ToArray() };
        }

        var entry = new Entry(payload);
        _jobs[payload.Id] = entry;
        _ = Task.Run(() => ExecuteAsync(entry));
        return new StartReply { Accepted = true };
    }

    public bool Put(string hash, byte[] bytes) => _cache.Put(hash, bytes);

    public async Task<JobReport[]> PollAsync(string[] ids, TimeSpan wait)
    {
        var changed = Volatile.Read(ref _changed).Task;
        if (!ids.Any(IsFinished) && wait > TimeSpan.Zero)
        {
            await Task.WhenAny(changed, Task.Delay(wait, _stopping.Token)).ConfigureAwait(false);
        }

        return ids.Select(Report).ToArray();
    }

    private bool IsFinished(string id) => !_jobs.TryGetValue(id, out var entry) || entry.State is JobState.Done or JobState.Failed or JobState.Interrupted;

    private JobReport Report(string id)
    {
        if (!_jobs.TryGetValue(id, out var entry))
        {
            return new JobReport { Id = id, State = JobState.Unknown };
        }

        var state = entry.State;
        if (state is JobState.Done or JobState.Failed or JobState.Interrupted)
        {
            _jobs.TryRemove(id, out _);
        }

        return new JobReport
        {
            Id = id,
            State = state,
            Result = entry.Output?.Result,
            FilePaths = entry.Output?.Files.Select(f => f.Path).ToArray() ?? [],
            FileBytes = entry.Output?.Files.Select(f => f.Bytes).ToArray() ?? [],
            Message = entry.Message,
        };
    }

    private async Task ExecuteAsync(Entry entry)
    {
        var token = _stopping.Token;
        try
        {
            await _slots.WaitAsync(token).ConfigureAwait(false);
            try
            {
                entry.State = JobState.Running;
                var work = Path.Combine(_directory, "work", entry.Payload.Name);
                entry.Output = await _runner.RunAsync(entry.Payload, _cache, work, threads: 1, token).ConfigureAwait(false);
                entry.State = JobState.Done;
            }
            finally
            {
                _slots.Release();
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            entry.State = JobState.Interrupted;
        }
        catch (Exception ex)
        {
            entry.Message = JobErrors.Message(ex);
            entry.State = JobState.Failed;
            LogFailed(entry.Payload.Name, entry.Message);
        }

        Interlocked.Exchange(ref _changed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

    public void Dispose()
    {
        _stopping.Cancel();
        _changed.TrySetResult();
        if (_ownsDirectory)
        {
            try
            {
                Directory.Delete(_directory, recursive: true);
            }
            catch (IOException)
            {
                // Jobs still unwinding may hold files: the folder is under the temporary folder.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }

    private sealed class Entry(JobPayload payload)
    {
        public JobPayload Payload { get; } = payload;
        public volatile JobState State = JobState.Queued;
        public JobOutput? Output { get; set; }
        public string? Message { get; set; }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Sweep worker ready: {Slots} jobs at a time, work folder {Directory}")]
    private partial void LogReady(int slots, string directory);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {Job} failed: {Message}")]
    private partial void LogFailed(string job, string message);
}
