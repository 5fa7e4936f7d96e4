namespace Neuromorphic.Sweeps.Orleans.Grains;

/// <summary>
/// The sweep worker of one silo, keyed by that silo's address (<see cref="TargetSiloPlacement"/>
/// places it there and nowhere else). A client starts jobs on it, sends the input files it lacks,
/// and polls for outcomes; every call is short, so a silo that dies is noticed within a call timeout.
/// </summary>
[Alias("neuromorphic.ISweepWorkerGrain")]
public interface ISweepWorkerGrain : IGrainWithStringKey
{
    /// <summary>Who this worker is and how many jobs it runs at once.</summary>
    [Alias("Describe")]
    Task<WorkerInfo> Describe();

    /// <summary>Accepts a job (a <c>neuromorphic.sweep-payload/1</c> text), or names the input files (by hash) it needs first.</summary>
    [Alias("Start")]
    Task<StartReply> Start(string payload);

    /// <summary>Stores one input file; false when the bytes do not have that hash.</summary>
    [Alias("Put")]
    Task<bool> Put(string hash, byte[] bytes);

    /// <summary>
    /// The state of the given jobs, waiting up to <paramref name="waitMilliseconds"/> for one to finish.
    /// Finished outcomes are handed over once and then forgotten.
    /// </summary>
    [Alias("Poll")]
    Task<JobReport[]> Poll(string[] jobIds, int waitMilliseconds);
}

/// <summary>A worker's identity and capacity.</summary>
[GenerateSerializer, Immutable, Alias("neuromorphic.WorkerInfo")]
public sealed class WorkerInfo
{
    [Id(0)] public string Silo { get; init; } = "";
    [Id(1)] public string Host { get; init; } = "";
    [Id(2)] public int ProcessId { get; init; }

    /// <summary>Jobs it runs at once (one thread each).</summary>
    [Id(3)] public int Slots { get; init; }
}

/// <summary>The answer to <see cref="ISweepWorkerGrain.Start"/>.</summary>
[GenerateSerializer, Immutable, Alias("neuromorphic.StartReply")]
public sealed class StartReply
{
    [Id(0)] public bool Accepted { get; init; }

    /// <summary>Hashes of the input files to send with <see cref="ISweepWorkerGrain.Put"/> before starting again.</summary>
    [Id(1)] public string[] MissingFiles { get; init; } = [];
}

/// <summary>Where a job is on a worker.</summary>
public enum JobState
{
    Queued,
    Running,
    Done,
    Failed,

    /// <summary>The worker does not know the job (it restarted, or handed the outcome over already).</summary>
    Unknown,

    /// <summary>The worker is stopping and gave the job up.</summary>
    Interrupted,
}

/// <summary>The state of one job, with its output when it is done or its message when it failed.</summary>
[GenerateSerializer, Immutable, Alias("neuromorphic.JobReport")]
public sealed class JobReport
{
    [Id(0)] public string Id { get; init; } = "";
    [Id(1)] public JobState State { get; init; }
    [Id(2)] public byte[]? Result { get; init; }
    [Id(3)] public string[] FilePaths { get; init; } = [];
    [Id(4)] public byte[][] FileBytes { get; init; } = [];
    [Id(5)] public string? Message { get; init; }
}
