using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Neuromorphic.Chip;
using Neuromorphic.Core.IO;
using Neuromorphic.SanaFe.Yaml;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace Neuromorphic.SanaFe;

/// <summary>A chip written as a SANA-FE architecture file, and what SANA-FE will not do as we do.</summary>
public sealed record SanaFeChipExport(string Yaml, IReadOnlyList<string> Warnings);

/// <summary>
/// Writes a chip model as a SANA-FE architecture file that SANA-FE runs: one tile entry for the
/// whole mesh, one core entry per tile, one unit per pipeline stage (plus one zero-cost input soma
/// unit per neuron slot, as SANA-FE needs for spike lists). What SANA-FE has no place for (kernel,
/// per-core limits but the neuron count, static power, async clock, variability, learning engine, provenance) goes
/// in an <c>architecture.neuromorphic</c> block, which SANA-FE ignores and
/// <see cref="SanaFeChipImporter"/> reads back, so the round trip gives the same chip hash.
/// </summary>
public static class SanaFeChipExporter
{
    public static SanaFeChipExport Export(ChipSpec chip)
    {
        var root = JsonNode.Parse(chip.ResolvedJson)!.AsObject();
        var warnings = new List<string>();
        var mesh = root["mesh"]!.AsObject();
        var core = root["core"]!.AsObject();
        var sync = root["sync"]!.AsObject();
        var limits = core["limits"]!.AsObject();
        if (chip.Name.Contains('['))
        {
            throw new Neuromorphic.Core.Errors.InvalidInputException(chip.Source, "$.name", chip.Name, "a name without '[' (SANA-FE reads it as a range)");
        }

        // Costs SANA-FE cannot charge as we do.
        if (chip.Core.DendriteUpdate != EventCost.Free)
        {
            warnings.Add("core.dendriteUpdate: SANA-FE charges a dendrite per synaptic event, not per neuron and step; it is kept in the neuromorphic block, and SANA-FE will not charge it");
        }

        if (chip.Sync.Interpolate && chip.Sync.BarrierLatency.Count > 1)
        {
            warnings.Add("sync.interpolate: SANA-FE takes the table entry with the largest tile count ≤ tiles in use; it will not interpolate between entries");
        }

        if (chip.StaticPowerMw != 0)
        {
            warnings.Add($"staticPowerMw: SANA-FE has no static power; its energy will lack the {chip.StaticPowerMw.ToString(CultureInfo.InvariantCulture)} mW × latency we add");
        }

        if (chip.Sync.BarrierEnergyPj != 0)
        {
            warnings.Add("sync.barrierEnergyPj: SANA-FE charges no energy for a barrier");
        }

        if (!chip.Variability.IsNone)
        {
            warnings.Add("variability: SANA-FE simulates the nominal chip; the mismatch, skew and jitter stay in the neuromorphic block");
        }

        if (chip.Core.GradedSpikes)
        {
            warnings.Add("core.gradedSpikes: SANA-FE's spikes carry no payload");
        }

        if (chip.Core.Kernel == NeuronKernel.LoihiFixed)
        {
            warnings.Add("core.kernel: SANA-FE runs its leaky_integrate_fire in double precision (potential truncated to 1/64), not Loihi's 24-bit fixed point");
        }

        var attributes = Map(
            ("width", Plain(mesh["width"]!)),
            ("height", Plain(mesh["height"]!)),
            ("link_buffer_size", Plain(mesh["linkBufferMessages"]!)),
            ("sync_model", Plain("table")),
            ("latency_sync", Flow(Map(sync["barrier"]!.AsArray().Select(e => (e!["tiles"]!.ToJsonString(), (YamlNode)Si(e["latencyNs"]!, Quantities.Nano))).ToArray()))));
        var hop = root["noc"]!["hop"]!.AsObject();
        var tileAttributes = new List<(string, YamlNode)>();
        foreach (var direction in new[] { "north", "east", "south", "west" })
        {
            tileAttributes.Add(($"energy_{direction}_hop", Si(hop[direction]!["energyPj"]!, Quantities.Pico)));
            tileAttributes.Add(($"latency_{direction}_hop", Si(hop[direction]!["latencyNs"]!, Quantities.Nano)));
        }

        YamlMappingNode Unit(string name, params (string, YamlNode)[] unitAttributes) => Map(("name", Plain(name)), ("attributes", Map(unitAttributes)));
        (string, YamlNode) E(string key, string field) => (key, Si(core[field]!["energyPj"]!, Quantities.Pico));
        (string, YamlNode) L(string key, string field) => (key, Si(core[field]!["latencyNs"]!, Quantities.Nano));
        var neurons = chip.Core.Limits.Neurons;
        var coreNode = Map(
            ("name", Plain(chip.Mesh.CoresPerTile == 1 ? "core" : $"core[0..{chip.Mesh.CoresPerTile - 1}]")),
            ("attributes", Map(("buffer_position", Plain("soma")), ("buffer_inside_unit", Plain("false")), ("max_neurons_supported", Plain(limits["neurons"]!)))),
            ("axon_in", Seq(Unit("axon_in", E("energy_message_in", "messageIn"), L("latency_message_in", "messageIn")))),
            ("synapse", Seq(Unit("synapse", ("model", Plain("current_based")), E("energy_process_spike", "synapticOp"), L("latency_process_spike", "synapticOp")))),
            ("dendrite", Seq(Unit("dendrite", ("model", Plain("accumulator")), ("energy_update", Plain("0.0")), ("latency_update", Plain("0.0"))))),
            ("soma", Seq(
                Unit("lif", ("model", Plain("leaky_integrate_fire")),
                    E("energy_access_neuron", "neuronAccess"), L("latency_access_neuron", "neuronAccess"),
                    E("energy_update_neuron", "neuronUpdate"), L("latency_update_neuron", "neuronUpdate"),
                    E("energy_spike_out", "spikeOut"), L("latency_spike_out", "spikeOut")),
                Unit(neurons == 1 ? "inputs" : $"inputs[0..{neurons - 1}]", ("model", Plain("input")),
                    ("energy_access_neuron", Plain("0.0")), ("latency_access_neuron", Plain("0.0")),
                    ("energy_update_neuron", Plain("0.0")), ("latency_update_neuron", Plain("0.0")),
                    ("energy_spike_out", Plain("0.0")), ("latency_spike_out", Plain("0.0"))))),
            ("axon_out", Seq(Unit("axon_out", E("energy_message_out", "messageOut"), L("latency_message_out", "messageOut")))));
        var tiles = chip.TileCount;
        var tile = Map(("name", Plain(tiles == 1 ? "tile" : $"tile[0..{tiles - 1}]")), ("attributes", Map([.. tileAttributes])), ("core", Seq(coreNode)));

        var extension = new JsonObject { ["provenance"] = root["provenance"]!.DeepClone() };
        if (root["description"] is { } description)
        {
            extension["description"] = description.DeepClone();
        }

        var extraLimits = new JsonObject();
        foreach (var (key, value) in limits)
        {
            if (key != "neurons")
            {
                extraLimits[key] = value?.DeepClone();
            }
        }

        extension["core"] = new JsonObject
        {
            ["kernel"] = core["kernel"]!.DeepClone(),
            ["gradedSpikes"] = core["gradedSpikes"]!.DeepClone(),
            ["limits"] = extraLimits,
            ["dendriteUpdate"] = core["dendriteUpdate"]!.DeepClone(),
        };
        foreach (var key in SanaFeChipImporter.GradedKeys)
        {
            if (core[key] is { } graded)
            {
                ((JsonObject)extension["core"]!)[key] = graded.DeepClone();
            }
        }

        extension["sync"] = new JsonObject { ["interpolate"] = sync["interpolate"]!.DeepClone(), ["barrierEnergyPj"] = sync["barrierEnergyPj"]!.DeepClone() };
        extension["timing"] = root["timing"]!.DeepClone();
        extension["staticPowerMw"] = root["staticPowerMw"]!.DeepClone();
        if (root["staticPowerBasis"] is { } basis)
        {
            extension["staticPowerBasis"] = basis.DeepClone();
        }
        if (root["variability"] is { } variability)
        {
            extension["variability"] = variability.DeepClone();
        }

        if (root["learning"] is { } learning)
        {
            extension["learning"] = learning.DeepClone();
        }

        var architecture = Map(("name", Plain(chip.Name)), ("attributes", attributes), ("tile", Seq(tile)), (SanaFeArchitecture.ExtensionKey, FromJson(extension)));
        var document = new YamlDocument(Map(("architecture", architecture)));
        var text = new StringBuilder();
        text.Append("# SANA-FE architecture written by neuro chip export sana-fe from the chip model '").Append(chip.Name)
            .Append("' (sha256 ").Append(chip.ContentHash).Append(").\n")
            .Append("# Energies in J, times in s. The 'neuromorphic' block holds what SANA-FE has no place for; SANA-FE ignores it,\n")
            .Append("# neuro chip import sana-fe reads it back (chip-models/README.md, SANA-FE files).\n");
        using (var writer = new StringWriter(text, CultureInfo.InvariantCulture) { NewLine = "\n" })
        {
            new YamlStream(document).Save(writer, assignAnchors: false);
        }

        var yaml = text.ToString().Replace("\r\n", "\n", StringComparison.Ordinal);
        yaml = yaml.TrimEnd();
        if (yaml.EndsWith("...", StringComparison.Ordinal))
        {
            yaml = yaml[..^3].TrimEnd();
        }

        yaml += "\n";

        return new SanaFeChipExport(yaml, warnings);
    }

    /// <summary>Writes the YAML atomically.</summary>
    public static SanaFeChipExport Write(ChipSpec chip, string path)
    {
        var export = Export(chip);
        AtomicFile.WriteAllText(path, export.Yaml);
        return export;
    }

    private static YamlScalarNode Si(JsonNode number, int exponent) => Plain(Quantities.ToSi(number, exponent));

    private static YamlScalarNode Plain(JsonNode value) => Plain(value.ToJsonString());

    private static YamlScalarNode Plain(string value) => new(value) { Style = ScalarStyle.Plain };

    private static YamlMappingNode Map(params (string Key, YamlNode Value)[] entries)
    {
        var map = new YamlMappingNode();
        foreach (var (key, value) in entries)
        {
            map.Add(new YamlScalarNode(key), value);
        }

        return map;
    }

    private static YamlMappingNode Flow(YamlMappingNode map)
    {
        map.Style = MappingStyle.Flow;
        return map;
    }

    private static YamlSequenceNode Seq(params YamlNode[] items) => new(items);

    /// <summary>JSON → YAML: strings double-quoted, numbers and literals plain with their JSON spelling.</summary>
    private static YamlNode FromJson(JsonNode? node)
    {
        switch (node)
        {
            case null:
                return Plain("null");
            case JsonObject obj:
                var map = new YamlMappingNode();
                foreach (var (key, value) in obj)
                {
                    map.Add(new YamlScalarNode(key), FromJson(value));
                }

                return map;
            case JsonArray array:
                var seq = new YamlSequenceNode(array.Select(FromJson));
                if (array.All(a => a is JsonValue))
                {
                    seq.Style = SequenceStyle.Flow;
                }

                return seq;
            default:
                var v = node.AsValue();
                return v.GetValueKind() == System.Text.Json.JsonValueKind.String
                    ? new YamlScalarNode(v.GetValue<string>()) { Style = ScalarStyle.DoubleQuoted }
                    : Plain(v.ToJsonString());
        }
    }
}
