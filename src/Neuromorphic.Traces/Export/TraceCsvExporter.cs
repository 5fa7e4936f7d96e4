using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Neuromorphic.Core.Errors;
using Neuromorphic.Core.IO;
using Neuromorphic.Core.Progress;

namespace Neuromorphic.Traces.Export;

/// <summary>The file format of an export's tables.</summary>
public enum TraceExportFormat
{
    /// <summary>CSV, SANA-FE's format: <c>spikes.csv</c>, <c>messages.csv</c>, <c>perf.csv</c>, <c>inferences.csv</c>.</summary>
    Csv,

    /// <summary>Apache Parquet with the same columns: INT64 for exact integers, DOUBLE for SI quantities, strings for names.</summary>
    Parquet,
}

/// <summary>What to export.</summary>
public sealed record TraceExportOptions
{
    /// <summary>CSV (default) or Parquet; both hold the same columns and values.</summary>
    public TraceExportFormat Format { get; init; } = TraceExportFormat.Csv;

    /// <summary>Only this inference (its steps then start at timestep 1), or every inference.</summary>
    public int? Inference { get; init; }
}

/// <summary>The files an export wrote, and where the trace was damaged if it was.</summary>
public sealed record TraceExportResult(IReadOnlyList<string> Files, IReadOnlyDictionary<string, long> RowsByFile, TraceDamage? Damage, bool Complete);

/// <summary>
/// Exports a trace to CSV files whose leading columns are those of SANA-FE's <c>spikes.csv</c>,
/// <c>messages.csv</c> and <c>perf.csv</c> (names, order and units: seconds and joules), followed by
/// exact integer columns (picoseconds, femtojoules) and the inference and step; plus
/// <c>inferences.csv</c> and <c>summary.json</c>. traces/README.md lists every column.
/// <c>timestep</c> counts steps across the exported inferences, as in one long SANA-FE run (from 1).
/// <c>spikes.csv</c> lists input spikes too (<c>in.k</c> rows, named after the input population), each
/// before the neuron spikes of its step. <c>probes.csv</c> holds probed neurons' u and v per step
/// when the run probed any (<c>--probe</c>), <c>payloads.csv</c> the payloads of graded spikes when the run sent any
/// (<c>--realization sigma-delta</c>; input payloads are the input rows' values).
/// </summary>
public static class TraceCsvExporter
{
    public static readonly string[] SpikeColumns = ["neuron", "timestep", "inference", "step", "time_ps", "core"];

    public static readonly string[] MessageColumns =
    [
        "timestep", "mid", "src_neuron", "src_hw", "dest_hw", "hops", "spikes", "send_timestamp", "received_timestamp", "processed_timestamp",
        "generation_delay", "processing_delay", "network_delay", "blocking_delay",
        "inference", "step", "src_core", "dest_core", "hops_east", "hops_west", "hops_north", "hops_south",
        "sent_ps", "received_ps", "processed_ps", "generation_delay_ps", "network_delay_ps", "blocking_ps",
    ];

    public static readonly string[] PerfColumns =
    [
        "timestep", "fired", "updated", "packets", "hops", "spikes", "sim_time", "synapse_energy", "dendrite_energy", "soma_energy",
        "network_energy", "total_energy",
        "inference", "step", "step_start_ps", "step_end_ps", "neurons_accessed", "messages_in", "busy_ps",
        "synapse_fj", "neuron_fj", "network_fj", "static_fj",
    ];

    /// <summary>Probed neurons' state after each step's update (only when the trace probes neurons): u, v, threshold in the run's arithmetic.</summary>
    public static readonly string[] ProbeColumns = ["neuron", "timestep", "inference", "step", "core", "u", "v", "threshold"];

    /// <summary>Graded spikes' payloads (only in runs on graded spikes): one row per spike of spikes.csv that carried one.</summary>
    public static readonly string[] PayloadColumns = ["neuron", "timestep", "inference", "step", "payload"];

    public static readonly string[] InferenceColumns =
    [
        "inference", "sample_index", "label", "predicted", "correct", "steps", "early_exit", "latency_ps", "first_input_ps", "decision_ps", "end_ps",
        "synapse_fj", "neuron_fj", "network_fj", "static_fj", "total_fj", "spikes", "synaptic_ops", "messages", "hops",
    ];

    private const double PsPerSecond = 1e12;
    private const double FjPerJoule = 1e15;

    public static TraceExportResult Export(string tracePath, string outDirectory, TraceExportOptions? options = null, ILogger? logger = null,
        IProgress<WorkProgress>? progress = null)
    {
        options ??= new TraceExportOptions();
        if (File.Exists(outDirectory))
        {
            throw new InvalidInputException(null, "--out", outDirectory, "a directory (a file of that name exists)");
        }

        var parent = Path.GetDirectoryName(Path.GetFullPath(outDirectory));
        if (parent is not null && !Directory.Exists(parent))
        {
            throw new InvalidInputException(null, "--out", outDirectory, $"a directory in an existing folder ({parent} does not exist)");
        }

        var fileBytes = new FileInfo(tracePath).Exists ? new FileInfo(tracePath).Length : 0;
        var offsets = StepOffsets(tracePath, options.Inference);
        using var reader = TraceReader.Open(tracePath, new TraceReadOptions { Inference = options.Inference }, logger);
        if (options.Inference is { } only && !offsets.ContainsKey(only))
        {
            throw new InvalidInputException(tracePath, "--inference", only.ToString(System.Globalization.CultureInfo.InvariantCulture),
                $"an inference the trace holds ({DescribeInferences(offsets)})");
        }

        var metadata = RunManifest.Of(reader.Header);
        var level = reader.Header.Level;
        using var outputs = new AtomicOutputs(outDirectory);
        try
        {
            var writers = new Dictionary<string, ITableWriter>();
            ITableWriter Open(string table, string[] columns)
            {
                ITableWriter writer;
                if (options.Format == TraceExportFormat.Parquet)
                {
                    var name = table + ".parquet";
                    writer = new ParquetTableWriter(outputs.Create(Path.Combine(outDirectory, name)), columns.Select(Kind).ToArray());
                    writers[name] = writer;
                }
                else
                {
                    var csv = new CsvLineWriter(outputs.Create(Path.Combine(outDirectory, table + ".csv")));
                    csv.Header(columns);
                    writers[table + ".csv"] = writer = csv;
                }

                return writer;
            }

            var spikes = level.Records(TraceRecordKind.Spike) ? Open("spikes", SpikeColumns) : null;
            var messages = level.Records(TraceRecordKind.Message) ? Open("messages", MessageColumns) : null;
            var perf = level.Records(TraceRecordKind.CoreStep) ? Open("perf", PerfColumns) : null;
            var inferences = Open("inferences", InferenceColumns);
            var perfRows = new PerfAggregator(perf, offsets);
            var summaries = new List<InferenceSummaryRecord>();
            var pendingInputs = new Queue<InputEventRecord>();
            void WriteInputsUpTo(int inference, int step)
            {
                while (pendingInputs.TryPeek(out var e) && (e.Inference < inference || (e.Inference == inference && e.Step <= step)))
                {
                    pendingInputs.Dequeue();
                    Wanted(e.Inference, options, offsets, out var offset);
                    spikes!.Text(metadata.InputName(e.Input)).Int(offset + e.Step).Int(e.Inference).Int(e.Step).Int(e.TimePs).Int(e.Core).EndLine();
                }
            }

            ITableWriter? probes = null;
            ITableWriter? payloads = null;
            long messageId = 0;
            var blocks = 0L;
            while (reader.TryReadBlock(out var block))
            {
                switch (block.Kind)
                {
                    case TraceRecordKind.InputEvent when spikes is not null:
                        foreach (ref readonly var e in block.InputEvents)
                        {
                            if (Wanted(e.Inference, options, offsets, out _))
                            {
                                pendingInputs.Enqueue(e);
                            }
                        }

                        break;
                    case TraceRecordKind.Spike when spikes is not null:
                        foreach (ref readonly var s in block.Spikes)
                        {
                            if (Wanted(s.Inference, options, offsets, out var offset))
                            {
                                WriteInputsUpTo(s.Inference, s.Step);
                                spikes.Text(metadata.NeuronName(s.Neuron)).Int(offset + s.Step).Int(s.Inference).Int(s.Step).Int(s.TimePs).Int(s.Core).EndLine();
                            }
                        }

                        break;
                    case TraceRecordKind.Message when messages is not null:
                        foreach (ref readonly var m in block.Messages)
                        {
                            if (Wanted(m.Inference, options, offsets, out var offset))
                            {
                                messages.Int(offset + m.Step).Int(messageId++).Text(metadata.NeuronName(m.SourceNeuron)).Text(metadata.CoreName(m.SourceCore))
                                    .Text(metadata.CoreName(m.DestinationCore)).Int(m.Hops).Int(m.Synapses)
                                    .Scaled(m.SentPs, PsPerSecond).Scaled(m.ReceivedPs, PsPerSecond).Scaled(m.ProcessedPs, PsPerSecond)
                                    .Scaled(m.GenerationDelayPs, PsPerSecond).Scaled(m.ProcessingDelayPs, PsPerSecond)
                                    .Scaled(m.NetworkDelayPs, PsPerSecond).Scaled(m.BlockingPs, PsPerSecond)
                                    .Int(m.Inference).Int(m.Step).Int(m.SourceCore).Int(m.DestinationCore)
                                    .Int(m.HopsEast).Int(m.HopsWest).Int(m.HopsNorth).Int(m.HopsSouth)
                                    .Int(m.SentPs).Int(m.ReceivedPs).Int(m.ProcessedPs).Int(m.GenerationDelayPs).Int(m.NetworkDelayPs).Int(m.BlockingPs)
                                    .EndLine();
                            }
                        }

                        break;
                    case TraceRecordKind.Probe:
                        foreach (ref readonly var p in block.Probes)
                        {
                            if (Wanted(p.Inference, options, offsets, out var offset))
                            {
                                probes ??= Open("probes", ProbeColumns);
                                probes.Text(metadata.NeuronName(p.Neuron)).Int(offset + p.Step).Int(p.Inference).Int(p.Step).Int(p.Core)
                                    .Real(p.U).Real(p.V).Real(p.Threshold).EndLine();
                            }
                        }

                        break;
                    case TraceRecordKind.Payload:
                        foreach (ref readonly var p in block.Payloads)
                        {
                            if (Wanted(p.Inference, options, offsets, out var offset))
                            {
                                payloads ??= Open("payloads", PayloadColumns);
                                payloads.Text(metadata.NeuronName(p.Neuron)).Int(offset + p.Step).Int(p.Inference).Int(p.Step).Int(p.Payload).EndLine();
                            }
                        }

                        break;
                    case TraceRecordKind.CoreStep when perf is not null:
                        foreach (ref readonly var c in block.CoreSteps)
                        {
                            if (Wanted(c.Inference, options, offsets, out _))
                            {
                                perfRows.Add(in c);
                            }
                        }

                        break;
                    case TraceRecordKind.InferenceSummary:
                        foreach (ref readonly var s in block.Summaries)
                        {
                            if (Wanted(s.Inference, options, offsets, out _))
                            {
                                summaries.Add(s);
                                WriteInference(inferences, in s);
                            }
                        }

                        break;
                }

                if (++blocks % 64 == 0)
                {
                    progress?.Report(new WorkProgress("bytes", reader.Position, fileBytes));
                }
            }

            if (spikes is not null)
            {
                WriteInputsUpTo(int.MaxValue, int.MaxValue);
            }

            perfRows.FlushAll();

            var summaryStream = outputs.Create(Path.Combine(outDirectory, "summary.json"));
            var summaryJson = SummaryJson(tracePath, reader, summaries, perfRows, options);
            summaryStream.Write(new System.Text.UTF8Encoding(false).GetBytes(JsonText.Format(summaryJson)));
            foreach (var writer in writers.Values)
            {
                writer.Dispose();
            }

            var files = outputs.Commit();

            progress?.Report(new WorkProgress("bytes", fileBytes, fileBytes));
            var rows = writers.ToDictionary(w => w.Key, w => w.Value.Rows);
            return new TraceExportResult(files, rows, reader.Damage, reader.End is not null);
        }
        catch (IOException ex) when (ex is not OutputWriteException)
        {
            throw outputs.Failure(ex);
        }
    }

    private static readonly HashSet<string> TextColumns = ["neuron", "src_neuron", "src_hw", "dest_hw"];

    private static readonly HashSet<string> RealColumns = ["u", "v", "threshold"];

    private static readonly HashSet<string> SiColumns =
    [
        "send_timestamp", "received_timestamp", "processed_timestamp", "generation_delay", "processing_delay", "network_delay", "blocking_delay",
        "sim_time", "synapse_energy", "dendrite_energy", "soma_energy", "network_energy", "total_energy",
    ];

    /// <summary>A column's type: names are text, SANA-FE's seconds and joules are SI quantities, probed state real, everything else an exact integer.</summary>
    private static Column Kind(string name) =>
        TextColumns.Contains(name) ? Column.T(name)
        : RealColumns.Contains(name) ? Column.R(name)
        : SiColumns.Contains(name) ? Column.Si(name, name.EndsWith("_energy", StringComparison.Ordinal) ? 15 : 12)
        : Column.I(name);

    private static bool Wanted(int inference, TraceExportOptions options, Dictionary<int, long> offsets, out long offset)
    {
        offset = 0;
        if (options.Inference is { } only && inference != only)
        {
            return false;
        }

        offsets.TryGetValue(inference, out offset);
        return true;
    }

    private static void WriteInference(ITableWriter csv, in InferenceSummaryRecord s) =>
        csv.Int(s.Inference).Int(s.SampleIndex).Int(s.Label).Int(s.Predicted).Int(s.Correct ? 1 : 0).Int(s.Steps).Int(s.ExitedEarly ? 1 : 0)
            .Int(s.LatencyPs).Int(s.FirstInputPs).Int(s.DecisionPs).Int(s.EndPs)
            .Int(s.SynapseFj).Int(s.NeuronFj).Int(s.NetworkFj).Int(s.StaticFj).Int(s.TotalFj)
            .Int(s.Spikes).Int(s.SynapticOps).Int(s.Messages).Int(s.Hops).EndLine();

    /// <summary>
    /// First pass: the timestep offset of every inference (the steps of the inferences before it),
    /// from the summaries and the core counters (whichever says more steps).
    /// </summary>
    private static Dictionary<int, long> StepOffsets(string tracePath, int? only)
    {
        var steps = new SortedDictionary<int, int>();
        using (var reader = TraceReader.Open(tracePath, new TraceReadOptions { Kinds = TraceKinds.InferenceSummaries | TraceKinds.CoreSteps, Inference = only }))
        {
            void Note(int inference, int step)
            {
                steps[inference] = Math.Max(step, steps.GetValueOrDefault(inference));
            }

            while (reader.TryReadBlock(out var block))
            {
                switch (block.Kind)
                {
                    case TraceRecordKind.InferenceSummary:
                        foreach (ref readonly var s in block.Summaries)
                        {
                            Note(s.Inference, s.Steps);
                        }

                        break;
                    case TraceRecordKind.CoreStep:
                        foreach (ref readonly var c in block.CoreSteps)
                        {
                            Note(c.Inference, c.Step);
                        }

                        break;
                }
            }
        }

        var offsets = new Dictionary<int, long>();
        long offset = 0;
        foreach (var (inference, count) in steps)
        {
            if (only is { } o && inference != o)
            {
                continue;
            }

            offsets[inference] = offset;
            offset += count;
        }

        return offsets;
    }

    private static string DescribeInferences(Dictionary<int, long> offsets) =>
        offsets.Count == 0 ? "none" : $"{offsets.Keys.Min()} to {offsets.Keys.Max()}";

    private static JsonObject SummaryJson(string tracePath, TraceReader reader, List<InferenceSummaryRecord> summaries, PerfAggregator perf,
        TraceExportOptions options)
    {
        var header = reader.Header;
        long synapse = 0, neuron = 0, network = 0, statics = 0, total = 0, spikes = 0, synops = 0, messages = 0, latency = 0, steps = 0;
        var correct = 0;
        var labeled = 0;
        foreach (var s in summaries)
        {
            synapse += s.SynapseFj;
            neuron += s.NeuronFj;
            network += s.NetworkFj;
            statics += s.StaticFj;
            total += s.TotalFj;
            spikes += s.Spikes;
            synops += s.SynapticOps;
            messages += s.Messages;
            latency += s.LatencyPs;
            steps += s.Steps;
            labeled += s.Label >= 0 ? 1 : 0;
            correct += s.Correct ? 1 : 0;
        }

        JsonNode? metadata;
        try
        {
            metadata = JsonNode.Parse(header.MetadataJson);
        }
        catch (System.Text.Json.JsonException)
        {
            metadata = header.MetadataJson;
        }

        return new JsonObject
        {
            ["schema"] = "neuromorphic.trace-export/1",
            ["trace"] = Path.GetFileName(tracePath),
            ["format"] = TraceHeader.Schema,
            ["toolVersion"] = header.ToolVersion,
            ["chipHash"] = header.ChipHash,
            ["networkHash"] = header.NetworkHash,
            ["mappingHash"] = header.MappingHash,
            ["seed"] = header.Seed,
            ["mode"] = header.Mode.Name(),
            ["level"] = header.Level.Name(),
            ["inference"] = options.Inference,
            ["complete"] = reader.End is not null,
            ["damage"] = reader.Damage?.ToString(),
            ["inferences"] = summaries.Count,
            ["labeled"] = labeled,
            ["correct"] = correct,
            ["timestepsExecuted"] = perf.Rows > 0 ? perf.Rows : steps,
            ["totals"] = new JsonObject
            {
                ["spikes"] = spikes,
                ["synapticOps"] = synops,
                ["messages"] = messages,
                ["latencyPs"] = latency,
                ["synapseFj"] = synapse,
                ["neuronFj"] = neuron,
                ["networkFj"] = network,
                ["staticFj"] = statics,
                ["totalFj"] = total,
            },
            // SANA-FE's run_summary.yaml, in its units (seconds, joules); perf totals sum the per-step rows.
            ["sanafe"] = new JsonObject
            {
                ["timesteps_executed"] = perf.Rows > 0 ? perf.Rows : steps,
                ["total_spikes"] = perf.Rows > 0 ? perf.SynapticOps : synops,
                ["total_messages_sent"] = perf.Rows > 0 ? perf.Packets : messages,
                ["total_neurons_updated"] = perf.Updated,
                ["total_neurons_fired"] = perf.Rows > 0 ? perf.Fired : spikes,
                ["sim_time"] = (perf.Rows > 0 ? perf.SimTimePs : latency) / PsPerSecond,
                ["energy"] = new JsonObject
                {
                    ["synapse"] = synapse / FjPerJoule,
                    ["dendrite"] = 0.0,
                    ["soma"] = neuron / FjPerJoule,
                    ["network"] = network / FjPerJoule,
                    ["total"] = (synapse + neuron + network) / FjPerJoule,
                },
            },
            ["metadata"] = metadata,
        };
    }

    /// <summary>Sums core-step records into one perf.csv row per (inference, step), in step order.</summary>
    private sealed class PerfAggregator(ITableWriter? csv, Dictionary<int, long> offsets)
    {
        private readonly SortedDictionary<int, Row> _rows = [];
        private int _inference = -1;

        public long Rows { get; private set; }
        public long Fired { get; private set; }
        public long Updated { get; private set; }
        public long Packets { get; private set; }
        public long SynapticOps { get; private set; }
        public long SimTimePs { get; private set; }

        public void Add(in CoreStepRecord c)
        {
            if (c.Inference != _inference)
            {
                FlushAll();
                _inference = c.Inference;
            }

            if (!_rows.TryGetValue(c.Step, out var row))
            {
                row = new Row { StartPs = long.MaxValue, EndPs = long.MinValue };
                _rows[c.Step] = row;
            }

            // SANA-FE counts a firing input neuron as fired and updated.
            var counters = c.Counters;
            row.Fired += counters.NeuronsFired + counters.InputSpikes;
            row.Updated += counters.NeuronsUpdated + counters.InputSpikes;
            row.Accessed += counters.NeuronsAccessed;
            row.Packets += counters.MessagesOut;
            row.MessagesIn += counters.MessagesIn;
            row.Hops += counters.Hops;
            row.SynapticOps += counters.SynapticOps;
            row.BusyPs += c.BusyPs;
            row.StartPs = Math.Min(row.StartPs, c.StepStartPs);
            row.EndPs = Math.Max(row.EndPs, c.StepEndPs);
            row.SynapseFj += c.SynapseFj;
            row.NeuronFj += c.NeuronFj;
            row.NetworkFj += c.NetworkFj;
            row.StaticFj += c.StaticFj;
        }

        public void FlushAll()
        {
            if (csv is null || _rows.Count == 0)
            {
                _rows.Clear();
                return;
            }

            var offset = offsets.GetValueOrDefault(_inference);
            foreach (var (step, r) in _rows)
            {
                var durationPs = r.EndPs - r.StartPs;
                csv.Int(offset + step).Int(r.Fired).Int(r.Updated).Int(r.Packets).Int(r.Hops).Int(r.SynapticOps)
                    .Scaled(durationPs, PsPerSecond).Scaled(r.SynapseFj, FjPerJoule).Scaled(0, FjPerJoule).Scaled(r.NeuronFj, FjPerJoule)
                    .Scaled(r.NetworkFj, FjPerJoule).Scaled(r.SynapseFj + r.NeuronFj + r.NetworkFj, FjPerJoule)
                    .Int(_inference).Int(step).Int(r.StartPs).Int(r.EndPs).Int(r.Accessed).Int(r.MessagesIn).Int(r.BusyPs)
                    .Int(r.SynapseFj).Int(r.NeuronFj).Int(r.NetworkFj).Int(r.StaticFj).EndLine();
                Rows++;
                Fired += r.Fired;
                Updated += r.Updated;
                Packets += r.Packets;
                SynapticOps += r.SynapticOps;
                SimTimePs += durationPs;
            }

            _rows.Clear();
        }

        private sealed class Row
        {
            public long Fired, Updated, Accessed, Packets, MessagesIn, Hops, SynapticOps, BusyPs, StartPs, EndPs, SynapseFj, NeuronFj, NetworkFj, StaticFj;
        }
    }
}
