using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Neuromorphic.Cli.Hosting;
using Neuromorphic.Core.Errors;
using Neuromorphic.Core.Networks;
using Neuromorphic.Nir;
using Neuromorphic.SanaFe;
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
        import.Subcommands.Add(SanaFe(context));
        return import;
    }

    private static Command SanaFe(CliContext context)
    {
        var command = new Command("sana-fe",
            "Import a SANA-FE SNN file (snn/*.yaml) with its architecture: groups as populations, edges as projections, the mapping as placement pins, input spike lists as an input events file.");
        var file = new Argument<string>("SNN") { Description = "The SANA-FE network file (YAML)." };
        var arch = new Option<string>("--arch") { Description = "The SANA-FE architecture file the network runs on (resolves hardware unit names and the tiles of the mapping).", Required = true, HelpName = "ARCH.yaml" };
        var output = new Option<string>("--out") { Description = "The network file to write (JSON); input events go beside it as NAME.input.csv (step,index, steps from 1).", Required = true, HelpName = "FILE" };
        var steps = new Option<int?>("--steps") { Description = "Steps to expand SANA-FE rate inputs over (they never stop).", HelpName = "N" };
        var soma = new Option<string?>("--soma") { Description = "The soma unit the chip is imported with (to warn where neurons select others).", HelpName = "UNIT" };
        var synapse = new Option<string?>("--synapse") { Description = "The synapse unit the chip is imported with.", HelpName = "UNIT" };
        var json = CommonOptions.Json();
        command.Arguments.Add(file);
        command.Options.Add(arch);
        command.Options.Add(output);
        command.Options.Add(steps);
        command.Options.Add(soma);
        command.Options.Add(synapse);
        command.Options.Add(json);
        context.SetAction(command, parse =>
        {
            var log = context.Logger<SanaFeNetworkOptions>();
            var path = parse.GetValue(file)!;
            var outPath = parse.GetValue(output)!;
            if (parse.GetValue(steps) is < 1)
            {
                throw new InvalidInputException(null, "--steps", parse.GetValue(steps)!.Value.ToString(CultureInfo.InvariantCulture), "a number of steps ≥ 1");
            }

            var folder = CommonOptions.RequireOutputFolder(outPath);
            var eventsFile = Path.Combine(folder, Path.GetFileNameWithoutExtension(outPath) + ".input.csv");
            context.Outputs.Input(path, "the SNN file").Input(parse.GetValue(arch), "--arch").File(outPath, "--out");
            context.Outputs.File(eventsFile, "--out", "its input events");
            var result = SanaFeNetworkImporter.Import(path, parse.GetValue(arch)!, new SanaFeNetworkOptions
            {
                Steps = parse.GetValue(steps),
                Chip = new SanaFeChipOptions { Soma = parse.GetValue(soma), Synapse = parse.GetValue(synapse) },
            });
            foreach (var note in result.Notes)
            {
                log.LogWarning("{File}: {Note}", path, note);
            }

            var network = result.Network;
            string? eventsPath = null;
            if (network.InputPopulation is not null)
            {
                eventsPath = eventsFile;
                result.WriteInputEvents(eventsPath);
            }

            NetworkFile.Save(network, outPath);
            log.LogInformation("Wrote {Out}: {Populations} populations, {Neurons} neurons, {Synapses} synapses", outPath, network.Populations.Count,
                network.NeuronCount, network.SynapseCount);
            if (parse.GetValue(json))
            {
                context.Output.WriteJson(new
                {
                    file = path,
                    output = outPath,
                    inputEvents = eventsPath,
                    inputEventCount = result.InputEvents.Count,
                    inputSteps = result.InputSteps,
                    name = network.Name,
                    contentHash = network.ContentHash,
                    neurons = network.NeuronCount,
                    synapses = network.SynapseCount,
                    populations = network.Populations.Select(p => new { name = p.Name, size = p.Size, model = Population.ModelName(p.Model), pins = p.Placement.Count }),
                    projections = network.Projections.Select(p => new { name = p.Name, from = p.From.Name, to = p.To.Name, synapses = p.SynapseCount }),
                    readout = network.Readout?.Population,
                    notes = result.Notes,
                });
                return ExitCodes.Success;
            }

            var console = context.Output;
            console.WriteLine($"Imported {path} → {outPath}" + (eventsPath is null ? "" : $" and {eventsPath} ({result.InputEvents.Count} input events over {result.InputSteps} steps)"));
            var table = new Table().AddColumn("population").AddColumn(new TableColumn("size").RightAligned()).AddColumn("model").AddColumn(new TableColumn("pins").RightAligned())
                .AddColumn(new TableColumn("threshold").RightAligned()).AddColumn("reset");
            foreach (var p in network.Populations)
            {
                var c = p.CubaLif;
                table.AddRow(Markup.Escape(p.Name), p.Size.ToString("N0", CultureInfo.InvariantCulture), Population.ModelName(p.Model), p.Placement.Count.ToString(CultureInfo.InvariantCulture),
                    Describe(c?.Threshold, c is null), c is null ? "" : c.Reset == ResetMode.Zero ? "zero" : "subtract");
            }

            console.Write(table);
            console.WriteLine($"Read-out: {network.Readout?.Population ?? "none"}; {network.NeuronCount:N0} neurons, {network.SynapseCount:N0} synapses; SHA-256 {network.ContentHash[..12]}");
            return ExitCodes.Success;
        });
        return command;
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
