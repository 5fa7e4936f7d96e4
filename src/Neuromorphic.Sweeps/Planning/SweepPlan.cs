using System.Globalization;
using System.Text.Json.Nodes;
using Neuromorphic.Core.Errors;
using Neuromorphic.Core.IO;
using Neuromorphic.Sweeps.Inputs;
using Neuromorphic.Sweeps.Spec;

namespace Neuromorphic.Sweeps.Planning;

/// <summary>
/// A sweep expanded into its jobs, in a fixed order: training jobs first (grid order, the last key
/// varying fastest), then run jobs (per training job, per grid point, per part). Written to
/// <c>sweep.json</c> in the results folder, so tables and merges need neither the spec's inputs nor
/// its folder.
/// </summary>
public sealed record SweepPlan
{
    public const string Schema = "neuromorphic.sweep-plan/1";

    public required SweepKind Kind { get; init; }
    public string? Name { get; init; }

    /// <summary>SHA-256 of the normalized spec: shards of one sweep have the same.</summary>
    public required string SpecHash { get; init; }

    /// <summary>The normalized spec.</summary>
    public required JsonObject Spec { get; init; }

    /// <summary>The grid keys (the varying columns of the tables), training keys first.</summary>
    public required IReadOnlyList<string> Columns { get; init; }

    public required IReadOnlyList<SweepJob> Jobs { get; init; }

    public IEnumerable<SweepJob> TrainJobs => Jobs.Where(j => j.Kind == JobKind.Train);

    public IEnumerable<SweepJob> RunJobs => Jobs.Where(j => j.Kind == JobKind.Run);

    /// <summary>The bytes of the local inputs (absent in a plan read back from its file).</summary>
    public LocalInputs? Inputs { get; init; }

    public string Title => Name ?? $"{SweepSpec.KindName(Kind)} sweep";

    public JsonObject ToJson() => new()
    {
        ["schema"] = Schema,
        ["name"] = Name,
        ["kind"] = SweepSpec.KindName(Kind),
        ["specHash"] = SpecHash,
        ["spec"] = Spec.DeepClone(),
        ["columns"] = new JsonArray(Columns.Select(c => (JsonNode)c).ToArray()),
        ["jobs"] = new JsonArray(Jobs.Select(j => (JsonNode)j.ToJson()).ToArray()),
    };

    /// <summary>Reads a plan file; errors name the file.</summary>
    public static SweepPlan Load(string path)
    {
        var (input, root) = JsonInput.Load(path);
        var schema = input.RequiredString(root, "$", "schema");
        if (schema != Schema)
        {
            throw input.Error("$.schema", $"\"{schema}\"", $"\"{Schema}\" (a folder written by neuro sweep)");
        }

        try
        {
            return new SweepPlan
            {
                Kind = root["kind"]!.GetValue<string>() switch { "run" => SweepKind.Run, "train" => SweepKind.Train, _ => SweepKind.TrainThenRun },
                Name = root["name"]?.GetValue<string>(),
                SpecHash = root["specHash"]!.GetValue<string>(),
                Spec = root["spec"]!.AsObject().DeepClone().AsObject(),
                Columns = root["columns"]!.AsArray().Select(c => c!.GetValue<string>()).ToList(),
                Jobs = root["jobs"]!.AsArray().Select(j => SweepJob.FromJson(j!.AsObject())).ToList(),
            };
        }
        catch (Exception ex) when (ex is NullReferenceException or InvalidOperationException or FormatException)
        {
            throw new InvalidInputException(path, "$", null, "a complete sweep plan written by neuro sweep", ex);
        }
    }

    /// <summary>The jobs a shard runs: every N-th training job (with the run jobs of its models), or every N-th run job.</summary>
    public IReadOnlyList<SweepJob> Select(Shard? shard)
    {
        if (shard is null)
        {
            return Jobs;
        }

        var trainJobs = TrainJobs.ToList();
        var mine = trainJobs.Where((_, i) => shard.Takes(i)).Select(j => j.Id).ToHashSet();
        var runJobs = RunJobs.ToList();
        return trainJobs.Where(j => mine.Contains(j.Id))
            .Concat(Kind == SweepKind.TrainThenRun ? runJobs.Where(j => mine.Contains(j.TrainId!)) : runJobs.Where((_, i) => shard.Takes(i)))
            .ToList();
    }
}

/// <summary>Shard <see cref="Index"/> of <see cref="Count"/> (1-based, as <c>--shard i/N</c>): it runs the jobs at positions i−1, i−1+N, …</summary>
public sealed record Shard(int Index, int Count)
{
    public bool Takes(int position) => position % Count == Index - 1;

    public override string ToString() => $"{Index}/{Count}";

    /// <summary>Parses "i/N"; errors name <paramref name="field"/>.</summary>
    public static Shard Parse(string text, string field = "--shard")
    {
        var parts = text.Split('/');
        if (parts.Length == 2 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var i)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1 && i >= 1 && i <= n)
        {
            return new Shard(i, n);
        }

        throw new InvalidInputException(null, field, $"\"{text}\"", "i/N with 1 ≤ i ≤ N (e.g. 3/10: the third of ten shards)");
    }
}
