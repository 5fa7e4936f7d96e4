using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Neuromorphic.Core.Progress;
using Neuromorphic.Sweeps.Execution;
using Neuromorphic.Sweeps.Inputs;
using Neuromorphic.Sweeps.Planning;
using Neuromorphic.Sweeps.Results;
using Neuromorphic.Sweeps.Store;

namespace Neuromorphic.Sweeps;

/// <summary>A job that failed for good, and why.</summary>
public sealed record FailedJob(string Name, string Kind, string Message);

/// <summary>What a sweep did: jobs of this shard, skipped (finished before), completed now, failed; the merged tables.</summary>
public sealed record SweepOutcome(SweepPlan Plan, string Directory, int Selected, int Skipped, int Completed, IReadOnlyList<FailedJob> Failed,
    SweepTables Tables, IReadOnlyList<string> Files, double WallSeconds);

/// <summary>
/// Runs a <see cref="SweepPlan"/> into a results folder on any <see cref="IJobExecutor"/>: writes the
/// plan, skips jobs that already have a result, runs the training jobs, then the run jobs (a train+run
/// job gets its model from its finished training job), stores each output as it arrives, and writes
/// the merged tables. Reports progress as jobs done, running and failed, with an ETA.
/// </summary>
public sealed partial class SweepRunner(ILoggerFactory? loggers = null)
{
    private readonly ILogger _logger = (loggers ?? NullLoggerFactory.Instance).CreateLogger<SweepRunner>();

    public async Task<SweepOutcome> RunAsync(SweepPlan plan, SweepDirectory store, IJobExecutor executor, Shard? shard = null,
        IProgress<WorkProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        var inputs = plan.Inputs ?? throw new InvalidOperationException("a plan read back from its file cannot run (it has no inputs)");
        store.Prepare(plan);
        var selected = plan.Select(shard);
        var pending = selected.Where(j => !store.IsFinished(j)).ToList();
        var skipped = selected.Count - pending.Count;
        LogStarting(selected.Count, shard?.ToString() ?? "all", skipped, executor.Description, store.Path);
        var tracker = new Tracker(this, store, selected.Count, skipped, progress);
        foreach (var finished in selected.Where(j => !pending.Contains(j)))
        {
            tracker.KnowDataset(store.ReadResult(finished));
        }

        var trainJobs = pending.Where(j => j.Kind == Spec.JobKind.Train).Select(JobPayload.Of).ToList();
        await executor.RunAsync(trainJobs, inputs, tracker, cancellationToken);

        var runJobs = new List<JobPayload>();
        var trainById = plan.TrainJobs.ToDictionary(j => j.Id);
        foreach (var job in pending.Where(j => j.Kind == Spec.JobKind.Run))
        {
            if (job.TrainId is null)
            {
                runJobs.Add(JobPayload.Of(job));
                continue;
            }

            var (model, reason) = store.Model(trainById[job.TrainId], inputs);
            if (model is null)
            {
                tracker.Failed(JobPayload.Of(job), "planner", $"no model: {reason}");
                continue;
            }

            var jobInputs = new Dictionary<string, InputBundle>(job.Inputs) { ["model"] = model };
            runJobs.Add(JobPayload.Of(job) with { Inputs = jobInputs });
        }

        await executor.RunAsync(runJobs, inputs, tracker, cancellationToken);

        var tables = SweepTables.Read(plan, store);
        var files = tables.Write(store.Path);
        if (Directory.Exists(store.WorkDirectory) && !Directory.EnumerateFileSystemEntries(store.WorkDirectory).Any())
        {
            Directory.Delete(store.WorkDirectory);
        }

        LogFinished(tracker.CompletedCount, tracker.FailedJobs.Count, clock.Elapsed.TotalSeconds);
        return new SweepOutcome(plan, store.Path, selected.Count, skipped, tracker.CompletedCount, tracker.FailedJobs, tables, files, clock.Elapsed.TotalSeconds);
    }

    /// <summary>Counts outcomes, stores outputs and reports progress (thread-safe).</summary>
    private sealed class Tracker(SweepRunner runner, SweepDirectory store, int total, int skipped, IProgress<WorkProgress>? progress) : IJobObserver
    {
        private readonly Lock _gate = new();
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private readonly HashSet<string> _running = [];
        private readonly HashSet<string> _done = [];
        private readonly List<FailedJob> _failed = [];
        private readonly Dictionary<string, string> _datasets = [];

        public int CompletedCount { get; private set; }

        public IReadOnlyList<FailedJob> FailedJobs
        {
            get
            {
                lock (_gate)
                {
                    return _failed.ToList();
                }
            }
        }

        public void Started(JobPayload job, string worker)
        {
            lock (_gate)
            {
                _running.Add(job.Id);
            }

            runner.LogJobStarted(job.Name, worker);
            Report();
        }

        public void Requeued(JobPayload job, string worker, string reason)
        {
            lock (_gate)
            {
                _running.Remove(job.Id);
            }

            runner.LogRequeued(job.Name, worker, reason);
            Report();
        }

        /// <summary>Remembers the content hash of the dataset a stored result ran on.</summary>
        public void KnowDataset(System.Text.Json.Nodes.JsonObject? result)
        {
            if (result?["dataset"] is System.Text.Json.Nodes.JsonObject { } dataset)
            {
                lock (_gate)
                {
                    _datasets.TryAdd(dataset["name"]!.GetValue<string>(), dataset["contentHash"]!.GetValue<string>());
                }
            }
        }

        public void Completed(JobPayload job, JobOutput output, string worker)
        {
            var dataset = System.Text.Json.Nodes.JsonNode.Parse(output.Result)?["dataset"] as System.Text.Json.Nodes.JsonObject;
            lock (_gate)
            {
                if (dataset is not null)
                {
                    var name = dataset["name"]!.GetValue<string>();
                    var hash = dataset["contentHash"]!.GetValue<string>();
                    if (_datasets.TryGetValue(name, out var expected) && expected != hash)
                    {
                        _running.Remove(job.Id);
                        _failed.Add(new FailedJob(job.Name, Planning.SweepJob.KindName(job.Kind),
                            $"{worker} ran it on another copy of dataset {name} (content hash {Core.IO.Hashing.Short(hash)}; the sweep's other jobs {Core.IO.Hashing.Short(expected)}): install the same dataset on every worker"));
                        return;
                    }

                    _datasets.TryAdd(name, hash);
                }

                _running.Remove(job.Id);
                if (!_done.Add(job.Id))
                {
                    return; // a second copy of a job that was dispatched twice: same bytes, stored once
                }
            }

            store.Write(output);
            lock (_gate)
            {
                CompletedCount++;
            }

            runner.LogJobDone(job.Name, worker);
            Report();
        }

        public void Failed(JobPayload job, string worker, string message)
        {
            lock (_gate)
            {
                _running.Remove(job.Id);
                if (_done.Contains(job.Id))
                {
                    return;
                }

                _failed.Add(new FailedJob(job.Name, Planning.SweepJob.KindName(job.Kind), message));
            }

            runner.LogJobFailed(job.Name, worker, message);
            Report();
        }

        private void Report()
        {
            if (progress is null)
            {
                return;
            }

            int done, running, failed;
            lock (_gate)
            {
                done = skipped + CompletedCount;
                running = _running.Count;
                failed = _failed.Count;
            }

            var remaining = total - done - failed;
            var eta = CompletedCount > 0 && remaining > 0 ? TimeSpan.FromSeconds(_clock.Elapsed.TotalSeconds / CompletedCount * remaining) : (TimeSpan?)null;
            var detail = $"{running} running, {failed} failed" + (eta is { } e ? $", ETA {Format(e)}" : "");
            progress.Report(new WorkProgress("jobs", done + failed, total, detail));
        }

        private static string Format(TimeSpan span) => span.TotalHours >= 1 ? $"{(int)span.TotalHours}h{span.Minutes:00}m" : span.TotalMinutes >= 1 ? $"{(int)span.TotalMinutes}m{span.Seconds:00}s" : $"{span.Seconds}s";
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Sweep: {Jobs} jobs (shard {Shard}), {Skipped} finished before; running {Executor}; results in {Directory}")]
    private partial void LogStarting(int jobs, string shard, int skipped, string executor, string directory);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Job {Job} started on {Worker}")]
    private partial void LogJobStarted(string job, string worker);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Job {Job} done on {Worker}")]
    private partial void LogJobDone(string job, string worker);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {Job} lost on {Worker} ({Reason}): dispatched again")]
    private partial void LogRequeued(string job, string worker, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {Job} failed on {Worker}: {Message}")]
    private partial void LogJobFailed(string job, string worker, string message);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sweep finished: {Completed} jobs run, {Failed} failed, {Seconds:0.0} s")]
    private partial void LogFinished(int completed, int failed, double seconds);
}
