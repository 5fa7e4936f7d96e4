using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Neuromorphic.Core.Progress;
using Neuromorphic.Simulation.Engine;
using Neuromorphic.Simulation.Input;
using Neuromorphic.Simulation.Variability;

namespace Neuromorphic.Simulation;

/// <summary>
/// Runs inferences on a chip instance. Inferences are independent, so they run in parallel: a
/// bounded channel of inference indices feeds a pool of workers, each with its own engine and
/// state; results are collected by index and handed on in index order (the <c>onCompleted</c> callback
/// of <see cref="RunAsync"/>), so everything downstream — summaries, traces — is identical for any
/// thread count.
/// </summary>
public sealed partial class Simulator(ILogger<Simulator>? logger = null)
{
    private readonly ILogger _logger = logger ?? NullLogger<Simulator>.Instance;

    /// <param name="chip">The chip instance (mapping plus variability).</param>
    /// <param name="count">Number of inferences.</param>
    /// <param name="inputOf">Creates the input of inference i (called on a worker thread).</param>
    /// <param name="observerOf">Creates the observer of inference i, or null (called on a worker thread).</param>
    /// <param name="options">Mode, steps, seed, threads.</param>
    /// <param name="onCompleted">Called for each result, in index order, on the calling thread's continuation.</param>
    /// <param name="progress">Reports inferences done.</param>
    /// <param name="cancellationToken">Stops the run (Ctrl-C).</param>
    public async Task<RunSummary> RunAsync(ChipInstance chip, int count, Func<int, InferenceInput> inputOf, RunOptions options,
        Func<int, ISimulationObserver?>? observerOf = null, Action<InferenceResult>? onCompleted = null,
        IProgress<WorkProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var threads = Math.Clamp(options.Threads, 1, Math.Max(1, count));
        var clock = Stopwatch.StartNew();
        if (options.Mode == SyncMode.Async && options.AsyncPeriodPs is null && count > 0)
        {
            options = options with { AsyncPeriodPs = CalibrateAsyncPeriod(chip, inputOf(0), options) };
            LogCalibrated(options.AsyncPeriodPs.Value / 1000.0);
        }

        var results = new InferenceResult?[count];
        var completed = new TaskCompletionSource[count];
        for (var i = 0; i < count; i++)
        {
            completed[i] = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        // At most this many inferences are started ahead of the oldest one not yet handed on,
        // which bounds the memory of buffered per-inference trace records.
        var window = new SemaphoreSlim(threads * 4);
        var channel = Channel.CreateBounded<int>(new BoundedChannelOptions(threads * 2) { SingleWriter = true, FullMode = BoundedChannelFullMode.Wait });
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var token = linked.Token;

        var producer = Task.Run(async () =>
        {
            try
            {
                for (var i = 0; i < count; i++)
                {
                    await window.WaitAsync(token);
                    await channel.Writer.WriteAsync(i, token);
                }
            }
            finally
            {
                channel.Writer.TryComplete();
            }
        }, token);

        var workers = Enumerable.Range(0, threads).Select(_ => Task.Run(async () =>
        {
            BarrierEngine? barrier = null;
            AsyncEngine? async = null;
            while (await channel.Reader.WaitToReadAsync(token))
            {
                while (channel.Reader.TryRead(out var index))
                {
                    token.ThrowIfCancellationRequested();
                    try
                    {
                        var input = inputOf(index);
                        var observer = observerOf?.Invoke(index);
                        results[index] = options.Mode == SyncMode.Barrier
                            ? (barrier ??= new BarrierEngine(chip)).Run(index, input, options, observer)
                            : (async ??= new AsyncEngine(chip)).Run(index, input, options, observer);
                        completed[index].TrySetResult();
                    }
                    catch (Exception ex)
                    {
                        completed[index].TrySetException(ex);
                        throw;
                    }
                }
            }
        }, token)).ToArray();

        try
        {
            for (var i = 0; i < count; i++)
            {
                var finished = await Task.WhenAny(completed[i].Task, Task.WhenAll(workers));
                if (finished != completed[i].Task)
                {
                    await Task.WhenAll(workers);    // a worker failed or was cancelled: surface it
                }

                await completed[i].Task;
                onCompleted?.Invoke(results[i]!);
                window.Release();
                progress?.Report(new WorkProgress("inferences", i + 1, count,
                    $"accuracy {Accuracy(results, i + 1):P1}"));
            }

            await Task.WhenAll(workers);
            await producer;
        }
        catch
        {
            await linked.CancelAsync();
            throw;
        }

        var summary = new RunSummary
        {
            Inferences = results.Select(r => r!).ToArray(),
            WallSeconds = clock.Elapsed.TotalSeconds,
            Threads = threads,
            AsyncPeriodPs = options.Mode == SyncMode.Async ? options.AsyncPeriodPs : null,
        };
        LogRun(count, options.Mode, threads, summary.WallSeconds, summary.SynapticEventsPerSecond);
        return summary;
    }

    /// <summary>
    /// The async clock period when none is given: the chip's own pace on this workload, i.e. the
    /// mean barrier-mode step duration of the first inference without the barrier itself, but not
    /// below the chip's nominal <c>timing.asyncStepPeriodNs</c>. Deterministic.
    /// </summary>
    public static long CalibrateAsyncPeriod(ChipInstance chip, InferenceInput firstInput, RunOptions options)
    {
        var probe = new BarrierEngine(chip).Run(0, firstInput, options with { Mode = SyncMode.Barrier, EarlyExit = false }, null);
        var pace = probe.LatencyPs / Math.Max(1, probe.Steps) - chip.Costs.BarrierLatencyPs;
        var floor = (long)Math.Round(chip.Mapped.Chip.Timing.AsyncStepPeriodNs * 1000);
        return Math.Max(floor, pace);
    }

    private static double Accuracy(InferenceResult?[] results, int upTo)
    {
        int labelled = 0, correct = 0;
        for (var i = 0; i < upTo; i++)
        {
            if (results[i] is { Label: >= 0 } r)
            {
                labelled++;
                correct += r.Correct ? 1 : 0;
            }
        }

        return labelled == 0 ? 0 : (double)correct / labelled;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Async clock period calibrated from the barrier-mode pace of the first inference: {PeriodNs:0.#} ns")]
    private partial void LogCalibrated(double periodNs);

    [LoggerMessage(Level = LogLevel.Information, Message = "Simulated {Count} inferences ({Mode}) on {Threads} thread(s) in {Seconds:0.00} s: {EventsPerSecond:0.##e0} synaptic events/s")]
    private partial void LogRun(int count, SyncMode mode, int threads, double seconds, double eventsPerSecond);
}
