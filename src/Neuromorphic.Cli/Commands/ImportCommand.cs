using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Neuromorphic.Cli.Hosting;
using Neuromorphic.Core.Networks;
using Neuromorphic.Nir;
using Spectre.Console;

namespace Neuromorphic.Cli.Commands;

/// <summary><c>neuro import nir FILE --out network.json</c>: a NIR graph (HDF5) as a network file.</summary>
internal static class ImportCommand
{
    public static Command Create(CliContext context)
    {
        var import = new Command("import", "Convert networks from other formats into a neuromorphic.network/1 file.");
        var nir = new Command("nir", "Import a NIR graph (HDF5, from snnTorch, Norse, Rockpool, Sinabs, Lava-dl, …): forward Euler at the chip's step dt.");
        var file = new Argument<string>("FILE") { Description = "The NIR file (.nir, HDF5)." };
        var output = new Option<string>("--out") { Description = "The network file to write (JSON, large weights in float32 sidecars).", Required = true, HelpName = "FILE" };
        var dt = NirOptions.Dt("The chip's step in the file's time unit (seconds for most NIR files); default: the file's metadata dt, else 1e-4 (the NIR paper's).");
        var reset = new Option<string?>("--reset")
        {
            Description = "Reset of every spiking population, overriding the file (NIR can only express reset to v_reset): zero or subtract.",
            HelpName = "zero|subtract",
        };
        reset.AcceptOnlyFromAmong("zero", "subtract");
        var json = CommonOptions.Json();
        nir.Arguments.Add(file);
        nir.Options.Add(output);
        nir.Options.Add(dt);
        nir.Options.Add(reset);
        nir.Options.Add(json);
        context.SetAction(nir, parse =>
        {
            var log = context.Logger<NirImportOptions>();
            var path = parse.GetValue(file)!;
            var outPath = parse.GetValue(output)!;
            var options = new NirImportOptions
            {
                Dt = parse.GetValue(dt),
                Reset = parse.GetValue(reset) switch
                {
                    "zero" => ResetMode.Zero,
                    "subtract" => ResetMode.Subtract,
                    _ => null,
                },
            };
            context.Outputs.Input(path, "the NIR file").File(outPath, "--out");
            var result = NirImporter.Import(path, options);
            foreach (var note in result.Notes)
            {
                log.LogWarning("{File}: {Note}", path, note);
            }

            var network = result.Network;
            NetworkFile.Save(network, outPath);
            log.LogInformation("Wrote {Out}: {Populations} populations, {Neurons} neurons, {Synapses} synapses", outPath, network.Populations.Count,
                network.NeuronCount, network.SynapseCount);
            if (parse.GetValue(json))
            {
                context.Output.WriteJson(new
                {
                    file = path,
                    output = outPath,
                    nirVersion = result.NirVersion,
                    dt = result.Dt,
                    dtSource = result.DtSource,
                    name = network.Name,
                    contentHash = network.ContentHash,
                    neurons = network.NeuronCount,
                    synapses = network.SynapseCount,
                    populations = network.Populations.Select(p => new
                    {
                        name = p.Name,
                        size = p.Size,
                        model = Population.ModelName(p.Model),
                        nirNodes = result.Sources.First(s => s.Population == p.Name).NodePaths,
                        nirTypes = result.Sources.First(s => s.Population == p.Name).NodeTypes,
                        tauCurrent = Range(p.CubaLif?.TauCurrent),
                        tauVoltage = Range(p.CubaLif?.TauVoltage),
                        threshold = Range(p.CubaLif?.Threshold),
                        reset = p.CubaLif is { } c ? (c.Reset == ResetMode.Zero ? "zero" : "subtract") : null,
                    }),
                    projections = network.Projections.Select(p => new { name = p.Name, from = p.From.Name, to = p.To.Name, synapses = p.SynapseCount }),
                    readout = network.Readout?.Population,
                    notes = result.Notes,
                });
                return ExitCodes.Success;
            }

            var console = context.Output;
            console.WriteLine($"Imported {path} (NIR {(result.NirVersion.Length > 0 ? result.NirVersion : "version not stated")}) with dt = {Number(result.Dt)} ({result.DtSource}) → {outPath}");
            var table = new Table().AddColumn("population").AddColumn(new TableColumn("size").RightAligned()).AddColumn("model").AddColumn("from NIR")
                .AddColumn(new TableColumn("τ_u (steps)").RightAligned()).AddColumn(new TableColumn("τ_v (steps)").RightAligned())
                .AddColumn(new TableColumn("threshold").RightAligned()).AddColumn("reset");
            foreach (var p in network.Populations)
            {
                var source = result.Sources.First(s => s.Population == p.Name);
                var c = p.CubaLif;
                table.AddRow(Markup.Escape(p.Name), p.Size.ToString("N0", CultureInfo.InvariantCulture), Population.ModelName(p.Model),
                    Markup.Escape(string.Join(" → ", source.NodeTypes)), Describe(c?.TauCurrent, c is null), Describe(c?.TauVoltage, c is null),
                    Describe(c?.Threshold, c is null), c is null ? "" : c.Reset == ResetMode.Zero ? "zero" : "subtract");
            }

            console.Write(table);
            var projections = new Table().AddColumn("projection").AddColumn("from").AddColumn("to").AddColumn(new TableColumn("synapses").RightAligned());
            foreach (var p in network.Projections)
            {
                projections.AddRow(Markup.Escape(p.Name), Markup.Escape(p.From.Name), Markup.Escape(p.To.Name), p.SynapseCount.ToString("N0", CultureInfo.InvariantCulture));
            }

            console.Write(projections);
            console.WriteLine($"Read-out: {network.Readout?.Population ?? "none"}; {network.NeuronCount:N0} neurons, {network.SynapseCount:N0} synapses; SHA-256 {network.ContentHash[..12]}");
            return ExitCodes.Success;
        });
        import.Subcommands.Add(nir);
        return import;
    }

    private static object? Range(PerNeuron? value) => value is null ? null : new { min = value.Min, max = value.Max };

    private static string Describe(PerNeuron? value, bool notApplicable)
    {
        if (notApplicable)
        {
            return "";
        }

        if (value is null)
        {
            return "∞";
        }

        return value.Min == value.Max ? Number(value.Min) : $"{Number(value.Min)}…{Number(value.Max)}";
    }

    private static string Number(double value) => value.ToString("G6", CultureInfo.InvariantCulture);
}

/// <summary>Options shared by the NIR import and export commands.</summary>
internal static class NirOptions
{
    public static Option<double?> Dt(string description) => new("--dt") { Description = description, HelpName = "SECONDS" };
}
