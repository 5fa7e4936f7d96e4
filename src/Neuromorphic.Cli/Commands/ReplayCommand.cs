using System.CommandLine;
using System.Globalization;
using Neuromorphic.Cli.Hosting;
using Neuromorphic.Workflows.Replay;
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
        var trace = new Argument<string>("TRACE") { Description = "A trace written by neuro run --trace." };
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
