using System.Text.Json.Nodes;
using Neuromorphic.Chip;
using Neuromorphic.Chip.Costs;
using Neuromorphic.Traces.Replay;

namespace Neuromorphic.Workflows.Replay;

/// <summary>Mean figures per inference of a re-costing (recorded or re-costed), femtojoules and picoseconds.</summary>
public sealed record RecostFigures(double DynamicFj, double StaticFj, double TotalFj, double SynapseFj, double NeuronFj, double NetworkFj, double LatencyPs)
{
    public static RecostFigures Mean(IReadOnlyList<RecostedInference> inferences, Func<RecostedInference, EnergyBreakdown> energy, Func<RecostedInference, long> latencyPs)
    {
        double M(Func<RecostedInference, double> f) => inferences.Count == 0 ? 0 : inferences.Average(f);
        return new RecostFigures(M(r => energy(r).DynamicFj), M(r => energy(r).StaticFj), M(r => energy(r).TotalFj), M(r => energy(r).SynapseFj),
            M(r => energy(r).NeuronFj), M(r => energy(r).NetworkFj), M(r => latencyPs(r)));
    }

    /// <summary>The figures as µJ and µs fields, in the order reports list them.</summary>
    public JsonObject ToJson() => new()
    {
        ["dynamicUj"] = Uj(DynamicFj),
        ["staticUj"] = Uj(StaticFj),
        ["totalUj"] = Uj(TotalFj),
        ["synapseUj"] = Uj(SynapseFj),
        ["neuronUj"] = Uj(NeuronFj),
        ["networkUj"] = Uj(NetworkFj),
        ["latencyUs"] = Math.Round(LatencyPs / 1e6, 4),
    };

    private static double Uj(double femtojoules) => Math.Round(femtojoules / 1e9, 6);
}

/// <summary>A trace re-costed under a chip's cost table: the recorded and the re-costed figures per inference.</summary>
public sealed record RecostReport(RecordedRun Run, ChipSpec Chip, IReadOnlyList<RecostedInference> Inferences, LatencyRecost Latency)
{
    /// <summary>
    /// Re-costs <paramref name="run"/> on <paramref name="chip"/> (its own recorded table when the chip is the recorded one); a run on
    /// graded spikes (manifest realization sigma-delta) takes the other chip's graded costs.
    /// </summary>
    public static RecostReport Of(RecordedRun run, ChipSpec chip)
    {
        var tiles = run.Manifest.TilesInUse ?? 1;
        var graded = run.Manifest.Realization == Runs.RunOptionNames.Realization(Simulation.NeuronRealization.SigmaDelta);
        var costs = chip.ContentHash == run.Header.ChipHash ? run.Costs : CostTable.FromChip(chip, tiles, gradedMessages: graded);
        var (inferences, latency) = TraceRecoster.Recost(run.Path, costs);
        return new RecostReport(run, chip, inferences, latency);
    }

    public RecostFigures Recorded => RecostFigures.Mean(Inferences, r => r.RecordedEnergy, r => r.RecordedLatencyPs);

    public RecostFigures Recosted => RecostFigures.Mean(Inferences, r => r.Energy, r => r.LatencyPs);

    /// <summary>True when every inference's re-costed energy (each part) and latency equal the recorded ones.</summary>
    public bool IdenticalToRecorded => Inferences.All(r => r.Energy == r.RecordedEnergy && r.LatencyPs == r.RecordedLatencyPs);

    /// <summary>The recorded chip's static power basis, when the trace names a built-in chip whose hash it still has; null when unknown.</summary>
    public StaticPowerBasis? RecordedStaticBasis
    {
        get
        {
            try
            {
                return Run.Chip(null).StaticPowerBasis;
            }
            catch (Core.Errors.InvalidInputException)
            {
                return null;
            }
        }
    }

    /// <summary>
    /// Why totals do not compare, or null when they do: the two chips' static powers differ in basis,
    /// or one is assumed, absent or unknown (compare dynamic energy then).
    /// </summary>
    public string? StaticPowerCaveat
    {
        get
        {
            var recorded = RecordedStaticBasis;
            var target = Chip.StaticPowerBasis;
            if (recorded is { } r && r == target && (!r.NeedsCaveat() || Run.Costs.StaticPowerMw == Chip.StaticPowerMw))
            {
                return null;
            }

            string Describe(double mw, StaticPowerBasis? basis) => $"{mw:0.###} mW ({basis?.Name() ?? "basis unknown"})";
            return $"they compare a static power of {Describe(Run.Costs.StaticPowerMw, recorded)} (recorded) with {Describe(Chip.StaticPowerMw, target)} ({Chip.Name}); compare dynamic energy";
        }
    }

    /// <summary>How the latency was re-costed, in words.</summary>
    public string LatencyNote => Latency switch
    {
        LatencyRecost.Exact => "exact (barrier timing model on the recorded messages)",
        LatencyRecost.SimpleExact => "exact (simple timing model on the recorded counters)",
        LatencyRecost.SimpleApproximation => "approximate: no messages recorded (the simple timing model on the recorded counters)",
        _ => "as recorded: async timing cannot change without --resimulate",
    };

    /// <summary>The <c>--json</c> summary of <c>neuro replay</c>.</summary>
    public JsonObject ToJson() => new()
    {
        ["trace"] = Run.Path,
        ["recordedChipHash"] = Run.Header.ChipHash,
        ["chip"] = Chip.Name,
        ["chipHash"] = Chip.ContentHash,
        ["inferences"] = Inferences.Count,
        ["latencyRecost"] = Latency.ToString(),
        ["recorded"] = Recorded.ToJson(),
        ["recosted"] = Recosted.ToJson(),
        ["identicalToRecorded"] = IdenticalToRecorded,
        ["staticPowerCaveat"] = StaticPowerCaveat,
        ["perInference"] = new JsonArray(Inferences.Select(r => (JsonNode)new JsonObject
        {
            ["inference"] = r.Inference,
            ["recordedTotalFj"] = r.RecordedEnergy.TotalFj,
            ["totalFj"] = r.Energy.TotalFj,
            ["recordedLatencyPs"] = r.RecordedLatencyPs,
            ["latencyPs"] = r.LatencyPs,
        }).ToArray()),
    };
}
