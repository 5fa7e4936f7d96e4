using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Neuromorphic.Core.IO;
using Neuromorphic.Learning.Training;
using Neuromorphic.Sweeps.Planning;
using Neuromorphic.Sweeps.Spec;
using Neuromorphic.Sweeps.Store;
using Neuromorphic.Workflows.Training;

namespace Neuromorphic.Sweeps.Results;

/// <summary>One whole run of a sweep (its parts merged): where it sits in the grid and what it counted.</summary>
public sealed record RunRow(string Run, JsonObject Point, string Network, string Chip, RunTally Tally)
{
    public double EnergyUj => Tally.MeanEnergy.Total.TotalMicrojoules;

    public double LatencyUs => Tally.MeanLatencyUs;

    /// <summary>On the accuracy–energy Pareto front (no other run is at least as accurate and as frugal, and better in one).</summary>
    public bool ParetoEnergy { get; init; }

    public bool ParetoLatency { get; init; }
}

/// <summary>One training job of a sweep: its grid point and its result.</summary>
public sealed record TrainRow(SweepJob Job, JsonObject Result)
{
    public IReadOnlyList<EpochMetrics> History => Result["epochs"]!.AsArray().Select(e => TrainingReports.FromJson(e!.AsObject())).ToList();

    public bool Diverged => Result["diverged"]!.GetValue<bool>();
}

/// <summary>
/// The merged results of a sweep folder: one row per whole run (split parts summed exactly) and
/// one per training job, as CSV and Markdown (<c>results.csv</c>/<c>.md</c>; a train+run sweep also
/// writes <c>training.csv</c>/<c>.md</c>). Runs with a part missing are left out and counted.
/// </summary>
public sealed record SweepTables(SweepPlan Plan, IReadOnlyList<RunRow> Runs, IReadOnlyList<TrainRow> Trainings, int IncompleteRuns, int MissingTrainings)
{
    public static readonly IReadOnlyList<string> RunColumns =
    [
        "inferences", "accuracy", "float_accuracy", "agreement", "energy_uj", "dynamic_uj", "static_uj",
        "latency_mean_us", "latency_p50_us", "latency_p99_us", "spikes", "synaptic_ops", "pareto_energy", "pareto_latency",
    ];

    public static readonly IReadOnlyList<string> TrainColumns =
    [
        "epochs", "final_test_accuracy", "best_test_accuracy", "final_train_accuracy", "final_train_loss", "free_residual", "diverged", "mean_dt", "tau_cv",
    ];

    /// <summary>Reads every result of <paramref name="plan"/>'s jobs in <paramref name="store"/>.</summary>
    public static SweepTables Read(SweepPlan plan, SweepDirectory store)
    {
        var trainings = new List<TrainRow>();
        var missingTrainings = 0;
        foreach (var job in plan.TrainJobs)
        {
            if (store.ReadResult(job) is { } result)
            {
                trainings.Add(new TrainRow(job, result));
            }
            else
            {
                missingTrainings++;
            }
        }

        var runs = new List<RunRow>();
        var incomplete = 0;
        foreach (var group in plan.RunJobs.GroupBy(j => j.RunKey!))
        {
            var results = group.Select(store.ReadResult).ToList();
            if (results.Any(r => r is null))
            {
                incomplete++;
                continue;
            }

            var tally = RunTally.Merge(results.Select(r => RunTally.FromJson(r!["tally"]!.AsObject())).ToList());
            var first = results[0]!;
            runs.Add(new RunRow(group.Key, group.First().Point, first["network"]!["name"]!.GetValue<string>(), first["chip"]!["name"]!.GetValue<string>(), tally));
        }

        var energyFront = Pareto.Front(runs.Select(r => (r.Tally.Accuracy, r.EnergyUj)).ToList());
        var latencyFront = Pareto.Front(runs.Select(r => (r.Tally.Accuracy, r.LatencyUs)).ToList());
        runs = runs.Select((r, i) => r with { ParetoEnergy = energyFront[i], ParetoLatency = latencyFront[i] }).ToList();
        return new SweepTables(plan, runs, trainings, incomplete, missingTrainings);
    }

    /// <summary>Writes the tables into <paramref name="directory"/>; returns the files written.</summary>
    public IReadOnlyList<string> Write(string directory)
    {
        var written = new List<string>();
        void Put(string name, string text)
        {
            var path = Path.Combine(directory, name);
            AtomicFile.WriteAllText(path, text);
            written.Add(path);
        }

        if (Plan.Kind != SweepKind.Train)
        {
            Put("results.csv", Csv(RunHeader(), RunCells()));
            Put("results.md", Markdown(Plan.Title, RunHeader(), RunCells(), IncompleteRuns == 0 ? null : $"{IncompleteRuns} run(s) not complete yet (a part has no result)."));
        }

        if (Plan.Kind != SweepKind.Run)
        {
            var (csv, md) = Plan.Kind == SweepKind.Train ? ("results.csv", "results.md") : ("training.csv", "training.md");
            Put(csv, Csv(TrainHeader(), TrainCells()));
            Put(md, Markdown(Plan.Title + (Plan.Kind == SweepKind.Train ? "" : ": training"), TrainHeader(), TrainCells(),
                MissingTrainings == 0 ? null : $"{MissingTrainings} training job(s) have no result yet."));
        }

        return written;
    }

    private IReadOnlyList<string> RunHeader() => ["run", .. Plan.Columns, "network", "chip", .. RunColumns];

    private IReadOnlyList<string> TrainHeader() => ["job", .. Plan.Columns.Where(c => IsTrainColumn(c)), .. TrainColumns];

    private bool IsTrainColumn(string column) => Plan.Kind == SweepKind.Train || column.StartsWith("train.", StringComparison.Ordinal) ||
                                                 Plan.TrainJobs.Any(j => j.Point.ContainsKey(column));

    private IEnumerable<IReadOnlyList<string>> RunCells() => Runs.Select(r => (IReadOnlyList<string>)
    [
        r.Run[..16], .. Plan.Columns.Select(c => Cell(r.Point[c])), r.Network, r.Chip,
        r.Tally.Inferences.ToString(CultureInfo.InvariantCulture), Fixed(r.Tally.Accuracy, 6), Fixed(r.Tally.FloatAccuracy, 6), Fixed(r.Tally.Agreement, 6),
        Fixed(r.EnergyUj, 6), Fixed(r.Tally.MeanEnergy.Dynamic.TotalMicrojoules, 6), Fixed(r.Tally.MeanEnergy.Static.TotalMicrojoules, 6),
        Fixed(r.LatencyUs, 4), Fixed(r.Tally.LatencyPercentileUs(0.5), 4), Fixed(r.Tally.LatencyPercentileUs(0.99), 4),
        Fixed((double)r.Tally.Spikes / Math.Max(1, r.Tally.Inferences), 2), Fixed((double)r.Tally.SynapticOps / Math.Max(1, r.Tally.Inferences), 1),
        r.ParetoEnergy ? "yes" : "", r.ParetoLatency ? "yes" : "",
    ]);

    private IEnumerable<IReadOnlyList<string>> TrainCells() => Trainings.Select(t =>
    {
        var history = t.History;
        var last = history.Count > 0 ? history[^1] : null;
        var constants = t.Result["timeConstants"]!;
        return (IReadOnlyList<string>)
        [
            t.Job.Name, .. Plan.Columns.Where(c => IsTrainColumn(c)).Select(c => Cell(t.Job.Point[c])),
            history.Count.ToString(CultureInfo.InvariantCulture), Fixed(last?.TestAccuracy ?? double.NaN, 6),
            Fixed(history.Count > 0 ? history.Max(h => h.TestAccuracy) : double.NaN, 6), Fixed(last?.TrainAccuracy ?? double.NaN, 6),
            Fixed(last?.TrainLoss ?? double.NaN, 6), Scientific(last?.FreeResidual ?? double.NaN), t.Diverged ? "yes" : "",
            Fixed(Number(constants["dtMean"]), 4), Fixed(Number(constants["tauCv"]), 4),
        ];
    });

    private static double Number(JsonNode? node) => node is JsonValue v && v.TryGetValue<double>(out var d) ? d : double.NaN;

    /// <summary>A grid value as text: strings as they are, numbers and flags as JSON writes them.</summary>
    public static string Cell(JsonNode? value) => value switch
    {
        null => "",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        _ => value.ToJsonString(),
    };

    private static string Fixed(double value, int digits) => double.IsFinite(value) ? value.ToString("F" + digits, CultureInfo.InvariantCulture) : "";

    private static string Scientific(double value) => double.IsFinite(value) ? value.ToString("0.###e0", CultureInfo.InvariantCulture) : "";

    private static string Csv(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows)
    {
        static string Quote(string cell) => cell.IndexOfAny([',', '"', '\n']) >= 0 ? $"\"{cell.Replace("\"", "\"\"")}\"" : cell;
        var sb = new StringBuilder();
        sb.Append(string.Join(",", header.Select(Quote))).Append('\n');
        foreach (var row in rows)
        {
            sb.Append(string.Join(",", row.Select(Quote))).Append('\n');
        }

        return sb.ToString();
    }

    private static string Markdown(string title, IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows, string? note)
    {
        static string Escape(string cell) => cell.Replace("|", "\\|");
        var sb = new StringBuilder();
        sb.Append("# ").Append(title).Append("\n\n");
        sb.Append("| ").Append(string.Join(" | ", header.Select(Escape))).Append(" |\n");
        sb.Append('|').Append(string.Concat(header.Select(_ => "---|"))).Append('\n');
        foreach (var row in rows)
        {
            sb.Append("| ").Append(string.Join(" | ", row.Select(Escape))).Append(" |\n");
        }

        if (note is not null)
        {
            sb.Append('\n').Append(note).Append('\n');
        }

        return sb.ToString();
    }
}

/// <summary>Pareto fronts of accuracy (higher is better) against a cost (lower is better).</summary>
public static class Pareto
{
    /// <summary>For each point, whether no other point is at least as good in both and better in one. Points without an accuracy are never on the front.</summary>
    public static bool[] Front(IReadOnlyList<(double Accuracy, double Cost)> points)
    {
        var front = new bool[points.Count];
        for (var i = 0; i < points.Count; i++)
        {
            var (a, c) = points[i];
            if (!double.IsFinite(a) || !double.IsFinite(c))
            {
                continue;
            }

            front[i] = !points.Where((_, j) => j != i).Any(p => double.IsFinite(p.Accuracy) && p.Accuracy >= a && p.Cost <= c && (p.Accuracy > a || p.Cost < c));
        }

        return front;
    }
}
