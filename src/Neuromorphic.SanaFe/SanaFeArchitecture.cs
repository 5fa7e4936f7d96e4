using Neuromorphic.SanaFe.Yaml;
using YamlDotNet.RepresentationModel;

namespace Neuromorphic.SanaFe;

/// <summary>The five pipeline sections of a SANA-FE core, in the order its accounting visits them.</summary>
internal enum UnitSection
{
    AxonIn,
    Synapse,
    Dendrite,
    Soma,
    AxonOut,
}

/// <summary>One hardware unit of a core (or a range of identical ones, <c>loihi_inputs[0..1023]</c>).</summary>
internal sealed class ArchUnit
{
    public required UnitSection Section { get; init; }

    /// <summary>The names it answers to (one, or one per index of a range).</summary>
    public required IReadOnlyList<string> Names { get; init; }

    public required string Path { get; init; }

    public required YamlNode Node { get; init; }

    public required IReadOnlyDictionary<string, YamlAttribute> Attributes { get; init; }

    public string Display => Names.Count == 1 ? Names[0] : $"{Names[0]}…{Names[^1]}";

    public string? Model => Attributes.TryGetValue("model", out var a) && a.Value is YamlScalarNode { Value: { } v } ? v : null;

    public YamlAttribute? Attribute(string key) => Attributes.TryGetValue(key, out var a) ? a : null;
}

/// <summary>One core of the architecture (a range entry gives several cores that share it).</summary>
internal sealed class ArchCore
{
    public required string Name { get; init; }

    public required string Path { get; init; }

    public required YamlMappingNode Node { get; init; }

    public required IReadOnlyDictionary<string, YamlAttribute> Attributes { get; init; }

    public required IReadOnlyList<ArchUnit> Units { get; init; }

    public IEnumerable<ArchUnit> Section(UnitSection section) => Units.Where(u => u.Section == section);

    /// <summary>The unit called <paramref name="name"/> in <paramref name="section"/>, or null.</summary>
    public ArchUnit? Find(UnitSection section, string name) => Section(section).FirstOrDefault(u => u.Names.Contains(name));
}

/// <summary>One tile, with its hop costs and cores.</summary>
internal sealed class ArchTile
{
    public required string Name { get; init; }

    public required string Path { get; init; }

    public required YamlMappingNode Node { get; init; }

    public required IReadOnlyDictionary<string, YamlAttribute> Attributes { get; init; }

    public required IReadOnlyList<ArchCore> Cores { get; init; }
}

/// <summary>
/// A SANA-FE architecture file (<c>arch/*.yaml</c>) as read, before any judgement about what our chip
/// model can hold: the mesh attributes, the sync model and every tile and core, ranges expanded in
/// declaration order (tile id = position; SANA-FE places tile id at x = id / height, y = id % height).
/// </summary>
internal sealed class SanaFeArchitecture
{
    public const string ExtensionKey = "neuromorphic";

    private static readonly string[] Sections = ["axon_in", "synapse", "dendrite", "soma", "axon_out"];

    public required YamlInput Input { get; init; }

    public required string Name { get; init; }

    public required YamlMappingNode ArchitectureNode { get; init; }

    public required IReadOnlyDictionary<string, YamlAttribute> Attributes { get; init; }

    public required int Width { get; init; }

    public required int Height { get; init; }

    public required IReadOnlyList<ArchTile> Tiles { get; init; }

    /// <summary>The fields of neuromorphic.chip/1 that SANA-FE has no place for, as our export writes them (SANA-FE ignores the key).</summary>
    public YamlNode? Extension { get; init; }

    public string File => Input.File;

    public (int X, int Y) TilePosition(int tileId) => (tileId / Height, tileId % Height);

    public static SanaFeArchitecture Load(string path) => Read(YamlInput.Load(path));

    public static SanaFeArchitecture Parse(string text, string file) => Read(YamlInput.Parse(text, file));

    private static SanaFeArchitecture Read(YamlInput input)
    {
        var root = input.Mapping(input.Root, "(document)");
        var arch = input.Mapping(YamlInput.Child(root, "architecture") ?? throw input.Error(root, "architecture", null,
            "a SANA-FE architecture file: a top-level 'architecture' mapping"), "architecture");
        const string archPath = "architecture";
        var name = YamlInput.Child(arch, "name") is { } n ? input.Text(n, $"{archPath}.name") : Path.GetFileNameWithoutExtension(input.File);
        var attributes = ToDictionary(input, input.Attributes(input.Required(arch, archPath, "attributes"), $"{archPath}.attributes"));
        int RequiredPositive(string key)
        {
            var a = attributes.TryGetValue(key, out var v) ? v : throw input.Error(arch, $"{archPath}.attributes.{key}", null, $"the attribute '{key}' (SANA-FE requires it)");
            var value = input.Int(a.Value, a.Path);
            return value >= 1 ? value : throw input.Error(a.Value, a.Path, value.ToString(System.Globalization.CultureInfo.InvariantCulture), "an integer ≥ 1");
        }

        var width = RequiredPositive("width");
        var height = RequiredPositive("height");
        RequiredPositive("link_buffer_size");

        var tiles = new List<ArchTile>();
        var tileNode = input.Required(arch, archPath, "tile");
        foreach (var (node, path) in YamlInput.OneOrList(tileNode, $"{archPath}.tile"))
        {
            var map = input.Mapping(node, path);
            var names = input.NameRange(input.Required(map, path, "name"), $"{path}.name", alwaysIndex: true);
            var tileAttributes = ToDictionary(input, input.Attributes(YamlInput.Child(map, "attributes"), $"{path}.attributes"));
            var cores = new List<ArchCore>();
            foreach (var (coreNode, corePath) in YamlInput.OneOrList(input.Required(map, path, "core"), $"{path}.core"))
            {
                var coreMap = input.Mapping(coreNode, corePath);
                var coreNames = input.NameRange(input.Required(coreMap, corePath, "name"), $"{corePath}.name", alwaysIndex: true);
                var coreAttributes = ToDictionary(input, input.Attributes(YamlInput.Child(coreMap, "attributes"), $"{corePath}.attributes"));
                var units = new List<ArchUnit>();
                for (var s = 0; s < Sections.Length; s++)
                {
                    var sectionNode = YamlInput.Child(coreMap, Sections[s])
                        ?? throw input.Error(coreMap, $"{corePath}.{Sections[s]}", null, $"a '{Sections[s]}' section (SANA-FE requires all five: {string.Join(", ", Sections)})");
                    foreach (var (unitNode, unitPath) in YamlInput.OneOrList(sectionNode, $"{corePath}.{Sections[s]}"))
                    {
                        var unitMap = input.Mapping(unitNode, unitPath);
                        units.Add(new ArchUnit
                        {
                            Section = (UnitSection)s,
                            Names = input.NameRange(input.Required(unitMap, unitPath, "name"), $"{unitPath}.name", alwaysIndex: false),
                            Path = unitPath,
                            Node = unitMap,
                            Attributes = ToDictionary(input, input.Attributes(YamlInput.Child(unitMap, "attributes"), $"{unitPath}.attributes")),
                        });
                    }
                }

                foreach (var coreName in coreNames)
                {
                    cores.Add(new ArchCore { Name = coreName, Path = corePath, Node = coreMap, Attributes = coreAttributes, Units = units });
                }
            }

            foreach (var tileName in names)
            {
                tiles.Add(new ArchTile { Name = tileName, Path = path, Node = map, Attributes = tileAttributes, Cores = cores });
            }
        }

        return new SanaFeArchitecture
        {
            Input = input,
            Name = name,
            ArchitectureNode = arch,
            Attributes = attributes,
            Width = width,
            Height = height,
            Tiles = tiles,
            Extension = YamlInput.Child(arch, ExtensionKey),
        };
    }

    private static Dictionary<string, YamlAttribute> ToDictionary(YamlInput input, List<YamlAttribute> attributes)
    {
        var result = new Dictionary<string, YamlAttribute>(StringComparer.Ordinal);
        foreach (var a in attributes)
        {
            if (!result.TryAdd(a.Key, a))
            {
                throw input.Error(a.Value, a.Path, null, $"'{a.Key}' given once (it is also at {result[a.Key].Path})");
            }
        }

        return result;
    }
}
