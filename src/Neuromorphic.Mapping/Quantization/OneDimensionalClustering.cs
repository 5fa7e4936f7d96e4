namespace Neuromorphic.Mapping.Quantization;

/// <summary>
/// Optimal 1-D weighted k-means by dynamic programming over the sorted distinct values
/// (Wang and Song 2011, "Ckmeans.1d.dp"): used to fit per-neuron decays into a core's limited
/// number of compartment prototypes with the least squared error. O(k·n²) for n distinct values.
/// </summary>
public static class OneDimensionalClustering
{
    /// <summary>
    /// Clusters <paramref name="values"/> into at most <paramref name="k"/> groups; returns, for
    /// each input value, its cluster's weighted mean.
    /// </summary>
    public static double[] Cluster(IReadOnlyList<double> values, int k)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(k);
        var distinct = values.GroupBy(v => v).Select(g => (Value: g.Key, Weight: (double)g.Count())).OrderBy(p => p.Value).ToArray();
        var n = distinct.Length;
        if (n <= k)
        {
            return values.ToArray();
        }

        var prefixW = new double[n + 1];
        var prefixWx = new double[n + 1];
        var prefixWx2 = new double[n + 1];
        for (var i = 0; i < n; i++)
        {
            var (x, w) = distinct[i];
            prefixW[i + 1] = prefixW[i] + w;
            prefixWx[i + 1] = prefixWx[i] + w * x;
            prefixWx2[i + 1] = prefixWx2[i] + w * x * x;
        }

        double Cost(int from, int to)
        {
            // Weighted SSE of distinct[from..to] inclusive.
            var w = prefixW[to + 1] - prefixW[from];
            var wx = prefixWx[to + 1] - prefixWx[from];
            var wx2 = prefixWx2[to + 1] - prefixWx2[from];
            return Math.Max(0, wx2 - wx * wx / w);
        }

        var cost = new double[k, n];
        var split = new int[k, n];
        for (var j = 0; j < n; j++)
        {
            cost[0, j] = Cost(0, j);
        }

        for (var c = 1; c < k; c++)
        {
            for (var j = 0; j < n; j++)
            {
                var best = double.PositiveInfinity;
                var bestI = j;
                for (var i = Math.Max(c, 1); i <= j; i++)
                {
                    var candidate = cost[c - 1, i - 1] + Cost(i, j);
                    if (candidate < best)
                    {
                        best = candidate;
                        bestI = i;
                    }
                }

                if (j < c)
                {
                    best = 0;
                    bestI = j;
                }

                cost[c, j] = best;
                split[c, j] = bestI;
            }
        }

        var centroidOf = new Dictionary<double, double>();
        var end = n - 1;
        for (var c = k - 1; c >= 0 && end >= 0; c--)
        {
            var start = c == 0 ? 0 : split[c, end];
            var w = prefixW[end + 1] - prefixW[start];
            var mean = (prefixWx[end + 1] - prefixWx[start]) / w;
            for (var i = start; i <= end; i++)
            {
                centroidOf[distinct[i].Value] = mean;
            }

            end = start - 1;
        }

        return values.Select(v => centroidOf[v]).ToArray();
    }
}
