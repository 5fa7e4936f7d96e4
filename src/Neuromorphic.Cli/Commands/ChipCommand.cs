using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Neuromorphic.Chip;
using Neuromorphic.Cli.Hosting;
using Neuromorphic.Core.Errors;
using Neuromorphic.Core.IO;
using Neuromorphic.SanaFe;
using Spectre.Console;

namespace Neuromorphic.Cli.Commands;

/// <summary><c>neuro chip validate FILE…</c>, <c>neuro chip show FILE</c>, <c>neuro chip import sana-fe ARCH.yaml</c> and <c>neuro chip export sana-fe CHIP</c>.</summary>
internal static class ChipCommand
{
    public static Command Create(CliContext context)
    {
        var chip = new Command("chip", "Validate and inspect chip models (chip-models/*.json or built-in names).");

        var validate = new Command("validate", "Check chip files (schema, units, ranges, overlays); exit 2 naming the first problem of each bad file.");
        var files = new Argument<string[]>("FILE") { Description = "Chip files or built-in names.", Arity = ArgumentArity.OneOrMore };
        validate.Arguments.Add(files);
        context.SetAction(validate, parse =>
        {
            var log = context.Logger<ChipSpec>();
            var bad = 0;
            foreach (var file in parse.GetValue(files)!)
            {
                try
                {
                    var spec = ChipLoader.Load(file);
                    log.LogInformation("{File}: valid ({Name}, {Cores} cores, hash {Hash}{Extends})", file, spec.Name, spec.CoreCount, Hashing.Short(spec.ContentHash),
                        spec.Extends.Count == 0 ? "" : ", extends " + string.Join(" → ", spec.Extends));
                    context.Output.WriteLine($"ok      {file}");
                }
                catch (InvalidInputException ex)
                {
                    bad++;
                    log.LogError("{Message}", ex.Message);
                    context.Output.WriteLine($"invalid {file}");
                }
            }

            return bad == 0 ? ExitCodes.Success : ExitCodes.BadInput;
        });
        chip.Subcommands.Add(validate);

        var show = new Command("show", "Show a chip model: mesh, limits, per-event costs, sync, variability.");
        var file = new Argument<string>("FILE") { Description = "A chip file or built-in name (" + string.Join(", ", ChipLoader.BuiltinNames) + ")." };
        var json = CommonOptions.Json();
        show.Arguments.Add(file);
        show.Options.Add(json);
        context.SetAction(show, parse =>
        {
            var spec = ChipLoader.Load(parse.GetValue(file)!);
            if (parse.GetValue(json))
            {
                context.Output.WriteJson(System.Text.Json.Nodes.JsonNode.Parse(spec.ResolvedJson)!.AsObject().Also(o => o["contentHash"] = spec.ContentHash));
                return ExitCodes.Success;
            }

            Render(context.Output, spec);
            return ExitCodes.Success;
        });
        chip.Subcommands.Add(show);
        chip.Subcommands.Add(Import(context));
        chip.Subcommands.Add(Export(context));
        return chip;
    }

    private static Command Import(CliContext context)
    {
        var import = new Command("import", "Convert chip descriptions from other tools into a neuromorphic.chip/1 file.");
        var sanaFe = new Command("sana-fe", "Import a SANA-FE architecture file (arch/*.yaml): tiles, cores, pipeline units and their energy and latency, the NoC, the sync table.");
        var file = new Argument<string>("ARCH") { Description = "The SANA-FE architecture file (YAML)." };
        var output = new Option<string>("--out") { Description = "The chip file to write (JSON).", Required = true, HelpName = "FILE" };
        var soma = new Option<string?>("--soma") { Description = "The soma unit whose costs every neuron pays (default: the first leaky_integrate_fire soma).", HelpName = "UNIT" };
        var synapse = new Option<string?>("--synapse") { Description = "The synapse unit whose costs every synapse pays (default: the first synapse unit).", HelpName = "UNIT" };
        var json = CommonOptions.Json();
        sanaFe.Arguments.Add(file);
        sanaFe.Options.Add(output);
        sanaFe.Options.Add(soma);
        sanaFe.Options.Add(synapse);
        sanaFe.Options.Add(json);
        context.SetAction(sanaFe, parse =>
        {
            var log = context.Logger<ChipSpec>();
            var path = parse.GetValue(file)!;
            var outPath = parse.GetValue(output)!;
            if (Path.GetFullPath(outPath) == Path.GetFullPath(path))
            {
                throw new InvalidInputException(null, "--out", outPath, "a file other than the architecture file being read");
            }

            var result = SanaFeChipImporter.Import(path, new SanaFeChipOptions { Soma = parse.GetValue(soma), Synapse = parse.GetValue(synapse) });
            foreach (var note in result.Notes)
            {
                log.LogWarning("{File}: {Note}", path, note);
            }

            CommonOptions.RequireOutputFolder(outPath);
            context.Outputs.Input(path, "the architecture file").File(outPath, "--out");
            AtomicFile.WriteAllText(outPath, $"// Imported by neuro chip import sana-fe from {Path.GetFileName(path)} (chip-models/README.md, SANA-FE files).\n" + result.Json);
            var spec = result.Chip;
            log.LogInformation("Wrote {Out}: {Name}, {Cores} cores, hash {Hash}", outPath, spec.Name, spec.CoreCount, Hashing.Short(spec.ContentHash));
            if (parse.GetValue(json))
            {
                context.Output.WriteJson(new { file = path, output = outPath, name = spec.Name, cores = spec.CoreCount, contentHash = spec.ContentHash, notes = result.Notes });
                return ExitCodes.Success;
            }

            context.Output.WriteLine($"Imported {path} → {outPath}");
            Render(context.Output, spec);
            return ExitCodes.Success;
        });
        import.Subcommands.Add(sanaFe);
        return import;
    }

    private static Command Export(CliContext context)
    {
        var export = new Command("export", "Write a chip model in another tool's format.");
        var sanaFe = new Command("sana-fe", "Write a chip as a SANA-FE architecture file; what SANA-FE cannot model is warned about and kept in a block SANA-FE ignores, so it re-imports to the same chip hash.");
        var file = new Argument<string>("CHIP") { Description = "A chip file or built-in name (" + string.Join(", ", ChipLoader.BuiltinNames) + ")." };
        var output = new Option<string>("--out") { Description = "The SANA-FE architecture file to write (YAML).", Required = true, HelpName = "FILE" };
        var json = CommonOptions.Json();
        sanaFe.Arguments.Add(file);
        sanaFe.Options.Add(output);
        sanaFe.Options.Add(json);
        context.SetAction(sanaFe, parse =>
        {
            var log = context.Logger<ChipSpec>();
            var spec = ChipLoader.Load(parse.GetValue(file)!);
            var outPath = parse.GetValue(output)!;
            CommonOptions.RequireOutputFolder(outPath);
            context.Outputs.Chip(spec).File(outPath, "--out");
            var result = SanaFeChipExporter.Write(spec, outPath);
            foreach (var warning in result.Warnings)
            {
                log.LogWarning("{Chip}: {Warning}", spec.Name, warning);
            }

            log.LogInformation("Wrote {Out} ({Name}, hash {Hash})", outPath, spec.Name, Hashing.Short(spec.ContentHash));
            if (parse.GetValue(json))
            {
                context.Output.WriteJson(new { chip = spec.Name, output = outPath, contentHash = spec.ContentHash, warnings = result.Warnings });
            }
            else
            {
                context.Output.WriteLine($"Exported {spec.Name} (sha256 {Hashing.Short(spec.ContentHash)}) → {outPath}");
            }

            return ExitCodes.Success;
        });
        export.Subcommands.Add(sanaFe);
        return export;
    }

    private static T Also<T>(this T value, Action<T> action)
    {
        action(value);
        return value;
    }

    private static void Render(CliOutput output, ChipSpec spec)
    {
        var inv = CultureInfo.InvariantCulture;
        output.WriteLine($"Chip        {spec.Name}  ({spec.Source}, sha256 {Hashing.Short(spec.ContentHash)})");
        if (spec.Extends.Count > 0)
        {
            output.WriteLine($"Extends     {string.Join(" → ", spec.Extends)}");
        }
        output.WriteLine($"Mesh        {spec.Mesh.Width}×{spec.Mesh.Height} tiles × {spec.Mesh.CoresPerTile} cores = {spec.CoreCount} cores, link buffer {spec.Mesh.LinkBufferMessages}");
        output.WriteLine($"Kernel      {(spec.Core.Kernel == NeuronKernel.LoihiFixed ? "loihi-fixed (24-bit state, 12-bit decays)" : "float")}{(spec.Core.GradedSpikes ? $", graded spikes ({spec.Core.MessagePayloadBits}-bit payloads)" : "")}");
        output.WriteLine($"Static      {spec.StaticPowerMw.ToString(inv)} mW");
        output.WriteLine($"Async step  {spec.Timing.AsyncStepPeriodNs.ToString(inv)} ns nominal");
        output.WriteLine($"Barrier     {string.Join(", ", spec.Sync.BarrierLatency.Select(e => $"{e.Tiles} tiles: {e.LatencyNs.ToString(inv)} ns"))}{(spec.Sync.Interpolate ? " (interpolated)" : "")}");
        output.WriteLine($"Provenance  {spec.Provenance}");
        var costs = new Table().AddColumn("event").AddColumn(new TableColumn("energy (pJ)").RightAligned()).AddColumn(new TableColumn("latency (ns)").RightAligned());
        void Row(string name, EventCost c) => costs.AddRow(name, c.EnergyPj.ToString("0.###", inv), c.LatencyNs.ToString("0.###", inv));
        Row("message in", spec.Core.MessageIn);
        Row("synaptic op", spec.Core.SynapticOp);
        Row("dendrite update", spec.Core.DendriteUpdate);
        Row("neuron access (every step)", spec.Core.NeuronAccess);
        Row("neuron update (active)", spec.Core.NeuronUpdate);
        Row("spike out", spec.Core.SpikeOut);
        Row("message out", spec.Core.MessageOut);
        Row("hop east", spec.Noc.HopEast);
        Row("hop west", spec.Noc.HopWest);
        Row("hop north", spec.Noc.HopNorth);
        Row("hop south", spec.Noc.HopSouth);
        output.Write(costs);
        var l = spec.Core.Limits;
        var limits = new Table().AddColumn("per-core limit").AddColumn(new TableColumn("value").RightAligned());
        limits.AddRow("neurons", l.Neurons.ToString("N0", inv));
        limits.AddRow("input axons", l.InputAxons.ToString("N0", inv));
        limits.AddRow("output axons", l.OutputAxons.ToString("N0", inv));
        limits.AddRow("synaptic memory (bits)", l.SynapticMemoryBits.ToString("N0", inv));
        limits.AddRow("compartment prototypes", l.CompartmentPrototypes == 0 ? "unlimited" : l.CompartmentPrototypes.ToString(inv));
        limits.AddRow("weight bits / exponent", $"{l.WeightBits} / {l.WeightExponentMin}..{l.WeightExponentMax}");
        limits.AddRow("decay / threshold / bias bits", $"{l.DecayBits} / {l.ThresholdMantissaBits} / {l.BiasMantissaBits} (exp ≤ {l.BiasExponentMax})");
        limits.AddRow("refractory max (steps)", l.RefractoryMax.ToString(inv));
        output.Write(limits);
        var v = spec.Variability;
        if (!v.IsNone)
        {
            var table = new Table().AddColumn("variability").AddColumn("distribution").AddColumn(new TableColumn("relative σ").RightAligned());
            void Vary(string name, Variation x)
            {
                if (!x.IsNone)
                {
                    table.AddRow(name, x.Distribution.ToString().ToLowerInvariant(), x.RelativeSigma.ToString("P1", inv));
                }
            }

            Vary("threshold", v.Threshold);
            Vary("decay", v.Decay);
            Vary("weight", v.Weight);
            Vary("clock skew", v.ClockSkew);
            Vary("latency jitter", v.LatencyJitter);
            Vary("energy scale", v.EnergyScale);
            output.Write(table);
        }
    }
}
