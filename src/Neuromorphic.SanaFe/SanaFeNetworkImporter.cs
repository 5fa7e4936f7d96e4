using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Neuromorphic.Core.IO;
using Neuromorphic.Core.Networks;
using Neuromorphic.SanaFe.Yaml;
using YamlDotNet.RepresentationModel;

namespace Neuromorphic.SanaFe;

/// <summary>Options of a SANA-FE network import.</summary>
public sealed record SanaFeNetworkOptions
{
    /// <summary>Steps to expand <c>rate</c> inputs over (SANA-FE's rate inputs never stop); required when a neuron has one.</summary>
    public int? Steps { get; init; }

    /// <summary>The units the chip is imported with (to warn where a neuron or synapse selects a unit of other costs).</summary>
    public SanaFeChipOptions Chip { get; init; } = new();
}

/// <summary>A network imported from a SANA-FE SNN file.</summary>
/// <param name="Network">Groups as populations, edges as projections, the mapping as placement pins.</param>
/// <param name="InputEvents">The spike lists of SANA-FE's input neurons, as (step from 1, index in the input population).</param>
/// <param name="InputSteps">The length of the longest spike list (or the expanded rate steps): how long SANA-FE's inputs last.</param>
/// <param name="Notes">What was dropped, approximated or assumed, each naming its YAML path.</param>
public sealed record SanaFeNetworkImport(NetworkSpec Network, IReadOnlyList<(int Step, int Index)> InputEvents, int InputSteps, IReadOnlyList<string> Notes)
{
    /// <summary>Writes the input events as a <c>step,index</c> CSV (the format of <c>neuro run --input</c>), atomically.</summary>
    public void WriteInputEvents(string path)
    {
        var text = new StringBuilder("step,index\n");
        foreach (var (step, index) in InputEvents)
        {
            text.Append(step.ToString(CultureInfo.InvariantCulture)).Append(',').Append(index.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }

        AtomicFile.WriteAllText(path, text.ToString());
    }
}

/// <summary>
/// Reads a SANA-FE SNN file (<c>snn/*.yaml</c>) with the architecture it runs on into a
/// <c>neuromorphic.network/1</c> network: chip-models/README.md ("SANA-FE files") lists the
/// correspondence of every attribute. The architecture resolves hardware unit names (which
/// neurons are inputs) and the tile ids of the mapping.
/// </summary>
public static class SanaFeNetworkImporter
{
    private static readonly string[] Ignored = ["log_spikes", "log_potential", "log_u"];
    private static readonly string[] HardwareNames = ["soma_hw_name", "dendrite_hw_name", "synapse_hw_name"];
    private static readonly string[] InputKeys = ["spikes", "rate", "poisson"];
    private static readonly string[] LifKeys =
    [
        "threshold", "reverse_threshold", "reset", "reverse_reset", "reset_mode", "reverse_reset_mode", "leak_decay", "input_decay", "bias",
        "force_update", "force_update_every_timestep", "refractory_delay", "potential", "noise",
    ];

    private const float SmallestThreshold = 1.17549435E-38f;

    public static SanaFeNetworkImport Import(string snnPath, string archPath, SanaFeNetworkOptions? options = null) =>
        Import(YamlInput.Load(snnPath), SanaFeArchitecture.Load(archPath), options ?? new SanaFeNetworkOptions());

    public static SanaFeNetworkImport ImportText(string snnYaml, string snnFile, string archYaml, string archFile, SanaFeNetworkOptions? options = null) =>
        Import(YamlInput.Parse(snnYaml, snnFile), SanaFeArchitecture.Parse(archYaml, archFile), options ?? new SanaFeNetworkOptions());

    private sealed class Neuron
    {
        public required int Offset { get; init; }
        public required string Path { get; init; }
        public required YamlNode Node { get; init; }
        public Dictionary<string, YamlAttribute> Soma { get; } = new(StringComparer.Ordinal);
        public Dictionary<string, YamlAttribute> Dendrite { get; } = new(StringComparer.Ordinal);
        public (int Tile, int Core, string Path)? Mapping { get; set; }
        public string? SomaUnit { get; set; }
        public string? DendriteUnit { get; set; }
        public string? SynapseUnit { get; set; }
        public bool IsInput { get; set; }
    }

    private sealed class Group
    {
        public required string Name { get; init; }
        public required string Path { get; init; }
        public required YamlNode Node { get; init; }
        public List<Neuron> Neurons { get; } = [];
    }

    private static SanaFeNetworkImport Import(YamlInput input, SanaFeArchitecture arch, SanaFeNetworkOptions options)
    {
        var notes = new List<string>();
        var root = input.Mapping(input.Root, "(document)");
        var net = input.Mapping(YamlInput.Child(root, "network") ?? throw input.Error(root, "network", null, "a SANA-FE SNN file: a top-level 'network' mapping"), "network");
        var name = YamlInput.Child(net, "name") is { } n ? input.Text(n, "network.name") : Path.GetFileNameWithoutExtension(input.File);

        // Groups and neurons, attributes merged group first, neuron over it.
        var groups = new List<Group>();
        var groupNode = input.Required(net, "network", "groups") as YamlSequenceNode
            ?? throw input.Error(net, "network.groups", null, "a list of groups");
        for (var g = 0; g < groupNode.Children.Count; g++)
        {
            var path = $"network.groups[{g}]";
            var map = input.Mapping(groupNode.Children[g], path);
            var group = new Group { Name = input.Text(input.Required(map, path, "name"), $"{path}.name"), Path = path, Node = map };
            if (groups.Any(x => x.Name == group.Name))
            {
                throw input.Error(map, $"{path}.name", group.Name, "a group name not used by another group");
            }

            var groupSoma = new Dictionary<string, YamlAttribute>(StringComparer.Ordinal);
            var groupDendrite = new Dictionary<string, YamlAttribute>(StringComparer.Ordinal);
            Scatter(input, input.Attributes(YamlInput.Child(map, "attributes"), $"{path}.attributes"), groupSoma, groupDendrite);
            var byOffset = new SortedDictionary<int, Neuron>();
            var neurons = input.Required(map, path, "neurons") as YamlSequenceNode ?? throw input.Error(map, $"{path}.neurons", null, "a list of neuron entries");
            for (var k = 0; k < neurons.Children.Count; k++)
            {
                var entryPath = $"{path}.neurons[{k}]";
                IEnumerable<(string Ids, YamlNode? Attributes, YamlNode Node)> entries = neurons.Children[k] switch
                {
                    YamlScalarNode s => [(input.Text(s, entryPath), null, s)],
                    YamlMappingNode m => m.Children.Select(c => (input.Key(c.Key, entryPath), (YamlNode?)c.Value, c.Key)),
                    var other => throw input.Error(other, entryPath, YamlInput.Show(other), "a neuron id or range, optionally with attributes (0..3: {bias: 1})"),
                };
                foreach (var (ids, attributes, node) in entries)
                {
                    var (first, last) = input.IdRange(ids, node, entryPath);
                    var own = input.Attributes(attributes, $"{entryPath}.{ids}");
                    for (var id = first; id <= last; id++)
                    {
                        var neuron = new Neuron { Offset = id, Path = $"{entryPath} ({group.Name}.{id})", Node = node };
                        foreach (var (key, a) in groupSoma)
                        {
                            neuron.Soma[key] = a;
                        }

                        foreach (var (key, a) in groupDendrite)
                        {
                            neuron.Dendrite[key] = a;
                        }

                        Scatter(input, own, neuron.Soma, neuron.Dendrite);
                        if (!byOffset.TryAdd(id, neuron))
                        {
                            throw input.Error(node, entryPath, $"{group.Name}.{id}", "each neuron id listed once");
                        }
                    }
                }
            }

            if (byOffset.Count == 0 || byOffset.Keys.Last() != byOffset.Count - 1)
            {
                throw input.Error(map, $"{path}.neurons", byOffset.Count == 0 ? "none" : $"ids up to {byOffset.Keys.Last()} for {byOffset.Count} neurons",
                    "every id 0..N-1 listed exactly once (SANA-FE numbers a group's neurons from 0)");
            }

            group.Neurons.AddRange(byOffset.Values);
            foreach (var neuron in group.Neurons)
            {
                neuron.SomaUnit = HardwareName(input, neuron.Soma, "soma_hw_name");
                neuron.DendriteUnit = HardwareName(input, neuron.Soma, "dendrite_hw_name");
                neuron.SynapseUnit = HardwareName(input, neuron.Soma, "synapse_hw_name");
            }

            groups.Add(group);
        }

        if (groups.Count == 0)
        {
            throw input.Error(groupNode, "network.groups", "[]", "at least one group");
        }

        // Mappings: every neuron on a core, with optional unit names.
        ReadMappings(input, root, arch, groups);

        // Which neurons are inputs: those whose soma unit has model 'input'.
        foreach (var group in groups)
        {
            foreach (var neuron in group.Neurons)
            {
                var (tile, coreIndex, mapPath) = neuron.Mapping!.Value;
                var core = arch.Tiles[tile].Cores[coreIndex];
                var somaUnit = neuron.SomaUnit is { } s ? core.Find(UnitSection.Soma, s) ?? throw input.Error(neuron.Node, neuron.Path, $"soma unit '{s}'",
                    $"a soma unit of core {tile}.{coreIndex} in {Path.GetFileName(arch.File)}: {string.Join(", ", core.Section(UnitSection.Soma).Select(u => u.Display))}") : core.Section(UnitSection.Soma).First();
                neuron.SomaUnit ??= somaUnit.Names[0];
                neuron.IsInput = somaUnit.Model switch
                {
                    "input" => true,
                    "leaky_integrate_fire" => false,
                    var model => throw input.Error(neuron.Node, neuron.Path, $"soma unit {somaUnit.Display} of model {model}",
                        "a neuron on a leaky_integrate_fire or input soma unit (the neurons our cores run)"),
                };
                var dendrite = neuron.DendriteUnit is { } d ? core.Find(UnitSection.Dendrite, d) ?? throw input.Error(neuron.Node, neuron.Path, $"dendrite unit '{d}'",
                    $"a dendrite unit of core {tile}.{coreIndex}: {string.Join(", ", core.Section(UnitSection.Dendrite).Select(u => u.Display))}") : core.Section(UnitSection.Dendrite).First();
                neuron.DendriteUnit = dendrite.Names[0];
                if (dendrite.Model != "accumulator" && !neuron.IsInput)
                {
                    throw input.Error(neuron.Node, neuron.Path, $"dendrite unit {dendrite.Display} of model {dendrite.Model}",
                        "a neuron on an accumulator dendrite (delays and taps have no equivalent in our cores)");
                }

                var synapse = neuron.SynapseUnit is { } y ? core.Find(UnitSection.Synapse, y) ?? throw input.Error(neuron.Node, neuron.Path, $"synapse unit '{y}'",
                    $"a synapse unit of core {tile}.{coreIndex}: {string.Join(", ", core.Section(UnitSection.Synapse).Select(u => u.Display))}") : core.Section(UnitSection.Synapse).First();
                neuron.SynapseUnit = synapse.Names[0];
                _ = mapPath;
            }
        }

        // Populations.
        var inputGroups = groups.Where(g => g.Neurons.Any(x => x.IsInput)).ToList();
        foreach (var group in groups)
        {
            if (group.Neurons.Any(x => x.IsInput) && group.Neurons.Any(x => !x.IsInput))
            {
                var a = group.Neurons.First(x => x.IsInput);
                var b = group.Neurons.First(x => !x.IsInput);
                throw input.Error(b.Node, b.Path, $"{group.Name}.{b.Offset} on soma unit {b.SomaUnit} beside input {group.Name}.{a.Offset} on {a.SomaUnit}",
                    "a group of input neurons only or of leaky_integrate_fire neurons only (a population has one model)");
            }
        }

        if (inputGroups.Count > 1)
        {
            throw input.Error(inputGroups[1].Node, inputGroups[1].Path, $"input groups {string.Join(", ", inputGroups.Select(g => g.Name))}",
                "one group of input neurons (our networks are driven through one input population)");
        }

        var populations = new List<Population>();
        var events = new List<(int Step, int Index)>();
        var inputSteps = 0;
        foreach (var group in groups)
        {
            var pins = Pins(arch, group);
            if (group.Neurons[0].IsInput)
            {
                foreach (var shared in group.Neurons.GroupBy(x => (x.Mapping!.Value.Tile, x.Mapping.Value.Core, x.SomaUnit)).Where(g => g.Count() > 1))
                {
                    notes.Add($"{group.Path}: {string.Join(", ", shared.Select(x => $"{group.Name}.{x.Offset}"))} share the input soma unit {shared.Key.SomaUnit} on core {shared.Key.Tile}.{shared.Key.Core}; SANA-FE keeps one spike list per unit (the last one set, read by both in turn), we give each neuron its own");
                }

                inputSteps = InputEvents(input, group, options, events, notes);
                populations.Add(new Population(group.Name, group.Neurons.Count, NeuronModel.Input, placement: pins));
            }
            else
            {
                populations.Add(new Population(group.Name, group.Neurons.Count, NeuronModel.CubaLif, Lif(input, group, notes), placement: pins));
            }
        }

        // Edges into dense projections.
        var projections = Edges(input, net, groups, populations, notes);

        // Hardware the chip does not charge as the network selects it.
        CheckUnitCosts(arch, groups, options.Chip, notes);

        var hardware = new JsonObject();
        foreach (var group in groups)
        {
            hardware[group.Name] = new JsonObject
            {
                ["soma"] = new JsonArray(group.Neurons.Select(x => x.SomaUnit!).Distinct().Select(x => (JsonNode)x).ToArray()),
                ["dendrite"] = new JsonArray(group.Neurons.Select(x => x.DendriteUnit!).Distinct().Select(x => (JsonNode)x).ToArray()),
                ["synapse"] = new JsonArray(group.Neurons.Select(x => x.SynapseUnit!).Distinct().Select(x => (JsonNode)x).ToArray()),
            };
        }

        var training = new JsonObject
        {
            ["importedFrom"] = new JsonObject
            {
                ["format"] = "sana-fe",
                ["snn"] = Path.GetFileName(input.File),
                ["architecture"] = Path.GetFileName(arch.File),
                ["hardware"] = hardware,
            },
        };
        var readout = populations.LastOrDefault(p => p.Model != NeuronModel.Input)
            ?? throw input.Error(groupNode, "network.groups", "only input groups", "at least one group of leaky_integrate_fire neurons");
        var network = new NetworkSpec(name, populations, projections, new Readout(readout.Name), training);
        return new SanaFeNetworkImport(network, events, inputSteps, notes.Distinct().ToList());
    }

    /// <summary>Splits attributes into those for the soma (plain keys and a <c>soma:</c> sub-map) and the dendrite (a <c>dendrite:</c> sub-map).</summary>
    private static void Scatter(YamlInput input, List<YamlAttribute> attributes, Dictionary<string, YamlAttribute> soma, Dictionary<string, YamlAttribute> dendrite)
    {
        foreach (var a in attributes)
        {
            switch (a.Key)
            {
                case "soma" when a.Value is YamlMappingNode or YamlSequenceNode:
                    foreach (var s in input.Attributes(a.Value, a.Path))
                    {
                        soma[s.Key] = s;
                    }

                    break;
                case "dendrite" or "synapse" when a.Value is YamlMappingNode or YamlSequenceNode:
                    foreach (var s in input.Attributes(a.Value, a.Path))
                    {
                        dendrite[s.Key] = s;
                    }

                    break;
                default:
                    soma[a.Key] = a;
                    break;
            }
        }
    }

    private static string? HardwareName(YamlInput input, Dictionary<string, YamlAttribute> attributes, string key) =>
        attributes.TryGetValue(key, out var a) ? input.Text(a.Value, a.Path) : null;

    private static void ReadMappings(YamlInput input, YamlMappingNode root, SanaFeArchitecture arch, List<Group> groups)
    {
        var mappings = input.Required(root, "(document)", "mappings") as YamlSequenceNode
            ?? throw input.Error(root, "mappings", null, "a list of mappings (- group.id: {core: tile.core})");
        for (var m = 0; m < mappings.Children.Count; m++)
        {
            var path = $"mappings[{m}]";
            var entry = input.Mapping(mappings.Children[m], path);
            foreach (var (k, v) in entry.Children)
            {
                var key = input.Key(k, path);
                var entryPath = $"{path}.{key}";
                var (group, first, last) = Target(input, groups, key, k, entryPath);
                string? core = null, soma = null, dendrite = null, synapse = null;
                foreach (var a in input.Attributes(v, entryPath))
                {
                    switch (a.Key)
                    {
                        case "core":
                            core = input.Text(a.Value, a.Path);
                            break;
                        case "soma":
                            soma = input.Text(a.Value, a.Path);
                            break;
                        case "dendrite":
                            dendrite = input.Text(a.Value, a.Path);
                            break;
                        case "synapse":
                            synapse = input.Text(a.Value, a.Path);
                            break;
                        default:
                            throw input.Error(a.Value, a.Path, a.Key, "core, soma, dendrite or synapse");
                    }
                }

                if (core is null)
                {
                    throw input.Error(v, $"{entryPath}.core", null, "a core: tile.core, e.g. 0.1 (tile 0, its core 1)");
                }

                var parts = core.Split('.');
                if (parts.Length != 2 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var tile)
                    || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var coreOffset))
                {
                    throw input.Error(v, $"{entryPath}.core", core, "tile.core, e.g. 0.1 (tile 0, its core 1)");
                }

                if (tile >= arch.Tiles.Count || coreOffset >= arch.Tiles[tile].Cores.Count)
                {
                    throw input.Error(v, $"{entryPath}.core", core,
                        $"a core of {Path.GetFileName(arch.File)}: tiles 0..{arch.Tiles.Count - 1}, cores 0..{(tile < arch.Tiles.Count ? arch.Tiles[tile].Cores.Count : arch.Tiles[0].Cores.Count) - 1}");
                }

                for (var id = first; id <= last; id++)
                {
                    var neuron = group.Neurons[id];
                    if (neuron.Mapping is not null)
                    {
                        throw input.Error(k, entryPath, $"{group.Name}.{id}", $"each neuron mapped once (it is also mapped at {neuron.Mapping.Value.Path})");
                    }

                    neuron.Mapping = (tile, coreOffset, entryPath);
                    neuron.SomaUnit = soma ?? neuron.SomaUnit;
                    neuron.DendriteUnit = dendrite ?? neuron.DendriteUnit;
                    neuron.SynapseUnit = synapse ?? neuron.SynapseUnit;
                }
            }
        }

        foreach (var group in groups)
        {
            if (group.Neurons.FirstOrDefault(x => x.Mapping is null) is { } unmapped)
            {
                throw input.Error(mappings, "mappings", $"{group.Name}.{unmapped.Offset} not mapped", "every neuron mapped to a core (SANA-FE requires it)");
            }
        }
    }

    /// <summary><c>g</c>, <c>g.i</c> or <c>g.A..B</c>: a group and an inclusive neuron range.</summary>
    private static (Group Group, int First, int Last) Target(YamlInput input, List<Group> groups, string key, YamlNode node, string path)
    {
        if (groups.FirstOrDefault(g => g.Name == key) is { } whole)
        {
            return (whole, 0, whole.Neurons.Count - 1);
        }

        var dot = key.LastIndexOf('.');
        if (dot > 0 && key.IndexOf("..", StringComparison.Ordinal) is var range and > 0 && range < dot)
        {
            dot = key.LastIndexOf('.', range - 1);
        }

        if (dot > 0 && groups.FirstOrDefault(g => g.Name == key[..dot]) is { } group)
        {
            var (first, last) = input.IdRange(key[(dot + 1)..], node, path);
            if (last >= group.Neurons.Count)
            {
                throw input.Error(node, path, key, $"neurons of group {group.Name} (0..{group.Neurons.Count - 1})");
            }

            return (group, first, last);
        }

        throw input.Error(node, path, key, $"a group (one of {string.Join(", ", groups.Select(g => g.Name))}), group.id or group.A..B");
    }

    /// <summary>Consecutive neurons on the same core become one placement pin.</summary>
    private static List<PlacementPin> Pins(SanaFeArchitecture arch, Group group)
    {
        var pins = new List<PlacementPin>();
        var start = 0;
        for (var i = 1; i <= group.Neurons.Count; i++)
        {
            if (i < group.Neurons.Count && Same(group.Neurons[i].Mapping!.Value, group.Neurons[start].Mapping!.Value))
            {
                continue;
            }

            var (tile, core, _) = group.Neurons[start].Mapping!.Value;
            var (x, y) = arch.TilePosition(tile);
            pins.Add(new PlacementPin(x, y, core, start, start == 0 && i == group.Neurons.Count ? null : i - start));
            start = i;
        }

        return pins;

        static bool Same((int Tile, int Core, string) a, (int Tile, int Core, string) b) => a.Tile == b.Tile && a.Core == b.Core;
    }

    private static int InputEvents(YamlInput input, Group group, SanaFeNetworkOptions options, List<(int Step, int Index)> events, List<string> notes)
    {
        var longest = 0;
        foreach (var neuron in group.Neurons)
        {
            foreach (var (key, a) in neuron.Soma)
            {
                if (LifKeys.Contains(key))
                {
                    notes.Add($"{group.Path}: '{key}' ignored on input neurons (they do not integrate)");
                }
                else if (!InputKeys.Contains(key) && !Ignored.Contains(key) && !HardwareNames.Contains(key))
                {
                    throw input.Error(a.Value, a.Path, key, "an attribute of an input neuron: spikes, rate or poisson (SANA-FE's input model)");
                }
            }

            if (neuron.Soma.TryGetValue("spikes", out var spikes))
            {
                var list = spikes.Value as YamlSequenceNode ?? throw input.Error(spikes.Value, spikes.Path, YamlInput.Show(spikes.Value), "a list of 0/1 or true/false");
                for (var k = 0; k < list.Children.Count; k++)
                {
                    if (input.Bool(list.Children[k], $"{spikes.Path}[{k}]"))
                    {
                        events.Add((k + 1, neuron.Offset)); // entry k is the output of step k + 1
                    }
                }

                longest = Math.Max(longest, list.Children.Count);
            }

            if (neuron.Soma.TryGetValue("rate", out var rate))
            {
                var r = input.Number(rate.Value, rate.Path);
                if (!(r > 0 && r <= 1))
                {
                    throw input.Error(rate.Value, rate.Path, rate.Value.ToString(), "a rate in (0, 1]");
                }

                var steps = options.Steps ?? throw input.Error(rate.Value, rate.Path, rate.Value.ToString(),
                    "a number of steps to expand the rate over (--steps; SANA-FE's rate inputs never stop)");
                var period = (int)(1 / r);
                for (var t = 1; t <= steps; t++)
                {
                    if (t % period == 0)
                    {
                        events.Add((t, neuron.Offset)); // SANA-FE: fires when t mod int(1/rate) == 0
                    }
                }

                longest = Math.Max(longest, steps);
            }

            if (neuron.Soma.TryGetValue("poisson", out var poisson))
            {
                throw input.Error(poisson.Value, poisson.Path, poisson.Value.ToString(),
                    "spikes or rate: SANA-FE draws poisson inputs from a C++ standard-library stream that cannot be reproduced exactly; write them as a spike list");
            }
        }

        events.Sort();
        return longest;
    }

    private static CubaLifParameters Lif(YamlInput input, Group group, List<string> notes)
    {
        var size = group.Neurons.Count;
        double[] threshold = new double[size], bias = new double[size], refractory = new double[size];
        double?[] tauU = new double?[size], tauV = new double?[size], vMin = new double?[size];
        var modes = new ResetMode?[size];
        for (var i = 0; i < size; i++)
        {
            var neuron = group.Neurons[i];
            var s = neuron.Soma;
            double Get(string key, double fallback) => s.TryGetValue(key, out var a) ? input.Number(a.Value, a.Path) : fallback;
            string? Text(string key) => s.TryGetValue(key, out var a) ? input.Text(a.Value, a.Path) : null;
            YamlAttribute At(string key) => s[key];
            foreach (var (key, a) in s)
            {
                if (InputKeys.Contains(key))
                {
                    throw input.Error(a.Value, a.Path, key, $"no input attribute on {group.Name}.{neuron.Offset}: it runs on a leaky_integrate_fire soma (SANA-FE rejects it too)");
                }

                if (!LifKeys.Contains(key) && !Ignored.Contains(key) && !HardwareNames.Contains(key))
                {
                    throw input.Error(a.Value, a.Path, key, $"an attribute of leaky_integrate_fire: {string.Join(", ", LifKeys)}");
                }
            }

            foreach (var (key, a) in neuron.Dendrite)
            {
                if (key is "delay" or "d" && (a.Value is not YamlScalarNode || input.Number(a.Value, a.Path) != 0))
                {
                    notes.Add($"{a.Path}: ignored, as SANA-FE's accumulator dendrite ignores it");
                }
            }

            threshold[i] = Get("threshold", 0);
            if (threshold[i] <= 0)
            {
                if (threshold[i] < 0)
                {
                    var a = At("threshold");
                    throw input.Error(a.Value, a.Path, a.Value.ToString(), "a threshold ≥ 0");
                }

                threshold[i] = SmallestThreshold;
                notes.Add($"{group.Path}: threshold 0 (SANA-FE's default when none is given) becomes {SmallestThreshold.ToString("R", CultureInfo.InvariantCulture)}, the smallest positive normal float: our thresholds are positive, and it fires for the same voltages");
            }

            bias[i] = Get("bias", 0);
            tauV[i] = Tau(input, s, "leak_decay", 1);
            tauU[i] = Tau(input, s, "input_decay", 0);
            var reset = Get("reset", 0);
            if (reset != 0)
            {
                var a = At("reset");
                throw input.Error(a.Value, a.Path, a.Value.ToString(), "0: our neurons reset to 0 (hard) or subtract the threshold (soft)");
            }

            modes[i] = (Text("reset_mode") ?? "hard") switch
            {
                "hard" => ResetMode.Zero,
                "soft" => ResetMode.Subtract,
                var m => throw input.Error(At("reset_mode").Value, At("reset_mode").Path, m, "hard or soft (saturate and none have no equivalent)"),
            };
            var reverseMode = Text("reverse_reset_mode") ?? "none";
            var reverseThreshold = Get("reverse_threshold", 0);
            switch (reverseMode)
            {
                case "none":
                    break;
                case "saturate":
                    vMin[i] = reverseThreshold; // v below reverse_threshold is set to it: our vMin clamp
                    break;
                default:
                    throw input.Error(At("reverse_reset_mode").Value, At("reverse_reset_mode").Path, reverseMode, "none or saturate (a clamp at reverse_threshold)");
            }

            if (Get("reverse_reset", 0) != 0 && reverseMode != "none")
            {
                var a = At("reverse_reset");
                throw input.Error(a.Value, a.Path, a.Value.ToString(), "0 (reverse_reset applies only to hard reverse resets, which have no equivalent)");
            }

            if (s.TryGetValue("refractory_delay", out var rd))
            {
                var d = input.Int(rd.Value, rd.Path);
                if (d < 0)
                {
                    throw input.Error(rd.Value, rd.Path, d.ToString(CultureInfo.InvariantCulture), "a delay ≥ 0");
                }

                refractory[i] = Math.Max(0, d - 1); // SANA-FE's delay d silences the d - 1 following steps
                if (d > 1 && (modes[i] == ResetMode.Subtract || tauU[i] != 1))
                {
                    throw input.Error(rd.Value, rd.Path, d.ToString(CultureInfo.InvariantCulture),
                        "0 or 1 unless reset_mode is hard and input_decay 0: SANA-FE lets the voltage and current leak through a refractory period where ours holds v at 0 and integrates the current");
                }
            }

            foreach (var key in new[] { "potential", "force_update", "force_update_every_timestep", "noise" })
            {
                if (s.TryGetValue(key, out var a) && !(key == "potential" && input.Number(a.Value, a.Path) == 0)
                    && !(key.StartsWith("force", StringComparison.Ordinal) && !input.Bool(a.Value, a.Path)))
                {
                    throw input.Error(a.Value, a.Path, YamlInput.Show(a.Value), key switch
                    {
                        "potential" => "0: our neurons start at v = 0",
                        "noise" => "no noise stream: it has no equivalent in our neurons",
                        _ => "false: our cores update a neuron only when it is active (input, state, bias or spike), as SANA-FE does without force_update",
                    });
                }
            }
        }

        PerNeuron Pack(double[] values) => values.All(v => v == values[0]) ? PerNeuron.Scalar(values[0]) : PerNeuron.Of(values);
        PerNeuron? PackTau(double?[] values)
        {
            if (values.All(v => v is null))
            {
                return null;
            }

            if (values.Any(v => v is null))
            {
                throw input.Error(group.Node, group.Path, "a mix of leak and no leak", "the same kind of decay (or none) for every neuron of the group (a per-neuron time constant cannot be infinite)");
            }

            return Pack(values.Select(v => v!.Value).ToArray());
        }

        if (modes.Distinct().Count() > 1)
        {
            throw input.Error(group.Node, group.Path, "hard and soft resets", "one reset_mode for the whole group (a population has one reset)");
        }

        PerNeuron? min = null;
        if (vMin.Any(v => v is not null))
        {
            min = Pack(vMin.Select(v => v ?? double.NegativeInfinity).ToArray());
            if (vMin.Any(v => v is null))
            {
                throw input.Error(group.Node, group.Path, "saturating and non-saturating reverse resets", "one reverse_reset_mode for the whole group");
            }
        }

        return new CubaLifParameters(PackTau(tauU) ?? null, PackTau(tauV), Pack(threshold), Pack(bias), modes[0]!.Value, Pack(refractory)) { VoltageMin = min };
    }

    /// <summary>A multiplicative decay d per step as our time constant τ = 1/(1 − d): d = 1 is no decay (null), d = 0 keeps nothing (τ = 1).</summary>
    private static double? Tau(YamlInput input, Dictionary<string, YamlAttribute> s, string key, double fallback)
    {
        var d = fallback;
        if (s.TryGetValue(key, out var a))
        {
            d = input.Number(a.Value, a.Path);
            if (!(d >= 0 && d <= 1))
            {
                throw input.Error(a.Value, a.Path, a.Value.ToString(), "a decay factor in [0, 1] (1: no decay)");
            }
        }

        return d == 1 ? null : 1 / (1 - d);
    }

    private static List<Projection> Edges(YamlInput input, YamlMappingNode net, List<Group> groups, List<Population> populations, List<string> notes)
    {
        var edgeNode = input.Required(net, "network", "edges");
        var edges = edgeNode as YamlSequenceNode;
        if (edges is null && !(edgeNode is YamlScalarNode s && YamlInput.IsNull(s)))
        {
            throw input.Error(edgeNode, "network.edges", YamlInput.Show(edgeNode), "a list of edges (- a.0 -> b.1: {weight: 2})");
        }

        var matrices = new Dictionary<(int From, int To), (float[] Weights, int[] Count, string Path)>();
        var order = new List<(int, int)>();
        (float[] Weights, int[] Count, string Path) Matrix(int from, int to, string path)
        {
            if (!matrices.TryGetValue((from, to), out var m))
            {
                m = (new float[groups[to].Neurons.Count * groups[from].Neurons.Count], new int[groups[to].Neurons.Count * groups[from].Neurons.Count], path);
                matrices[(from, to)] = m;
                order.Add((from, to));
            }

            return m;
        }

        for (var e = 0; e < (edges?.Children.Count ?? 0); e++)
        {
            var path = $"network.edges[{e}]";
            var entry = input.Mapping(edges!.Children[e], path);
            foreach (var (k, v) in entry.Children)
            {
                var key = input.Key(k, path);
                var edgePath = $"{path}.{key}";
                var arrow = key.IndexOf("->", StringComparison.Ordinal);
                if (arrow < 0)
                {
                    throw input.Error(k, edgePath, key, "an edge: source -> target (a.0 -> b.1, or a -> b with a type)");
                }

                var (src, srcId) = End(input, groups, key[..arrow].Trim(), k, edgePath);
                var (dst, dstId) = End(input, groups, key[(arrow + 2)..].Trim(), k, edgePath);
                if ((srcId is null) != (dstId is null))
                {
                    throw input.Error(k, edgePath, key, "a neuron at both ends (a.0 -> b.1) or a group at both ends (a -> b)");
                }

                if (groups[dst].Neurons[0].IsInput)
                {
                    throw input.Error(k, edgePath, key, "an edge to a neuron that integrates: input neurons receive nothing (SANA-FE throws too)");
                }

                var attributes = new Dictionary<string, YamlAttribute>(StringComparer.Ordinal);
                foreach (var a in input.Attributes(v, edgePath))
                {
                    if (a.Key is "synapse" or "dendrite" && a.Value is YamlMappingNode or YamlSequenceNode)
                    {
                        foreach (var sub in input.Attributes(a.Value, a.Path))
                        {
                            attributes[a.Key == "synapse" ? sub.Key : $"dendrite.{sub.Key}"] = sub;
                        }
                    }
                    else
                    {
                        attributes[a.Key] = a;
                    }
                }

                var matrix = Matrix(src, dst, edgePath);
                var fromSize = groups[src].Neurons.Count;
                var toSize = groups[dst].Neurons.Count;
                void Connect(int pre, int post, float weight)
                {
                    matrix.Weights[post * fromSize + pre] += weight;
                    matrix.Count[post * fromSize + pre]++;
                }

                if (srcId is { } pre && dstId is { } post)
                {
                    foreach (var (name, a) in attributes)
                    {
                        CheckEdgeKey(input, name, a, single: true, notes);
                    }

                    var w = attributes.TryGetValue("weight", out var wa) || attributes.TryGetValue("w", out wa) ? input.Number(wa.Value, wa.Path) : 0;
                    Connect(pre, post, (float)w);
                    continue;
                }

                var type = attributes.TryGetValue("type", out var ta) ? input.Text(ta.Value, ta.Path)
                    : throw input.Error(v, $"{edgePath}.type", null, "type: dense, sparse or conv2d for an edge between groups");
                var weights = attributes.TryGetValue("weight", out var list) || attributes.TryGetValue("w", out list)
                    ? list.Value as YamlSequenceNode ?? throw input.Error(list.Value, list.Path, YamlInput.Show(list.Value), "a list of weights")
                    : null;
                float Weight(int index)
                {
                    if (weights is null)
                    {
                        return 0;
                    }

                    if (index >= weights.Children.Count)
                    {
                        throw input.Error(weights, list.Path, $"{weights.Children.Count} weights", $"at least {index + 1} (one per connection)");
                    }

                    return (float)input.Number(weights.Children[index], $"{list.Path}[{index}]");
                }

                foreach (var (name, a) in attributes)
                {
                    if (name is not ("type" or "weight" or "w" or "source_target_pairs" or "input_width" or "input_height" or "input_channels" or "kernel_width"
                        or "kernel_height" or "kernel_count" or "stride_width" or "stride_height"))
                    {
                        CheckEdgeKey(input, name, a, single: false, notes);
                    }
                }

                switch (type)
                {
                    case "dense":
                        for (var i = 0; i < fromSize; i++)
                        {
                            for (var j = 0; j < toSize; j++)
                            {
                                Connect(i, j, Weight(i * toSize + j));
                            }
                        }

                        break;
                    case "sparse":
                        var pairs = attributes.TryGetValue("source_target_pairs", out var pa) && pa.Value is YamlSequenceNode ps ? ps
                            : throw input.Error(v, $"{edgePath}.source_target_pairs", null, "a list of [source, target] pairs");
                        for (var p = 0; p < pairs.Children.Count; p++)
                        {
                            var pair = pairs.Children[p] as YamlSequenceNode;
                            if (pair is null || pair.Children.Count != 2)
                            {
                                throw input.Error(pairs.Children[p], $"{pa.Path}[{p}]", YamlInput.Show(pairs.Children[p]), "[source, target]");
                            }

                            var i = input.Int(pair.Children[0], $"{pa.Path}[{p}][0]");
                            var j = input.Int(pair.Children[1], $"{pa.Path}[{p}][1]");
                            if (i < 0 || i >= fromSize || j < 0 || j >= toSize)
                            {
                                throw input.Error(pair, $"{pa.Path}[{p}]", $"[{i}, {j}]", $"a source in 0..{fromSize - 1} and a target in 0..{toSize - 1}");
                            }

                            Connect(i, j, Weight(p));
                        }

                        if (weights is not null && weights.Children.Count != pairs.Children.Count)
                        {
                            throw input.Error(weights, list.Path, $"{weights.Children.Count} weights", $"exactly {pairs.Children.Count}, one per pair");
                        }

                        break;
                    case "conv2d":
                        Conv2d(input, attributes, v, edgePath, fromSize, toSize, Weight, Connect);
                        break;
                    default:
                        throw input.Error(ta.Value, ta.Path, type, "dense, sparse or conv2d");
                }
            }
        }

        var projections = new List<Projection>();
        foreach (var (from, to) in order)
        {
            var (weights, count, path) = matrices[(from, to)];
            var connected = count.Count(c => c > 0);
            if (count.Any(c => c > 1))
            {
                notes.Add($"{path}: {groups[from].Name} -> {groups[to].Name} connects some pairs more than once; their weights are added into one synapse (SANA-FE counts a synaptic op per connection)");
            }

            // Only the connected pairs are synapses (a sparse projection), as SANA-FE counts them.
            var connections = connected < count.Length ? count.Select(c => c > 0).ToArray() : null;
            projections.Add(new Projection(Projection.DefaultName(populations[from].Name, populations[to].Name), populations[from], populations[to], weights,
                connections: connections));
        }

        return projections;
    }

    private static void CheckEdgeKey(YamlInput input, string name, YamlAttribute a, bool single, List<string> notes)
    {
        switch (name)
        {
            case "weight" or "w":
                break;
            case "delay" or "d" or "dendrite.delay" or "dendrite.d":
                var nonZero = a.Value switch
                {
                    YamlSequenceNode seq => seq.Children.Select((c, i) => input.Number(c, $"{a.Path}[{i}]")).Any(x => x != 0),
                    _ => input.Number(a.Value, a.Path) != 0,
                };
                if (nonZero)
                {
                    notes.Add($"{a.Path}: delays ignored, as SANA-FE's accumulator dendrite ignores them (only accumulator_with_delay, which has no equivalent, uses them)");
                }

                break;
            case "type" when single:
                throw input.Error(a.Value, a.Path, input.Text(a.Value, a.Path), "no type on an edge between two neurons");
            default:
                throw input.Error(a.Value, a.Path, name, "an edge attribute SANA-FE's current_based synapse and accumulator dendrite read: weight (or w), delay");
        }
    }

    private static void Conv2d(YamlInput input, Dictionary<string, YamlAttribute> attributes, YamlNode node, string path, int fromSize, int toSize,
        Func<int, float> weight, Action<int, int, float> connect)
    {
        int Get(string key, int? fallback)
        {
            if (attributes.TryGetValue(key, out var a))
            {
                var value = input.Int(a.Value, a.Path);
                return value >= 1 ? value : throw input.Error(a.Value, a.Path, value.ToString(CultureInfo.InvariantCulture), "an integer ≥ 1");
            }

            return fallback ?? throw input.Error(node, $"{path}.{key}", null, $"'{key}' for a conv2d edge");
        }

        int w = Get("input_width", null), h = Get("input_height", null), c = Get("input_channels", null);
        int kw = Get("kernel_width", null), kh = Get("kernel_height", null), kc = Get("kernel_count", 1);
        int sw = Get("stride_width", 1), sh = Get("stride_height", 1);
        if (kw > w || kh > h)
        {
            throw input.Error(node, path, $"kernel {kw}×{kh} on input {w}×{h}", "a kernel no larger than the input (SANA-FE pads nothing)");
        }

        var ow = (w - kw) / sw + 1;
        var oh = (h - kh) / sh + 1;
        if (w * h * c != fromSize || ow * oh * kc != toSize)
        {
            throw input.Error(node, path, $"{fromSize} → {toSize} neurons", $"{w * h * c} source neurons (width × height × channels) and {ow * oh * kc} targets ((W − K)/S + 1 per axis × kernel_count)");
        }

        // SANA-FE's indices: source c·W·H + y·W + x; target k·OW·OH + y·OW + x; filter ((ky·KW + kx)·C + c)·K + k.
        for (var k = 0; k < kc; k++)
        {
            for (var oy = 0; oy < oh; oy++)
            {
                for (var ox = 0; ox < ow; ox++)
                {
                    for (var ch = 0; ch < c; ch++)
                    {
                        for (var ky = 0; ky < kh; ky++)
                        {
                            for (var kx = 0; kx < kw; kx++)
                            {
                                var source = ch * w * h + (oy * sh + ky) * w + ox * sw + kx;
                                var target = k * ow * oh + oy * ow + ox;
                                connect(source, target, weight(((ky * kw + kx) * c + ch) * kc + k));
                            }
                        }
                    }
                }
            }
        }
    }

    private static (int Group, int? Id) End(YamlInput input, List<Group> groups, string text, YamlNode node, string path)
    {
        var whole = groups.FindIndex(g => g.Name == text);
        if (whole >= 0)
        {
            return (whole, null);
        }

        var dot = text.LastIndexOf('.');
        if (dot > 0)
        {
            var g = groups.FindIndex(x => x.Name == text[..dot]);
            if (g >= 0 && int.TryParse(text[(dot + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id < groups[g].Neurons.Count)
            {
                return (g, id);
            }
        }

        throw input.Error(node, path, text, $"a group ({string.Join(", ", groups.Select(x => x.Name))}) or group.id of an existing neuron");
    }

    private static void CheckUnitCosts(SanaFeArchitecture arch, List<Group> groups, SanaFeChipOptions chip, List<string> notes)
    {
        SanaFeChipImporter.ChosenUnits chosen;
        try
        {
            chosen = SanaFeChipImporter.SelectUnits(arch, chip, null);
        }
        catch (Neuromorphic.Core.Errors.InvalidInputException)
        {
            return; // the chip import names the problem
        }

        var input = arch.Input;
        string Costs(ArchUnit unit, IEnumerable<string> keys) => string.Join(",", keys.Select(k => unit.Attribute(k) is { } a
            ? Quantities.ScaleValue(input.Text(a.Value, a.Path), 0).ToString("R", CultureInfo.InvariantCulture) : "-"));
        var somaKeys = SanaFeChipImporter.SomaEnergies.Concat(SanaFeChipImporter.SomaLatencies).ToArray();
        var synapseKeys = new[] { "energy_process_spike", "latency_process_spike" };
        foreach (var group in groups)
        {
            foreach (var neuron in group.Neurons.Where(n => !n.IsInput).DistinctBy(n => (n.SomaUnit, n.SynapseUnit)))
            {
                var core = arch.Tiles[neuron.Mapping!.Value.Tile].Cores[neuron.Mapping.Value.Core];
                var soma = core.Find(UnitSection.Soma, neuron.SomaUnit!)!;
                if (soma != chosen.Soma && Costs(soma, somaKeys) != Costs(chosen.Soma, somaKeys))
                {
                    notes.Add($"{group.Path}: neurons of {group.Name} select soma unit {neuron.SomaUnit}, but the chip charges every neuron {chosen.Soma.Display}'s costs (choose with neuro chip import sana-fe --soma)");
                }

                var synapse = core.Find(UnitSection.Synapse, neuron.SynapseUnit!)!;
                if (synapse != chosen.Synapse && Costs(synapse, synapseKeys) != Costs(chosen.Synapse, synapseKeys))
                {
                    notes.Add($"{group.Path}: synapses into {group.Name} use {neuron.SynapseUnit}, but the chip charges every synapse {chosen.Synapse.Display}'s costs (choose with neuro chip import sana-fe --synapse)");
                }
            }
        }
    }
}
