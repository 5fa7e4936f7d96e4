using System.CommandLine;
using Microsoft.Extensions.Logging;
using Neuromorphic.Cli.Hosting;
using Neuromorphic.Cli.Plotting;
using Neuromorphic.Core.Data;
using Neuromorphic.Core.Errors;
using Neuromorphic.Core.Networks;
using Neuromorphic.Learning.Models;
using Neuromorphic.Workflows.Networks;
using Spectre.Console;

namespace Neuromorphic.Cli.Commands;

/// <summary><c>neuro eval</c>: accuracy of a network file's float model (the EP free phase) on a dataset's test images.</summary>
internal static class EvalCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("eval", "Score a trained EP network (its float model: T1 free-phase steps, argmax of the output) on test images.");
        var model = new Option<string>("--model") { Description = "The network file (neuromorphic.network/1) written by neuro train.", HelpName = "FILE", Required = true };
        var dataset = CommonOptions.Dataset();
        var testLimit = new Option<int?>("--test-limit") { Description = "Score the first N test images only." };
        var freeSteps = new Option<int?>("--free-steps") { Description = "Free-phase steps T1 (default: the value the model was trained with)." };
        var threads = new Option<int>("--threads") { Description = "Worker threads (0: all processors). Results do not depend on it.", DefaultValueFactory = _ => 0 };
        var plot = CommonOptions.ConfusionPlot();
        var json = CommonOptions.Json();
        foreach (var option in new Option[] { model, dataset, testLimit, freeSteps, threads, plot, json })
        {
            command.Options.Add(option);
        }

        context.SetAction(command, async (parse, cancellationToken) =>
        {
            var log = context.Logger<EpModel>();
            var modelPath = parse.GetValue(model)!;
            var limit = parse.GetValue(testLimit);
            if (limit is < 1)
            {
                throw new InvalidInputException(null, "--test-limit", limit.ToString(), "a number of test images ≥ 1");
            }

            context.Outputs.Model(modelPath).Dataset(parse.GetValue(dataset));
            if (parse.GetValue(plot) is { } plotOutput)
            {
                context.Outputs.File(plotOutput, "--confusion");
            }

            var network = NetworkFile.Load(modelPath);
            NetworkLoader.ReportUnverified(modelPath, network, log);
            var loaded = EpModel.FromNetwork(network, modelPath);
            var data = DatasetCatalog.Load(parse.GetValue(dataset));
            loaded.CheckFits(data, modelPath);
            log.LogInformation("Evaluating {Model} ({Layers}, T1 = {Steps}) on {Dataset} ({Source})", modelPath, string.Join("-", loaded.LayerSizes),
                parse.GetValue(freeSteps) ?? loaded.FreeSteps, data.Name, data.Source);
            var result = await new ProgressDisplay(context, log).RunAsync("eval", progress =>
                Task.Run(() => loaded.Evaluate(data.Test, limit, parse.GetValue(freeSteps), parse.GetValue(threads), progress, cancellationToken), cancellationToken));

            var classes = data.ClassCount;
            var confusion = new int[classes, classes];
            var labels = data.Test.Labels;
            for (var i = 0; i < result.Count; i++)
            {
                confusion[labels[i], result.Predictions[i]]++;
            }

            if (parse.GetValue(plot) is { } plotPath)
            {
                Charts.Confusion(plotPath, $"Confusion matrix: float model {Path.GetFileName(modelPath)} ({result.Correct:N0}/{result.Count:N0} correct)", data.ClassNames, confusion);
                log.LogInformation("Confusion matrix written to {Plot}", plotPath);
            }

            var perClass = Enumerable.Range(0, classes).Select(c =>
            {
                var total = Enumerable.Range(0, classes).Sum(p => confusion[c, p]);
                return new { index = c, name = data.ClassNames[c], count = total, correct = confusion[c, c], accuracy = total == 0 ? (double?)null : (double)confusion[c, c] / total };
            }).ToList();
            if (parse.GetValue(json))
            {
                context.Output.WriteJson(new
                {
                    model = Path.GetFullPath(modelPath),
                    layers = loaded.LayerSizes,
                    dataset = new { name = data.Name, source = data.Source, contentHash = data.ContentHash },
                    freeSteps = result.FreeSteps,
                    count = result.Count,
                    correct = result.Correct,
                    accuracy = result.Accuracy,
                    loss = result.Loss,
                    meanResidual = result.MeanResidual,
                    notConvergedShare = result.NotConvergedShare,
                    period2Share = result.Period2Share,
                    perClass,
                    confusion = Enumerable.Range(0, classes).Select(t => Enumerable.Range(0, classes).Select(p => confusion[t, p]).ToArray()),
                });
                return ExitCodes.Success;
            }

            context.Output.WriteLine($"Model      {modelPath} ({string.Join("-", loaded.LayerSizes)}, T1 = {result.FreeSteps})");
            context.Output.WriteLine($"Dataset    {data.Name}, {result.Count:N0} test images");
            context.Output.WriteLine($"Accuracy   {100.0 * result.Accuracy:0.00} % ({result.Correct:N0}/{result.Count:N0})");
            context.Output.WriteLine($"Loss       {result.Loss:0.0000} (½‖s_L − y‖² at the free fixed point)");
            context.Output.WriteLine($"Residual   {result.MeanResidual:0.0e0} mean ‖s_T − s_T−1‖; {100 * result.NotConvergedShare:0.0} % not converged, {100 * result.Period2Share:0.0} % period-2");
            var table = new Table().AddColumn("class").AddColumn("name").AddColumn(new TableColumn("images").RightAligned())
                .AddColumn(new TableColumn("correct").RightAligned()).AddColumn(new TableColumn("accuracy").RightAligned());
            foreach (var row in perClass)
            {
                table.AddRow(row.index.ToString(), Markup.Escape(row.name), row.count.ToString("N0"), row.correct.ToString("N0"),
                    row.accuracy is { } a ? $"{100 * a:0.0} %" : "–");
            }

            context.Output.Write(table);
            return ExitCodes.Success;
        });
        return command;
    }
}
