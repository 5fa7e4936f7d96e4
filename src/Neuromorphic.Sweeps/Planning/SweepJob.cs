using System.Text.Json.Nodes;
using Neuromorphic.Core.IO;
using Neuromorphic.Sweeps.Inputs;
using Neuromorphic.Sweeps.Spec;

namespace Neuromorphic.Sweeps.Planning;

/// <summary>
/// One job of a sweep: a pure function of its canonical <see cref="Options"/> and the content hashes
/// of its inputs, identified by the SHA-256 of both (<see cref="Id"/>). A run job split into parts
/// keeps the id of the whole run it is part of (<see cref="RunKey"/>), which is the id the unsplit
/// run has, so merged parts and the unsplit run fill the same row.
/// </summary>
public sealed record SweepJob
{
    public const string IdentitySchema = "neuromorphic.sweep-job/1";

    public required string Id { get; init; }
    public required JobKind Kind { get; init; }

    /// <summary>Canonical options (files and the chip are in <see cref="Inputs"/>).</summary>
    public required JsonObject Options { get; init; }

    /// <summary>The grid values of this job, by grid key as written in the spec.</summary>
    public required JsonObject Point { get; init; }

    /// <summary>Input bundles by option (model, chip, mapping, input); a train+run job gets its model when its training has finished.</summary>
    public IReadOnlyDictionary<string, InputBundle> Inputs { get; init; } = new Dictionary<string, InputBundle>();

    /// <summary>The training job whose model this run job runs, or null.</summary>
    public string? TrainId { get; init; }

    /// <summary>Run jobs: the id of the whole run (this job's own id unless it is one part of a split run).</summary>
    public string? RunKey { get; init; }

    /// <summary>The file name stem of the job's results: the first 16 hex digits of the id.</summary>
    public string Name => Id[..16];

    /// <summary>The id of a job: SHA-256 of its kind, canonical options, input hashes and training job.</summary>
    public static string IdOf(JobKind kind, JsonObject options, IReadOnlyDictionary<string, string> inputHashes, string? trainId)
    {
        var identity = new JsonObject
        {
            ["schema"] = IdentitySchema,
            ["kind"] = KindName(kind),
            ["options"] = options.DeepClone(),
            ["inputs"] = new JsonObject(inputHashes.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))),
            ["train"] = trainId,
        };
        return Hashing.Sha256Hex(System.Text.Encoding.UTF8.GetBytes(identity.ToJsonString()));
    }

    public static string KindName(JobKind kind) => kind == JobKind.Run ? "run" : "train";

    /// <summary>The entry of this job in a plan file (everything but input bytes).</summary>
    public JsonObject ToJson() => new()
    {
        ["id"] = Id,
        ["kind"] = KindName(Kind),
        ["point"] = Point.DeepClone(),
        ["options"] = Options.DeepClone(),
        ["inputs"] = new JsonObject(Inputs.OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => KeyValuePair.Create(p.Key, (JsonNode?)new JsonObject { ["file"] = Path.GetFileName(p.Value.Main), ["hash"] = p.Value.Hash }))),
        ["train"] = TrainId,
        ["run"] = RunKey,
    };

    /// <summary>Reads an entry of a plan file (inputs are not restored: a plan read back is for tables and merges).</summary>
    public static SweepJob FromJson(JsonObject json) => new()
    {
        Id = json["id"]!.GetValue<string>(),
        Kind = json["kind"]!.GetValue<string>() == "run" ? JobKind.Run : JobKind.Train,
        Point = json["point"]!.AsObject().DeepClone().AsObject(),
        Options = json["options"]!.AsObject().DeepClone().AsObject(),
        TrainId = json["train"]?.GetValue<string>(),
        RunKey = json["run"]?.GetValue<string>(),
    };
}
