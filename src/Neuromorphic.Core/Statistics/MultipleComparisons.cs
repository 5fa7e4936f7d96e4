namespace Neuromorphic.Core.Statistics;

/// <summary>Adjusting p-values for many tests at once.</summary>
public static class MultipleComparisons
{
    /// <summary>
    /// Holm's step-down adjustment (Holm 1979), which controls the family-wise error rate:
    /// sorted ascending, p̃₍ᵢ₎ = max_{j ≤ i} min(1, (m − j + 1)·p₍ⱼ₎), in the input order. NaN
    /// entries stay NaN and do not count towards m.
    /// </summary>
    public static double[] Holm(IReadOnlyList<double> pValues)
    {
        var result = Enumerable.Repeat(double.NaN, pValues.Count).ToArray();
        var order = Enumerable.Range(0, pValues.Count).Where(i => !double.IsNaN(pValues[i])).OrderBy(i => pValues[i]).ThenBy(i => i).ToArray();
        var m = order.Length;
        var running = 0.0;
        for (var j = 0; j < m; j++)
        {
            running = Math.Max(running, Math.Min(1, (m - j) * pValues[order[j]]));
            result[order[j]] = running;
        }

        return result;
    }
}
