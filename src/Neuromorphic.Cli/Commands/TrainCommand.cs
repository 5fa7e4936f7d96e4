using System.CommandLine;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Neuromorphic.Chip;
using Neuromorphic.Cli.Hosting;
using Neuromorphic.Cli.Plotting;
using Neuromorphic.Learning.Training;
using Neuromorphic.Workflows;
using Neuromorphic.Workflows.Training;
using Spectre.Console;

namespace Neuromorphic.Cli.Commands;

/// <summary><c>neuro train</c>: trains a layered network with HTS-EP and writes the network file, checkpoint, CSV and PNG.</summary>
internal static class TrainCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("train",
            "Train a layered network with HTS-EP (equilibrium propagation with a time constant per neuron). Writes the network file " +
            "(neuromorphic.network/1), a checkpoint every epoch, per-epoch metrics as CSV and learning curves as PNG.");
        var training = new TrainingOptions();
        training.AddTo(command);
        var resume = new Option<bool>("--resume") { Description = "Continue from the checkpoint next to --out (<out>.ckpt) to a bit-identical result." };
        var output = new Option<string>("--out") { Description = "The network file to write (sidecars, .ckpt, .metrics.csv and .png go beside it).", HelpName = "FILE", Required = true };
        var json = CommonOptions.Json();
        command.Options.Add(resume);
        command.Options.Add(output);
        command.Options.Add(json);
        var onChip = new OnChipTrainingOptions();
        onChip.AddTo(command);
        context.SetAction(command, async (parse, cancellationToken) =>
        {
            var log = context.Logger<EpTrainer>();
            var options = training.Read(parse);
            var (datasetSpec, dataset) = training.LoadDataset(parse, options);
            var modelPath = parse.GetValue(output)!;
            if (parse.GetValue(onChip.Chip) is { } chipName)
            {
                OnChipTrainingOptions.CheckApplies(options, parse.GetValue(resume));
                var request = new OnChipRequest
                {
                    Training = options, Chip = ChipLoader.Load(chipName), Learning = onChip.Read(parse), ModelPath = modelPath, DatasetSpec = datasetSpec,
                };
                context.Outputs.Dataset(datasetSpec);
                return await OnChipTrainingOptions.RunAsync(context, request, dataset, parse.GetValue(json), cancellationToken);
            }

            var outputs = new TrainingOutputs(modelPath, datasetSpec, parse.GetValue(resume));
            context.Outputs.Dataset(datasetSpec).File(modelPath, "--out");
            context.Outputs.File(outputs.EffectiveCheckpointPath, "--out", "its checkpoint");
            if (outputs.EffectiveMetricsPath is { } metricsPath)
            {
                context.Outputs.File(metricsPath, "--out", "its metrics CSV");
            }

            context.Outputs.File(Path.ChangeExtension(modelPath, ".png"), "--out", "its learning-curve plot");
            var trainer = new EpTrainer(options, dataset, log);
            var completed = 0;
            TrainingResult result;
            try
            {
                result = await new ProgressDisplay(context, log).RunAsync("train", progress =>
                    Task.Run(() => trainer.Train(outputs, progress, m => completed = m.Epoch, cancellationToken), cancellationToken));
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                if (File.Exists(outputs.EffectiveCheckpointPath))
                {
                    log.LogWarning("Stopped during epoch {Epoch}; {Checkpoint} holds the state after epoch {Completed}: continue with the same command and --resume",
                        completed + 1, outputs.EffectiveCheckpointPath, completed == 0 ? "(earlier run)" : completed);
                }

                throw;
            }

            var plotPath = Path.ChangeExtension(modelPath, ".png");
            PlotCurves(plotPath, result, options);
            log.LogInformation("Wrote {Model}, {Checkpoint}, {Metrics} and {Plot}", result.ModelPath, result.CheckpointPath, result.MetricsPath, plotPath);
            if (parse.GetValue(json))
            {
                context.Output.WriteJson(new JsonObject
                {
                    ["model"] = Path.GetFullPath(result.ModelPath),
                    ["checkpoint"] = Path.GetFullPath(result.CheckpointPath),
                    ["metrics"] = result.MetricsPath is null ? null : Path.GetFullPath(result.MetricsPath),
                    ["plot"] = Path.GetFullPath(plotPath),
                    ["command"] = options.ReproduceCommand(datasetSpec),
                    ["dataset"] = new JsonObject { ["name"] = dataset.Name, ["source"] = dataset.Source, ["contentHash"] = dataset.ContentHash },
                    ["timeConstants"] = new JsonObject
                    {
                        ["distribution"] = options.TimeSteps.Distribution.Name,
                        ["spread"] = options.TimeSteps.Distribution.Spread,
                        ["dtMean"] = result.TimeSteps.MeanDt,
                        ["tauCv"] = result.TimeSteps.TauCoefficientOfVariation,
                        ["clippedShare"] = result.TimeSteps.ClippedShare,
                    },
                    ["resumedAfterEpoch"] = result.FirstEpoch,
                    ["trainingSamplesPerSecond"] = Json.Finite(result.SamplesPerSecond),
                    ["final"] = result.History.Count > 0 ? TrainingReports.Json(result.History[^1]) : null,
                    ["epochs"] = new JsonArray(result.History.Select(h => (JsonNode)TrainingReports.Json(h)).ToArray()),
                });
            }
            else
            {
                context.Output.Write(Table(result.History));
                if (result.History.Count > 0)
                {
                    var last = result.History[^1];
                    context.Output.WriteLine(
                        $"Model {result.ModelPath}: test accuracy {Formats.Percent(last.TestAccuracy)} after {last.Epoch} epochs, {result.SamplesPerSecond:N0} training samples/s");
                }
            }

            return ExitCodes.Success;
        }, TrainingOptions.Flags.Concat(OnChipTrainingOptions.Flags).GroupBy(p => p.Key).ToDictionary(g => g.Key, g => g.First().Value));
        return command;
    }

    private static Table Table(IReadOnlyList<EpochMetrics> history)
    {
        var table = new Table().Title("HTS-EP training");
        foreach (var column in new[] { "epoch", "train acc", "test acc", "train loss", "free residual", "not converged", "period-2", "s", "samples/s" })
        {
            table.AddColumn(new TableColumn(column).RightAligned());
        }

        foreach (var m in history)
        {
            table.AddRow(m.Epoch.ToString(), Formats.Percent(m.TrainAccuracy), Formats.Percent(m.TestAccuracy), $"{m.TrainLoss:0.0000}", $"{m.FreeResidual:0.0e0}",
                Formats.Percent(m.FreeNotConverged), Formats.Percent(m.FreePeriod2), $"{m.EpochSeconds:0.0}", $"{m.SamplesPerSecond:N0}");
        }

        return table;
    }

    private static void PlotCurves(string path, TrainingResult result, EpTrainingOptions options)
    {
        var epochs = result.History.Select(h => (double)h.Epoch).ToArray();
        var title = $"HTS-EP {string.Join("-", result.Model.LayerSizes)}, τ {options.TimeSteps.Distribution.Label}, mean dt {result.TimeSteps.MeanDt:0.###}";
        var accuracy = Charts.NewPlot(title, "epoch", "accuracy (%)");
        var loss = Charts.NewPlot("Loss ½‖s_L − y‖² (free phase)", "epoch", "loss per sample");
        var hasTest = result.History.Any(h => !double.IsNaN(h.TestAccuracy));
        Charts.AddLine(accuracy, "train (running)", epochs, result.History.Select(h => 100 * h.TrainAccuracy).ToArray(), 0);
        Charts.AddLine(loss, "train (running)", epochs, result.History.Select(h => h.TrainLoss).ToArray(), 0);
        if (hasTest)
        {
            Charts.AddLine(accuracy, "test", epochs, result.History.Select(h => 100 * h.TestAccuracy).ToArray(), 1);
            Charts.AddLine(loss, "test", epochs, result.History.Select(h => h.TestLoss).ToArray(), 1);
        }

        foreach (var plot in new[] { accuracy, loss })
        {
            Charts.IntegerTicks(plot.Axes.Bottom);
            plot.ShowLegend(ScottPlot.Alignment.LowerRight);
        }

        loss.ShowLegend(ScottPlot.Alignment.UpperRight);
        Charts.SaveSideBySide(path, [accuracy, loss]);
    }
}
