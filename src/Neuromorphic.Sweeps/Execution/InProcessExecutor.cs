using Microsoft.Extensions.Logging;
using Neuromorphic.Sweeps.Inputs;

namespace Neuromorphic.Sweeps.Execution;

/// <summary>
/// Runs jobs in this process, the default executor: up to <c>threads</c> jobs at once (each job gets
/// <c>threads / jobs running</c> threads when there are fewer jobs than threads). Inputs are laid out
/// in a temporary folder (deleted afterwards) exactly as a cluster worker lays them out, so the
/// results are the same bytes. Training jobs keep their checkpoints in <c>workRoot/&lt;job&gt;/</c>
/// until they finish, so an interrupted sweep resumes them.
/// </summary>
public sealed class InProcessExecutor(int threads, string workRoot, ILoggerFactory? loggers = null, string toolVersion = "") : IJobExecutor
{
    private readonly int _threads = Math.Max(1, threads);

    public string Description => $"in-process, {_threads} threads";

    public async Task RunAsync(IReadOnlyList<JobPayload> jobs, IBlobSource inputs, IJobObserver observer, CancellationToken cancellationToken)
    {
        if (jobs.Count == 0)
        {
            return;
        }

        var temp = Path.Combine(Path.GetTempPath(), $"neuro-sweep-{Environment.ProcessId}-{Guid.NewGuid():N}");
        var cache = new InputCache(temp, inputs);
        var runner = new JobRunner(loggers, toolVersion);
        var concurrent = Math.Min(_threads, jobs.Count);
        var perJob = Math.Max(1, _threads / concurrent);
        using var slots = new SemaphoreSlim(concurrent);
        try
        {
            await Task.WhenAll(jobs.Select(async job =>
            {
                await slots.WaitAsync(cancellationToken);
                try
                {
                    observer.Started(job, "in-process");
                    var output = await runner.RunAsync(job, cache, Path.Combine(workRoot, job.Name), perJob, cancellationToken);
                    observer.Completed(job, output, "in-process");
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    throw;
                }
                catch (Exception ex)
                {
                    observer.Failed(job, "in-process", JobErrors.Message(ex));
                }
                finally
                {
                    slots.Release();
                }
            }));
        }
        finally
        {
            if (Directory.Exists(temp))
            {
                Directory.Delete(temp, recursive: true);
            }
        }
    }
}
