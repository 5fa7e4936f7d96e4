using Neuromorphic.Sweeps.Orleans.Worker;
using Orleans.Concurrency;

namespace Neuromorphic.Sweeps.Orleans.Grains;

/// <summary>
/// The grain face of the silo's <see cref="SweepWorker"/>: reentrant, so starts, uploads and polls
/// interleave while jobs run on the thread pool.
/// </summary>
[Reentrant, TargetSiloPlacement]
internal sealed class SweepWorkerGrain(SweepWorker worker, ILocalSiloDetails silo) : Grain, ISweepWorkerGrain
{
    public Task<WorkerInfo> Describe() => Task.FromResult(new WorkerInfo
    {
        Silo = silo.SiloAddress.ToParsableString(),
        Host = Environment.MachineName,
        ProcessId = Environment.ProcessId,
        Slots = worker.Slots,
    });

    public Task<StartReply> Start(string payload) => Task.Run(() => worker.Start(payload));

    public Task<bool> Put(string hash, byte[] bytes) => Task.Run(() => worker.Put(hash, bytes));

    public Task<JobReport[]> Poll(string[] jobIds, int waitMilliseconds) => worker.PollAsync(jobIds, TimeSpan.FromMilliseconds(Math.Clamp(waitMilliseconds, 0, 5000)));
}
