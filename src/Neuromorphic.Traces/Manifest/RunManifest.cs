using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Neuromorphic.Core.Errors;
using Neuromorphic.Core.Units;

namespace Neuromorphic.Traces;

/// <summary>A named range of global neuron indices, in network-file order.</summary>
public sealed record PopulationRange(string Name, int Start, int Size);

/// <summary>The chip's mesh as a run used it.</summary>
public sealed record MeshGeometry(int Width, int Height, int CoresPerTile);

/// <summary>
/// What a run was, as its trace records it in the header's metadata (<see cref="TraceHeader.MetadataJson"/>):
/// the network file and its hash, the input source, the chip, the run options that decide the
/// result, and the layout of the mapping (tiles of the cores, mesh, populations). Written by a run,
/// read back by re-costing, re-simulation, exports and plots. This type is the one place that knows
/// the metadata's keys. Every property is optional on reading (synthetic and foreign traces carry
/// only some); <c>Require</c> names the missing key when a reader needs it.
/// </summary>
public sealed record RunManifest
{
    /// <summary>Schema of the manifest object; bumped when a key changes meaning (2: <c>countFrom</c> counts steps from 1).</summary>
    public const string Schema = "neuromorphic.run/2";

    /// <summary>Absolute path of the network file the run loaded.</summary>
    public string? Model { get; init; }

    /// <summary>Content hash of the network (also in the header).</summary>
    public string? ModelHash { get; init; }

    /// <summary>Where the inputs came from (dataset and split, or an events file).</summary>
    public string? Source { get; init; }

    /// <summary>Name of the chip model (built-in name or file name).</summary>
    public string? Chip { get; init; }

    public int? Steps { get; init; }

    /// <summary>First step (from 1) whose output spikes count.</summary>
    public int? CountFrom { get; init; }
    public bool? EarlyExit { get; init; }
    public bool? Ideal { get; init; }

    /// <summary>Input encoding: sigma-delta or bernoulli.</summary>
    public string? Encoding { get; init; }

    /// <summary>How the neurons ran: absent for binary spikes; "sigma-delta" on graded spikes (the inputs' payloads are their values, the neurons' in payload records).</summary>
    public string? Realization { get; init; }

    /// <summary>The sigma-delta realization's delta threshold, a fraction of full scale (absent otherwise).</summary>
    public double? DeltaThreshold { get; init; }

    /// <summary>Async mode's nominal local step period, ps.</summary>
    public long? AsyncPeriodPs { get; init; }

    /// <summary>Barrier timing model: detailed or simple.</summary>
    public string? Timing { get; init; }

    /// <summary>Tiles holding at least one core (the barrier table's key).</summary>
    public int? TilesInUse { get; init; }

    public MeshGeometry? Mesh { get; init; }

    /// <summary>Tile of each logical core, in core order.</summary>
    public IReadOnlyList<TileId>? CoreTiles { get; init; }

    /// <summary>Position of each logical core within its tile, in core order (the timing models' mesh order).</summary>
    public IReadOnlyList<int>? CoreSlots { get; init; }

    /// <summary>Populations in global neuron order (names neurons in exports and plots).</summary>
    public IReadOnlyList<PopulationRange> Populations { get; init; } = [];

    /// <summary>The population the input events drive (their index is local to it).</summary>
    public string? InputPopulation { get; init; }

    /// <summary>The range of <see cref="InputPopulation"/>, or null.</summary>
    public PopulationRange? InputRange => InputPopulation is { } name ? Populations.FirstOrDefault(p => p.Name == name) : null;

    /// <summary>A tool-specific tag for traces not written by a run (e.g. "synthetic").</summary>
    public string? Generator { get; init; }

    // The metadata keys: nowhere else.
    private static class Keys
    {
        public const string Schema = "schema";
        public const string Generator = "generator";
        public const string Model = "model";
        public const string ModelHash = "modelHash";
        public const string Source = "source";
        public const string Chip = "chip";
        public const string Steps = "steps";
        public const string CountFrom = "countFrom";
        public const string EarlyExit = "earlyExit";
        public const string Ideal = "ideal";
        public const string Encoding = "encoding";
        public const string Realization = "realization";
        public const string DeltaThreshold = "deltaThreshold";
        public const string AsyncPeriodPs = "asyncPeriodPs";
        public const string Timing = "timing";
        public const string TilesInUse = "tilesInUse";
        public const string Mesh = "mesh";
        public const string Width = "width";
        public const string Height = "height";
        public const string CoresPerTile = "coresPerTile";
        public const string CoreTiles = "coreTiles";
        public const string CoreSlots = "coreSlots";
        public const string Populations = "populations";
        public const string InputPopulation = "inputPopulation";
        public const string Name = "name";
        public const string Size = "size";
    }

    /// <summary>The manifest as the header's metadata JSON (keys in a fixed order, absent values left out).</summary>
    public string ToJson()
    {
        var json = new JsonObject { [Keys.Schema] = Schema };
        void Add(string key, JsonNode? value)
        {
            if (value is not null)
            {
                json[key] = value;
            }
        }

        Add(Keys.Generator, Generator);
        Add(Keys.Model, Model);
        Add(Keys.ModelHash, ModelHash);
        Add(Keys.Source, Source);
        Add(Keys.Chip, Chip);
        Add(Keys.Steps, Steps);
        Add(Keys.CountFrom, CountFrom);
        Add(Keys.EarlyExit, EarlyExit);
        Add(Keys.Ideal, Ideal);
        Add(Keys.Encoding, Encoding);
        Add(Keys.Realization, Realization);
        Add(Keys.DeltaThreshold, DeltaThreshold);
        Add(Keys.AsyncPeriodPs, AsyncPeriodPs);
        Add(Keys.Timing, Timing);
        Add(Keys.TilesInUse, TilesInUse);
        if (Mesh is { } mesh)
        {
            json[Keys.Mesh] = new JsonObject { [Keys.Width] = mesh.Width, [Keys.Height] = mesh.Height, [Keys.CoresPerTile] = mesh.CoresPerTile };
        }

        if (CoreTiles is { } tiles)
        {
            json[Keys.CoreTiles] = new JsonArray(tiles.Select(t => (JsonNode)new JsonArray(t.X, t.Y)).ToArray());
        }

        if (CoreSlots is { } slots)
        {
            json[Keys.CoreSlots] = new JsonArray(slots.Select(s => (JsonNode)s).ToArray());
        }

        json[Keys.Populations] = new JsonArray(Populations.Select(p => (JsonNode)new JsonObject { [Keys.Name] = p.Name, [Keys.Size] = p.Size }).ToArray());
        Add(Keys.InputPopulation, InputPopulation);
        return json.ToJsonString();
    }

    /// <summary>
    /// Reads the manifest from a header's metadata JSON. Lenient: keys that are absent or of the
    /// wrong shape are left null (a reader that needs one calls <c>Require</c>); text that
    /// is not a JSON object gives an empty manifest.
    /// </summary>
    public static RunManifest Parse(string metadataJson)
    {
        JsonObject? json;
        try
        {
            json = JsonNode.Parse(metadataJson) as JsonObject;
        }
        catch (JsonException)
        {
            json = null;
        }

        if (json is null)
        {
            return new RunManifest();
        }

        var mesh = json[Keys.Mesh] as JsonObject;
        return new RunManifest
        {
            Generator = String(json[Keys.Generator]),
            Model = String(json[Keys.Model]),
            ModelHash = String(json[Keys.ModelHash]),
            Source = String(json[Keys.Source]),
            Chip = String(json[Keys.Chip]),
            Steps = Int(json[Keys.Steps]),
            CountFrom = Int(json[Keys.CountFrom]),
            EarlyExit = Bool(json[Keys.EarlyExit]),
            Ideal = Bool(json[Keys.Ideal]),
            Encoding = String(json[Keys.Encoding]),
            Realization = String(json[Keys.Realization]),
            DeltaThreshold = json[Keys.DeltaThreshold] is JsonValue delta && delta.TryGetValue<double>(out var threshold) ? threshold : null,
            AsyncPeriodPs = Long(json[Keys.AsyncPeriodPs]),
            Timing = String(json[Keys.Timing]),
            TilesInUse = Int(json[Keys.TilesInUse]),
            Mesh = mesh is not null && Int(mesh[Keys.Width]) is { } w && Int(mesh[Keys.Height]) is { } h && Int(mesh[Keys.CoresPerTile]) is { } c && w > 0 && h > 0 && c > 0
                ? new MeshGeometry(w, h, c)
                : null,
            CoreTiles = Tiles(json[Keys.CoreTiles]),
            CoreSlots = Ints(json[Keys.CoreSlots]),
            Populations = PopulationsOf(json[Keys.Populations]),
            InputPopulation = String(json[Keys.InputPopulation]),
        };
    }

    /// <summary>Reads the manifest of a trace header.</summary>
    public static RunManifest Of(TraceHeader header) => Parse(header.MetadataJson);

    /// <summary>
    /// The value of a property that a reader needs, or bad input naming the trace, the metadata key
    /// and <paramref name="why"/>.
    /// </summary>
    public static T Require<T>(T? value, string tracePath, string property, string why) where T : notnull =>
        value ?? throw new InvalidInputException(tracePath, "metadata." + KeyOf(property), "missing", why);

    /// <summary>The value of a property that a reader needs (value types).</summary>
    public static T Require<T>(T? value, string tracePath, string property, string why) where T : struct =>
        value ?? throw new InvalidInputException(tracePath, "metadata." + KeyOf(property), "missing", why);

    /// <summary>SANA-FE's neuron name <c>group.offset</c> when populations are known, the global index otherwise.</summary>
    public string NeuronName(int neuron)
    {
        foreach (var population in Populations)
        {
            if (neuron >= population.Start && neuron < population.Start + population.Size)
            {
                return population.Name + "." + (neuron - population.Start).ToString(CultureInfo.InvariantCulture);
            }
        }

        return neuron.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Global neuron index of input <paramref name="input"/> of the input population, or null when the
    /// manifest does not say which population that is.
    /// </summary>
    public int? InputNeuron(int input) =>
        Populations.FirstOrDefault(p => p.Name == InputPopulation) is { } population && input >= 0 && input < population.Size
            ? population.Start + input
            : null;

    /// <summary>SANA-FE's name of input <paramref name="input"/>: <c>population.input</c> when the input population is known, <c>in.input</c> otherwise.</summary>
    public string InputName(int input) =>
        InputNeuron(input) is { } neuron ? NeuronName(neuron) : "in." + input.ToString(CultureInfo.InvariantCulture);

    /// <summary>SANA-FE's hardware name <c>tile.core</c> when cores per tile are known, the core index otherwise.</summary>
    public string CoreName(int core) =>
        Mesh is { } mesh
            ? (core / mesh.CoresPerTile).ToString(CultureInfo.InvariantCulture) + "." + (core % mesh.CoresPerTile).ToString(CultureInfo.InvariantCulture)
            : core.ToString(CultureInfo.InvariantCulture);

    private static string KeyOf(string property) => property switch
    {
        nameof(Model) => Keys.Model,
        nameof(ModelHash) => Keys.ModelHash,
        nameof(Source) => Keys.Source,
        nameof(Chip) => Keys.Chip,
        nameof(Steps) => Keys.Steps,
        nameof(CountFrom) => Keys.CountFrom,
        nameof(EarlyExit) => Keys.EarlyExit,
        nameof(Ideal) => Keys.Ideal,
        nameof(Encoding) => Keys.Encoding,
        nameof(Realization) => Keys.Realization,
        nameof(DeltaThreshold) => Keys.DeltaThreshold,
        nameof(AsyncPeriodPs) => Keys.AsyncPeriodPs,
        nameof(Timing) => Keys.Timing,
        nameof(TilesInUse) => Keys.TilesInUse,
        nameof(Mesh) => Keys.Mesh,
        nameof(CoreTiles) => Keys.CoreTiles,
        nameof(CoreSlots) => Keys.CoreSlots,
        nameof(Populations) => Keys.Populations,
        nameof(InputPopulation) => Keys.InputPopulation,
        _ => property,
    };

    private static string? String(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static long? Long(JsonNode? node) => node is JsonValue v && v.TryGetValue<long>(out var x) ? x : null;

    private static int? Int(JsonNode? node) => node is JsonValue v && v.TryGetValue<int>(out var x) ? x : null;

    private static bool? Bool(JsonNode? node) => node is JsonValue v && v.TryGetValue<bool>(out var x) ? x : null;

    private static IReadOnlyList<int>? Ints(JsonNode? node)
    {
        if (node is not JsonArray array)
        {
            return null;
        }

        var values = new List<int>(array.Count);
        foreach (var item in array)
        {
            if (Int(item) is not { } value)
            {
                return null;
            }

            values.Add(value);
        }

        return values;
    }

    private static IReadOnlyList<TileId>? Tiles(JsonNode? node)
    {
        if (node is not JsonArray array)
        {
            return null;
        }

        var tiles = new List<TileId>(array.Count);
        foreach (var item in array)
        {
            if (item is not JsonArray { Count: 2 } pair || Int(pair[0]) is not { } x || Int(pair[1]) is not { } y)
            {
                return null;
            }

            tiles.Add(new TileId(x, y));
        }

        return tiles;
    }

    private static IReadOnlyList<PopulationRange> PopulationsOf(JsonNode? node)
    {
        if (node is not JsonArray array)
        {
            return [];
        }

        var populations = new List<PopulationRange>(array.Count);
        var start = 0;
        foreach (var item in array)
        {
            if (item is not JsonObject p || String(p[Keys.Name]) is not { } name || Int(p[Keys.Size]) is not { } size || size < 0)
            {
                return [];
            }

            populations.Add(new PopulationRange(name, start, size));
            start += size;
        }

        return populations;
    }
}
