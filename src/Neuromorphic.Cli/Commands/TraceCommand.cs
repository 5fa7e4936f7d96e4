using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Neuromorphic.Cli.Hosting;
using Neuromorphic.Traces;
using Neuromorphic.Traces.Analysis;
using Neuromorphic.Traces.Export;
using Spectre.Console;

namespace Neuromorphic.Cli.Commands;

/// <summary><c>neuro trace info|verify|export|plot</c>: look into, check, export and plot a recorded trace.</summary>
internal static class TraceCommand
{
    /// <summary>The files <c>trace export</c> may write (the output guard checks each).</summary>
    private static string[] TraceOutputs(bool parquet) => parquet
        ? ["spikes.parquet", "messages.parquet", "perf.parquet", "probes.parquet", "payloads.parquet", "inferences.parquet", "summary.json"]
        : ["spikes.csv", "messages.csv", "perf.csv", "probes.csv", "payloads.csv", "inferences.csv", "summary.json"];

    public static Command Create(CliContext context)
    {
        var trace = new Command("trace", "Inspect, verify, export and plot event traces (neuromorphic.trace/1).");
        trace.Subcommands.Add(Info(context));
        trace.Subcommands.Add(Verify(context));
        trace.Subcommands.Add(Export(context));
        return trace;
    }

    private static Command Info(CliContext context)
    {
        var command = new Command("info", "Show a trace's header (tool, hashes, seed, mode, level), its contents per record kind, and inference statistics.");
        var path = CommonOptions.TraceArgument();
        var json = CommonOptions.Json();
        command.Arguments.Add(path);
        command.Options.Add(json);
        context.SetAction(command, parse =>
        {
            var info = TraceInfo.Scan(parse.GetValue(path)!, context.Logger<TraceReader>());
            if (parse.GetValue(json))
            {
                context.Output.WriteJson(InfoJson(info));
                return ExitCodes.Success;
            }

            WriteInfo(context.Output, info);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Verify(CliContext context)
    {
        var command = new Command("verify", "Check every checksum, size and sequence number of a trace; exit 2 naming the first bad block.");
        var path = CommonOptions.TraceArgument();
        var json = CommonOptions.Json();
        command.Arguments.Add(path);
        command.Options.Add(json);
        context.SetAction(command, parse =>
        {
            var result = TraceVerifier.Verify(parse.GetValue(path)!);
            if (parse.GetValue(json))
            {
                context.Output.WriteJson(new
                {
                    path = result.Path,
                    ok = result.Ok,
                    fileBytes = result.FileBytes,
                    blocksVerified = result.BlocksVerified,
                    records = RecordsJson(result.Records),
                    status = result.End is { } end ? StatusName(end.Status) : "unfinished",
                    firstBad = result.FirstBad is { } bad ? new { block = bad.BlockIndex, byteOffset = bad.ByteOffset, reason = bad.Reason } : null,
                });
            }
            else if (result.Ok)
            {
                context.Output.WriteLine(
                    $"OK  {result.Path}: {result.BlocksVerified:N0} blocks, {result.RecordsByKind.Sum():N0} records, {Formats.Bytes(result.FileBytes)}, {StatusName(result.End!.Status)}");
            }
            else
            {
                var bad = result.FirstBad!;
                var where = bad.InHeader ? "the file header" : $"block {bad.BlockIndex} at byte {bad.ByteOffset:N0}";
                context.Output.WriteLine($"BAD {result.Path}: {where}: {bad.Reason}");
                context.Output.WriteLine(
                    $"    {result.BlocksVerified:N0} blocks before it are intact ({result.RecordsByKind.Sum():N0} records, readable with every trace command).");
            }

            if (!result.Ok)
            {
                context.Logger<TraceReader>().LogError("{Trace} failed verification: {Damage}", result.Path, result.FirstBad!.ToString());
            }

            return result.Ok ? ExitCodes.Success : ExitCodes.BadInput;
        });
        return command;
    }

    private static Command Export(CliContext context)
    {
        var command = new Command("export",
            "Export a trace to CSV (or Parquet) with SANA-FE-compatible columns (spikes, messages, perf per step), plus inferences and summary.json.");
        var path = CommonOptions.TraceArgument();
        var output = CommonOptions.OutDirectory("Directory to write the tables and summary.json to (created if needed, in an existing folder).");
        var format = new Option<string>("--format")
        {
            Description = "csv (SANA-FE's format) or parquet (the same columns: INT64 integers, DOUBLE seconds and joules, string names; Zstandard).",
            DefaultValueFactory = _ => "csv",
        };
        format.AcceptOnlyFromAmong("csv", "parquet");
        var inference = CommonOptions.InferenceOption("Export only this inference (its steps then start at timestep 1).");
        var json = CommonOptions.Json();
        command.Arguments.Add(path);
        command.Options.Add(output);
        command.Options.Add(inference);
        command.Options.Add(format);
        command.Options.Add(json);
        context.SetAction(command, async (parse, cancellationToken) =>
        {
            var log = context.Logger<TraceReader>();
            var tracePath = parse.GetValue(path)!;
            var outDirectory = parse.GetValue(output)!;
            context.Outputs.Input(tracePath, "the trace").Directory(outDirectory, "--out", TraceOutputs(parse.GetValue(format) == "parquet"));
            var options = new TraceExportOptions
            {
                Inference = parse.GetValue(inference),
                Format = parse.GetValue(format) == "parquet" ? TraceExportFormat.Parquet : TraceExportFormat.Csv,
            };
            var result = await new ProgressDisplay(context, log).RunAsync("Exporting", progress => Task.Run(() =>
                TraceCsvExporter.Export(tracePath, outDirectory, options, log, progress),
                cancellationToken));
            if (result.Damage is not null || !result.Complete)
            {
                log.LogWarning("{Trace} is not complete: the export holds what was readable before {Damage}", tracePath,
                    result.Damage?.ToString() ?? "its end");
            }

            if (parse.GetValue(json))
            {
                context.Output.WriteJson(new
                {
                    directory = Path.GetFullPath(outDirectory),
                    files = result.Files.Select(f => new { file = Path.GetFileName(f), rows = result.RowsByFile.GetValueOrDefault(Path.GetFileName(f)) }),
                    complete = result.Complete,
                    damage = result.Damage?.ToString(),
                });
                return ExitCodes.Success;
            }

            var table = new Table().AddColumn("file").AddColumn(new TableColumn("rows").RightAligned());
            foreach (var file in result.Files)
            {
                var name = Path.GetFileName(file);
                table.AddRow(Markup.Escape(name), result.RowsByFile.TryGetValue(name, out var rows) ? rows.ToString("N0", CultureInfo.InvariantCulture) : "");
            }

            context.Output.WriteLine($"Exported {tracePath} to {Path.GetFullPath(outDirectory)}");
            context.Output.Write(table);
            return ExitCodes.Success;
        });
        return command;
    }

    private static void WriteInfo(CliOutput output, TraceInfo info)
    {
        var h = info.Header;
        var state = info.Damage is { } d ? $"DAMAGED at {d}" : StatusName(info.End!.Status);
        output.WriteLine($"Trace       {info.Path} ({Formats.Bytes(info.FileBytes)}, {state})");
        output.WriteLine($"Format      {TraceHeader.Schema}, written by neuro {h.ToolVersion}{(h.StartedAt is { } t ? " at " + t.ToString("u", CultureInfo.InvariantCulture) : "")}");
        output.WriteLine($"Run         seed {h.Seed}, mode {ModeName(h.Mode)}, level {h.Level.Name()}");
        output.WriteLine($"Chip        {HashOrNone(h.ChipHash)}");
        output.WriteLine($"Network     {HashOrNone(h.NetworkHash)}");
        output.WriteLine($"Mapping     {HashOrNone(h.MappingHash)}");
        output.WriteLine($"Cost table  {Formats.Bytes(h.CostTableJson.Length)} of JSON; metadata {Formats.Bytes(h.MetadataJson.Length)}");
        var table = new Table().AddColumn("records").AddColumn(new TableColumn("count").RightAligned()).AddColumn(new TableColumn("blocks").RightAligned())
            .AddColumn(new TableColumn("on disk").RightAligned()).AddColumn(new TableColumn("bytes/record").RightAligned())
            .AddColumn(new TableColumn("compression").RightAligned());
        foreach (var kind in info.Kinds.Where(k => h.Level.Records(k.Kind) || k.Records > 0))
        {
            table.AddRow(kind.Kind.DisplayName(), kind.Records.ToString("N0", CultureInfo.InvariantCulture), kind.Blocks.ToString("N0", CultureInfo.InvariantCulture),
                Formats.Bytes(kind.StoredBytes), kind.Records == 0 ? "" : ((double)kind.StoredBytes / kind.Records).ToString("0.0", CultureInfo.InvariantCulture),
                kind.StoredBytes == 0 ? "" : ((double)kind.RawBytes / kind.StoredBytes).ToString("0.0", CultureInfo.InvariantCulture) + "×");
        }

        output.Write(table);
        var s = info.Inferences;
        if (s.Count > 0)
        {
            var accuracy = double.IsNaN(s.Accuracy) ? "no labels" : $"accuracy {s.Accuracy:P1} ({s.Correct:N0}/{s.Labeled:N0})";
            output.WriteLine($"Inferences  {s.Count:N0}, {accuracy}, {s.EarlyExits:N0} early exits, {s.MeanSteps:0.#} steps on average");
            output.WriteLine($"Latency     mean {Core.Units.SimTime.FromPicoseconds((long)Math.Round(s.MeanLatencyPs))}, min {Core.Units.SimTime.FromPicoseconds(s.MinLatencyPs)}, max {Core.Units.SimTime.FromPicoseconds(s.MaxLatencyPs)}");
            output.WriteLine($"Energy      mean {FormatFj(s.MeanTotalFj)} per inference: synapse {FormatFj(s.MeanSynapseFj)}, neuron {FormatFj(s.MeanNeuronFj)}, network {FormatFj(s.MeanNetworkFj)}, static {FormatFj(s.MeanStaticFj)}");
            output.WriteLine($"Events      mean per inference: {s.MeanSpikes:N0} spikes, {s.MeanSynapticOps:N0} synaptic ops, {s.MeanMessages:N0} messages");
        }
        else
        {
            output.WriteLine("Inferences  none");
        }
    }

    private static object InfoJson(TraceInfo info)
    {
        var h = info.Header;
        var s = info.Inferences;
        return new
        {
            path = info.Path,
            fileBytes = info.FileBytes,
            headerBytes = info.HeaderBytes,
            format = TraceHeader.Schema,
            toolVersion = h.ToolVersion,
            startedAt = h.StartedAt?.ToString("o", CultureInfo.InvariantCulture),
            chipHash = h.ChipHash,
            networkHash = h.NetworkHash,
            mappingHash = h.MappingHash,
            seed = h.Seed,
            mode = ModeName(h.Mode),
            level = h.Level.Name(),
            status = info.End is { } end ? StatusName(end.Status) : info.Damage is null ? "unfinished" : "damaged",
            damage = info.Damage is { } d ? new { block = d.BlockIndex, byteOffset = d.ByteOffset, reason = d.Reason } : null,
            blocks = info.Blocks,
            kinds = info.Kinds.ToDictionary(k => k.Kind.DisplayName(), k => new { records = k.Records, blocks = k.Blocks, storedBytes = k.StoredBytes, rawBytes = k.RawBytes }),
            inferences = new
            {
                count = s.Count,
                labeled = s.Labeled,
                correct = s.Correct,
                accuracy = double.IsNaN(s.Accuracy) ? (double?)null : s.Accuracy,
                earlyExits = s.EarlyExits,
                meanSteps = s.MeanSteps,
                meanLatencyPs = s.MeanLatencyPs,
                minLatencyPs = s.MinLatencyPs,
                maxLatencyPs = s.MaxLatencyPs,
                meanEnergyFj = new { total = s.MeanTotalFj, synapse = s.MeanSynapseFj, neuron = s.MeanNeuronFj, network = s.MeanNetworkFj, @static = s.MeanStaticFj },
                meanSpikes = s.MeanSpikes,
                meanSynapticOps = s.MeanSynapticOps,
                meanMessages = s.MeanMessages,
            },
            costTableBytes = h.CostTableJson.Length,
        };
    }

    private static Dictionary<string, long> RecordsJson(Func<TraceRecordKind, long> count) =>
        TraceRecordKinds.All.ToDictionary(k => k.DisplayName(), count);

    internal static string StatusName(TraceCompletion status) => status == TraceCompletion.Completed ? "complete" : "interrupted (closed cleanly)";

    private static string ModeName(TraceMode mode) => mode.Name();

    private static string HashOrNone(string hash) => hash.Length == 0 ? "(none)" : "sha256 " + hash;

    private static string FormatFj(double femtojoules) => Core.Units.Energy.FromFemtojoules((long)Math.Round(femtojoules)).ToString();
}
