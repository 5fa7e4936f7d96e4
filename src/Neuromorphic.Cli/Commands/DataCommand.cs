using System.CommandLine;
using Microsoft.Extensions.Logging;
using Neuromorphic.Cli.Hosting;
using Neuromorphic.Core.Data;
using Spectre.Console;

namespace Neuromorphic.Cli.Commands;

/// <summary><c>neuro data info</c>: where the dataset comes from, its size and class balance.</summary>
internal static class DataCommand
{
    public static Command Create(CliContext context)
    {
        var data = new Command("data", "Inspect the image datasets (IDX format) used for training and inference.");
        var info = new Command("info", "Show the source, counts, image size and class balance of a dataset.");
        var dataset = CommonOptions.Dataset();
        var json = CommonOptions.Json();
        info.Options.Add(dataset);
        info.Options.Add(json);
        context.SetAction(info, parse =>
        {
            var log = context.Logger<Dataset>();
            var loaded = DatasetCatalog.Load(parse.GetValue(dataset));
            log.LogDebug("Loaded {Name} from {Source}", loaded.Name, loaded.Source);
            var trainCounts = loaded.Train.ClassCounts();
            var testCounts = loaded.Test.ClassCounts();
            if (parse.GetValue(json))
            {
                context.Output.WriteJson(new
                {
                    name = loaded.Name,
                    source = loaded.Source,
                    embedded = loaded.IsEmbedded,
                    trainCount = loaded.Train.Count,
                    testCount = loaded.Test.Count,
                    rows = loaded.Rows,
                    columns = loaded.Columns,
                    classCount = loaded.ClassCount,
                    classes = loaded.ClassNames.Select((n, i) => new { index = i, name = n, train = trainCounts[i], test = testCounts[i] }),
                    contentHash = loaded.ContentHash,
                });
                return ExitCodes.Success;
            }

            var output = context.Output;
            output.WriteLine($"Dataset   {loaded.Name}");
            output.WriteLine($"Source    {loaded.Source}");
            output.WriteLine($"Images    {loaded.Train.Count:N0} training, {loaded.Test.Count:N0} test, {loaded.Rows}×{loaded.Columns} pixels");
            output.WriteLine($"SHA-256   {loaded.ContentHash}");
            var table = new Table().AddColumn("class").AddColumn("name").AddColumn(new TableColumn("train").RightAligned())
                .AddColumn(new TableColumn("test").RightAligned());
            for (var c = 0; c < loaded.ClassCount; c++)
            {
                table.AddRow(c.ToString(), Markup.Escape(loaded.ClassNames[c]), trainCounts[c].ToString("N0"), testCounts[c].ToString("N0"));
            }

            output.Write(table);
            return ExitCodes.Success;
        });
        data.Subcommands.Add(info);
        return data;
    }
}
