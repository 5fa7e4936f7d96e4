using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Neuromorphic.Cli.Hosting;
using Neuromorphic.Workflows.Networks;
using Neuromorphic.Nir;
using Spectre.Console;

namespace Neuromorphic.Cli.Commands;

/// <summary><c>neuro export nir --model M --out FILE</c>: a network as a NIR graph (HDF5).</summary>
internal static class ExportCommand
{
    public static Command Create(CliContext context)
    {
        var export = new Command("export", "Write a network in other formats.");
        var nir = new Command("nir", "Export a network as a NIR graph (HDF5) that snnTorch, Norse, Rockpool, Lava-dl, … can read; ep-rate populations as their spiking realization.");
        var model = new Option<string>("--model") { Description = "The network: a network file (JSON) or a NIR file.", Required = true, HelpName = "FILE" };
        var output = new Option<string>("--out") { Description = "The NIR file to write (.nir).", Required = true, HelpName = "FILE" };
        var dt = NirOptions.Dt("The step that time constants are expressed in (τ in the file = τ in steps × dt); default 1e-4 s. Stored in the file's metadata.");
        var json = CommonOptions.Json();
        nir.Options.Add(model);
        nir.Options.Add(output);
        nir.Options.Add(dt);
        nir.Options.Add(json);
        context.SetAction(nir, parse =>
        {
            var log = context.Logger<NirExportOptions>();
            var modelPath = parse.GetValue(model)!;
            var outPath = parse.GetValue(output)!;
            context.Outputs.Model(modelPath).File(outPath, "--out");
            var network = NetworkLoader.Load(modelPath, log);
            var options = new NirExportOptions { Dt = parse.GetValue(dt) ?? NirImportOptions.DefaultDt };
            var result = NirExporter.Write(network, outPath, options);
            if (result.RealizedEpRate)
            {
                log.LogInformation("ep-rate populations were written as their spiking realization (src/Neuromorphic.Core/README.md): current decay dt_i, no voltage leak, threshold 1, reset by subtraction");
            }

            foreach (var note in result.Notes)
            {
                log.LogWarning("{Model}: {Note}", modelPath, note);
            }

            var nodes = result.Document.Root.Nodes;
            var types = nodes.GroupBy(n => n.Type).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => new { type = g.Key, count = g.Count() });
            if (parse.GetValue(json))
            {
                context.Output.WriteJson(new
                {
                    model = modelPath,
                    output = outPath,
                    nirVersion = result.Document.Version,
                    dt = options.Dt,
                    contentHash = network.ContentHash,
                    realizedEpRate = result.RealizedEpRate,
                    nodes = nodes.Count,
                    edges = result.Document.Root.Edges.Count,
                    nodeTypes = types,
                    notes = result.Notes,
                });
                return ExitCodes.Success;
            }

            context.Output.WriteLine($"Exported {modelPath} → {outPath} (NIR {result.Document.Version} layout, dt = {options.Dt.ToString("G6", CultureInfo.InvariantCulture)} s)");
            var table = new Table().AddColumn("NIR node").AddColumn("type").AddColumn("shape");
            foreach (var node in nodes)
            {
                var shape = node.Parameters.TryGetValue("weight", out var w) ? $"[{string.Join(", ", w.Shape)}]"
                    : node.Parameters.TryGetValue("shape", out var s) ? $"[{string.Join(", ", s.Values)}]"
                    : $"{node.Parameters.Values.First().Count} neurons";
                table.AddRow(Markup.Escape(node.Name), node.Type, Markup.Escape(shape));
            }

            context.Output.Write(table);
            context.Output.WriteLine($"{nodes.Count} nodes, {result.Document.Root.Edges.Count} edges");
            return ExitCodes.Success;
        });
        export.Subcommands.Add(nir);
        return export;
    }
}
