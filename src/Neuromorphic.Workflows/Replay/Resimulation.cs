using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Neuromorphic.Chip;
using Neuromorphic.Chip.Timing;
using Neuromorphic.Core.Errors;
using Neuromorphic.Core.IO;
using Neuromorphic.Core.Progress;
using Neuromorphic.Simulation;
using Neuromorphic.Simulation.Input;
using Neuromorphic.Simulation.Tracing;
using Neuromorphic.Traces;
using Neuromorphic.Workflows.Networks;
using Neuromorphic.Workflows.Runs;

namespace Neuromorphic.Workflows.Replay;

/// <summary>The outcome of re-running a trace's recorded inputs: whether it reproduced, or the first divergence.</summary>
public sealed record ResimulationReport(string TracePath, ChipSpec Chip, int Inferences, int Compared, string? FirstDivergence, RunSummary Summary)
{
    public bool Reproduced => FirstDivergence is null && Compared == Inferences;

    /// <summary>The <c>--json</c> summary of <c>neuro replay --resimulate</c>.</summary>
    public JsonObject ToJson() => new()
    {
        ["trace"] = TracePath,
        ["chip"] = Chip.Name,
        ["inferences"] = Inferences,
        ["compared"] = Compared,
        ["reproduced"] = Reproduced,
        ["firstDivergence"] = FirstDivergence,
        ["accuracy"] = Summary.Labelled == 0 ? null : Summary.Accuracy,
    };
}

/// <summary>
/// Re-runs the inputs a trace recorded (same or another chip and mapping) and compares spikes,
/// per-core counters and results with the trace, inference by inference, naming the first
/// difference.
/// </summary>
public sealed class Resimulation(ILoggerFactory? loggers = null, string toolVersion = "")
{
    private readonly ILoggerFactory _loggers = loggers ?? NullLoggerFactory.Instance;

    /// <param name="run">The recorded run.</param>
    /// <param name="chip">The chip to run on (see <see cref="RecordedRun.Chip"/>).</param>
    /// <param name="modelPath">The network; null: the path the trace recorded.</param>
    /// <param name="mappingPath">A mapping file; null: map again.</param>
    /// <param name="threads">Worker threads.</param>
    /// <param name="progress">Inferences done.</param>
    /// <param name="cancellationToken">Stops the run.</param>
    public async Task<ResimulationReport> RunAsync(RecordedRun run, ChipSpec chip, string? modelPath, string? mappingPath, int threads,
        IProgress<WorkProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var path = run.Path;
        var header = run.Header;
        var manifest = run.Manifest;
        if (header.Level < TraceLevel.Counters)
        {
            throw new InvalidInputException(path, "header level", header.Level.Name(), "a trace with input events (level counters or above) to re-simulate");
        }

        if (manifest.Realization is { } realization && realization != RunOptionNames.Realization(NeuronRealization.Spiking))
        {
            throw new InvalidInputException(path, "metadata.realization", realization,
                "a trace of binary spikes to re-simulate (a sigma-delta run's inputs are images: run it again with neuro run --realization sigma-delta)");
        }

        modelPath ??= RunManifest.Require(manifest.Model, path, nameof(RunManifest.Model), "the model's path (or pass --model)");
        var network = NetworkLoader.Load(modelPath);
        if (network.ContentHash != header.NetworkHash)
        {
            throw new InvalidInputException(modelPath, "network hash", Hashing.Short(network.ContentHash),
                $"{Hashing.Short(header.NetworkHash)}, the network the trace recorded (the model changed since)");
        }

        var planner = new RunPlanner(_loggers, toolVersion);
        var mapped = planner.Map(network, chip, mappingPath);
        var options = new RunOptions
        {
            Mode = header.Mode switch { TraceMode.Async => SyncMode.Async, TraceMode.Handshake => SyncMode.Handshake, _ => SyncMode.Barrier },
            Steps = RunManifest.Require(manifest.Steps, path, nameof(RunManifest.Steps), "the run's steps per inference"),
            CountFromStep = manifest.CountFrom ?? 1,
            EarlyExit = manifest.EarlyExit ?? false,
            Ideal = manifest.Ideal ?? false,
            AsyncPeriodPs = manifest.AsyncPeriodPs,
            Seed = header.Seed,
            Threads = threads,
            Timing = TimingModelNames.Parse(manifest.Timing),
        };

        // First pass: the recorded inputs and labels.
        var inputs = new List<(int Label, List<(int Step, int Index)> Events)>();
        int? firstSample = null;
        foreach (var inference in TraceFile.ReadInferences(path, TraceKinds.InputEvents))
        {
            if (inference.Summary is not { } recordedSummary)
            {
                break;
            }

            firstSample ??= Math.Max(0, recordedSummary.SampleIndex);

            var events = new List<(int, int)>();
            foreach (ref readonly var e in inference.InputEvents.Span)
            {
                events.Add((e.Step, e.Input));
            }

            inputs.Add((recordedSummary.Label, events));
        }

        // A slice of a test set (neuro run --offset) keyed its random streams by dataset index.
        options = options with { FirstSample = firstSample ?? 0 };
        var plan = planner.Resolve(modelPath, network, mapped, options,
            new RunInputs(inputs.Count, i => new EventInput(inputs[i].Events) { Label = inputs[i].Label }, path));
        var level = header.Level < TraceLevel.Spikes ? header.Level : TraceLevel.Spikes;
        var recorders = new ConcurrentDictionary<int, TraceRecorder>();
        using var recorded = TraceFile.ReadInferences(path, TraceKinds.Spikes | TraceKinds.CoreSteps).GetEnumerator();
        string? divergence = null;
        var compared = 0;
        var summary = await new Simulator(_loggers.CreateLogger<Simulator>()).RunAsync(plan.Instance, plan.Inputs.Count, plan.Inputs.InputOf, plan.Options,
            i => recorders[i] = new TraceRecorder(i, i, level).WithRequestedSteps(options.Steps),
            result =>
            {
                recorders.TryRemove(result.Index, out var recorder);
                if (divergence is null && recorded.MoveNext())
                {
                    divergence = Compare(recorded.Current, recorder!.Buffer, header.Level);
                    compared++;
                }
            },
            progress, cancellationToken);
        return new ResimulationReport(path, chip, inputs.Count, compared, divergence, summary);
    }

    /// <summary>The first difference between a recorded inference and its re-simulation, or null.</summary>
    internal static string? Compare(InferenceRecords recorded, InMemoryTraceSink again, TraceLevel level)
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
                return $"inference {inference}, step {x[i].Step}, core {x[i].Core}: counters differ (recorded {x[i].Counters.NeuronsFired} fired / {x[i].Counters.SynapticOps} synaptic ops, " +
                       $"re-simulated {y[i].Counters.NeuronsFired} / {y[i].Counters.SynapticOps})";
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
