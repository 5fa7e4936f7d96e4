using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using Neuromorphic.Core.Errors;
using Neuromorphic.Core.IO;

namespace Neuromorphic.Core.Networks;

/// <summary>
/// Reads and writes <c>neuromorphic.network/1</c> files: JSON (comments and trailing commas
/// allowed) with weights inline as [post][pre] arrays or in little-endian float32 sidecar files
/// named relative to the JSON file. Every problem is an <see cref="InvalidInputException"/> with the
/// JSON path. Writing is atomic (sidecars first, then the JSON).
/// </summary>
public static partial class NetworkFile
{
    /// <summary>Weight matrices with more entries than this go to a sidecar file when saving.</summary>
    public const int DefaultInlineLimit = 4096;

    private static readonly string[] TopLevelKeys = ["schema", "name", "populations", "projections", "readout", "training"];
    private static readonly string[] PopulationKeys = ["name", "size", "model", "params", "placement"];
    private static readonly string[] CubaLifKeys = ["tauCurrent", "tauVoltage", "threshold", "bias", "currentBias", "reset", "refractory", "vMin", "vMax"];
    private static readonly string[] EpRateKeys = ["dt", "bias", "tau"];
    private static readonly string[] ProjectionKeys = ["name", "from", "to", "weights", "transposeOf", "connections"];
    private static readonly string[] PinKeys = ["tile", "core", "neurons"];

    public static NetworkSpec Load(string path)
    {
        var (input, root) = JsonInput.Load(path);
        return Parse(input, root, Path.GetDirectoryName(FileSystemEntry.ResolveLinks(path))!);
    }

    /// <summary>
    /// The files a network file consists of: the JSON itself and the sidecars it names (full paths,
    /// whether or not they exist). A file that cannot be read or parsed gives only itself.
    /// </summary>
    public static IReadOnlyList<string> FilesOf(string path)
    {
        var files = new List<string> { Path.GetFullPath(path) };
        try
        {
            var (_, root) = JsonInput.Load(path);
            files.AddRange(SidecarNames(root).Select(name => Path.Combine(Path.GetDirectoryName(FileSystemEntry.ResolveLinks(path))!, name)));
        }
        catch (Exception ex) when (ex is InvalidInputException or IOException or UnauthorizedAccessException or InvalidOperationException)
        {
        }

        return files;
    }

    /// <summary>
    /// The sidecar file names (relative, each once, in file order) that a parsed network file's
    /// projections name: weight sidecars and connection-mask sidecars.
    /// </summary>
    public static IReadOnlyList<string> SidecarNames(JsonObject root)
    {
        var names = new List<string>();
        if (root["projections"] is not JsonArray projections)
        {
            return names;
        }

        foreach (var projection in projections)
        {
            foreach (var key in (ReadOnlySpan<string>)["weights", "connections"])
            {
                if (projection is JsonObject p && p[key] is JsonObject sidecar && sidecar["file"] is JsonValue file
                    && file.GetValueKind() == System.Text.Json.JsonValueKind.String)
                {
                    var name = file.GetValue<string>();
                    if (!Path.IsPathRooted(name) && !names.Contains(name))
                    {
                        names.Add(name);
                    }
                }
            }
        }

        return names;
    }

    /// <summary>Parses JSON text; sidecar files are looked up in <paramref name="baseDirectory"/>.</summary>
    public static NetworkSpec Parse(string json, string fileName, string baseDirectory)
    {
        var (input, root) = JsonInput.Parse(json, fileName);
        return Parse(input, root, baseDirectory);
    }

    private static NetworkSpec Parse(JsonInput input, JsonObject root, string baseDirectory)
    {
        input.RejectUnknownKeys(root, "$", TopLevelKeys);
        var schema = input.RequiredString(root, "$", "schema");
        if (schema != NetworkSpec.SchemaId)
        {
            throw input.Error("$.schema", $"\"{schema}\"", $"\"{NetworkSpec.SchemaId}\"");
        }

        var name = input.OptionalString(root, "$", "name") ?? Path.GetFileNameWithoutExtension(input.File);
        var populations = new List<Population>();
        var popArray = input.RequiredArray(root, "$", "populations");
        if (popArray.Count == 0)
        {
            throw input.Error("$.populations", "[]", "at least one population");
        }

        for (var i = 0; i < popArray.Count; i++)
        {
            var path = $"$.populations[{i}]";
            var population = ParsePopulation(input, input.AsObject(popArray[i] ?? throw input.Error(path, "null", "a population object"), path), path);
            if (populations.Any(p => p.Name == population.Name))
            {
                throw input.Error($"{path}.name", $"\"{population.Name}\"", "a name not used by another population");
            }

            populations.Add(population);
        }

        var unverified = new List<string>();
        var projections = ParseProjections(input, root, populations, baseDirectory, unverified);

        Readout? readout = null;
        if (input.OptionalObject(root, "$", "readout") is { } readoutObj)
        {
            input.RejectUnknownKeys(readoutObj, "$.readout", "population", "method");
            var popName = input.RequiredString(readoutObj, "$.readout", "population");
            var target = populations.FirstOrDefault(p => p.Name == popName)
                ?? throw input.Error("$.readout.population", $"\"{popName}\"", "the name of a population in this network");
            if (target.Model == NeuronModel.Input)
            {
                throw input.Error("$.readout.population", $"\"{popName}\"", "a population that is not an input");
            }

            var method = input.OptionalString(readoutObj, "$.readout", "method") ?? "spike-count";
            if (method != "spike-count")
            {
                throw input.Error("$.readout.method", $"\"{method}\"", "\"spike-count\"");
            }

            readout = new Readout(popName, method);
        }

        var training = input.OptionalObject(root, "$", "training");
        return new NetworkSpec(name, populations, projections, readout, training?.DeepClone().AsObject()) { UnverifiedSidecars = unverified, SourceFile = input.File };
    }

    private static Population ParsePopulation(JsonInput input, JsonObject obj, string path)
    {
        input.RejectUnknownKeys(obj, path, PopulationKeys);
        var name = input.RequiredString(obj, path, "name");
        if (name.Length == 0 || name.Contains("->", StringComparison.Ordinal))
        {
            throw input.Error($"{path}.name", $"\"{name}\"", "a non-empty name without \"->\"");
        }

        var size = input.RequiredInt(obj, path, "size");
        if (size <= 0)
        {
            throw input.Error($"{path}.size", size.ToString(), "a positive number of neurons");
        }

        var modelText = input.RequiredString(obj, path, "model");
        var model = modelText switch
        {
            "input" => NeuronModel.Input,
            "cuba-lif" => NeuronModel.CubaLif,
            "ep-rate" => NeuronModel.EpRate,
            _ => throw input.Error($"{path}.model", $"\"{modelText}\"", "\"input\", \"cuba-lif\" or \"ep-rate\""),
        };

        var paramsPath = $"{path}.params";
        var parameters = input.OptionalObject(obj, path, "params") ?? [];
        CubaLifParameters? cuba = null;
        EpRateParameters? ep = null;
        switch (model)
        {
            case NeuronModel.Input:
                if (parameters.Count > 0)
                {
                    throw input.Error($"{paramsPath}.{parameters.First().Key}", "a parameter", "no parameters for an input population");
                }

                break;
            case NeuronModel.CubaLif:
                input.RejectUnknownKeys(parameters, paramsPath, CubaLifKeys);
                var tauCurrent = parameters.ContainsKey("tauCurrent")
                    ? OptionalPerNeuron(input, parameters, paramsPath, "tauCurrent", size, (v, p) => CheckTau(input, v, p), double.PositiveInfinity)
                    : PerNeuron.Scalar(1);
                var tauVoltage = OptionalPerNeuron(input, parameters, paramsPath, "tauVoltage", size, (v, p) => CheckTau(input, v, p), double.PositiveInfinity);
                var threshold = RequiredPerNeuron(input, parameters, paramsPath, "threshold", size, (v, p) =>
                {
                    if (!(v > 0))
                    {
                        throw input.Error(p, JsonInput.Format(v), "a positive threshold");
                    }
                });
                var bias = OptionalPerNeuron(input, parameters, paramsPath, "bias", size, null, 0) ?? PerNeuron.Scalar(0);
                var resetText = input.OptionalString(parameters, paramsPath, "reset") ?? "zero";
                var reset = resetText switch
                {
                    "zero" => ResetMode.Zero,
                    "subtract" => ResetMode.Subtract,
                    _ => throw input.Error($"{paramsPath}.reset", $"\"{resetText}\"", "\"zero\" or \"subtract\""),
                };
                var refractory = OptionalPerNeuron(input, parameters, paramsPath, "refractory", size, (v, p) =>
                {
                    if (v < 0 || v != Math.Floor(v) || v > 1_000_000)
                    {
                        throw input.Error(p, JsonInput.Format(v), "a whole number of steps ≥ 0");
                    }
                }, 0) ?? PerNeuron.Scalar(0);
                var currentBias = OptionalPerNeuron(input, parameters, paramsPath, "currentBias", size, null, 0) ?? PerNeuron.Scalar(0);
                var vMin = OptionalPerNeuron(input, parameters, paramsPath, "vMin", size, null, double.NegativeInfinity);
                var vMax = OptionalPerNeuron(input, parameters, paramsPath, "vMax", size, null, double.PositiveInfinity);
                if (vMin is not null && vMax is not null)
                {
                    for (var i = 0; i < size; i++)
                    {
                        if (!(vMin[i] < vMax[i]))
                        {
                            throw input.Error($"{paramsPath}.vMax", JsonInput.Format(vMax[i]), $"a value above vMin ({JsonInput.Format(vMin[i])}) for neuron {i}");
                        }
                    }
                }

                cuba = new CubaLifParameters(tauCurrent, tauVoltage, threshold, bias, reset, refractory) { CurrentBias = currentBias, VoltageMin = vMin, VoltageMax = vMax };
                break;
            case NeuronModel.EpRate:
                input.RejectUnknownKeys(parameters, paramsPath, EpRateKeys);
                var dt = RequiredPerNeuron(input, parameters, paramsPath, "dt", size, (v, p) =>
                {
                    if (!(v > 0 && v <= 1))
                    {
                        throw input.Error(p, JsonInput.Format(v), "a time step dt in (0, 1]");
                    }
                });
                var epBias = OptionalPerNeuron(input, parameters, paramsPath, "bias", size, null, 0) ?? PerNeuron.Scalar(0);
                var tau = OptionalPerNeuron(input, parameters, paramsPath, "tau", size, (v, p) =>
                {
                    if (!(v > 0))
                    {
                        throw input.Error(p, JsonInput.Format(v), "a positive time constant");
                    }
                });
                ep = new EpRateParameters(dt, epBias, tau);
                break;
        }

        var pins = ParsePlacement(input, obj, path, size);
        return new Population(name, size, model, cuba, ep, pins);
    }

    private static void CheckTau(JsonInput input, double value, string path)
    {
        if (!(value >= 1))
        {
            throw input.Error(path, JsonInput.Format(value), "a time constant ≥ 1 step (or null for no leak)");
        }
    }

    private static List<PlacementPin> ParsePlacement(JsonInput input, JsonObject obj, string path, int size)
    {
        var pins = new List<PlacementPin>();
        if (!obj.TryGetPropertyValue("placement", out var node) || node is null)
        {
            return pins;
        }

        var items = node is JsonArray array ? array.Select((n, i) => (n, $"{path}.placement[{i}]")).ToList() : [(node, $"{path}.placement")];
        foreach (var (item, itemPath) in items)
        {
            var pin = input.AsObject(item ?? throw input.Error(itemPath, "null", "a placement object"), itemPath);
            input.RejectUnknownKeys(pin, itemPath, PinKeys);
            var tile = input.RequiredArray(pin, itemPath, "tile");
            if (tile.Count != 2)
            {
                throw input.Error($"{itemPath}.tile", JsonInput.Show(tile), "[x, y]");
            }

            var x = input.AsInt(tile[0] ?? throw input.Error($"{itemPath}.tile[0]", "null", "an integer"), $"{itemPath}.tile[0]");
            var y = input.AsInt(tile[1] ?? throw input.Error($"{itemPath}.tile[1]", "null", "an integer"), $"{itemPath}.tile[1]");
            var core = input.RequiredInt(pin, itemPath, "core");
            if (x < 0 || y < 0 || core < 0)
            {
                throw input.Error(itemPath, $"tile [{x}, {y}] core {core}", "non-negative tile coordinates and core index");
            }

            var first = 0;
            int? count = null;
            if (input.OptionalArray(pin, itemPath, "neurons") is { } neurons)
            {
                if (neurons.Count != 2)
                {
                    throw input.Error($"{itemPath}.neurons", JsonInput.Show(neurons), "[first, count]");
                }

                first = input.AsInt(neurons[0]!, $"{itemPath}.neurons[0]");
                count = input.AsInt(neurons[1]!, $"{itemPath}.neurons[1]");
                if (first < 0 || count <= 0 || first + count > size)
                {
                    throw input.Error($"{itemPath}.neurons", $"[{first}, {count}]", $"a slice inside the population's {size} neurons");
                }
            }

            pins.Add(new PlacementPin(x, y, core, first, count));
        }

        return pins;
    }

    private static List<Projection> ParseProjections(JsonInput input, JsonObject root, List<Population> populations, string baseDirectory, List<string> unverified)
    {
        var result = new List<Projection>();
        var array = input.OptionalArray(root, "$", "projections") ?? [];
        var pending = new List<(int Index, string Name, Population From, Population To, string Source)>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        var declared = new Dictionary<string, (Population From, Population To)>(StringComparer.Ordinal);
        var parsed = new Dictionary<string, Projection>(StringComparer.Ordinal);
        var order = new List<string>();

        for (var i = 0; i < array.Count; i++)
        {
            var path = $"$.projections[{i}]";
            var obj = input.AsObject(array[i] ?? throw input.Error(path, "null", "a projection object"), path);
            input.RejectUnknownKeys(obj, path, ProjectionKeys);
            var fromName = input.RequiredString(obj, path, "from");
            var toName = input.RequiredString(obj, path, "to");
            var from = populations.FirstOrDefault(p => p.Name == fromName)
                ?? throw input.Error($"{path}.from", $"\"{fromName}\"", "the name of a population in this network");
            var to = populations.FirstOrDefault(p => p.Name == toName)
                ?? throw input.Error($"{path}.to", $"\"{toName}\"", "the name of a population in this network");
            if (to.Model == NeuronModel.Input)
            {
                throw input.Error($"{path}.to", $"\"{toName}\"", "a population that is not an input (inputs receive no synapses)");
            }

            var name = input.OptionalString(obj, path, "name") ?? Projection.DefaultName(fromName, toName);
            if (!names.Add(name))
            {
                throw input.Error($"{path}.name", $"\"{name}\"", "a projection name not used before (name repeated projections explicitly)");
            }

            order.Add(name);
            declared[name] = (from, to);
            var hasWeights = obj.ContainsKey("weights");
            var transposeOf = input.OptionalString(obj, path, "transposeOf");
            if (hasWeights == (transposeOf is not null))
            {
                throw input.Error(path, hasWeights ? "both weights and transposeOf" : "neither weights nor transposeOf", "exactly one of \"weights\" and \"transposeOf\"");
            }

            if (transposeOf is not null)
            {
                pending.Add((i, name, from, to, transposeOf));
                continue;
            }

            var weights = ParseWeights(input, obj["weights"]!, $"{path}.weights", from.Size, to.Size, baseDirectory, unverified);
            bool[]? connections = null;
            if (obj.TryGetPropertyValue("connections", out var connectionsNode) && connectionsNode is not null)
            {
                connections = ParseConnections(input, connectionsNode, $"{path}.connections", from.Size, to.Size, baseDirectory, unverified);
                for (var k = 0; k < weights.Length; k++)
                {
                    if (!connections[k] && weights[k] != 0)
                    {
                        throw input.Error($"{path}.weights", $"{weights[k]} at post {k / from.Size}, pre {k % from.Size}", "weight 0 where connections says there is no synapse");
                    }
                }
            }

            parsed[name] = new Projection(name, from, to, weights, connections: connections);
        }

        foreach (var (index, name, from, to, source) in pending)
        {
            var path = $"$.projections[{index}].transposeOf";
            if (!parsed.TryGetValue(source, out var sourceProjection))
            {
                throw input.Error(path, $"\"{source}\"", declared.ContainsKey(source)
                    ? "a projection with its own weights (a transpose of a transpose is not allowed)"
                    : $"the name of a projection in this network ({string.Join(", ", order)})");
            }

            if (sourceProjection.From != to || sourceProjection.To != from)
            {
                throw input.Error(path, $"\"{source}\"", $"a projection from {to.Name} to {from.Name}, the reverse of this one");
            }

            bool[]? mirrored = null;
            if (sourceProjection.Connections is { } c)
            {
                mirrored = new bool[c.Length];
                for (var post = 0; post < sourceProjection.To.Size; post++)
                {
                    for (var pre = 0; pre < sourceProjection.From.Size; pre++)
                    {
                        mirrored[pre * sourceProjection.To.Size + post] = c[post * sourceProjection.From.Size + pre];
                    }
                }
            }

            parsed[name] = new Projection(name, from, to,
                Projection.Transpose(sourceProjection.Weights, sourceProjection.To.Size, sourceProjection.From.Size), source, mirrored);
        }

        foreach (var name in order)
        {
            result.Add(parsed[name]);
        }

        return result;
    }

    private static float[] ParseWeights(JsonInput input, JsonNode node, string path, int preCount, int postCount, string baseDirectory, List<string> unverified)
    {
        var entries = (long)preCount * postCount;
        if (node is JsonArray rows)
        {
            if (rows.Count != postCount)
            {
                throw input.Error(path, $"{rows.Count} rows", $"{postCount} rows, one per post-synaptic neuron ([post][pre])");
            }

            CheckSize(input, path, postCount, preCount);

            var weights = new float[(long)preCount * postCount];
            for (var post = 0; post < postCount; post++)
            {
                var rowPath = $"{path}[{post}]";
                var row = input.AsArray(rows[post] ?? throw input.Error(rowPath, "null", "an array of weights"), rowPath);
                if (row.Count != preCount)
                {
                    throw input.Error(rowPath, $"{row.Count} weights", $"{preCount} weights, one per pre-synaptic neuron");
                }

                for (var pre = 0; pre < preCount; pre++)
                {
                    var value = input.AsNumber(row[pre] ?? throw input.Error($"{rowPath}[{pre}]", "null", "a number"), $"{rowPath}[{pre}]");
                    weights[post * preCount + pre] = (float)value;
                }
            }

            return weights;
        }

        var obj = input.AsObject(node, path);
        input.RejectUnknownKeys(obj, path, "file", "shape", "sha256");
        var file = input.RequiredString(obj, path, "file");
        var recordedHash = RecordedHash(input, obj, path);

        var shape = input.RequiredArray(obj, path, "shape");
        if (shape.Count != 2)
        {
            throw input.Error($"{path}.shape", JsonInput.Show(shape), "[post, pre]");
        }

        var shapePost = input.AsInt(shape[0]!, $"{path}.shape[0]");
        var shapePre = input.AsInt(shape[1]!, $"{path}.shape[1]");
        if (shapePost != postCount || shapePre != preCount)
        {
            throw input.Error($"{path}.shape", $"[{shapePost}, {shapePre}]", $"[{postCount}, {preCount}] (the sizes of the populations it connects)");
        }

        CheckSize(input, path, postCount, preCount);
        if (Path.IsPathRooted(file))
        {
            throw input.Error($"{path}.file", $"\"{file}\"", "a path relative to the network file");
        }

        var full = Path.Combine(baseDirectory, file);
        if (!File.Exists(full))
        {
            throw input.Error($"{path}.file", $"\"{file}\"", $"an existing sidecar file ({full} does not exist)");
        }

        var expectedBytes = (long)postCount * preCount * sizeof(float);
        var length = new FileInfo(full).Length;
        if (length != expectedBytes)
        {
            throw input.Error($"{path}.file", $"\"{file}\" of {length} bytes", $"{expectedBytes} bytes (float32 little-endian, {postCount}×{preCount})");
        }

        if (FileSystemEntry.KindOf(FileSystemEntry.ResolveLinks(full)) != EntryKind.RegularFile)
        {
            throw input.Error($"{path}.file", $"\"{file}\"", "a regular file (it is a directory, device, FIFO or socket)");
        }

        var result = new float[entries];
        try
        {
            using var stream = File.OpenRead(full);
            stream.ReadExactly(MemoryMarshal.AsBytes(result.AsSpan()));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw input.Error($"{path}.file", $"\"{file}\"", $"a readable sidecar file ({ex.Message})");
        }

        CheckRecordedHash(input, path, file, recordedHash, MemoryMarshal.AsBytes(result.AsSpan()), unverified);

        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("sidecar weights are little-endian");
        }

        for (var i = 0; i < result.Length; i++)
        {
            if (!float.IsFinite(result[i]))
            {
                throw input.Error($"{path}.file", $"{result[i]} at index {i} (post {i / preCount}, pre {i % preCount}) of \"{file}\"", "finite weights");
            }
        }

        return result;
    }

    /// <summary>The <c>sha256</c> a sidecar reference records (64 hex digits), or null when it records none.</summary>
    private static string? RecordedHash(JsonInput input, JsonObject obj, string path)
    {
        var recordedHash = input.OptionalString(obj, path, "sha256");
        if (recordedHash is not null && (recordedHash.Length != 64 || !recordedHash.All(Uri.IsHexDigit)))
        {
            throw input.Error($"{path}.sha256", $"\"{recordedHash}\"", "the SHA-256 of the sidecar file: 64 hex digits");
        }

        return recordedHash;
    }

    /// <summary>A sidecar's content against the hash its network file recorded (none recorded: noted as unverified).</summary>
    private static void CheckRecordedHash(JsonInput input, string path, string file, string? recordedHash, ReadOnlySpan<byte> content, List<string> unverified)
    {
        if (recordedHash is null)
        {
            unverified.Add(file);
            return;
        }

        var actual = Hashing.Sha256Hex(content);
        if (!string.Equals(actual, recordedHash, StringComparison.OrdinalIgnoreCase))
        {
            throw input.Error($"{path}.sha256", $"\"{Hashing.Short(recordedHash)}…\" while the sidecar {file} has SHA-256 {Hashing.Short(actual)}…",
                "the hash of the sidecar's content (the sidecar was changed or replaced after the network file was written: they do not belong together)");
        }
    }

    /// <summary>A [post][pre] matrix must fit one .NET array and this machine's memory (checked before anything is read).</summary>
    private static void CheckSize(JsonInput input, string path, int postCount, int preCount)
    {
        var entries = (long)preCount * postCount;
        if (entries > Array.MaxLength)
        {
            throw input.Error(path, $"[{postCount}, {preCount}] ({entries:N0} weights)",
                $"at most {Array.MaxLength:N0} weights in one projection (the largest array .NET can hold)");
        }

        MemoryBudget.Check(entries * sizeof(float), input.File, path, $"{postCount}×{preCount} float32 weights");
    }

    /// <summary>
    /// Which pairs have a synapse: [post][pre] rows of 0 and 1 inline, or a sidecar of one byte (0 or 1)
    /// per pair, row-major: <c>{ "file": "net.0.hash.mask", "shape": [post, pre], "sha256": "…" }</c>
    /// (the hash binds the sidecar to this file, as for weights; a file without it is read unchecked).
    /// </summary>
    private static bool[] ParseConnections(JsonInput input, JsonNode node, string path, int preCount, int postCount, string baseDirectory, List<string> unverified)
    {
        var result = new bool[(long)preCount * postCount];
        if (node is JsonArray rows)
        {
            if (rows.Count != postCount)
            {
                throw input.Error(path, $"{rows.Count} rows", $"{postCount} rows, one per post-synaptic neuron ([post][pre])");
            }

            for (var post = 0; post < postCount; post++)
            {
                var rowPath = $"{path}[{post}]";
                var row = input.AsArray(rows[post] ?? throw input.Error(rowPath, "null", "an array of 0 and 1"), rowPath);
                if (row.Count != preCount)
                {
                    throw input.Error(rowPath, $"{row.Count} entries", $"{preCount}, one per pre-synaptic neuron");
                }

                for (var pre = 0; pre < preCount; pre++)
                {
                    var value = input.AsInt(row[pre] ?? throw input.Error($"{rowPath}[{pre}]", "null", "0 or 1"), $"{rowPath}[{pre}]");
                    result[post * preCount + pre] = value switch
                    {
                        0 => false,
                        1 => true,
                        _ => throw input.Error($"{rowPath}[{pre}]", value.ToString(System.Globalization.CultureInfo.InvariantCulture), "0 (no synapse) or 1"),
                    };
                }
            }

            return result;
        }

        var obj = input.AsObject(node, path);
        input.RejectUnknownKeys(obj, path, "file", "shape", "sha256");
        var file = input.RequiredString(obj, path, "file");
        var recordedHash = RecordedHash(input, obj, path);
        var shape = input.RequiredArray(obj, path, "shape");
        if (shape.Count != 2 || input.AsInt(shape[0]!, $"{path}.shape[0]") != postCount || input.AsInt(shape[1]!, $"{path}.shape[1]") != preCount)
        {
            throw input.Error($"{path}.shape", JsonInput.Show(shape), $"[{postCount}, {preCount}] (the sizes of the populations it connects)");
        }

        var full = Path.Combine(baseDirectory, file);
        if (Path.IsPathRooted(file) || !File.Exists(full) || new FileInfo(full).Length != result.LongLength)
        {
            throw input.Error($"{path}.file", $"\"{file}\"", $"an existing sidecar of {result.LongLength} bytes, relative to the network file");
        }

        if (FileSystemEntry.KindOf(FileSystemEntry.ResolveLinks(full)) != EntryKind.RegularFile)
        {
            throw input.Error($"{path}.file", $"\"{file}\"", "a regular file (it is a directory, device, FIFO or socket)");
        }

        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(full);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw input.Error($"{path}.file", $"\"{file}\"", $"a readable sidecar file ({ex.Message})");
        }

        CheckRecordedHash(input, path, file, recordedHash, bytes, unverified);
        for (var i = 0; i < bytes.Length; i++)
        {
            result[i] = bytes[i] switch
            {
                0 => false,
                1 => true,
                _ => throw input.Error($"{path}.file", $"byte {bytes[i]} at index {i} of \"{file}\"", "bytes 0 (no synapse) or 1"),
            };
        }

        return result;
    }

    private static PerNeuron RequiredPerNeuron(JsonInput input, JsonObject obj, string path, string key, int size, Action<double, string>? check) =>
        OptionalPerNeuron(input, obj, path, key, size, check)
        ?? throw input.Error($"{path}.{key}", "missing", "a number or an array of one number per neuron");

    /// <summary>
    /// A scalar or an array of <paramref name="size"/> numbers, or null when the key is absent or null.
    /// Where <paramref name="nullMeans"/> is given, a <c>null</c> inside the array means for that neuron
    /// what a null scalar means for all of them (that value: ±∞ for "no leak" or "no clamp", 0 for "none");
    /// an array that is null throughout is the null scalar.
    /// </summary>
    private static PerNeuron? OptionalPerNeuron(JsonInput input, JsonObject obj, string path, string key, int size, Action<double, string>? check,
        double? nullMeans = null)
    {
        if (!obj.TryGetPropertyValue(key, out var node) || node is null)
        {
            return null;
        }

        var fieldPath = $"{path}.{key}";
        if (node is JsonArray array)
        {
            if (array.Count != size)
            {
                throw input.Error(fieldPath, $"an array of {array.Count}", $"a number or an array of {size} (the population size)");
            }

            var values = new double[size];
            var nulls = 0;
            for (var i = 0; i < size; i++)
            {
                var itemPath = $"{fieldPath}[{i}]";
                if (array[i] is null)
                {
                    values[i] = nullMeans ?? throw input.Error(itemPath, "null", "a number");
                    nulls++;
                    continue;
                }

                values[i] = input.AsNumber(array[i]!, itemPath);
                check?.Invoke(values[i], itemPath);
            }

            if (nulls == size && !double.IsFinite(nullMeans!.Value))
            {
                return null;
            }

            return PerNeuron.Of(values);
        }

        var scalar = input.AsNumber(node, fieldPath);
        check?.Invoke(scalar, fieldPath);
        return PerNeuron.Scalar(scalar);
    }

    /// <summary>
    /// Writes <paramref name="network"/> to <paramref name="path"/>. Weight matrices larger than
    /// <paramref name="inlineLimit"/> entries go to sidecars named after their content,
    /// <c>&lt;stem&gt;.&lt;k&gt;.&lt;first 16 hex digits of their SHA-256&gt;.f32</c>, and the JSON records each
    /// sidecar's full SHA-256 (checked on load).
    /// <para>
    /// The pair is replaced as one: the new sidecars are written first under their new names (the
    /// old model's sidecars are untouched), then the JSON is renamed over the old one — the commit
    /// point —, then sidecars that no longer belong to it are removed. A kill at any moment leaves
    /// the old model or the new one, each with its own sidecars (plus, at worst, unreferenced
    /// sidecars, which the next save removes).
    /// </para>
    /// </summary>
    public static void Save(NetworkSpec network, string path, int inlineLimit = DefaultInlineLimit)
    {
        var full = AtomicFile.Target(path);
        var stem = Path.GetFileNameWithoutExtension(full);
        var directory = Path.GetDirectoryName(full)!;
        var root = new JsonObject
        {
            ["schema"] = NetworkSpec.SchemaId,
            ["name"] = network.Name,
        };

        var pops = new JsonArray();
        foreach (var pop in network.Populations)
        {
            var p = new JsonObject { ["name"] = pop.Name, ["size"] = pop.Size, ["model"] = Population.ModelName(pop.Model) };
            var parameters = new JsonObject();
            if (pop.CubaLif is { } c)
            {
                parameters["tauCurrent"] = ToJson(c.TauCurrent);
                parameters["tauVoltage"] = ToJson(c.TauVoltage);
                parameters["threshold"] = ToJson(c.Threshold);
                parameters["bias"] = ToJson(c.Bias);
                if (!c.HasNoCurrentBias)
                {
                    parameters["currentBias"] = ToJson(c.CurrentBias);
                }

                parameters["reset"] = c.Reset == ResetMode.Zero ? "zero" : "subtract";
                parameters["refractory"] = ToJson(c.Refractory);
                if (c.VoltageMin is not null)
                {
                    parameters["vMin"] = ToJson(c.VoltageMin);
                }

                if (c.VoltageMax is not null)
                {
                    parameters["vMax"] = ToJson(c.VoltageMax);
                }
            }

            if (pop.EpRate is { } e)
            {
                parameters["dt"] = ToJson(e.Dt);
                parameters["bias"] = ToJson(e.Bias);
                if (e.Tau is not null)
                {
                    parameters["tau"] = ToJson(e.Tau);
                }
            }

            if (parameters.Count > 0)
            {
                p["params"] = parameters;
            }

            if (pop.Placement.Count > 0)
            {
                var pins = new JsonArray();
                foreach (var pin in pop.Placement)
                {
                    var pinObj = new JsonObject { ["tile"] = new JsonArray(pin.TileX, pin.TileY), ["core"] = pin.Core };
                    if (pin.Count is { } count)
                    {
                        pinObj["neurons"] = new JsonArray(pin.FirstNeuron, count);
                    }

                    pins.Add(pinObj);
                }

                p["placement"] = pins;
            }

            pops.Add(p);
        }

        root["populations"] = pops;
        var projections = new JsonArray();
        var sidecars = new List<(string File, float[] Weights)>();
        var masks = new List<(string File, byte[] Bytes)>();
        for (var k = 0; k < network.Projections.Count; k++)
        {
            var proj = network.Projections[k];
            var obj = new JsonObject();
            if (proj.Name != Projection.DefaultName(proj.From.Name, proj.To.Name))
            {
                obj["name"] = proj.Name;
            }

            obj["from"] = proj.From.Name;
            obj["to"] = proj.To.Name;
            if (proj.TransposeOf is not null)
            {
                obj["transposeOf"] = proj.TransposeOf;
            }
            else if (proj.Weights.Length > inlineLimit)
            {
                var hash = Hashing.Sha256Hex(MemoryMarshal.AsBytes(proj.Weights.AsSpan()));
                var file = $"{stem}.{k}.{hash[..16]}.f32";
                sidecars.Add((file, proj.Weights));
                obj["weights"] = new JsonObject { ["file"] = file, ["shape"] = new JsonArray(proj.To.Size, proj.From.Size), ["sha256"] = hash };
                if (proj.Connections is { } connections)
                {
                    var maskBytes = MaskBytes(connections);
                    var maskHash = Hashing.Sha256Hex(maskBytes);
                    var maskFile = $"{stem}.{k}.{maskHash[..16]}.mask";
                    masks.Add((maskFile, maskBytes));
                    obj["connections"] = new JsonObject { ["file"] = maskFile, ["shape"] = new JsonArray(proj.To.Size, proj.From.Size), ["sha256"] = maskHash };
                }
            }
            else
            {
                var rows = new JsonArray();
                for (var post = 0; post < proj.To.Size; post++)
                {
                    var row = new JsonArray();
                    for (var pre = 0; pre < proj.From.Size; pre++)
                    {
                        row.Add(proj.Weights[post * proj.From.Size + pre]);
                    }

                    rows.Add(row);
                }

                obj["weights"] = rows;
                if (proj.Connections is { } connections)
                {
                    var mask = new JsonArray();
                    for (var post = 0; post < proj.To.Size; post++)
                    {
                        var row = new JsonArray();
                        for (var pre = 0; pre < proj.From.Size; pre++)
                        {
                            row.Add(connections[post * proj.From.Size + pre] ? 1 : 0);
                        }

                        mask.Add(row);
                    }

                    obj["connections"] = mask;
                }
            }

            projections.Add(obj);
        }

        root["projections"] = projections;
        if (network.Readout is { } readout)
        {
            root["readout"] = new JsonObject { ["population"] = readout.Population, ["method"] = readout.Method };
        }

        if (network.Training is not null)
        {
            root["training"] = network.Training.DeepClone();
        }

        var previous = FilesOf(full).Skip(1).ToHashSet(StringComparer.Ordinal);
        foreach (var (file, weights) in sidecars)
        {
            var sidecar = Path.Combine(directory, file);
            if (!HoldsExactly(sidecar, MemoryMarshal.AsBytes(weights.AsSpan())))
            {
                var copy = weights;
                AtomicFile.Write(sidecar, s => s.Write(MemoryMarshal.AsBytes(copy.AsSpan())));
            }
        }

        foreach (var (file, bytes) in masks)
        {
            var sidecar = Path.Combine(directory, file);
            if (!HoldsExactly(sidecar, bytes))
            {
                AtomicFile.WriteAllBytes(sidecar, bytes);
            }
        }

        FaultInjection.Point("network-file:sidecars-written");
        AtomicFile.WriteAllText(full, JsonText.Format(root));
        FaultInjection.Point("network-file:json-written");
        RemoveStaleSidecars(directory, stem, previous,
            sidecars.Select(s => s.File).Concat(masks.Select(m => m.File)).Select(f => Path.Combine(directory, f)).ToHashSet(StringComparer.Ordinal));
    }

    /// <summary>A connection mask as its sidecar's bytes: one byte per [post][pre] pair, 1 where there is a synapse.</summary>
    private static byte[] MaskBytes(bool[] connections)
    {
        var bytes = new byte[connections.Length];
        for (var i = 0; i < bytes.Length; i++)
        {
            bytes[i] = connections[i] ? (byte)1 : (byte)0;
        }

        return bytes;
    }

    /// <summary>True when <paramref name="path"/> already holds exactly these bytes (a save that did not change a sidecar rewrites nothing).</summary>
    private static bool HoldsExactly(string path, ReadOnlySpan<byte> bytes)
    {
        if (FileSystemEntry.KindOf(path) != EntryKind.RegularFile || new FileInfo(path).Length != bytes.Length)
        {
            return false;
        }

        try
        {
            return Hashing.Sha256HexOfFile(path) == Hashing.Sha256Hex(bytes);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>
    /// After the JSON is in place: removes the sidecars the previous file at this path named (in this
    /// class's naming, <c>stem.k.f32</c>, <c>stem.k.hash.f32</c>, <c>stem.k.mask</c> or <c>stem.k.hash.mask</c>) and the new one does not, and
    /// content-named sidecars of this stem (<c>stem.k.hash.f32</c>, <c>stem.k.hash.mask</c>) that it does not name (left by a save that was
    /// killed before its JSON was written).
    /// </summary>
    private static void RemoveStaleSidecars(string directory, string stem, HashSet<string> previous, HashSet<string> current)
    {
        // Only files named as this class names sidecars: a hand-written file's own sidecars are never removed.
        var stale = new HashSet<string>(previous.Where(p => !current.Contains(p) && Path.GetDirectoryName(p) == directory
            && Path.GetFileName(p).StartsWith(stem + ".", StringComparison.Ordinal) && OwnNaming().IsMatch(Path.GetFileName(p)[stem.Length..])), StringComparer.Ordinal);
        try
        {
            foreach (var file in Directory.EnumerateFiles(directory, stem + ".*.f32").Concat(Directory.EnumerateFiles(directory, stem + ".*.mask")))
            {
                if (!current.Contains(file) && ContentNamed().IsMatch(Path.GetFileName(file)[stem.Length..]))
                {
                    stale.Add(file);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
        }

        foreach (var file in stale)
        {
            if (FileSystemEntry.KindOf(file) == EntryKind.RegularFile)
            {
                AtomicFile.TryDelete(file);
            }
        }

        // Temporaries of sidecars (and of the JSON) that a killed save left.
        AtomicFile.RemoveStaleTemporaries(directory, stem + ".");
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^\.[0-9]+\.[0-9a-f]{16}\.(f32|mask)$")]
    private static partial System.Text.RegularExpressions.Regex ContentNamed();

    [System.Text.RegularExpressions.GeneratedRegex(@"^\.[0-9]+(\.[0-9a-f]{16})?\.(f32|mask)$")]
    private static partial System.Text.RegularExpressions.Regex OwnNaming();

    private static JsonNode? ToJson(PerNeuron? value)
    {
        if (value is null)
        {
            return null;
        }

        // A non-finite value (no leak, no clamp for one neuron) is written as null, as it was read.
        static JsonNode? Number(double v) => double.IsFinite(v) ? JsonValue.Create(v) : null;
        if (value.IsScalar)
        {
            return Number(value[0]);
        }

        var array = new JsonArray();
        foreach (var v in value.Values)
        {
            array.Add(Number(v));
        }

        return array;
    }
}
