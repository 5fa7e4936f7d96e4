using System.CommandLine;
using Microsoft.Extensions.Logging;
using Neuromorphic.Cli.Hosting;
using Neuromorphic.Cli.Plotting;
using Neuromorphic.Cli.Rendering;
using Neuromorphic.Sweeps;
using Neuromorphic.Sweeps.Planning;
using Neuromorphic.Sweeps.Spec;
using Neuromorphic.Sweeps.Store;

namespace Neuromorphic.Cli.Commands;

/// <summary>
/// <c>neuro sweep SPEC.json --out DIR</c>: every job of a sweep spec, in-process, as one shard, or on
/// a cluster; one result per job, merged tables and plots. <c>neuro sweep merge DIR… --out DIR</c>
/// gathers shards.
/// </summary>
internal static class SweepCommand
{
    /// <summary>The files a sweep writes at the top of its folder (checked before any job starts).</summary>
    private static readonly string[] SweepOutputs =
        [SweepDirectory.PlanFile, "results.csv", "results.md", "training.csv", "training.md", "accuracy-energy.png", "accuracy-latency.png"];

    public static Command Create(CliContext context)
    {
        var command = new Command("sweep",
            $"Run a sweep ({SweepSpec.Schema}): jobs of neuro run and neuro train over a grid of their options, with test sets split into parts. " +
            "Writes one result per job (re-runs skip finished jobs), results.csv, results.md and, for runs, accuracy-energy.png and accuracy-latency.png.");
        var spec = new Argument<string>("SPEC") { Description = "The sweep spec (JSON)." };
        var output = CommonOptions.OutDirectory("The results folder.");
        var executor = new SweepExecutorOptions();
        var json = CommonOptions.Json();
        command.Arguments.Add(spec);
        command.Options.Add(output);
        executor.AddTo(command);
        command.Options.Add(json);
        context.SetAction(command, async (parse, cancellationToken) =>
        {
            var log = context.Logger<SweepRunner>();
            context.Outputs.Input(parse.GetValue(spec), "the sweep spec").Directory(parse.GetValue(output), "--out", SweepOutputs);
            var plan = new SweepPlanner(context.Logger<SweepPlanner>()).Plan(SweepSpec.Load(parse.GetValue(spec)!));
            var store = new SweepDirectory(parse.GetValue(output)!);
            var shard = executor.ReadShard(parse);
            var outcome = await executor.RunAsync(parse, context, store, parse.GetValue(executor.Threads), jobs =>
                new ProgressDisplay(context, log).RunAsync("sweep", progress =>
                    new SweepRunner(context.LoggerFactory).RunAsync(plan, store, jobs, shard, progress, cancellationToken)), cancellationToken);
            var files = outcome.Files.Concat(SweepPlots.Write(outcome.Tables, store.Path)).ToList();
            log.LogInformation("Wrote {Files}", string.Join(", ", files.Select(Path.GetFileName)));
            if (parse.GetValue(json))
            {
                context.Output.WriteJson(SweepView.Json(outcome.Tables, files, outcome));
            }
            else
            {
                SweepView.Render(context.Output, outcome.Tables);
            }

            return Failed(log, outcome.Failed);
        });
        command.Subcommands.Add(Merge(context));
        return command;
    }

    /// <summary>Exit 1 naming every job that failed for good, else 0.</summary>
    internal static int Failed(ILogger log, IReadOnlyList<FailedJob> failed)
    {
        if (failed.Count == 0)
        {
            return ExitCodes.Success;
        }

        foreach (var job in failed)
        {
            log.LogError("Job {Job} ({Kind}) failed: {Message}", job.Name, job.Kind, job.Message);
        }

        log.LogError("{Count} job(s) failed: {Jobs} (the others are stored; run the same command again to retry them)", failed.Count, string.Join(", ", failed.Select(f => f.Name)));
        return ExitCodes.Failure;
    }

    private static Command Merge(CliContext context)
    {
        var command = new Command("merge", "Gather the results of the shards of one sweep (folders of neuro sweep --shard) into one folder, with merged tables and plots.");
        var sources = new Argument<string[]>("DIR") { Description = "Shard folders.", Arity = ArgumentArity.OneOrMore };
        var output = CommonOptions.OutDirectory("The merged folder (may be one of the shards).");
        var json = CommonOptions.Json();
        command.Arguments.Add(sources);
        command.Options.Add(output);
        command.Options.Add(json);
        context.SetAction(command, parse =>
        {
            var log = context.Logger<SweepRunner>();
            var destination = parse.GetValue(output)!;
            context.Outputs.Directory(destination, "--out", SweepOutputs);
            var (tables, written, jobs) = SweepMerge.Merge(parse.GetValue(sources)!, destination);
            var files = written.Concat(SweepPlots.Write(tables, destination)).ToList();
            log.LogInformation("Merged {Jobs} of {Total} jobs into {Directory}; {Incomplete} run(s) incomplete", jobs, tables.Plan.Jobs.Count, destination, tables.IncompleteRuns);
            if (parse.GetValue(json))
            {
                context.Output.WriteJson(SweepView.Json(tables, files));
            }
            else
            {
                SweepView.Render(context.Output, tables);
            }

            return ExitCodes.Success;
        });
        return command;
    }
}
