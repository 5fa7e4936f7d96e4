using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Neuromorphic.Chip;
using Neuromorphic.Chip.Costs;
using Neuromorphic.Cli.Hosting;
using Neuromorphic.Cli.Models;
using Neuromorphic.Core.Errors;
using Neuromorphic.Core.IO;
using Neuromorphic.Mapping;
using Neuromorphic.Simulation;
using Neuromorphic.Simulation.Input;
using Neuromorphic.Simulation.Tracing;
using Neuromorphic.Simulation.Variability;
using Neuromorphic.Traces;
using Neuromorphic.Traces.Replay;
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
            var path = parse.GetValue(trace)!;
            if (!File.Exists(path))
            {
                throw new InvalidInputException(path, "TRACE", path, "an existing trace file (the file does not exist)");
            }

            TraceHeader header;
            using (var reader = TraceReader.Open(path, new TraceReadOptions { Kinds = TraceKinds.None }))
            {
                header = reader.Header;
            }

            var metadata = JsonNode.Parse(header.MetadataJson) as JsonObject ?? [];
            var recordedCosts = CostTable.FromJson(JsonNode.Parse(header.CostTableJson)!.AsObject());
            var chipSpec = LoadChip(parse.GetValue(chip), metadata, header, path);
            if (parse.GetValue(resimulate))
            {
                return await Resimulate(context, parse.GetValue(json), path, header, metadata, chipSpec, parse.GetValue(model), parse.GetValue(mapping), cancellationToken);
            }

            var tiles = metadata[RunTrace.Keys.TilesInUse]?.GetValue<int>() ?? 1;
            var costs = chipSpec.ContentHash == header.ChipHash ? recordedCosts : CostTable.FromChip(chipSpec, tiles);
            var (inferences, latencyMode) = TraceRecoster.Recost(path, costs);
            Report(context, path, header, chipSpec, inferences, latencyMode, parse.GetValue(json));
            return ExitCodes.Success;
        });
        return command;
    }

    private static ChipSpec LoadChip(string? requested, JsonObject metadata, TraceHeader header, string path)
    {
        if (requested is not null)
        {
            return ChipLoader.Load(requested);
        }

        var name = metadata[RunTrace.Keys.Chip]?.GetValue<string>()
            ?? throw new InvalidInputException(path, "metadata.chip", "missing", "the chip's name (or pass --chip)");
        var spec = ChipLoader.Load(name);
        if (spec.ContentHash != header.ChipHash)
        {
            throw new InvalidInputException(path, "header chip hash", Hashing.Short(header.ChipHash),
                $"the hash of built-in chip '{name}' ({Hashing.Short(spec.ContentHash)}); the run used another file: pass it with --chip");
        }

        return spec;
    }

    private static void Report(CliContext context, string path, TraceHeader header, ChipSpec chip, IReadOnlyList<RecostedInference> inferences, LatencyRecost latencyMode, bool json)
    {
        static double Uj(double fj) => Math.Round(fj / 1e9, 6);
        double Mean(Func<RecostedInference, double> f) => inferences.Count == 0 ? 0 : inferences.Average(f);
        var recorded = new JsonObject
        {
            ["dynamicUj"] = Uj(Mean(r => r.RecordedEnergy.DynamicFj)),
            ["staticUj"] = Uj(Mean(r => r.RecordedEnergy.StaticFj)),
            ["totalUj"] = Uj(Mean(r => r.RecordedEnergy.TotalFj)),
            ["synapseUj"] = Uj(Mean(r => r.RecordedEnergy.SynapseFj)),
            ["neuronUj"] = Uj(Mean(r => r.RecordedEnergy.NeuronFj)),
            ["networkUj"] = Uj(Mean(r => r.RecordedEnergy.NetworkFj)),
            ["latencyUs"] = Math.Round(Mean(r => r.RecordedLatencyPs) / 1e6, 4),
        };
        var recosted = new JsonObject
        {
            ["dynamicUj"] = Uj(Mean(r => r.Energy.DynamicFj)),
            ["staticUj"] = Uj(Mean(r => r.Energy.StaticFj)),
            ["totalUj"] = Uj(Mean(r => r.Energy.TotalFj)),
            ["synapseUj"] = Uj(Mean(r => r.Energy.SynapseFj)),
            ["neuronUj"] = Uj(Mean(r => r.Energy.NeuronFj)),
            ["networkUj"] = Uj(Mean(r => r.Energy.NetworkFj)),
            ["latencyUs"] = Math.Round(Mean(r => r.LatencyPs) / 1e6, 4),
        };
        var identical = inferences.All(r => r.Energy.TotalFj == r.RecordedEnergy.TotalFj && r.LatencyPs == r.RecordedLatencyPs
            && r.Energy.SynapseFj == r.RecordedEnergy.SynapseFj && r.Energy.NeuronFj == r.RecordedEnergy.NeuronFj && r.Energy.NetworkFj == r.RecordedEnergy.NetworkFj);
        var latencyNote = latencyMode switch
        {
            LatencyRecost.Exact => "exact (barrier timing model on the recorded messages)",
            LatencyRecost.SimpleExact => "exact (simple timing model on the recorded counters)",
            LatencyRecost.NeuronWorkOnly => "approximate: no messages recorded (slowest core's neuron work + barrier per step)",
            _ => "as recorded: async timing cannot change without --resimulate",
        };
        if (json)
        {
            context.Output.WriteJson(new JsonObject
            {
                ["trace"] = path,
                ["recordedChipHash"] = header.ChipHash,
                ["chip"] = chip.Name,
                ["chipHash"] = chip.ContentHash,
                ["inferences"] = inferences.Count,
                ["latencyRecost"] = latencyMode.ToString(),
                ["recorded"] = recorded,
                ["recosted"] = recosted,
                ["identicalToRecorded"] = identical,
                ["perInference"] = new JsonArray(inferences.Select(r => (JsonNode)new JsonObject
                {
                    ["inference"] = r.Inference,
                    ["recordedTotalFj"] = r.RecordedEnergy.TotalFj,
                    ["totalFj"] = r.Energy.TotalFj,
                    ["recordedLatencyPs"] = r.RecordedLatencyPs,
                    ["latencyPs"] = r.LatencyPs,
                }).ToArray()),
            });
            return;
        }

        var inv = CultureInfo.InvariantCulture;
        var table = new Table().Title($"{Markup.Escape(Path.GetFileName(path))}: {inferences.Count} inferences re-costed on {Markup.Escape(chip.Name)}")
            .AddColumn("per inference (mean)").AddColumn(new TableColumn("recorded").RightAligned()).AddColumn(new TableColumn(Markup.Escape(chip.Name)).RightAligned())
            .AddColumn(new TableColumn("ratio").RightAligned());
        foreach (var key in new[] { "dynamicUj", "synapseUj", "neuronUj", "networkUj", "staticUj", "totalUj", "latencyUs" })
        {
            var a = recorded[key]!.GetValue<double>();
            var b = recosted[key]!.GetValue<double>();
            var unit = key == "latencyUs" ? "µs" : "µJ";
            table.AddRow(key.Replace("Uj", "", StringComparison.Ordinal).Replace("Us", "", StringComparison.Ordinal) + $" ({unit})",
                a.ToString("0.###", inv), b.ToString("0.###", inv), a == 0 ? "–" : (b / a).ToString("0.###×", inv));
        }

        context.Output.Write(table);
        context.Output.WriteLine($"Latency: {latencyNote}.");
        if (identical)
        {
            context.Output.WriteLine("Re-costed figures equal the recorded ones exactly.");
        }
    }

    private static async Task<int> Resimulate(CliContext context, bool json, string path, TraceHeader header, JsonObject metadata, ChipSpec chip,
        string? modelPath, string? mappingPath, CancellationToken cancellationToken)
    {
        if (header.Level < TraceLevel.Counters)
        {
            throw new InvalidInputException(path, "header level", header.Level.Name(), "a trace with input events (level counters or above) to re-simulate");
        }

        modelPath ??= metadata[RunTrace.Keys.Model]?.GetValue<string>()
            ?? throw new InvalidInputException(path, "metadata.model", "missing", "the model's path (or pass --model)");
        var network = ModelLoader.Load(modelPath);
        if (network.ContentHash != header.NetworkHash)
        {
            throw new InvalidInputException(modelPath, "network hash", Hashing.Short(network.ContentHash),
                $"{Hashing.Short(header.NetworkHash)}, the network the trace recorded (the model changed since)");
        }

        var mapped = mappingPath is null
            ? new Mapper(context.Logger<Mapper>()).Map(network, chip, NeuroApp.Version)
            : MappedNetworkBuilder.Build(network, chip, MappingFile.Load(mappingPath, network, chip), mappingPath);
        var options = new RunOptions
        {
            Mode = header.Mode == TraceMode.Async ? SyncMode.Async : SyncMode.Barrier,
            Steps = metadata[RunTrace.Keys.Steps]!.GetValue<int>(),
            CountFromStep = metadata[RunTrace.Keys.CountFrom]?.GetValue<int>() ?? 0,
            EarlyExit = metadata[RunTrace.Keys.EarlyExit]?.GetValue<bool>() ?? false,
            Ideal = metadata[RunTrace.Keys.Ideal]?.GetValue<bool>() ?? false,
            AsyncPeriodPs = metadata[RunTrace.Keys.AsyncPeriodPs]?.GetValue<long>(),
            Seed = header.Seed,
            Threads = Environment.ProcessorCount,
            Timing = metadata[RunTrace.Keys.Timing]?.GetValue<string>() == "simple" ? TimingModel.Simple : TimingModel.Detailed,
        };

        // First pass: the recorded inputs and labels.
        var inputs = new List<(int Label, List<(int Step, int Index)> Events)>();
        foreach (var inference in TraceFile.ReadInferences(path, TraceKinds.InputEvents))
        {
            if (inference.Summary is not { } recordedSummary)
            {
                break;
            }

            var events = new List<(int, int)>();
            foreach (ref readonly var e in inference.InputEvents.Span)
            {
                events.Add((e.Step, e.Input));
            }

            inputs.Add((recordedSummary.Label, events));
        }

        var instance = ChipInstance.Create(mapped, options.Seed, options.Ideal);
        var recorders = new System.Collections.Concurrent.ConcurrentDictionary<int, TraceRecorder>();
        using var recorded = TraceFile.ReadInferences(path, TraceKinds.Spikes | TraceKinds.CoreSteps).GetEnumerator();
        string? divergence = null;
        var compared = 0;
        var summary = await new Simulator(context.Logger<Simulator>()).RunAsync(instance, inputs.Count,
            i => new EventInput(inputs[i].Events) { Label = inputs[i].Label }, options,
            i => recorders[i] = new TraceRecorder(i, i, header.Level < TraceLevel.Spikes ? header.Level : TraceLevel.Spikes, instance.Costs).WithRequestedSteps(options.Steps),
            result =>
            {
                recorders.TryRemove(result.Index, out var recorder);
                if (divergence is null && recorded.MoveNext())
                {
                    divergence = Compare(recorded.Current, recorder!.Buffer, header.Level);
                    compared++;
                }
            },
            null, cancellationToken);

        var reproduced = divergence is null && compared == inputs.Count;
        if (json)
        {
            context.Output.WriteJson(new JsonObject
            {
                ["trace"] = path,
                ["chip"] = chip.Name,
                ["inferences"] = inputs.Count,
                ["compared"] = compared,
                ["reproduced"] = reproduced,
                ["firstDivergence"] = divergence,
                ["accuracy"] = summary.Labelled == 0 ? null : summary.Accuracy,
            });
        }
        else
        {
            context.Output.WriteLine(reproduced
                ? $"Reproduced: {compared} inferences re-simulated on {chip.Name} match the trace spike for spike ({(header.Level >= TraceLevel.Spikes ? "spikes, " : "")}per-core counters, results)."
                : $"Diverged on {chip.Name}: {divergence ?? "fewer inferences than recorded"}");
        }

        return reproduced ? ExitCodes.Success : ExitCodes.Failure;
    }

    /// <summary>The first difference between a recorded inference and its re-simulation, or null.</summary>
    private static string? Compare(InferenceRecords recorded, InMemoryTraceSink again, TraceLevel level)
    {
        var inference = recorded.Inference;
        if (level >= TraceLevel.Spikes)
        {
            var a = recorded.Spikes.Span.ToArray().Select(s => (s.Step, s.Neuron)).Order().ToArray();
            var b = again.Spikes.Span.ToArray().Select(s => (s.Step, s.Neuron)).Order().ToArray();
            for (var i = 0; i < Math.Min(a.Length, b.Length); i++)
            {
                if (a[i] != b[i])
                {
                    var step = Math.Min(a[i].Step, b[i].Step);
                    return $"inference {inference}, step {step}: recorded spike of neuron {a[i].Neuron} at step {a[i].Step}, re-simulated neuron {b[i].Neuron} at step {b[i].Step}";
                }
            }

            if (a.Length != b.Length)
            {
                return $"inference {inference}: {a.Length} spikes recorded, {b.Length} re-simulated";
            }
        }

        var x = recorded.CoreSteps.Span;
        var y = again.CoreSteps.Span;
        for (var i = 0; i < Math.Min(x.Length, y.Length); i++)
        {
            if (x[i] != y[i])
            {
                return $"inference {inference}, step {x[i].Step}, core {x[i].Core}: counters differ (recorded {x[i].NeuronsFired} fired / {x[i].SynapticOps} synaptic ops, re-simulated {y[i].NeuronsFired} / {y[i].SynapticOps})";
            }
        }

        if (x.Length != y.Length)
        {
            return $"inference {inference}: {x.Length} core steps recorded, {y.Length} re-simulated";
        }

        var s1 = recorded.Summary;
        var s2 = again.Summaries.Span[0];
        return s1 is { } s && (s.Predicted != s2.Predicted || s.TotalFj != s2.TotalFj || s.DecisionPs != s2.DecisionPs)
            ? $"inference {inference}: result differs (recorded class {s.Predicted}, {s.TotalFj} fJ, {s.DecisionPs} ps; re-simulated {s2.Predicted}, {s2.TotalFj} fJ, {s2.DecisionPs} ps)"
            : null;
    }
}
