using System.Text.Json.Nodes;
using Neuromorphic.Core.IO;

namespace Neuromorphic.Sweeps.Spec;

/// <summary>The jobs a sweep runs: simulations, trainings, or trainings whose models are then simulated.</summary>
public enum SweepKind
{
    Run,
    Train,
    TrainThenRun,
}

/// <summary>One axis of the grid: an option of one job kind and the values it takes, in order.</summary>
/// <param name="Key">The key as written in the spec (<c>seed</c>, <c>run.seed</c>): the column name in tables.</param>
/// <param name="Section">Which jobs it varies.</param>
/// <param name="Option">The option.</param>
/// <param name="Values">Canonical values.</param>
/// <param name="Paths">The JSON path of each value (for messages).</param>
public sealed record GridAxis(string Key, JobKind Section, OptionInfo Option, IReadOnlyList<JsonNode> Values, IReadOnlyList<string> Paths);

/// <summary>
/// A sweep spec (<c>neuromorphic.sweep/1</c>, README "Sweeps"): the kind of job, the base options of
/// each job kind (the names of the commands' options), a grid over any of them, and an optional
/// split of every run's test images into parts of <see cref="Split"/> images. Parsed strictly:
/// an unknown key, an option of the wrong type, an empty grid or an empty list of values is an
/// <c>InvalidInputException</c> naming the JSON path.
/// </summary>
public sealed record SweepSpec
{
    public const string Schema = "neuromorphic.sweep/1";

    private static readonly string[] TopKeys = ["schema", "name", "kind", "train", "run", "grid", "split"];

    /// <summary>The spec file (in messages).</summary>
    public required string File { get; init; }

    /// <summary>Relative file options are resolved against this directory.</summary>
    public required string BaseDirectory { get; init; }

    public string? Name { get; init; }
    public required SweepKind Kind { get; init; }

    /// <summary>Base options of the training jobs (canonical values; only those given).</summary>
    public JsonObject Train { get; init; } = [];

    /// <summary>Base options of the run jobs.</summary>
    public JsonObject Run { get; init; } = [];

    /// <summary>Where each base option was written (for messages).</summary>
    public IReadOnlyDictionary<(JobKind, string), string> BasePaths { get; init; } = new Dictionary<(JobKind, string), string>();

    public IReadOnlyList<GridAxis> Grid { get; init; } = [];

    /// <summary>Test images per part: every run is split into parts of this many images (null: unsplit).</summary>
    public int? Split { get; init; }

    /// <summary>The spec as normalized JSON (what <see cref="Hash"/> covers).</summary>
    public required string Normalized { get; init; }

    /// <summary>SHA-256 of <see cref="Normalized"/>.</summary>
    public string Hash => Hashing.Sha256Hex(System.Text.Encoding.UTF8.GetBytes(Normalized));

    public static string KindName(SweepKind kind) => kind switch
    {
        SweepKind.Run => "run",
        SweepKind.Train => "train",
        _ => "train+run",
    };

    public static SweepSpec Load(string path)
    {
        var (input, root) = JsonInput.Load(path);
        return Parse(input, root, Path.GetDirectoryName(Path.GetFullPath(path))!);
    }

    /// <summary>Parses spec text; relative files are resolved against <paramref name="baseDirectory"/>.</summary>
    public static SweepSpec Parse(string json, string fileName, string baseDirectory)
    {
        var (input, root) = JsonInput.Parse(json, fileName);
        return Parse(input, root, baseDirectory);
    }

    private static SweepSpec Parse(JsonInput input, JsonObject root, string baseDirectory)
    {
        input.RejectUnknownKeys(root, "$", TopKeys);
        var schema = input.RequiredString(root, "$", "schema");
        if (schema != Schema)
        {
            throw input.Error("$.schema", $"\"{schema}\"", $"\"{Schema}\"");
        }

        var kindText = input.RequiredString(root, "$", "kind");
        var kind = kindText switch
        {
            "run" => SweepKind.Run,
            "train" => SweepKind.Train,
            "train+run" => SweepKind.TrainThenRun,
            _ => throw input.Error("$.kind", $"\"{kindText}\"", "run, train, or train+run (train, then run each trained model)"),
        };

        var paths = new Dictionary<(JobKind, string), string>();
        var train = Section(input, root, "train", JobKind.Train, kind != SweepKind.Run, paths);
        var run = Section(input, root, "run", JobKind.Run, kind != SweepKind.Train, paths);
        if (kind == SweepKind.TrainThenRun && run.ContainsKey("model"))
        {
            throw input.Error("$.run.model", JsonInput.Show(run["model"]), "no model in a train+run sweep (each run uses the model its training job wrote)");
        }

        var grid = new List<GridAxis>();
        if (input.OptionalObject(root, "$", "grid") is { } gridObject)
        {
            if (gridObject.Count == 0)
            {
                throw input.Error("$.grid", "{}", "at least one option with a list of values (or no grid for a single job)");
            }

            foreach (var (key, node) in gridObject)
            {
                grid.Add(Axis(input, key, node, kind));
            }
        }

        int? split = null;
        if (root["split"] is { } splitNode)
        {
            if (kind == SweepKind.Train)
            {
                throw input.Error("$.split", JsonInput.Show(splitNode), "no split in a train sweep (split divides the test images of run jobs)");
            }

            split = input.AsInt(splitNode, "$.split");
            if (split < 1)
            {
                throw input.Error("$.split", JsonInput.Show(splitNode), "a positive number of test images per part");
            }
        }

        var normalized = new JsonObject
        {
            ["schema"] = Schema,
            ["name"] = input.OptionalString(root, "$", "name"),
            ["kind"] = KindName(kind),
            ["train"] = kind == SweepKind.Run ? null : train.DeepClone(),
            ["run"] = kind == SweepKind.Train ? null : run.DeepClone(),
            ["grid"] = new JsonObject(grid.Select(a => KeyValuePair.Create(a.Key, (JsonNode?)new JsonArray(a.Values.Select(v => v.DeepClone()).ToArray())))),
            ["split"] = split,
        };
        return new SweepSpec
        {
            File = input.File,
            BaseDirectory = baseDirectory,
            Name = input.OptionalString(root, "$", "name"),
            Kind = kind,
            Train = train,
            Run = run,
            BasePaths = paths,
            Grid = grid,
            Split = split,
            Normalized = JsonText.Format(normalized),
        };
    }

    private static JsonObject Section(JsonInput input, JsonObject root, string key, JobKind jobKind, bool expected, Dictionary<(JobKind, string), string> paths)
    {
        var section = input.OptionalObject(root, "$", key);
        if (section is null)
        {
            return [];
        }

        if (!expected)
        {
            throw input.Error($"$.{key}", "an object", $"no \"{key}\" options in a {(jobKind == JobKind.Train ? "run" : "train")} sweep");
        }

        var values = new JsonObject();
        foreach (var (name, node) in section)
        {
            var path = $"$.{key}.{name}";
            var option = JobOptions.Find(jobKind, name)
                ?? throw input.Error(path, "an unknown option", $"one of: {string.Join(", ", JobOptions.Of(jobKind).Select(o => o.Name))}");
            if (values.ContainsKey(option.Name))
            {
                throw input.Error(path, "a second value", $"one value for {option.Name} (samples and range are the same option)");
            }

            values[option.Name] = JobOptions.Value(option, node, input.File, path);
            paths[(jobKind, option.Name)] = path;
        }

        return values;
    }

    private static GridAxis Axis(JsonInput input, string key, JsonNode? node, SweepKind kind)
    {
        var path = $"$.grid.{key}";
        var dot = key.IndexOf('.');
        var qualifier = dot > 0 ? key[..dot] : null;
        var name = dot > 0 ? key[(dot + 1)..] : key;
        JobKind section;
        if (qualifier is not null)
        {
            section = qualifier switch
            {
                "train" when kind != SweepKind.Run => JobKind.Train,
                "run" when kind != SweepKind.Train => JobKind.Run,
                _ => throw input.Error(path, "an unknown option", kind == SweepKind.TrainThenRun ? "train.NAME or run.NAME" : "an option name"),
            };
        }
        else if (kind == SweepKind.TrainThenRun)
        {
            var inTrain = JobOptions.Find(JobKind.Train, name) is not null;
            var inRun = JobOptions.Find(JobKind.Run, name) is not null;
            if (inTrain && inRun)
            {
                throw input.Error(path, "an ambiguous option", $"train.{name} or run.{name} (both job kinds have it)");
            }

            section = inTrain ? JobKind.Train : JobKind.Run;
        }
        else
        {
            section = kind == SweepKind.Train ? JobKind.Train : JobKind.Run;
        }

        var option = JobOptions.Find(section, name)
            ?? throw input.Error(path, "an unknown option", $"one of: {string.Join(", ", JobOptions.Of(section).Select(o => (kind == SweepKind.TrainThenRun ? (section == JobKind.Train ? "train." : "run.") : "") + o.Name))}");
        if (section == JobKind.Run && kind == SweepKind.TrainThenRun && option.Name == "model")
        {
            throw input.Error(path, "a model", "no model in a train+run sweep (each run uses the model its training job wrote)");
        }

        var values = new List<JsonNode>();
        var paths = new List<string>();
        switch (node)
        {
            case JsonArray array:
                if (array.Count == 0)
                {
                    throw input.Error(path, "[]", "at least one value");
                }

                for (var i = 0; i < array.Count; i++)
                {
                    values.Add(JobOptions.Value(option, array[i], input.File, $"{path}[{i}]"));
                    paths.Add($"{path}[{i}]");
                }

                break;
            case JsonObject range when option.Type is OptionType.Integer or OptionType.Seed:
                input.RejectUnknownKeys(range, path, "from", "count");
                var from = JobOptions.Value(option, input.Required(range, path, "from"), input.File, $"{path}.from");
                var count = input.RequiredInt(range, path, "count");
                if (count < 1 || count > 1_000_000)
                {
                    throw input.Error($"{path}.count", count.ToString(System.Globalization.CultureInfo.InvariantCulture), "at least one value (and at most 1000000)");
                }

                for (var i = 0; i < count; i++)
                {
                    values.Add(option.Type == OptionType.Seed
                        ? JsonValue.Create(unchecked(from.GetValue<ulong>() + (ulong)i))
                        : JsonValue.Create(checked(from.GetValue<int>() + i)));
                    paths.Add($"{path}.from");
                }

                break;
            default:
                throw input.Error(path, JsonInput.Show(node), option.Type is OptionType.Integer or OptionType.Seed
                    ? "a non-empty array of values, or {\"from\": N, \"count\": K}"
                    : "a non-empty array of values");
        }

        return new GridAxis(key, section, option, values, paths);
    }
}
