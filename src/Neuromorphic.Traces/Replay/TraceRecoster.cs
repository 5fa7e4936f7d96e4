using Neuromorphic.Chip.Costs;
using Neuromorphic.Chip.Timing;
using Neuromorphic.Core.Errors;

namespace Neuromorphic.Traces.Replay;

/// <summary>Energy and latency of one recorded inference, as recorded and as re-costed.</summary>
public sealed record RecostedInference(int Inference, EnergyBreakdown RecordedEnergy, long RecordedLatencyPs, EnergyBreakdown Energy, long LatencyPs);

/// <summary>How the latency of a re-costed trace was obtained.</summary>
public enum LatencyRecost
{
    /// <summary>Recomputed with the barrier timing model from the recorded messages: exact.</summary>
    Exact,

    /// <summary>A detailed-model run without recorded messages: the simple model on the recorded counters stands in (no network contention).</summary>
    SimpleApproximation,

    /// <summary>The run used the simple timing model, which needs only the per-core counters: exact.</summary>
    SimpleExact,

    /// <summary>
    /// Async and handshake traces: the recorded latency is kept (async: timing decides which step a
    /// spike joins, so it cannot change without re-simulating; handshake: the per-core clocks are not
    /// recorded). Handshake's end-of-step tokens are not in the counters, so re-costed network energy
    /// leaves them out.
    /// </summary>
    Recorded,
}

/// <summary>
/// Re-costs a recorded run under another cost table without simulating: energy is Σ recorded
/// per-core per-step counters × the new per-event costs (+ barriers + static power × latency);
/// barrier-mode latency is recomputed step by step with <see cref="BarrierStepTiming"/> from the
/// recorded messages (each carries the source core's neuron work since its previous message, so the
/// generation delays follow the new costs) or, for the simple model, from the counters alone. Re-costing with the run's own cost table gives back the recorded figures
/// exactly (integer arithmetic throughout).
/// </summary>
public static class TraceRecoster
{
    public static (IReadOnlyList<RecostedInference> Inferences, LatencyRecost Latency) Recost(string path, CostTable costs)
    {
        using var reader = TraceReader.Open(path, new TraceReadOptions());
        var header = reader.Header;
        if (header.Level < TraceLevel.Counters)
        {
            throw new InvalidInputException(path, "header level", header.Level.Name(),
                "a trace recorded at level counters or above (this one holds only summaries; record with --trace-level counters)");
        }

        var manifest = RunManifest.Of(header);
        var coreTiles = RunManifest.Require(manifest.CoreTiles, path, nameof(RunManifest.CoreTiles), "the tiles of the run's cores (traces written by neuro run)");
        var mesh = RunManifest.Require(manifest.Mesh, path, nameof(RunManifest.Mesh), "the chip's mesh (traces written by neuro run)");
        var barrier = header.Mode == TraceMode.Barrier;
        var simple = manifest.Timing == TimingModelNames.Simple;
        var hasMessages = header.Level >= TraceLevel.Messages && !simple;
        var timing = new BarrierStepTiming(coreTiles, mesh.Width, mesh.Height, manifest.CoreSlots is { } slots && slots.Count == coreTiles.Count ? slots : null);
        var results = new List<RecostedInference>();
        foreach (var inference in TraceFile.ReadInferences(reader, TraceKinds.CoreSteps | TraceKinds.Messages | TraceKinds.InferenceSummaries))
        {
            if (inference.Summary is not { } summary)
            {
                break;
            }

            var energy = default(EnergyBreakdown);
            long latency = 0;
            var steps = inference.CoreSteps.Span;
            var messages = inference.Messages.Span;
            var m = 0;
            var i = 0;
            while (i < steps.Length)
            {
                var step = steps[i].Step;
                timing.Reset();
                for (; i < steps.Length && steps[i].Step == step; i++)
                {
                    energy.Add(EnergyBreakdown.Of(steps[i].Counters, costs));
                    timing.SetCoreWork(steps[i].Core, steps[i].Counters);
                }

                if (!barrier)
                {
                    continue;
                }

                energy.NetworkFj += costs.BarrierEnergyFj;
                if (hasMessages)
                {
                    for (; m < messages.Length && messages[m].Step == step; m++)
                    {
                        ref readonly var msg = ref messages[m];
                        timing.AddMessage(msg.SourceCore, msg.DestinationCore, msg.Synapses, msg.HopsEast, msg.HopsWest, msg.HopsNorth, msg.HopsSouth,
                            msg.AccessedBefore, msg.UpdatedBefore, msg.FiredBefore);
                    }

                    latency += timing.Compute(costs);
                }
                else
                {
                    latency += timing.ComputeSimple(costs);
                }
            }

            if (!barrier)
            {
                latency = summary.LatencyPs;
            }

            energy.StaticFj = costs.StaticEnergyFj(latency);
            var recorded = new EnergyBreakdown { SynapseFj = summary.SynapseFj, NeuronFj = summary.NeuronFj, NetworkFj = summary.NetworkFj, StaticFj = summary.StaticFj };
            results.Add(new RecostedInference(summary.Inference, recorded, summary.LatencyPs, energy, latency));
        }

        if (reader.Damage is { } damage)
        {
            throw new InvalidInputException(path, $"block {damage.BlockIndex}", damage.Reason, "an undamaged trace (run neuro trace verify)");
        }

        return (results, !barrier ? LatencyRecost.Recorded : simple ? LatencyRecost.SimpleExact : hasMessages ? LatencyRecost.Exact : LatencyRecost.SimpleApproximation);
    }
}
