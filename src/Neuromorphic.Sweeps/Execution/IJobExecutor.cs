using Neuromorphic.Core.Errors;
using Neuromorphic.Sweeps.Inputs;

namespace Neuromorphic.Sweeps.Execution;

/// <summary>What an executor tells the sweep about its jobs (called from any thread).</summary>
public interface IJobObserver
{
    void Started(JobPayload job, string worker);

    /// <summary>The job was lost with its worker (or its worker gave it back) and will be dispatched again.</summary>
    void Requeued(JobPayload job, string worker, string reason);

    /// <summary>The job finished; the observer stores its output.</summary>
    void Completed(JobPayload job, JobOutput output, string worker);

    /// <summary>The job failed for good (its own error, not a lost worker).</summary>
    void Failed(JobPayload job, string worker, string message);
}

/// <summary>
/// Runs jobs somewhere — in this process, or on a cluster — and reports each one's outcome. Every
/// executor gives byte-identical outputs for the same jobs: a job is a pure function of its payload.
/// </summary>
public interface IJobExecutor
{
    /// <summary>For logs: where the jobs run ("in-process, 2 threads").</summary>
    string Description { get; }

    /// <summary>Runs every job once (again elsewhere when a worker is lost) and returns when each has completed or failed.</summary>
    Task RunAsync(IReadOnlyList<JobPayload> jobs, IBlobSource inputs, IJobObserver observer, CancellationToken cancellationToken);
}

/// <summary>Messages of failed jobs.</summary>
public static class JobErrors
{
    /// <summary>The message a failed job reports: bad input as it names the field, anything else with its type.</summary>
    public static string Message(Exception ex) => ex switch
    {
        InvalidInputException bad => bad.Message,
        AggregateException { InnerExceptions.Count: 1 } aggregate => Message(aggregate.InnerExceptions[0]),
        _ => $"{ex.GetType().Name}: {ex.Message}",
    };
}
