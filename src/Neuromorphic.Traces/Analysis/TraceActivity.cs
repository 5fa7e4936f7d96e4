using Microsoft.Extensions.Logging;
using Neuromorphic.Chip.Costs;
using Neuromorphic.Core.Units;

namespace Neuromorphic.Traces.Analysis;

/// <summary>
/// What one core did over a run: mean dynamic energy per inference, and its utilisation — the time its
/// pipeline was busy (neuron pass, message sends, and message receipt with synaptic processing, from
/// the counters and the run's cost table) over the time its steps lasted.
/// </summary>
public sealed record CoreActivity(int Core, TileId Tile, int Slot, double MeanDynamicFj, double Utilisation);

/// <summary>Messages that crossed one directed link from a tile to its neighbour (X-then-Y routes); ΔX = ΔY = 0: messages that stayed within the tile.</summary>
public sealed record LinkActivity(TileId From, int DeltaX, int DeltaY, long Messages);

/// <summary>Spikes per neuron per step of one population over a run.</summary>
public sealed record PopulationRates(string Population, double[] SpikesPerStep);

/// <summary>Counts of (true class, predicted class) over the labelled inferences of a run.</summary>
public sealed record ConfusionCounts(int Classes, int[,] Counts, int Labelled, int Correct);

/// <summary>
/// Per-core, per-link, per-population and per-class views of a trace, for the mesh heatmap, the
/// link-traffic map, firing-rate histograms and the confusion matrix. Each needs a trace level:
/// counters for cores, messages for links, spikes for rates; summaries for the confusion matrix.
/// Null when the trace does not hold what a view needs.
/// </summary>
public static class TraceActivity
{
    /// <summary>Per-core mean dynamic energy and utilisation (null below level counters or without the run's core tiles).</summary>
    public static IReadOnlyList<CoreActivity>? Cores(string path, ILogger? logger = null)
    {
        using var reader = TraceReader.Open(path, new TraceReadOptions { Kinds = TraceKinds.CoreSteps | TraceKinds.InferenceSummaries }, logger);
        var manifest = RunManifest.Of(reader.Header);
        if (!reader.Header.Level.Records(TraceRecordKind.CoreStep) || manifest.CoreTiles is not { } tiles)
        {
            return null;
        }

        var costs = CostTable.FromJson(System.Text.Json.Nodes.JsonNode.Parse(reader.Header.CostTableJson)!.AsObject());
        var energy = new double[tiles.Count];
        var busy = new double[tiles.Count];
        var span = new double[tiles.Count];
        var inferences = 0;
        while (reader.TryReadBlock(out var block))
        {
            if (block.Kind == TraceRecordKind.InferenceSummary)
            {
                inferences += block.RecordCount;
                continue;
            }

            foreach (ref readonly var step in block.CoreSteps)
            {
                if (step.Core < 0 || step.Core >= tiles.Count)
                {
                    continue;
                }

                energy[step.Core] += step.DynamicFj;
                var c = step.Counters;
                busy[step.Core] += EnergyBreakdown.NeuronLatencyPs(c, costs) + c.MessagesOut * costs.MessageOut.LatencyPs
                    + c.MessagesIn * costs.MessageIn.LatencyPs + c.SynapticOps * costs.SynapticOp.LatencyPs;
                span[step.Core] += step.StepEndPs - step.StepStartPs;
            }
        }

        var slots = SlotsWithinTiles(tiles);
        return Enumerable.Range(0, tiles.Count).Select(c => new CoreActivity(c, tiles[c], slots[c], energy[c] / Math.Max(1, inferences),
            span[c] > 0 ? busy[c] / span[c] : 0)).ToList();
    }

    /// <summary>Messages per directed tile link over the whole run (null below level messages or without the run's core tiles).</summary>
    public static IReadOnlyList<LinkActivity>? Links(string path, ILogger? logger = null)
    {
        using var reader = TraceReader.Open(path, new TraceReadOptions { Kinds = TraceKinds.Messages }, logger);
        var manifest = RunManifest.Of(reader.Header);
        if (!reader.Header.Level.Records(TraceRecordKind.Message) || manifest.CoreTiles is not { } tiles)
        {
            return null;
        }

        var counts = new Dictionary<(int X, int Y, int Dx, int Dy), long>();
        while (reader.TryReadBlock(out var block))
        {
            foreach (ref readonly var m in block.Messages)
            {
                if (m.SourceCore < 0 || m.SourceCore >= tiles.Count || m.DestinationCore < 0 || m.DestinationCore >= tiles.Count)
                {
                    continue;
                }

                var (x, y) = (tiles[m.SourceCore].X, tiles[m.SourceCore].Y);
                var target = tiles[m.DestinationCore];
                if (tiles[m.SourceCore] == target)
                {
                    counts[(x, y, 0, 0)] = counts.GetValueOrDefault((x, y, 0, 0)) + 1;
                }

                while (x != target.X)
                {
                    var dx = target.X > x ? 1 : -1;
                    counts[(x, y, dx, 0)] = counts.GetValueOrDefault((x, y, dx, 0)) + 1;
                    x += dx;
                }

                while (y != target.Y)
                {
                    var dy = target.Y > y ? 1 : -1;
                    counts[(x, y, 0, dy)] = counts.GetValueOrDefault((x, y, 0, dy)) + 1;
                    y += dy;
                }
            }
        }

        return counts.OrderBy(k => k.Key).Select(k => new LinkActivity(new TileId(k.Key.X, k.Key.Y), k.Key.Dx, k.Key.Dy, k.Value)).ToList();
    }

    /// <summary>Spikes per neuron per step, by population (null below level spikes or without populations).</summary>
    public static IReadOnlyList<PopulationRates>? FiringRates(string path, ILogger? logger = null)
    {
        if (SpikeCounts(path, logger) is not { } counts)
        {
            return null;
        }

        using var reader = TraceReader.Open(path, new TraceReadOptions { Kinds = TraceKinds.None }, logger);
        return RunManifest.Of(reader.Header).Populations.Select(p => new PopulationRates(p.Name,
            Enumerable.Range(p.Start, p.Size).Select(n => counts.Steps == 0 ? 0 : (double)counts.Spikes[n] / counts.Steps).ToArray())).ToList();
    }

    /// <summary>
    /// Spikes of every neuron (global index, input events included) summed over the run, and the
    /// steps simulated (summed over inferences); null below level spikes or without populations.
    /// </summary>
    public static (long[] Spikes, long Steps)? SpikeCounts(string path, ILogger? logger = null)
    {
        using var reader = TraceReader.Open(path, new TraceReadOptions { Kinds = TraceKinds.Spikes | TraceKinds.InputEvents | TraceKinds.InferenceSummaries }, logger);
        var manifest = RunManifest.Of(reader.Header);
        if (!reader.Header.Level.Records(TraceRecordKind.Spike) || manifest.Populations.Count == 0)
        {
            return null;
        }

        var populations = manifest.Populations;
        var neurons = populations.Sum(p => p.Size);
        var spikes = new long[neurons];
        var inputOffset = manifest.InputRange?.Start ?? -1;
        long steps = 0;
        while (reader.TryReadBlock(out var block))
        {
            switch (block.Kind)
            {
                case TraceRecordKind.Spike:
                    foreach (ref readonly var s in block.Spikes)
                    {
                        if (s.Neuron >= 0 && s.Neuron < neurons)
                        {
                            spikes[s.Neuron]++;
                        }
                    }

                    break;
                case TraceRecordKind.InputEvent:
                    foreach (ref readonly var e in block.InputEvents)
                    {
                        if (inputOffset >= 0 && inputOffset + e.Input < neurons)
                        {
                            spikes[inputOffset + e.Input]++;
                        }
                    }

                    break;
                case TraceRecordKind.InferenceSummary:
                    foreach (ref readonly var summary in block.Summaries)
                    {
                        steps += summary.Steps;
                    }

                    break;
            }
        }

        return (spikes, steps);
    }

    /// <summary>The confusion counts of the labelled inferences (null when no inference has a label).</summary>
    public static ConfusionCounts? Confusion(string path, ILogger? logger = null)
    {
        var pairs = new List<(int Label, int Predicted)>();
        using (var reader = TraceReader.Open(path, new TraceReadOptions { Kinds = TraceKinds.InferenceSummaries }, logger))
        {
            while (reader.TryReadBlock(out var block))
            {
                foreach (ref readonly var s in block.Summaries)
                {
                    if (s.Label >= 0)
                    {
                        pairs.Add((s.Label, s.Predicted));
                    }
                }
            }
        }

        return pairs.Count == 0 ? null : ConfusionOf(pairs);
    }

    /// <summary>The confusion counts of (label, predicted) pairs; classes = the largest class seen + 1 (predictions −1 are not counted in any column).</summary>
    public static ConfusionCounts ConfusionOf(IReadOnlyList<(int Label, int Predicted)> pairs, int? classes = null)
    {
        var n = classes ?? pairs.Max(p => Math.Max(p.Label, p.Predicted)) + 1;
        var counts = new int[n, n];
        var correct = 0;
        foreach (var (label, predicted) in pairs)
        {
            if (label >= 0 && label < n && predicted >= 0 && predicted < n)
            {
                counts[label, predicted]++;
            }

            correct += label == predicted ? 1 : 0;
        }

        return new ConfusionCounts(n, counts, pairs.Count, correct);
    }

    /// <summary>Each logical core's position within its tile, by order of appearance.</summary>
    private static int[] SlotsWithinTiles(IReadOnlyList<TileId> tiles)
    {
        var next = new Dictionary<TileId, int>();
        var slots = new int[tiles.Count];
        for (var c = 0; c < tiles.Count; c++)
        {
            slots[c] = next.GetValueOrDefault(tiles[c]);
            next[tiles[c]] = slots[c] + 1;
        }

        return slots;
    }
}
