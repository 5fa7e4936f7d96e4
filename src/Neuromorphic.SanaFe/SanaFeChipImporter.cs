using System.Globalization;
using System.Text.Json.Nodes;
using Neuromorphic.Chip;
using Neuromorphic.Core.IO;
using Neuromorphic.SanaFe.Yaml;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Neuromorphic.SanaFe;

/// <summary>Which of a core's units become the chip's costs (SANA-FE's default: the first of each kind).</summary>
public sealed record SanaFeChipOptions
{
    /// <summary>The soma unit whose costs every neuron pays (default: the first <c>leaky_integrate_fire</c> soma).</summary>
    public string? Soma { get; init; }

    /// <summary>The synapse unit whose costs every synapse pays (default: the first synapse unit).</summary>
    public string? Synapse { get; init; }
}

/// <summary>A chip imported from a SANA-FE architecture file.</summary>
/// <param name="Chip">The validated chip model.</param>
/// <param name="Json">Its <c>neuromorphic.chip/1</c> JSON (what <c>--out</c> receives; its resolved form hashes to <c>Chip.ContentHash</c>).</param>
/// <param name="Notes">What was dropped or assumed, each naming its YAML path.</param>
public sealed record SanaFeChipImport(ChipSpec Chip, string Json, IReadOnlyList<string> Notes);

/// <summary>
/// Reads a SANA-FE architecture file (<c>arch/*.yaml</c>) into a <c>neuromorphic.chip/1</c> model;
/// <c>chip-models/README.md</c> ("SANA-FE files") lists the correspondence. What our chip model
/// cannot hold is bad input naming its YAML path, or a note when dropping it changes nothing we
/// simulate.
/// </summary>
public static class SanaFeChipImporter
{
    internal static readonly string[] SomaEnergies = ["energy_access_neuron", "energy_update_neuron", "energy_spike_out"];
    internal static readonly string[] SomaLatencies = ["latency_access_neuron", "latency_update_neuron", "latency_spike_out"];
    private static readonly string[] ArchAttributes = ["width", "height", "link_buffer_size", "sync_model", "latency_sync", "topology"];
    private static readonly string[] HopAttributes =
        ["energy_north_hop", "latency_north_hop", "energy_east_hop", "latency_east_hop", "energy_south_hop", "latency_south_hop", "energy_west_hop", "latency_west_hop"];
    private static readonly string[] CoreAttributes = ["buffer_position", "buffer_inside_unit", "max_neurons_supported", "log_energy"];
    private static readonly string[] UnitFlags = ["model", "plugin", "log_energy", "log_latency", "update_every_timestep"];

    public static SanaFeChipImport Import(string path, SanaFeChipOptions? options = null) => Import(SanaFeArchitecture.Load(path), options);

    public static SanaFeChipImport ImportText(string yaml, string file, SanaFeChipOptions? options = null) =>
        Import(SanaFeArchitecture.Parse(yaml, file), options);

    internal static SanaFeChipImport Import(SanaFeArchitecture arch, SanaFeChipOptions? options)
    {
        options ??= new SanaFeChipOptions();
        var notes = new List<string>();
        var input = arch.Input;
        var units = SelectUnits(arch, options, notes);
        var core = units.Core;

        foreach (var (key, a) in arch.Attributes)
        {
            if (!ArchAttributes.Contains(key))
            {
                notes.Add($"{a.Path}: ignored (SANA-FE does not read it either)");
            }
        }

        // Mesh: one tile at every position, the same number of cores in each.
        var width = arch.Width;
        if (arch.Tiles.Count < arch.Width * arch.Height && arch.Tiles.Count % arch.Height == 0)
        {
            // SANA-FE fills columns first (x = id / height), so these tiles are exactly the first columns.
            width = arch.Tiles.Count / arch.Height;
            notes.Add($"architecture.attributes.width: {arch.Width}, but the {arch.Tiles.Count} tiles fill only the first {width} columns of {arch.Height} tiles (SANA-FE places tile id at x = id / height); the chip's mesh is {width} × {arch.Height}");
        }
        else if (arch.Tiles.Count != arch.Width * arch.Height)
        {
            throw input.Error(arch.ArchitectureNode, "architecture.tile", $"{arch.Tiles.Count} tiles",
                $"width × height = {arch.Width} × {arch.Height} = {arch.Width * arch.Height} tiles (our mesh has a tile at every position)");
        }

        var first = arch.Tiles[0];
        foreach (var tile in arch.Tiles)
        {
            if (tile.Cores.Count != first.Cores.Count)
            {
                throw input.Error(tile.Node, $"{tile.Path}.core", $"{tile.Cores.Count} cores in {tile.Name}",
                    $"{first.Cores.Count} cores as in {first.Name}: our mesh has the same number of cores in every tile");
            }
        }

        // Hops: the same costs on every tile.
        var hops = new Dictionary<string, JsonNode>();
        foreach (var key in HopAttributes)
        {
            var a = first.Attributes.TryGetValue(key, out var v) ? v : throw input.Error(first.Node, $"{first.Path}.attributes.{key}", null, $"the attribute '{key}' (SANA-FE requires all eight hop costs)");
            hops[key] = Cost(input, a, key.StartsWith("energy", StringComparison.Ordinal) ? Quantities.Pico : Quantities.Nano);
        }

        foreach (var tile in arch.Tiles.Where(t => t.Node != first.Node))
        {
            foreach (var key in HopAttributes)
            {
                var a = tile.Attributes.TryGetValue(key, out var v) ? v : throw input.Error(tile.Node, $"{tile.Path}.attributes.{key}", null, $"the attribute '{key}'");
                var value = Cost(input, a, key.StartsWith("energy", StringComparison.Ordinal) ? Quantities.Pico : Quantities.Nano);
                if (Quantities.Value(value) != Quantities.Value(hops[key]))
                {
                    throw input.Error(a.Value, a.Path, YamlInput.Show(a.Value),
                        $"{first.Path}.attributes.{key}'s value: our chip model has one set of hop costs for every tile");
                }
            }
        }

        foreach (var tile in arch.Tiles.Select(t => t.Attributes).Distinct())
        {
            foreach (var (key, a) in tile)
            {
                if (!HopAttributes.Contains(key) && key != "log_energy")
                {
                    notes.Add($"{a.Path}: ignored (SANA-FE does not read it either)");
                }
            }
        }

        // Cores: every core the same as the first (structure and costs).
        foreach (var other in arch.Tiles.SelectMany(t => t.Cores).Select(c => c).DistinctBy(c => c.Node))
        {
            if (other.Node != core.Node)
            {
                CheckSameCore(input, core, other);
            }
        }

        foreach (var (key, a) in core.Attributes)
        {
            if (!CoreAttributes.Contains(key))
            {
                notes.Add($"{a.Path}: ignored (SANA-FE does not read it either)");
            }
        }

        var bufferPosition = core.Attributes.TryGetValue("buffer_position", out var bp) ? input.Text(bp.Value, bp.Path)
            : throw input.Error(core.Node, $"{core.Path}.attributes.buffer_position", null, "the attribute 'buffer_position' (SANA-FE requires it)");
        if (bufferPosition != "soma")
        {
            throw input.Error(bp.Value, bp.Path, bufferPosition,
                "soma: with the buffer before the dendrite or the axon out SANA-FE keeps only the last synapse's input per neuron and step (or updates the soma per synaptic event); our cores sum every input, as Loihi does");
        }

        if (core.Attributes.TryGetValue("buffer_inside_unit", out var inside) && input.Bool(inside.Value, inside.Path))
        {
            throw input.Error(inside.Value, inside.Path, "true", "false: a buffer inside the unit runs the accumulator in both pipelines, which our cores do not model");
        }

        var maxNeurons = core.Attributes.TryGetValue("max_neurons_supported", out var mn) ? input.Int(mn.Value, mn.Path)
            : throw input.Error(core.Node, $"{core.Path}.attributes.max_neurons_supported", null, "the attribute 'max_neurons_supported' (SANA-FE requires it)");
        if (maxNeurons < 1)
        {
            throw input.Error(mn.Value, mn.Path, mn.Value.ToString(), "an integer ≥ 1");
        }

        var axonIn = units.AxonIn;
        var messageIn = CostPair(input, axonIn, "energy_message_in", "latency_message_in");
        var messageOut = CostPair(input, units.AxonOut, "energy_message_out", "latency_message_out");
        var synapse = CostPair(input, units.Synapse, "energy_process_spike", "latency_process_spike");
        var dendrite = CostPair(input, units.Dendrite, "energy_update", "latency_update");
        // With the buffer at the soma the dendrite runs once per synaptic event: its cost is part of each synaptic op.
        var synapticOp = new JsonObject
        {
            ["energyPj"] = Quantities.Add(synapse["energyPj"]!, dendrite["energyPj"]!),
            ["latencyNs"] = Quantities.Add(synapse["latencyNs"]!, dendrite["latencyNs"]!),
        };
        if (Quantities.Value(dendrite["energyPj"]!) != 0 || Quantities.Value(dendrite["latencyNs"]!) != 0)
        {
            notes.Add($"{units.Dendrite.Path}: the dendrite runs once per synaptic event (buffer at the soma), so its cost is added to each synaptic op");
        }

        var access = SomaCost(input, units.Soma, 0);
        var update = SomaCost(input, units.Soma, 1);
        var spike = SomaCost(input, units.Soma, 2);

        // Sync: SANA-FE's table (largest entry ≤ tiles in use) or a fixed delay.
        var barrier = new JsonArray();
        var syncModel = arch.Attributes.TryGetValue("sync_model", out var sm) ? input.Text(sm.Value, sm.Path) : "fixed";
        arch.Attributes.TryGetValue("latency_sync", out var ls);
        switch (syncModel)
        {
            case "fixed":
                barrier.Add(new JsonObject { ["tiles"] = 1, ["latencyNs"] = ls.Value is null ? 0 : Cost(input, ls, Quantities.Nano) });
                break;
            case "table":
                if (ls.Value is null)
                {
                    throw input.Error(arch.ArchitectureNode, "architecture.attributes.latency_sync", null, "a table of sync latencies for sync_model: table");
                }

                foreach (var (tiles, latency) in SyncTable(input, ls))
                {
                    barrier.Add(new JsonObject { ["tiles"] = tiles, ["latencyNs"] = latency });
                }

                break;
            default:
                throw input.Error(sm.Value, sm.Path, syncModel, "fixed or table");
        }

        var extension = Extension(arch);
        var root = new JsonObject
        {
            ["schema"] = ChipSpec.SchemaId,
            ["name"] = arch.Name,
            ["provenance"] = extension.Provenance ?? $"Imported from the SANA-FE architecture file {Path.GetFileName(arch.File)} (architecture '{arch.Name}') by neuro chip import sana-fe; every cost is the file's (J → pJ, s → ns). Not in SANA-FE, so set here: float kernel (SANA-FE's LIF runs in double precision), per-core limits other than max_neurons_supported unlimited, static power 0, basis none (SANA-FE has no static power), asyncStepPeriodNs 1000 (ASSUMPTION: SANA-FE has no asynchronous mode).",
        };
        if (extension.Description is { } description)
        {
            root["description"] = description;
        }

        root["mesh"] = new JsonObject
        {
            ["width"] = width,
            ["height"] = arch.Height,
            ["coresPerTile"] = first.Cores.Count,
            ["linkBufferMessages"] = input.Int(arch.Attributes["link_buffer_size"].Value, arch.Attributes["link_buffer_size"].Path),
        };
        JsonObject Hop(string direction) => new() { ["energyPj"] = hops[$"energy_{direction}_hop"].DeepClone(), ["latencyNs"] = hops[$"latency_{direction}_hop"].DeepClone() };
        root["noc"] = new JsonObject { ["hop"] = new JsonObject { ["east"] = Hop("east"), ["west"] = Hop("west"), ["north"] = Hop("north"), ["south"] = Hop("south") } };
        var limits = new JsonObject { ["neurons"] = maxNeurons };
        foreach (var (key, value) in extension.Limits ?? DefaultLimits())
        {
            if (key != "neurons")
            {
                limits[key] = value?.DeepClone();
            }
        }

        root["core"] = new JsonObject
        {
            ["kernel"] = extension.Kernel?.DeepClone() ?? "float",
            ["gradedSpikes"] = extension.GradedSpikes?.DeepClone() ?? false,
            ["limits"] = limits,
            ["messageIn"] = messageIn,
            ["synapticOp"] = synapticOp,
            ["dendriteUpdate"] = extension.DendriteUpdate?.DeepClone() ?? new JsonObject { ["energyPj"] = 0, ["latencyNs"] = 0 },
            ["neuronAccess"] = access,
            ["neuronUpdate"] = update,
            ["spikeOut"] = spike,
            ["messageOut"] = messageOut,
        };
        foreach (var (key, value) in extension.Graded)
        {
            ((JsonObject)root["core"]!)[key] = value.DeepClone();
        }

        root["sync"] = new JsonObject
        {
            ["barrier"] = barrier,
            ["interpolate"] = extension.Interpolate?.DeepClone() ?? false,
            ["barrierEnergyPj"] = extension.BarrierEnergyPj?.DeepClone() ?? 0,
        };
        root["timing"] = extension.Timing?.DeepClone() ?? new JsonObject { ["asyncStepPeriodNs"] = 1000 };
        root["staticPowerMw"] = extension.StaticPowerMw?.DeepClone() ?? 0;
        if (extension.StaticPowerMw is null || extension.StaticPowerBasis is not null)
        {
            root["staticPowerBasis"] = extension.StaticPowerBasis?.DeepClone() ?? "none"; // SANA-FE has no static power
        }
        if (extension.Variability is { } variability)
        {
            root["variability"] = variability.DeepClone();
        }

        if (extension.Learning is { } learning)
        {
            root["learning"] = learning.DeepClone(); // the on-chip learning engine (SANA-FE has none)
        }

        var json = JsonText.Format(root);
        var chip = ChipLoader.FromJson(json, arch.File);
        return new SanaFeChipImport(chip, json, notes);
    }

    /// <summary>The units of the first core whose costs the chip takes, chosen as SANA-FE chooses by default.</summary>
    internal sealed record ChosenUnits(ArchCore Core, ArchUnit AxonIn, ArchUnit Synapse, ArchUnit Dendrite, ArchUnit Soma, ArchUnit AxonOut);

    internal static ChosenUnits SelectUnits(SanaFeArchitecture arch, SanaFeChipOptions options, List<string>? notes)
    {
        var input = arch.Input;
        if (arch.Tiles.Count == 0 || arch.Tiles[0].Cores.Count == 0)
        {
            throw input.Error(arch.ArchitectureNode, "architecture.tile", "no cores", "at least one tile with one core");
        }

        var core = arch.Tiles[0].Cores[0];
        foreach (var unit in core.Units)
        {
            CheckModel(input, unit);
        }

        ArchUnit FirstOf(UnitSection section) => core.Section(section).First();
        var somas = core.Section(UnitSection.Soma).ToList();
        ArchUnit soma;
        if (options.Soma is { } somaName)
        {
            soma = core.Find(UnitSection.Soma, somaName) ?? throw input.Error(core.Node, $"{core.Path}.soma", $"no unit '{somaName}'",
                $"one of the core's soma units: {string.Join(", ", somas.Select(u => u.Display))}");
        }
        else
        {
            soma = somas.FirstOrDefault(u => u.Model == "leaky_integrate_fire") ?? throw input.Error(core.Node, $"{core.Path}.soma",
                string.Join(", ", somas.Select(u => $"{u.Display} ({u.Model})")), "a soma unit of model leaky_integrate_fire (the neurons our cores run)");
        }

        if (soma.Model != "leaky_integrate_fire")
        {
            throw input.Error(soma.Node, $"{soma.Path}.attributes.model", soma.Model, "leaky_integrate_fire for the soma whose costs the chip takes");
        }

        var synapses = core.Section(UnitSection.Synapse).ToList();
        var synapse = options.Synapse is { } synapseName
            ? core.Find(UnitSection.Synapse, synapseName) ?? throw input.Error(core.Node, $"{core.Path}.synapse", $"no unit '{synapseName}'",
                $"one of the core's synapse units: {string.Join(", ", synapses.Select(u => u.Display))}")
            : FirstOf(UnitSection.Synapse);
        var chosen = new ChosenUnits(core, FirstOf(UnitSection.AxonIn), synapse, FirstOf(UnitSection.Dendrite), soma, FirstOf(UnitSection.AxonOut));
        CheckChosen(input, chosen.Dendrite, "accumulator", ["energy_update", "latency_update"]);
        CheckChosen(input, chosen.Synapse, "current_based", ["energy_process_spike", "latency_process_spike", "weight", "w"]);
        CheckChosen(input, chosen.Soma, "leaky_integrate_fire", [.. SomaEnergies, .. SomaLatencies]);
        CheckChosen(input, chosen.AxonIn, null, ["energy_message_in", "latency_message_in"]);
        CheckChosen(input, chosen.AxonOut, null, ["energy_message_out", "latency_message_out"]);
        if (notes is null)
        {
            return chosen;
        }

        foreach (var unit in core.Units)
        {
            if (unit == chosen.AxonIn || unit == chosen.Synapse || unit == chosen.Dendrite || unit == chosen.Soma || unit == chosen.AxonOut)
            {
                continue;
            }

            if (unit.Section == UnitSection.Soma && unit.Model == "input")
            {
                if (SomaEnergies.Concat(SomaLatencies).Any(k => unit.Attribute(k) is { } a && Quantities.ScaleValue(input.Text(a.Value, a.Path), 0) != 0))
                {
                    throw input.Error(unit.Node, unit.Path, unit.Display,
                        "an input soma unit with zero costs: our input neurons are spike generators that pay only for the messages they send");
                }

                continue;
            }

            var why = unit.Section switch
            {
                UnitSection.AxonIn or UnitSection.AxonOut => "SANA-FE sends every message through unit 0 of the core",
                _ => $"the chip charges {Chosen(chosen, unit.Section).Display}'s costs to every {Describe(unit.Section)}; a network that selects {unit.Display} is charged those",
            };
            notes.Add($"{unit.Path} ({unit.Display}, {unit.Model ?? "no model"}): not part of the chip: {why}");
        }

        return chosen;
    }

    private static ArchUnit Chosen(ChosenUnits c, UnitSection section) => section switch
    {
        UnitSection.AxonIn => c.AxonIn,
        UnitSection.Synapse => c.Synapse,
        UnitSection.Dendrite => c.Dendrite,
        UnitSection.Soma => c.Soma,
        _ => c.AxonOut,
    };

    private static string Describe(UnitSection section) => section switch
    {
        UnitSection.Synapse => "synapse",
        UnitSection.Dendrite => "dendrite",
        UnitSection.Soma => "neuron",
        _ => "message",
    };

    /// <summary>Built-in SANA-FE model names per section (models.cpp); anything else (plugins) has no equivalent.</summary>
    private static void CheckModel(YamlInput input, ArchUnit unit)
    {
        if (unit.Attribute("plugin") is { } plugin)
        {
            throw input.Error(plugin.Value, plugin.Path, YamlInput.Show(plugin.Value), "no plugin: a SANA-FE plugin model has no equivalent in our chip model");
        }

        if (unit.Section is UnitSection.AxonIn or UnitSection.AxonOut)
        {
            return;
        }

        var known = unit.Section switch
        {
            UnitSection.Synapse => new[] { "current_based" },
            UnitSection.Dendrite => ["accumulator", "accumulator_with_delay", "taps"],
            _ => ["leaky_integrate_fire", "input", "truenorth"],
        };
        var model = unit.Attribute("model") is { } m ? m : throw input.Error(unit.Node, $"{unit.Path}.attributes.model", null,
            $"a model name ({string.Join(", ", known)})");
        var name = input.Text(m.Value, m.Path);
        if (!known.Contains(name))
        {
            throw input.Error(model.Value, model.Path, name, $"a SANA-FE built-in {Describe(unit.Section)} model: {string.Join(", ", known)}");
        }
    }

    private static void CheckChosen(YamlInput input, ArchUnit unit, string? model, string[] costKeys)
    {
        if (model is not null && unit.Model != model)
        {
            var a = unit.Attribute("model")!.Value;
            throw input.Error(a.Value, a.Path, unit.Model, $"{model}: the {Describe(unit.Section)} model our cores run ({unit.Model} has no equivalent in our chip model)");
        }

        foreach (var (key, a) in unit.Attributes)
        {
            if (UnitFlags.Contains(key) || costKeys.Contains(key))
            {
                continue;
            }

            throw input.Error(a.Value, a.Path, YamlInput.Show(a.Value),
                $"no '{key}' on {unit.Display}: a model attribute of a hardware unit has no equivalent in our chip model (neuron parameters belong to the network)");
        }

        if (unit.Attribute("update_every_timestep") is { } every && input.Bool(every.Value, every.Path) && unit.Section != UnitSection.Soma
            && costKeys.Where(k => k.StartsWith("energy", StringComparison.Ordinal)).Any(k => unit.Attribute(k) is { } e && Quantities.ScaleValue(input.Text(e.Value, e.Path), 0) != 0))
        {
            throw input.Error(every.Value, every.Path, "true",
                $"false, or zero energy on {unit.Display}: SANA-FE then charges its energy for every neuron (inputs too) every step, which our cores do not model");
        }
    }

    private static void CheckSameCore(YamlInput input, ArchCore reference, ArchCore other)
    {
        var mismatch = Compare(input, reference.Attributes, other.Attributes, other.Path + ".attributes", reference.Path + ".attributes");
        if (mismatch is not null)
        {
            throw mismatch;
        }

        if (reference.Units.Count != other.Units.Count)
        {
            throw input.Error(other.Node, other.Path, $"{other.Units.Count} units", $"the {reference.Units.Count} units of {reference.Path}: our chip model has identical cores");
        }

        for (var i = 0; i < reference.Units.Count; i++)
        {
            var (a, b) = (reference.Units[i], other.Units[i]);
            if (a.Section != b.Section || !a.Names.SequenceEqual(b.Names))
            {
                throw input.Error(b.Node, b.Path, b.Display, $"{a.Display} as at {a.Path}: our chip model has identical cores");
            }

            var m = Compare(input, a.Attributes, b.Attributes, b.Path + ".attributes", a.Path + ".attributes");
            if (m is not null)
            {
                throw m;
            }
        }
    }

    private static Neuromorphic.Core.Errors.InvalidInputException? Compare(YamlInput input, IReadOnlyDictionary<string, YamlAttribute> a,
        IReadOnlyDictionary<string, YamlAttribute> b, string path, string referencePath)
    {
        foreach (var key in a.Keys.Union(b.Keys))
        {
            var x = a.TryGetValue(key, out var va) ? Scalar(va.Value) : null;
            var y = b.TryGetValue(key, out var vb) ? Scalar(vb.Value) : null;
            var same = x == y || (x is not null && y is not null
                && double.TryParse(x, NumberStyles.Float, CultureInfo.InvariantCulture, out var dx)
                && double.TryParse(y, NumberStyles.Float, CultureInfo.InvariantCulture, out var dy) && dx == dy);
            if (!same)
            {
                return input.Error(vb.Value, $"{path}.{key}", y ?? "absent", $"{x ?? "absent"} as at {referencePath}.{key}: our chip model has identical cores and tiles");
            }
        }

        return null;
    }

    private static string Scalar(YamlNode node) => node is YamlScalarNode s ? s.Value ?? "" : node.ToString();

    private static JsonNode Cost(YamlInput input, YamlAttribute a, int exponent)
    {
        var text = input.Text(a.Value, a.Path);
        if (a.Value is not YamlScalarNode { Style: ScalarStyle.Plain }
            || !double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !double.IsFinite(v))
        {
            throw input.Error(a.Value, a.Path, YamlInput.Show(a.Value), exponent == Quantities.Pico ? "an energy in joules (e.g. 3.0e-12)" : "a time in seconds (e.g. 4.1e-9)");
        }

        if (v < 0)
        {
            throw input.Error(a.Value, a.Path, text, "a value ≥ 0");
        }

        return Quantities.FromSi(text, exponent);
    }

    private static JsonObject CostPair(YamlInput input, ArchUnit unit, string energyKey, string latencyKey)
    {
        YamlAttribute Get(string key) => unit.Attribute(key)
            ?? throw input.Error(unit.Node, $"{unit.Path}.attributes.{key}", null, $"the attribute '{key}' of {unit.Display}");
        return new JsonObject { ["energyPj"] = Cost(input, Get(energyKey), Quantities.Pico), ["latencyNs"] = Cost(input, Get(latencyKey), Quantities.Nano) };
    }

    private static JsonObject SomaCost(YamlInput input, ArchUnit soma, int index)
    {
        YamlAttribute Get(string key) => soma.Attribute(key)
            ?? throw input.Error(soma.Node, $"{soma.Path}.attributes.{key}", null, $"the attribute '{key}' of {soma.Display} (SANA-FE requires all three energies and all three latencies)");
        return new JsonObject
        {
            ["energyPj"] = Cost(input, Get(SomaEnergies[index]), Quantities.Pico),
            ["latencyNs"] = Cost(input, Get(SomaLatencies[index]), Quantities.Nano),
        };
    }

    private static List<(int Tiles, JsonNode Latency)> SyncTable(YamlInput input, YamlAttribute table)
    {
        var entries = new List<(int, JsonNode, YamlNode, string)>();
        switch (table.Value)
        {
            case YamlMappingNode map:
                foreach (var (k, v) in map.Children)
                {
                    var path = $"{table.Path}.{input.Key(k, table.Path)}";
                    var tiles = input.Int(k, $"{table.Path} (key)");
                    entries.Add((tiles, Cost(input, new YamlAttribute("", v, path), Quantities.Nano), v, path));
                }

                break;
            case YamlSequenceNode seq:
                for (var i = 0; i < seq.Children.Count; i++)
                {
                    entries.Add((i, Cost(input, new YamlAttribute("", seq.Children[i], $"{table.Path}[{i}]"), Quantities.Nano), seq.Children[i], $"{table.Path}[{i}]"));
                }

                break;
            default:
                entries.Add((0, Cost(input, table, Quantities.Nano), table.Value, table.Path));
                break;
        }

        entries.Sort((a, b) => a.Item1.CompareTo(b.Item1));
        var result = new List<(int, JsonNode)>();
        foreach (var (tiles, latency, node, path) in entries)
        {
            if (tiles < 0 || result.Any(r => r.Item1 == Math.Max(1, tiles)))
            {
                if (tiles == 0)
                {
                    continue; // key 0 is never looked up when key 1 exists (at least one tile is in use)
                }

                throw input.Error(node, path, tiles.ToString(CultureInfo.InvariantCulture), "a number of tiles ≥ 0, not repeated");
            }

            // At least one tile is in use, so SANA-FE's entry 0 applies exactly where our first entry does.
            result.Add((Math.Max(1, tiles), latency));
        }

        return result;
    }

    private sealed record ChipExtension(string? Provenance, string? Description, JsonNode? Kernel, JsonNode? GradedSpikes, JsonObject? Limits,
        JsonNode? DendriteUpdate, JsonNode? Interpolate, JsonNode? BarrierEnergyPj, JsonNode? Timing, JsonNode? StaticPowerMw, JsonNode? StaticPowerBasis,
        JsonNode? Variability, JsonNode? Learning)
    {
        /// <summary>The graded-spike fields of the core that were given (payload width and graded costs).</summary>
        public IReadOnlyList<(string Key, JsonNode Value)> Graded { get; init; } = [];
    }

    /// <summary>The graded-spike fields of a core, which SANA-FE has no place for: carried in the extension block.</summary>
    internal static readonly string[] GradedKeys = ["messagePayloadBits", "gradedSynapticOp", "gradedMessageIn", "gradedMessageOut"];

    private static readonly string[] ExtensionKeys = ["provenance", "description", "core", "sync", "timing", "staticPowerMw", "staticPowerBasis", "variability", "learning"];

    /// <summary>The <c>neuromorphic:</c> block our export writes (SANA-FE ignores it): the fields SANA-FE has no place for.</summary>
    private static ChipExtension Extension(SanaFeArchitecture arch)
    {
        if (arch.Extension is null)
        {
            return new ChipExtension(null, null, null, null, null, null, null, null, null, null, null, null, null);
        }

        var input = arch.Input;
        const string path = "architecture." + SanaFeArchitecture.ExtensionKey;
        var node = ToJson(input, arch.Extension, path) as JsonObject ?? throw input.Error(arch.Extension, path, YamlInput.Show(arch.Extension), "a mapping");
        foreach (var (key, _) in node)
        {
            if (!ExtensionKeys.Contains(key))
            {
                throw input.Error(arch.Extension, $"{path}.{key}", null, $"one of {string.Join(", ", ExtensionKeys)}");
            }
        }

        var core = node["core"] as JsonObject;
        var sync = node["sync"] as JsonObject;
        foreach (var (key, _) in core ?? [])
        {
            if (key is not ("kernel" or "gradedSpikes" or "limits" or "dendriteUpdate") && !GradedKeys.Contains(key))
            {
                throw input.Error(arch.Extension, $"{path}.core.{key}", null,
                    $"kernel, gradedSpikes, limits, dendriteUpdate or {string.Join(", ", GradedKeys)} (the rest of a core is SANA-FE's)");
            }
        }

        foreach (var (key, _) in sync ?? [])
        {
            if (key is not ("interpolate" or "barrierEnergyPj"))
            {
                throw input.Error(arch.Extension, $"{path}.sync.{key}", null, "interpolate or barrierEnergyPj (the barrier table is SANA-FE's latency_sync)");
            }
        }

        return new ChipExtension(node["provenance"]?.GetValue<string>(), node["description"]?.GetValue<string>(), core?["kernel"], core?["gradedSpikes"],
            core?["limits"] as JsonObject, core?["dendriteUpdate"], sync?["interpolate"], sync?["barrierEnergyPj"], node["timing"], node["staticPowerMw"],
            node["staticPowerBasis"], node["variability"], node["learning"])
        {
            Graded = GradedKeys.Where(k => core?[k] is not null).Select(k => (k, core![k]!)).ToList(),
        };
    }

    /// <summary>YAML → JSON: quoted scalars are strings; plain scalars that read as JSON (numbers, true, false, null) keep their spelling.</summary>
    internal static JsonNode? ToJson(YamlInput input, YamlNode node, string path)
    {
        switch (node)
        {
            case YamlMappingNode map:
                var obj = new JsonObject();
                foreach (var (k, v) in map.Children)
                {
                    var key = input.Key(k, path);
                    obj[key] = ToJson(input, v, $"{path}.{key}");
                }

                return obj;
            case YamlSequenceNode seq:
                var array = new JsonArray();
                for (var i = 0; i < seq.Children.Count; i++)
                {
                    array.Add(ToJson(input, seq.Children[i], $"{path}[{i}]"));
                }

                return array;
            case YamlScalarNode s when s.Style == ScalarStyle.Plain:
                if (YamlInput.IsNull(s))
                {
                    return null;
                }

                try
                {
                    return JsonNode.Parse(s.Value!);
                }
                catch (System.Text.Json.JsonException)
                {
                    return JsonValue.Create(s.Value);
                }

            case YamlScalarNode s:
                return JsonValue.Create(s.Value);
            default:
                throw input.Error(node, path, YamlInput.Show(node), "a value");
        }
    }

    private static JsonObject DefaultLimits() => new()
    {
        ["inputAxons"] = int.MaxValue,
        ["outputAxons"] = int.MaxValue,
        ["synapticMemoryBits"] = 1L << 53,
        ["compartmentPrototypes"] = 0,
        ["weightBits"] = 24,
        ["weightExponentMin"] = -16,
        ["weightExponentMax"] = 16,
        ["decayBits"] = 24,
        ["thresholdMantissaBits"] = 24,
        ["biasMantissaBits"] = 24,
        ["biasExponentMax"] = 16,
        ["refractoryMax"] = 1 << 20,
        ["delayBits"] = 0,
    };
}
