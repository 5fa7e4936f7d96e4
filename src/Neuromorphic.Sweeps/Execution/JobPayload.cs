using System.Text.Json.Nodes;
using Neuromorphic.Sweeps.Inputs;
using Neuromorphic.Sweeps.Planning;
using Neuromorphic.Sweeps.Spec;

namespace Neuromorphic.Sweeps.Execution;

/// <summary>
/// A job as it travels to whatever runs it: its id, kind, canonical options and input bundles (by
/// content hash), as one JSON text. Everything a worker needs except the bytes of input files,
/// which it asks for by hash, and the dataset, which it resolves by name.
/// </summary>
public sealed record JobPayload(string Id, JobKind Kind, JsonObject Options, IReadOnlyDictionary<string, InputBundle> Inputs)
{
    public const string Schema = "neuromorphic.sweep-payload/1";

    public string Name => Id[..16];

    public static JobPayload Of(SweepJob job) => new(job.Id, job.Kind, job.Options, job.Inputs);

    public string ToText() => new JsonObject
    {
        ["schema"] = Schema,
        ["id"] = Id,
        ["kind"] = SweepJob.KindName(Kind),
        ["options"] = Options.DeepClone(),
        ["inputs"] = new JsonObject(Inputs.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value.ToJson()))),
    }.ToJsonString();

    public static JobPayload Parse(string text)
    {
        var json = JsonNode.Parse(text)!.AsObject();
        if (json["schema"]?.GetValue<string>() != Schema)
        {
            throw new InvalidDataException($"not a {Schema} job (a client of another neuro version?)");
        }

        return new JobPayload(
            json["id"]!.GetValue<string>(),
            json["kind"]!.GetValue<string>() == "run" ? JobKind.Run : JobKind.Train,
            json["options"]!.AsObject().DeepClone().AsObject(),
            json["inputs"]!.AsObject().ToDictionary(p => p.Key, p => InputBundle.FromJson(p.Value!.AsObject())));
    }
}

/// <summary>
/// What a finished job produced: its result file (canonical JSON, identical wherever it ran) and the
/// files it wrote (a trained model and its sidecars), by path relative to the job's folder.
/// </summary>
public sealed record JobOutput(string Id, byte[] Result, IReadOnlyList<JobFile> Files)
{
    public string Name => Id[..16];
}

/// <summary>One file of a job's output.</summary>
public sealed record JobFile(string Path, byte[] Bytes);
