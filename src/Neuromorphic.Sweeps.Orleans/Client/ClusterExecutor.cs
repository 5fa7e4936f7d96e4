using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Neuromorphic.Sweeps.Execution;
using Neuromorphic.Sweeps.Inputs;
using Neuromorphic.Sweeps.Orleans.Grains;

namespace Neuromorphic.Sweeps.Orleans.Client;

/// <summary>Timings of the cluster executor.</summary>
public sealed record ClusterExecutorOptions
{
    /// <summary>How often the members of the cluster are listed (new silos join the sweep).</summary>
    public TimeSpan DiscoveryInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>A call to a worker that takes longer has failed.</summary>
    public TimeSpan CallTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a poll waits on the worker for a job to finish.</summary>
    public TimeSpan PollWait { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Consecutive failed calls after which a worker is lost and its jobs are dispatched again.</summary>
    public int FailuresToLose { get; init; } = 2;

    /// <summary>With jobs left and no worker for this long, the remaining jobs fail.</summary>
    public TimeSpan NoWorkerTimeout { get; init; } = TimeSpan.FromSeconds(60);
}

/// <summary>
/// Runs jobs on an Orleans cluster of <c>neuro silo</c> workers. The client keeps the queue: it lists
/// the active silos, keeps as many jobs on each as it has slots, sends the input files a worker
/// lacks (by hash), and long-polls for outcomes. A worker that stops answering (a silo killed or
/// stopped) is lost: its jobs go back to the queue and run on another silo. A job fails for good
/// only through its own error. Outputs come back as the bytes the in-process executor writes.
/// </summary>
public sealed partial class ClusterExecutor(IClusterClient client, string endpoint, ClusterExecutorOptions? options = null, ILogger<ClusterExecutor>? logger = null)
    : IJobExecutor
{
    private readonly ClusterExecutorOptions _options = options ?? new ClusterExecutorOptions();
    private readonly ILogger _logger = logger ?? NullLogger<ClusterExecutor>.Instance;

    public string Description => $"on the cluster at {endpoint}";

    public async Task RunAsync(IReadOnlyList<JobPayload> jobs, IBlobSource inputs, IJobObserver observer, CancellationToken cancellationToken)
    {
        if (jobs.Count == 0)
        {
            return;
        }

        var run = new Dispatch(this, jobs, inputs, observer);
        await run.RunAsync(cancellationToken);
    }

    private async Task<T> CallAsync<T>(Func<Task<T>> call, TimeSpan timeout, CancellationToken cancellationToken) =>
        await call().WaitAsync(timeout, cancellationToken);

    /// <summary>One executor run: the queue, the workers, and their loops.</summary>
    private sealed class Dispatch(ClusterExecutor owner, IReadOnlyList<JobPayload> jobs, IBlobSource inputs, IJobObserver observer)
    {
        private readonly Lock _gate = new();
        private readonly LinkedList<JobPayload> _queue = new(jobs);
        private readonly Dictionary<string, Worker> _workers = [];
        private readonly TaskCompletionSource _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly List<Task> _loops = [];
        private int _resolved;
        private DateTime _noWorkerSince = DateTime.UtcNow;

        public async Task RunAsync(CancellationToken cancellationToken)
        {
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var discovery = DiscoverAsync(stop.Token);
            try
            {
                await _finished.Task.WaitAsync(cancellationToken);
            }
            finally
            {
                await stop.CancelAsync();
                try
                {
                    await Task.WhenAll(_loops.Append(discovery));
                }
                catch (OperationCanceledException)
                {
                }
            }
        }

        private async Task DiscoverAsync(CancellationToken token)
        {
            var management = owner.Client.GetGrain<IManagementGrain>(0);
            while (!token.IsCancellationRequested)
            {
                try
                {
                    var hosts = await owner.CallAsync(() => management.GetHosts(onlyActive: true), owner._options.CallTimeout, token);
                    var active = hosts.Keys.Select(s => s.ToParsableString()).ToHashSet();
                    foreach (var silo in active)
                    {
                        Worker? known;
                        lock (_gate)
                        {
                            _workers.TryGetValue(silo, out known);
                        }

                        if (known is null || known.Lost)
                        {
                            await JoinAsync(silo, token);
                        }
                    }

                    lock (_gate)
                    {
                        foreach (var worker in _workers.Values.Where(w => !w.Lost && !active.Contains(w.Silo)).ToList())
                        {
                            LoseLocked(worker, "it left the cluster");
                        }
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !token.IsCancellationRequested)
                {
                    owner.LogDiscoveryFailed(ex.Message);
                }

                CheckStarvation();
                try
                {
                    await Task.Delay(owner._options.DiscoveryInterval, token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }

        private async Task JoinAsync(string silo, CancellationToken token)
        {
            var grain = owner.Client.GetGrain<ISweepWorkerGrain>(silo);
            WorkerInfo info;
            try
            {
                info = await owner.CallAsync(grain.Describe, owner._options.CallTimeout, token);
            }
            catch (Exception ex) when (!token.IsCancellationRequested)
            {
                owner.LogJoinFailed(silo, ex.Message);
                return;
            }

            var worker = new Worker(silo, $"{info.Host}:{info.ProcessId} ({silo})", grain, Math.Max(1, info.Slots));
            lock (_gate)
            {
                _workers[silo] = worker;
            }

            owner.LogJoined(worker.Name, worker.Slots);
            _loops.Add(Task.Run(() => LoopAsync(worker, token), CancellationToken.None));
        }

        /// <summary>Keeps the worker's slots full and collects its outcomes until it is lost or everything is resolved.</summary>
        private async Task LoopAsync(Worker worker, CancellationToken token)
        {
            while (!token.IsCancellationRequested && !worker.Lost && !_finished.Task.IsCompleted)
            {
                try
                {
                    await FillAsync(worker, token);
                    string[] ids;
                    lock (_gate)
                    {
                        ids = worker.InFlight.Keys.ToArray();
                    }

                    if (ids.Length == 0)
                    {
                        await Task.Delay(TimeSpan.FromMilliseconds(50), token);
                        continue;
                    }

                    var reports = await owner.CallAsync(() => worker.Grain.Poll(ids, (int)owner._options.PollWait.TotalMilliseconds),
                        owner._options.CallTimeout + owner._options.PollWait, token);
                    worker.Failures = 0;
                    foreach (var report in reports)
                    {
                        Handle(worker, report);
                    }
                }
                catch (OperationCanceledException) when (token.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception ex)
                {
                    if (++worker.Failures >= owner._options.FailuresToLose)
                    {
                        lock (_gate)
                        {
                            LoseLocked(worker, $"no answer: {ex.Message.Split('\n')[0]}");
                        }

                        return;
                    }

                    await Task.Delay(TimeSpan.FromMilliseconds(200), token);
                }
            }
        }

        private async Task FillAsync(Worker worker, CancellationToken token)
        {
            while (true)
            {
                JobPayload? job;
                lock (_gate)
                {
                    if (worker.Lost || worker.InFlight.Count >= worker.Slots || _queue.First is null)
                    {
                        return;
                    }

                    job = _queue.First.Value;
                    _queue.RemoveFirst();
                    worker.InFlight[job.Id] = job;
                }

                try
                {
                    var text = job.ToText();
                    var reply = await owner.CallAsync(() => worker.Grain.Start(text), owner._options.CallTimeout, token);
                    if (!reply.Accepted)
                    {
                        foreach (var hash in reply.MissingFiles)
                        {
                            var bytes = inputs.TryRead(hash) ?? throw new InvalidOperationException($"input file {hash} of job {job.Name} is not on this machine");
                            if (!await owner.CallAsync(() => worker.Grain.Put(hash, bytes), owner._options.CallTimeout + TimeSpan.FromTicks(bytes.Length * 100L), token))
                            {
                                throw new InvalidDataException($"worker {worker.Name} refused input file {hash} (hash mismatch)");
                            }
                        }

                        reply = await owner.CallAsync(() => worker.Grain.Start(text), owner._options.CallTimeout, token);
                        if (!reply.Accepted)
                        {
                            throw new InvalidOperationException($"worker {worker.Name} still lacks input files of job {job.Name}");
                        }
                    }

                    observer.Started(job, worker.Name);
                }
                catch
                {
                    lock (_gate)
                    {
                        if (worker.InFlight.Remove(job.Id))
                        {
                            _queue.AddFirst(job);
                        }
                    }

                    throw;
                }
            }
        }

        private void Handle(Worker worker, JobReport report)
        {
            JobPayload? job;
            lock (_gate)
            {
                if (!worker.InFlight.TryGetValue(report.Id, out job) || report.State is JobState.Queued or JobState.Running)
                {
                    return;
                }

                worker.InFlight.Remove(report.Id);
                if (report.State is JobState.Unknown or JobState.Interrupted)
                {
                    _queue.AddFirst(job);
                }
            }

            switch (report.State)
            {
                case JobState.Done:
                    var files = report.FilePaths.Zip(report.FileBytes, (p, b) => new JobFile(p, b)).ToList();
                    observer.Completed(job, new JobOutput(job.Id, report.Result!, files), worker.Name);
                    Resolved();
                    break;
                case JobState.Failed:
                    observer.Failed(job, worker.Name, report.Message ?? "failed");
                    Resolved();
                    break;
                default:
                    observer.Requeued(job, worker.Name, report.State == JobState.Interrupted ? "the silo is stopping" : "the silo no longer knows it");
                    break;
            }
        }

        private void Resolved()
        {
            if (Interlocked.Increment(ref _resolved) >= jobs.Count)
            {
                _finished.TrySetResult();
            }
        }

        private void LoseLocked(Worker worker, string reason)
        {
            worker.Lost = true;
            owner.LogLost(worker.Name, worker.InFlight.Count, reason);
            foreach (var job in worker.InFlight.Values.Reverse())
            {
                _queue.AddFirst(job);
                observer.Requeued(job, worker.Name, reason);
            }

            worker.InFlight.Clear();
        }

        /// <summary>Fails the remaining jobs when no worker has been there for too long.</summary>
        private void CheckStarvation()
        {
            List<JobPayload> abandoned;
            lock (_gate)
            {
                if (_workers.Values.Any(w => !w.Lost))
                {
                    _noWorkerSince = DateTime.UtcNow;
                    return;
                }

                if (DateTime.UtcNow - _noWorkerSince < owner._options.NoWorkerTimeout || _queue.Count == 0)
                {
                    return;
                }

                abandoned = _queue.ToList();
                _queue.Clear();
            }

            foreach (var job in abandoned)
            {
                observer.Failed(job, "cluster", $"no silo of the cluster took it for {owner._options.NoWorkerTimeout.TotalSeconds:0} s");
                Resolved();
            }
        }
    }

    private IClusterClient Client => client;

    private sealed class Worker(string silo, string name, ISweepWorkerGrain grain, int slots)
    {
        public string Silo { get; } = silo;
        public string Name { get; } = name;
        public ISweepWorkerGrain Grain { get; } = grain;
        public int Slots { get; } = slots;
        public Dictionary<string, JobPayload> InFlight { get; } = [];
        public int Failures { get; set; }
        public volatile bool Lost;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Worker {Worker} joined the sweep with {Slots} slots")]
    private partial void LogJoined(string worker, int slots);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Worker {Worker} lost ({Reason}); its {Jobs} jobs are dispatched again")]
    private partial void LogLost(string worker, int jobs, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Worker on silo {Silo} did not answer: {Message}")]
    private partial void LogJoinFailed(string silo, string message);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Listing the cluster's silos failed: {Message}")]
    private partial void LogDiscoveryFailed(string message);
}
