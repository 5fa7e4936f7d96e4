using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Neuromorphic.Chip.Costs;
using Neuromorphic.Core.Progress;
using Neuromorphic.Core.Errors;
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
        if (options.Mode == SyncMode.Async && options.AsyncPeriodPs is null)
        {
            throw new InvalidInputException(null, nameof(RunOptions.AsyncPeriodPs), "null",
                "a period in async mode (the run planner resolves it from --period-ns or the chip's timing.asyncStepPeriodNs)");
        }

        var threads = Math.Clamp(options.Threads, 1, Math.Max(1, count));
        var clock = Stopwatch.StartNew();

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
            SigmaDeltaEngine? graded = null;
            while (await channel.Reader.WaitToReadAsync(token))
            {
                while (channel.Reader.TryRead(out var index))
                {
                    token.ThrowIfCancellationRequested();
                    try
                    {
                        var input = inputOf(index);
                        var observer = observerOf?.Invoke(index);
                        try
                        {
                            results[index] = options.Realization == NeuronRealization.SigmaDelta
                                ? (graded ??= new SigmaDeltaEngine(chip)).Run(index, input, options, observer)
                                : options.Mode == SyncMode.Async
                                ? (async ??= new AsyncEngine(chip)).Run(index, input, options, observer)
                                : (barrier ??= new BarrierEngine(chip)).Run(index, input, options, observer);
                        }
                        catch (OverflowException ex)
                        {
                            throw new AccountingOverflowException(
                                $"inference {index}: an energy or time sum left the range of the integer accounting (±9.2e18 fJ or ps) after at most {options.Steps:N0} steps; " +
                                "fewer --steps or smaller chip costs keep it exact", ex);
                        }

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

        int labelled = 0, correct = 0;
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
                var result = results[i]!;
                onCompleted?.Invoke(result);
                window.Release();
                if (result.Label >= 0)
                {
                    labelled++;
                    correct += result.Correct ? 1 : 0;
                }

                progress?.Report(new WorkProgress("inferences", i + 1, count,
                    labelled == 0 ? null : $"accuracy {(double)correct / labelled:P1}"));
            }

            await Task.WhenAll(workers);
            await producer;
        }
        catch
        {
            await linked.CancelAsync();
            throw;
        }

        var summary = RunSummary.Of(results.Select(r => r!).ToArray(), clock.Elapsed.TotalSeconds, threads,
            options.Mode == SyncMode.Async ? options.AsyncPeriodPs : null);
        LogRun(count, options.Mode, threads, summary.WallSeconds, summary.SynapticEventsPerSecond);
        return summary;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Simulated {Count} inferences ({Mode}) on {Threads} thread(s) in {Seconds:0.00} s: {EventsPerSecond:0.##e0} synaptic events/s")]
    private partial void LogRun(int count, SyncMode mode, int threads, double seconds, double eventsPerSecond);
}
