using System.Text.Json.Nodes;
using Neuromorphic.Cli.Hosting;
using Neuromorphic.Sweeps;
using Neuromorphic.Sweeps.Results;
using Neuromorphic.Sweeps.Spec;
using Spectre.Console;

namespace Neuromorphic.Cli.Rendering;

/// <summary>A sweep's merged results as a table or as <c>--json</c> (shared by <c>neuro sweep</c> and <c>neuro sweep merge</c>).</summary>
internal static class SweepView
{
    public static void Render(CliOutput output, SweepTables tables, int maxRows = 40)
    {
        var plan = tables.Plan;
        if (plan.Kind != SweepKind.Train)
        {
            var table = new Table().Title(Markup.Escape($"{plan.Title}: {tables.Runs.Count} runs"));
            foreach (var column in new[] { "run" }.Concat(plan.Columns))
            {
                table.AddColumn(Markup.Escape(column));
            }

            foreach (var column in new[] { "accuracy", "µJ / inference", "latency (µs)", "Pareto" })
            {
                table.AddColumn(new TableColumn(column).RightAligned());
            }

            foreach (var row in tables.Runs.Take(maxRows))
            {
                var pareto = (row.ParetoEnergy ? "E" : "") + (row.ParetoLatency ? "L" : "");
                table.AddRow([row.Run[..12], .. plan.Columns.Select(c => Markup.Escape(SweepTables.Cell(row.Point[c]))),
                    Formats.Percent(row.Tally.Accuracy), $"{row.EnergyUj:0.###}", $"{row.LatencyUs:0.##}", pareto]);
            }

            output.Write(table);
        }

        if (plan.Kind != SweepKind.Run)
        {
            var table = new Table().Title(Markup.Escape($"{plan.Title}: {tables.Trainings.Count} trainings"));
            var columns = plan.Columns.Where(c => plan.TrainJobs.Any(j => j.Point.ContainsKey(c))).ToList();
            foreach (var column in new[] { "job" }.Concat(columns))
            {
                table.AddColumn(Markup.Escape(column));
            }

            foreach (var column in new[] { "epochs", "final test", "best test", "diverged" })
            {
                table.AddColumn(new TableColumn(column).RightAligned());
            }

            foreach (var row in tables.Trainings.Take(maxRows))
            {
                var history = row.History;
                table.AddRow([row.Job.Name[..12], .. columns.Select(c => Markup.Escape(SweepTables.Cell(row.Job.Point[c]))), history.Count.ToString(),
                    Formats.Percent(history.Count > 0 ? history[^1].TestAccuracy : double.NaN),
                    Formats.Percent(history.Count > 0 ? history.Max(h => h.TestAccuracy) : double.NaN), row.Diverged ? "yes" : ""]);
            }

            output.Write(table);
        }
    }

    public static JsonObject Json(SweepTables tables, IEnumerable<string> files, SweepOutcome? outcome = null) => new()
    {
        ["directory"] = outcome?.Directory,
        ["kind"] = SweepSpec.KindName(tables.Plan.Kind),
        ["specHash"] = tables.Plan.SpecHash,
        ["jobs"] = outcome?.Selected ?? tables.Plan.Jobs.Count,
        ["skipped"] = outcome?.Skipped,
        ["completed"] = outcome?.Completed,
        ["failed"] = new JsonArray((outcome?.Failed ?? []).Select(f => (JsonNode)new JsonObject { ["job"] = f.Name, ["kind"] = f.Kind, ["message"] = f.Message }).ToArray()),
        ["incompleteRuns"] = tables.IncompleteRuns,
        ["wallSeconds"] = outcome is null ? null : Math.Round(outcome.WallSeconds, 3),
        ["files"] = new JsonArray(files.Select(f => (JsonNode)f).ToArray()),
        ["runs"] = new JsonArray(tables.Runs.Select(r => (JsonNode)new JsonObject
        {
            ["run"] = r.Run,
            ["point"] = r.Point.DeepClone(),
            ["network"] = r.Network,
            ["chip"] = r.Chip,
            ["figures"] = r.Tally.Figures(),
            ["paretoEnergy"] = r.ParetoEnergy,
            ["paretoLatency"] = r.ParetoLatency,
        }).ToArray()),
        ["trainings"] = new JsonArray(tables.Trainings.Select(t => (JsonNode)new JsonObject
        {
            ["job"] = t.Job.Id,
            ["point"] = t.Job.Point.DeepClone(),
            ["diverged"] = t.Diverged,
            ["final"] = t.Result["final"]?.DeepClone(),
        }).ToArray()),
    };
}
