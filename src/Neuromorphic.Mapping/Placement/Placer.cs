using Neuromorphic.Chip;
using Neuromorphic.Core.Units;

namespace Neuromorphic.Mapping.Placement;

/// <summary>Estimated messages per step from one logical core to another (activity 1: every neuron fires once).</summary>
internal readonly record struct TrafficEdge(int From, int To, double Messages);

/// <summary>
/// Places logical cores on physical cores to minimise Σ traffic × hops (X-then-Y routes, 0 hops
/// within a tile). A greedy start fills tiles in serpentine order (so consecutive cores, which
/// hold consecutive layers, sit on neighbouring tiles); an improvement pass then moves or swaps
/// each core with candidate slots near the traffic-weighted centre of its neighbours while that
/// lowers the cost. Pinned cores never move. Deterministic: no randomness, fixed visiting order.
/// </summary>
internal static class Placer
{
    private const int MaxPasses = 30;
    private const int CandidateTiles = 16;

    public static (int[] Slots, double GreedyCost, double FinalCost) Place(ChipSpec chip, int?[] pinnedSlots, IReadOnlyList<TrafficEdge> traffic)
    {
        var mesh = chip.Mesh;
        var coreCount = pinnedSlots.Length;
        var slotOwner = new int[chip.CoreCount];
        Array.Fill(slotOwner, -1);
        var slots = new int[coreCount];
        for (var c = 0; c < coreCount; c++)
        {
            if (pinnedSlots[c] is { } s)
            {
                slots[c] = s;
                slotOwner[s] = c;
            }
        }

        var order = SerpentineSlots(mesh).GetEnumerator();
        for (var c = 0; c < coreCount; c++)
        {
            if (pinnedSlots[c] is not null)
            {
                continue;
            }

            while (order.MoveNext())
            {
                if (slotOwner[order.Current] < 0)
                {
                    slots[c] = order.Current;
                    slotOwner[order.Current] = c;
                    break;
                }
            }
        }

        var neighbours = new List<(int Other, double Weight)>[coreCount];
        for (var c = 0; c < coreCount; c++)
        {
            neighbours[c] = [];
        }

        foreach (var edge in traffic)
        {
            if (edge.From != edge.To)
            {
                neighbours[edge.From].Add((edge.To, edge.Messages));
                neighbours[edge.To].Add((edge.From, edge.Messages));
            }
        }

        var greedy = Cost(chip, slots, traffic);
        for (var pass = 0; pass < MaxPasses; pass++)
        {
            var improved = false;
            for (var c = 0; c < coreCount; c++)
            {
                if (pinnedSlots[c] is not null || neighbours[c].Count == 0)
                {
                    continue;
                }

                var bestDelta = -1e-9;
                var bestSlot = -1;
                foreach (var candidate in CandidateSlots(chip, slots, neighbours[c]))
                {
                    if (candidate == slots[c])
                    {
                        continue;
                    }

                    var other = slotOwner[candidate];
                    if (other >= 0 && pinnedSlots[other] is not null)
                    {
                        continue;
                    }

                    var delta = MoveDelta(chip, slots, neighbours, c, candidate, other);
                    if (delta < bestDelta)
                    {
                        bestDelta = delta;
                        bestSlot = candidate;
                    }
                }

                if (bestSlot >= 0)
                {
                    var other = slotOwner[bestSlot];
                    var from = slots[c];
                    slots[c] = bestSlot;
                    slotOwner[bestSlot] = c;
                    slotOwner[from] = other;
                    if (other >= 0)
                    {
                        slots[other] = from;
                    }

                    improved = true;
                }
            }

            if (!improved)
            {
                break;
            }
        }

        return (slots, greedy, Cost(chip, slots, traffic));
    }

    public static TileId TileOf(MeshSpec mesh, int slot)
    {
        var tile = slot / mesh.CoresPerTile;
        return new TileId(tile % mesh.Width, tile / mesh.Width);
    }

    public static int Hops(MeshSpec mesh, int slotA, int slotB)
    {
        var a = TileOf(mesh, slotA);
        var b = TileOf(mesh, slotB);
        return Math.Abs(a.X - b.X) + Math.Abs(a.Y - b.Y);
    }

    public static double Cost(ChipSpec chip, int[] slots, IReadOnlyList<TrafficEdge> traffic)
    {
        double cost = 0;
        foreach (var edge in traffic)
        {
            cost += edge.Messages * Hops(chip.Mesh, slots[edge.From], slots[edge.To]);
        }

        return cost;
    }

    /// <summary>Cost change if core <paramref name="c"/> moves to <paramref name="target"/> (swapping with <paramref name="other"/> if ≥ 0).</summary>
    private static double MoveDelta(ChipSpec chip, int[] slots, List<(int Other, double Weight)>[] neighbours, int c, int target, int other)
    {
        var mesh = chip.Mesh;
        var from = slots[c];
        double delta = 0;
        foreach (var (n, w) in neighbours[c])
        {
            var nSlot = n == other ? from : slots[n];
            delta += w * (Hops(mesh, target, nSlot) - Hops(mesh, from, slots[n]));
        }

        if (other >= 0)
        {
            foreach (var (n, w) in neighbours[other])
            {
                if (n == c)
                {
                    continue;
                }

                delta += w * (Hops(mesh, from, slots[n]) - Hops(mesh, target, slots[n]));
            }
        }

        return delta;
    }

    /// <summary>Slots of the tiles nearest the traffic-weighted centre of a core's neighbours.</summary>
    private static IEnumerable<int> CandidateSlots(ChipSpec chip, int[] slots, List<(int Other, double Weight)> neighbours)
    {
        var mesh = chip.Mesh;
        double sx = 0, sy = 0, sw = 0;
        foreach (var (n, w) in neighbours)
        {
            var t = TileOf(mesh, slots[n]);
            sx += w * t.X;
            sy += w * t.Y;
            sw += w;
        }

        var cx = sx / sw;
        var cy = sy / sw;
        var radius = 0;
        var tiles = new List<(int X, int Y)>();
        while (tiles.Count < CandidateTiles && radius <= mesh.Width + mesh.Height)
        {
            for (var dx = -radius; dx <= radius; dx++)
            {
                var dy = radius - Math.Abs(dx);
                foreach (var sign in dy == 0 ? new[] { 0 } : new[] { -1, 1 })
                {
                    var x = (int)Math.Round(cx) + dx;
                    var y = (int)Math.Round(cy) + sign * dy;
                    if (x >= 0 && y >= 0 && x < mesh.Width && y < mesh.Height)
                    {
                        tiles.Add((x, y));
                    }
                }
            }

            radius++;
        }

        foreach (var (x, y) in tiles)
        {
            for (var k = 0; k < mesh.CoresPerTile; k++)
            {
                yield return (y * mesh.Width + x) * mesh.CoresPerTile + k;
            }
        }
    }

    private static IEnumerable<int> SerpentineSlots(MeshSpec mesh)
    {
        for (var y = 0; y < mesh.Height; y++)
        {
            for (var i = 0; i < mesh.Width; i++)
            {
                var x = y % 2 == 0 ? i : mesh.Width - 1 - i;
                for (var k = 0; k < mesh.CoresPerTile; k++)
                {
                    yield return (y * mesh.Width + x) * mesh.CoresPerTile + k;
                }
            }
        }
    }
}
