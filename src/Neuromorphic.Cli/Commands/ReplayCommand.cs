using System.CommandLine;
using System.Globalization;
using Neuromorphic.Cli.Hosting;
using Neuromorphic.Chip;
using Neuromorphic.Workflows.Replay;
using Neuromorphic.Workflows.Training;
using Spectre.Console;

namespace Neuromorphic.Cli.Commands;

/// <summary>
/// <c>neuro replay TRACE</c>: re-cost a recorded run under another chip's costs without
/// simulating, or re-simulate its recorded inputs and check that it reproduces spike for spike.
/// </summary>
internal static class ReplayCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("replay", "Re-cost a trace under another chip without simulating, or re-simulate its recorded inputs and verify it reproduces.");
        var trace = new Argument<string>("TRACE") { Description = "A trace written by neuro run --trace, or the learning ledger (.learning.json) of neuro train --on-chip." };
        var chip = new Option<string?>("--chip") { Description = "Chip file or built-in name (default: the trace's own chip).", HelpName = "CHIP" };
        var resimulate = new Option<bool>("--resimulate") { Description = "Re-run the recorded inputs and compare spikes, counters and results with the trace." };
        var model = new Option<string?>("--model") { Description = "With --resimulate: the network (default: the path recorded in the trace).", HelpName = "FILE" };
        var mapping = new Option<string?>("--mapping") { Description = "With --resimulate: a mapping file (default: map again).", HelpName = "FILE" };
        var json = CommonOptions.Json();
        command.Arguments.Add(trace);
        foreach (var option in new Option[] { chip, resimulate, model, mapping, json })
        {
            command.Options.Add(option);
        }

        context.SetAction(command, async (parse, cancellationToken) =>
        {
            if (LedgerRecost.IsLedger(parse.GetValue(trace)!))
            {
                return RecostLedger(context, parse.GetValue(trace)!, parse.GetValue(chip), parse.GetValue(json));
            }

            var run = RecordedRun.Open(parse.GetValue(trace)!);
            var chipSpec = run.Chip(parse.GetValue(chip));
            if (parse.GetValue(resimulate))
            {
                var resimulation = await new Resimulation(context.LoggerFactory, NeuroApp.Version).RunAsync(run, chipSpec, parse.GetValue(model), parse.GetValue(mapping),
                    Environment.ProcessorCount, null, cancellationToken);
                if (parse.GetValue(json))
                {
                    context.Output.WriteJson(resimulation.ToJson());
                }
                else
                {
                    context.Output.WriteLine(resimulation.Reproduced
                        ? $"Reproduced: {resimulation.Compared} inferences re-simulated on {chipSpec.Name} match the trace spike for spike ({(run.Header.Level >= Traces.TraceLevel.Spikes ? "spikes, " : "")}per-core counters, results)."
                        : $"Diverged on {chipSpec.Name}: {resimulation.FirstDivergence ?? "fewer inferences than recorded"}");
                }

                return resimulation.Reproduced ? ExitCodes.Success : ExitCodes.Failure;
            }

            var report = RecostReport.Of(run, chipSpec);
            if (parse.GetValue(json))
            {
                context.Output.WriteJson(report.ToJson());
            }
            else
            {
                Render(context.Output, report);
            }

            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>A learning ledger of <c>neuro train --on-chip</c>: energy and time per training sample re-costed on <paramref name="chipName"/> (default: its own chip).</summary>
    private static int RecostLedger(CliContext context, string path, string? chipName, bool json)
    {
        var recorded = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(path))!["chip"]?.GetValue<string>();
        var chipSpec = ChipLoader.Load(chipName ?? recorded ?? "loihi1");
        var report = LedgerRecost.Recost(path, chipSpec);
        if (json)
        {
            context.Output.WriteJson(report);
            return ExitCodes.Success;
        }

        var table = new Table().Title($"{Markup.Escape(Path.GetFileName(path))}: per training sample re-costed on {Markup.Escape(chipSpec.Name)}")
            .AddColumn("epoch").AddColumn("part").AddColumn(new TableColumn("recorded dynamic µJ").RightAligned()).AddColumn(new TableColumn("dynamic µJ").RightAligned())
            .AddColumn(new TableColumn("static µJ").RightAligned()).AddColumn(new TableColumn("time µs").RightAligned());
        foreach (var row in report["epochs"]!.AsArray())
        {
            foreach (var part in new[] { "free", "nudged", "learning" })
            {
                var p = row![part]!;
                table.AddRow(row["epoch"]!.ToString(), part, $"{p["recordedDynamicUj"]!.GetValue<double>():0.###}", $"{p["dynamicUj"]!.GetValue<double>():0.###}",
                    $"{p["staticUj"]!.GetValue<double>():0.###}", $"{p["timeUs"]!.GetValue<double>():0.###}");
            }
        }

        context.Output.Write(table);
        return ExitCodes.Success;
    }

    private static void Render(CliOutput output, RecostReport report)
    {
        var inv = CultureInfo.InvariantCulture;
        var recorded = report.Recorded;
        var recosted = report.Recosted;
        var table = new Table().Title($"{Markup.Escape(Path.GetFileName(report.Run.Path))}: {report.Inferences.Count} inferences re-costed on {Markup.Escape(report.Chip.Name)}")
            .AddColumn("per inference (mean)").AddColumn(new TableColumn("recorded").RightAligned()).AddColumn(new TableColumn(Markup.Escape(report.Chip.Name)).RightAligned())
            .AddColumn(new TableColumn("ratio").RightAligned());
        static double Uj(double femtojoules) => Math.Round(femtojoules / 1e9, 6);
        (string Label, Func<RecostFigures, double> Value)[] rows =
        [
            ("dynamic (µJ)", f => Uj(f.DynamicFj)),
            ("synapse (µJ)", f => Uj(f.SynapseFj)),
            ("neuron (µJ)", f => Uj(f.NeuronFj)),
            ("network (µJ)", f => Uj(f.NetworkFj)),
            ("static (µJ)", f => Uj(f.StaticFj)),
            ("total (µJ)", f => Uj(f.TotalFj)),
            ("latency (µs)", f => Math.Round(f.LatencyPs / 1e6, 4)),
        ];
        foreach (var (label, value) in rows)
        {
            var a = value(recorded);
            var b = value(recosted);
            table.AddRow(label, a.ToString("0.###", inv), b.ToString("0.###", inv), a == 0 ? "–" : (b / a).ToString("0.###×", inv));
        }

        output.Write(table);
        output.WriteLine($"Latency: {report.LatencyNote}.");
        if (report.StaticPowerCaveat is { } caveat)
        {
            output.WriteLine($"Totals: {caveat}.");
        }
        if (report.IdenticalToRecorded)
        {
            output.WriteLine("Re-costed figures equal the recorded ones exactly.");
        }
    }
}
