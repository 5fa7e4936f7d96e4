using System.CommandLine;
using System.Globalization;
using Neuromorphic.Chip;
using Neuromorphic.Cli.Hosting;
using Neuromorphic.Workflows.Mapping;
using Neuromorphic.Core.IO;
using Neuromorphic.Core.Networks;
using Neuromorphic.Mapping;
using Spectre.Console;

namespace Neuromorphic.Cli.Commands;

/// <summary><c>neuro map --model M --chip C --out P</c>: fit a network onto a chip and write the mapping file.</summary>
internal static class MapCommand
{
    private static readonly Dictionary<string, string> Flags = new(CommonOptions.MappingChoiceOptions.Flags)
    {
        [nameof(MapRequest.Model)] = "--model",
        [nameof(MapRequest.Chip)] = "--chip",
        [nameof(MapRequest.Out)] = "--out",
    };

    public static Command Create(CliContext context)
    {
        var command = new Command("map", "Map a network onto a chip: quantize, partition into cores within every limit, place on the mesh, route; write the mapping file.");
        var model = new Option<string>("--model") { Description = "Network file (neuromorphic.network/1 JSON) or NIR file (.nir).", Required = true, HelpName = "FILE" };
        var chip = new Option<string>("--chip") { Description = "Chip file or built-in name (" + string.Join(", ", ChipLoader.BuiltinNames) + ").", Required = true, HelpName = "CHIP" };
        var output = new Option<string>("--out") { Description = "Mapping file to write (neuromorphic.mapping/1).", Required = true, HelpName = "FILE" };
        var mapping = CommonOptions.Mapping();
        var json = CommonOptions.Json();
        foreach (var option in new Option[] { model, chip, output }.Concat(mapping.All).Append(json))
        {
            command.Options.Add(option);
        }

        context.SetAction(command, parse =>
        {
            context.Outputs.Model(parse.GetValue(model)).Chip(ChipLoader.Load(parse.GetValue(chip)!)).File(parse.GetValue(output), "--out");
            var result = new MapSession(context.LoggerFactory, NeuroApp.Version).Map(new MapRequest
            {
                Model = parse.GetValue(model)!,
                Chip = parse.GetValue(chip)!,
                Out = parse.GetValue(output)!,
                Choices = mapping.Read(parse),
            });
            if (parse.GetValue(json))
            {
                context.Output.WriteJson(result.ToJson());
            }
            else
            {
                Render(context.Output, result.Network, result.Chip, result.Report, result.Path, result.ElapsedMs);
            }

            return ExitCodes.Success;
        }, Flags);
        return command;
    }

    internal static void Render(CliOutput output, NetworkSpec network, ChipSpec chip, MappingReport report, string path, double elapsedMs)
    {
        var inv = CultureInfo.InvariantCulture;
        var table = new Table().Title($"{Markup.Escape(network.Name)} on {Markup.Escape(chip.Name)}")
            .AddColumn(new TableColumn("core").RightAligned()).AddColumn("tile").AddColumn("neurons of")
            .AddColumn(new TableColumn("neurons").RightAligned()).AddColumn(new TableColumn("fan-in axons").RightAligned())
            .AddColumn(new TableColumn("fan-out axons").RightAligned()).AddColumn(new TableColumn("syn. memory").RightAligned())
            .AddColumn(new TableColumn("prototypes").RightAligned());
        var limits = chip.Core.Limits;
        const int maxRows = 40;
        foreach (var core in report.Cores.Take(maxRows))
        {
            table.AddRow(core.Core.ToString(inv), $"({core.TileX},{core.TileY}).{core.Slot}", Markup.Escape(core.Populations),
                $"{core.Neurons}/{limits.Neurons}", $"{core.InputAxons}/{limits.InputAxons}", $"{core.OutputAxons}/{limits.OutputAxons}",
                core.SynapticMemoryShare.ToString("P1", inv),
                limits.CompartmentPrototypes == 0 ? core.Prototypes.ToString(inv) : $"{core.Prototypes}/{limits.CompartmentPrototypes}");
        }

        if (report.Cores.Count > maxRows)
        {
            table.AddRow("…", "", $"{report.Cores.Count - maxRows} more cores (see --json or the mapping file)", "", "", "", "", "");
        }

        output.Write(table);
        output.WriteLine($"Cores {report.Cores.Count} of {chip.CoreCount}, tiles {report.TilesInUse} of {chip.TileCount}; {report.Neurons:N0} neurons, {report.Synapses:N0} synapses");
        output.WriteLine($"Estimated spikes × hops per step at full activity: {report.SpikeHopsGreedy.ToString("N0", inv)} (greedy) → {report.SpikeHopsFinal.ToString("N0", inv)} (after improvement)");
        if (chip.Core.Kernel == NeuronKernel.LoihiFixed)
        {
            output.WriteLine($"Weight quantization: relative RMS error {report.WeightRelativeRmsError.ToString("P2", inv)}, max |Δw| {report.WeightMaxAbsError.ToString("0.####", inv)} thresholds, {report.WeightsZeroedShare.ToString("P2", inv)} of non-zero weights became 0");
        }

        output.WriteLine($"Decays: mean |Δδu| {report.DecayMeanAbsError.ToString("0.#####", inv)}, max {report.DecayMaxAbsError.ToString("0.#####", inv)}; {report.ClusteredCores} core(s) clustered to {(limits.CompartmentPrototypes == 0 ? "unlimited" : limits.CompartmentPrototypes.ToString(inv))} prototypes (prototypes {report.Prototypes.Name()})");
        output.WriteLine($"Input gain error: mean {report.GainMeanError.ToString("P3", inv)}, max {report.GainMaxError.ToString("P3", inv)} (without decay compensation: mean {report.GainMeanErrorUncompensated.ToString("P3", inv)}, max {report.GainMaxErrorUncompensated.ToString("P3", inv)})");
        output.WriteLine($"Objective {report.Objective.Name()}: {report.Cores.Count} cores; predicted step with every neuron firing: {(report.PredictedStep.DetailedPs / 1e6).ToString("0.###", inv)} µs (detailed), {(report.PredictedStep.SimplePs / 1e6).ToString("0.###", inv)} µs (simple)");
        output.WriteLine($"Mapping written to {path} in {elapsedMs.ToString("0", inv)} ms (network {Hashing.Short(network.ContentHash)}, chip {Hashing.Short(chip.ContentHash)})");
    }
}
