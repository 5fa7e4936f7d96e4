using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Neuromorphic.Core.Progress;
using Spectre.Console;

namespace Neuromorphic.Cli.Hosting;

/// <summary>
/// Shows long work: a progress bar on stderr when it is a terminal, otherwise a plain log line at
/// most every few seconds (and at the end), so that CI logs and redirected output stay readable.
/// </summary>
public sealed class ProgressDisplay(CliContext context, ILogger logger)
{
    /// <summary>Minimum interval between plain log lines.</summary>
    public TimeSpan LogInterval { get; init; } = TimeSpan.FromSeconds(5);

    public async Task<T> RunAsync<T>(string title, Func<IProgress<WorkProgress>, Task<T>> work)
    {
        if (context.Output.ErrorIsTerminal && !context.Quiet)
        {
            T result = default!;
            await context.Output.Stderr.Progress()
                .AutoClear(true)
                .HideCompleted(false)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new CountColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
                .StartAsync(async spectre =>
                {
                    var task = spectre.AddTask(Markup.Escape(title), maxValue: 1);
                    result = await work(new BarProgress(task, title));
                    task.Value = task.MaxValue;
                });
            return result;
        }

        return await work(new LogProgress(logger, title, LogInterval));
    }

    private sealed class BarProgress(ProgressTask task, string title) : IProgress<WorkProgress>
    {
        public void Report(WorkProgress value)
        {
            if (value.Total > 0)
            {
                task.MaxValue = value.Total;
            }

            task.Value = Math.Min(value.Done, task.MaxValue);
            var label = value.Detail is null ? $"{title}: {value.Stage}" : $"{title}: {value.Stage} {value.Detail}";
            task.Description = Markup.Escape(label);
        }
    }

    private sealed class LogProgress(ILogger logger, string title, TimeSpan interval) : IProgress<WorkProgress>
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private readonly Lock _gate = new();
        private TimeSpan _last = -interval;

        public void Report(WorkProgress value)
        {
            lock (_gate)
            {
                var now = _clock.Elapsed;
                var finished = value.Total > 0 && value.Done >= value.Total;
                if (!finished && now - _last < interval)
                {
                    return;
                }

                _last = now;
            }

            if (value.Total > 0)
            {
                logger.LogInformation("{Title}: {Stage} {Done}/{Total} ({Percent:0}%) {Detail}", title, value.Stage, value.Done, value.Total,
                    100.0 * value.Done / value.Total, value.Detail ?? "");
            }
            else
            {
                logger.LogInformation("{Title}: {Stage} {Done} {Detail}", title, value.Stage, value.Done, value.Detail ?? "");
            }
        }
    }

    /// <summary>"150/1,000": the work done and the total, beside the bar.</summary>
    private sealed class CountColumn : ProgressColumn
    {
        public override Spectre.Console.Rendering.IRenderable Render(Spectre.Console.Rendering.RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
            new Text($"{task.Value:N0}/{task.MaxValue:N0}", new Style(Color.Grey));
    }
}
