using Neuromorphic.Core.Units;
using Neuromorphic.Mapping;
using Neuromorphic.Traces.Analysis;

namespace Neuromorphic.Workflows.Runs;

/// <summary>
/// Messages per directed mesh link, from per-neuron spike counts and the mapping: in barrier mode a
/// spike of neuron n sends one message to each of n's destination cores, routed X then Y, so the
/// link loads follow exactly from the spikes (for traces recorded without messages). Messages that
/// stay within their tile are reported as a link with no direction (ΔX = ΔY = 0).
/// </summary>
public static class MeshTraffic
{
    public static IReadOnlyList<LinkActivity> FromSpikes(MappedNetwork mapped, IReadOnlyList<long> spikesPerNeuron)
    {
        var counts = new Dictionary<(int X, int Y, int Dx, int Dy), long>();
        for (var neuron = 0; neuron < Math.Min(mapped.NeuronCount, spikesPerNeuron.Count); neuron++)
        {
            var spikes = spikesPerNeuron[neuron];
            if (spikes == 0)
            {
                continue;
            }

            var source = mapped.CoreTile[mapped.NeuronCore[neuron]];
            for (var m = mapped.MessageStart[neuron]; m < mapped.MessageStart[neuron + 1]; m++)
            {
                var target = mapped.CoreTile[mapped.MessageDestinationCore[m]];
                var (x, y) = (source.X, source.Y);
                if (source == target)
                {
                    counts[(x, y, 0, 0)] = counts.GetValueOrDefault((x, y, 0, 0)) + spikes;
                }

                while (x != target.X)
                {
                    var dx = target.X > x ? 1 : -1;
                    counts[(x, y, dx, 0)] = counts.GetValueOrDefault((x, y, dx, 0)) + spikes;
                    x += dx;
                }

                while (y != target.Y)
                {
                    var dy = target.Y > y ? 1 : -1;
                    counts[(x, y, 0, dy)] = counts.GetValueOrDefault((x, y, 0, dy)) + spikes;
                    y += dy;
                }
            }
        }

        return counts.OrderBy(k => k.Key).Select(k => new LinkActivity(new TileId(k.Key.X, k.Key.Y), k.Key.Dx, k.Key.Dy, k.Value)).ToList();
    }
}
