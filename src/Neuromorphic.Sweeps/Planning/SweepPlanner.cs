using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Neuromorphic.Core.Errors;
using Neuromorphic.Sweeps.Inputs;
using Neuromorphic.Sweeps.Spec;

namespace Neuromorphic.Sweeps.Planning;

/// <summary>
/// Expands a <see cref="SweepSpec"/> into a <see cref="SweepPlan"/>: every grid point of every job
/// kind becomes a job whose options are validated as the commands validate them (a bad value is
/// an error naming the spec's JSON path), whose input files are hashed (and loaded once, so a bad
/// network fails here), and whose id is the hash of its canonical options and inputs. Grid points
/// that give the same job (a homogeneous τ over several spreads) are one job.
/// </summary>
public sealed partial class SweepPlanner(ILogger<SweepPlanner>? logger = null)
{
    private readonly ILogger _logger = logger ?? NullLogger<SweepPlanner>.Instance;

    public SweepPlan Plan(SweepSpec spec)
    {
        var inputs = new LocalInputs();
        var trainAxes = spec.Grid.Where(a => a.Section == JobKind.Train).ToList();
        var runAxes = spec.Grid.Where(a => a.Section == JobKind.Run).ToList();
        var jobs = new List<SweepJob>();
        var seen = new HashSet<string>();
        var duplicates = 0;

        void Add(SweepJob job)
        {
            if (seen.Add(job.Id))
            {
                jobs.Add(job);
            }
            else
            {
                duplicates++;
            }
        }

        var trainJobs = new List<(SweepJob Job, string Dataset)>();
        if (spec.Kind != SweepKind.Run)
        {
            foreach (var point in Points(trainAxes))
            {
                var values = Values(spec.Train, point);
                var (options, dataset) = Checked(spec, JobKind.Train, point, () => JobOptions.BuildTrain(values));
                var canonical = JobOptions.CanonicalTrain(options, dataset);
                var job = new SweepJob
                {
                    Id = SweepJob.IdOf(JobKind.Train, canonical, new Dictionary<string, string>(), null),
                    Kind = JobKind.Train,
                    Options = canonical,
                    Point = PointJson(point),
                };
                if (!seen.Contains(job.Id))
                {
                    trainJobs.Add((job, dataset));
                }

                Add(job);
            }
        }

        if (spec.Kind != SweepKind.Train)
        {
            var parents = spec.Kind == SweepKind.TrainThenRun ? trainJobs.Select(t => ((SweepJob, string)?)t).ToList() : [null];
            foreach (var parent in parents)
            {
                foreach (var point in Points(runAxes))
                {
                    var values = Values(spec.Run, point);
                    if (parent is { } p)
                    {
                        values["model"] = "(trained)";
                        if (!values.ContainsKey("dataset") && !values.ContainsKey("input"))
                        {
                            values["dataset"] = p.Item2;
                        }
                    }

                    var request = Checked(spec, JobKind.Run, point, () => JobOptions.BuildRun(values));
                    var bundles = Bundles(spec, point, values, inputs, parent is null);
                    var canonical = JobOptions.CanonicalRun(request);
                    var hashes = bundles.ToDictionary(b => b.Key, b => b.Value.Hash);
                    var trainId = parent?.Item1.Id;
                    var whole = SweepJob.IdOf(JobKind.Run, canonical, hashes, trainId);
                    var display = parent is { } owner ? Merge(owner.Item1.Point, PointJson(point)) : PointJson(point);
                    foreach (var (offset, range) in Parts(request.Offset, request.Samples, request.InputEvents is null ? spec.Split : null))
                    {
                        var part = canonical.DeepClone().AsObject();
                        part["offset"] = offset;
                        part["range"] = request.InputEvents is null ? range : 1;
                        Add(new SweepJob
                        {
                            Id = SweepJob.IdOf(JobKind.Run, part, hashes, trainId),
                            Kind = JobKind.Run,
                            Options = part,
                            Point = display.DeepClone().AsObject(),
                            Inputs = bundles,
                            TrainId = trainId,
                            RunKey = whole,
                        });
                    }
                }
            }
        }

        if (duplicates > 0)
        {
            LogDuplicates(duplicates);
        }

        var plan = new SweepPlan
        {
            Kind = spec.Kind,
            Name = spec.Name,
            SpecHash = spec.Hash,
            Spec = JsonNode.Parse(spec.Normalized)!.AsObject(),
            Columns = trainAxes.Concat(runAxes).Select(a => a.Key).ToList(),
            Jobs = jobs,
            Inputs = inputs,
        };
        LogPlanned(plan.Jobs.Count, SweepSpec.KindName(spec.Kind), plan.TrainJobs.Count(), plan.RunJobs.Count());
        return plan;
    }

    /// <summary>The parts of a run of <paramref name="range"/> images from <paramref name="offset"/>: one, or consecutive slices of <paramref name="split"/> images.</summary>
    public static IEnumerable<(int Offset, int Range)> Parts(int offset, int range, int? split)
    {
        if (split is not { } size || range <= size)
        {
            yield return (offset, range);
            yield break;
        }

        for (var start = 0; start < range; start += size)
        {
            yield return (offset + start, Math.Min(size, range - start));
        }
    }

    /// <summary>Every combination of the axes' values, the last axis varying fastest; one empty point without axes.</summary>
    private static IEnumerable<IReadOnlyList<(GridAxis Axis, int Index)>> Points(IReadOnlyList<GridAxis> axes)
    {
        var index = new int[axes.Count];
        while (true)
        {
            yield return axes.Select((a, k) => (a, index[k])).ToList();
            var k2 = axes.Count - 1;
            while (k2 >= 0 && ++index[k2] == axes[k2].Values.Count)
            {
                index[k2] = 0;
                k2--;
            }

            if (k2 < 0)
            {
                yield break;
            }
        }
    }

    private static JsonObject Values(JsonObject baseValues, IReadOnlyList<(GridAxis Axis, int Index)> point)
    {
        var values = baseValues.DeepClone().AsObject();
        foreach (var (axis, i) in point)
        {
            values[axis.Option.Name] = axis.Values[i].DeepClone();
        }

        return values;
    }

    private static JsonObject PointJson(IReadOnlyList<(GridAxis Axis, int Index)> point) =>
        new(point.Select(p => KeyValuePair.Create(p.Axis.Key, (JsonNode?)p.Axis.Values[p.Index].DeepClone())));

    private static JsonObject Merge(JsonObject a, JsonObject b)
    {
        var merged = a.DeepClone().AsObject();
        foreach (var (key, value) in b)
        {
            merged[key] = value?.DeepClone();
        }

        return merged;
    }

    /// <summary>Where an option's value came from: the grid axis of this point, else the base options.</summary>
    private static string PathOf(SweepSpec spec, JobKind kind, IReadOnlyList<(GridAxis Axis, int Index)> point, string option)
    {
        foreach (var (axis, i) in point)
        {
            if (axis.Section == kind && axis.Option.Name == option)
            {
                return axis.Paths[i];
            }
        }

        return spec.BasePaths.TryGetValue((kind, option), out var path) ? path : $"$.{(kind == JobKind.Run ? "run" : "train")}.{option}";
    }

    /// <summary>Runs a library validation and reports its error at the spec's JSON path of the option it names.</summary>
    private static T Checked<T>(SweepSpec spec, JobKind kind, IReadOnlyList<(GridAxis Axis, int Index)> point, Func<T> build)
    {
        try
        {
            return build();
        }
        catch (InvalidInputException ex) when (ex.File is null && ex.Expected is not null)
        {
            var option = JobOptions.ForProperty(kind, ex.Field);
            var path = option is null ? $"$.{(kind == JobKind.Run ? "run" : "train")} ({ex.Field})" : PathOf(spec, kind, point, option.Name);
            throw new InvalidInputException(spec.File, path, ex.Value, ex.Expected, ex);
        }
    }

    private static Dictionary<string, InputBundle> Bundles(SweepSpec spec, IReadOnlyList<(GridAxis Axis, int Index)> point, JsonObject values, LocalInputs inputs, bool withModel)
    {
        var bundles = new Dictionary<string, InputBundle>();
        foreach (var option in JobOptions.Run.Where(o => o.Type is OptionType.File or OptionType.Chip))
        {
            if (values[option.Name]?.GetValue<string>() is not { } given || (option.Name == "model" && !withModel))
            {
                continue;
            }

            var path = Path.IsPathRooted(given) ? given : Path.Combine(spec.BaseDirectory, given);
            var field = PathOf(spec, JobKind.Run, point, option.Name);
            if (option.Type == OptionType.Chip)
            {
                bundles[option.Name] = Wrap(spec.File, field, given, () => inputs.Chip(File.Exists(path) ? path : given));
                continue;
            }

            if (!File.Exists(path))
            {
                throw new InvalidInputException(spec.File, field, $"\"{given}\"", $"an existing file ({Path.GetFullPath(path)} does not exist)");
            }

            bundles[option.Name] = option.Name == "model" ? inputs.Network(path) : inputs.File(path);
        }

        return bundles;
    }

    private static InputBundle Wrap(string file, string field, string given, Func<InputBundle> make)
    {
        try
        {
            return make();
        }
        catch (InvalidInputException ex) when (ex.Field == "--chip")
        {
            throw new InvalidInputException(file, field, $"\"{given}\"", ex.Expected ?? ex.Message, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Planned {Jobs} jobs ({Kind} sweep: {Train} training, {Run} run)")]
    private partial void LogPlanned(int jobs, string kind, int train, int run);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Count} grid points give a job that another point already gives (equal effective options): run once")]
    private partial void LogDuplicates(int count);
}
