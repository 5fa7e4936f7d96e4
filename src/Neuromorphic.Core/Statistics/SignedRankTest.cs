namespace Neuromorphic.Core.Statistics;

/// <summary>
/// The result of a two-sided Wilcoxon signed-rank test of paired differences against zero.
/// </summary>
/// <param name="Count">Non-zero differences (zeros are dropped, Wilcoxon's original treatment).</param>
/// <param name="Zeros">Differences that were exactly zero.</param>
/// <param name="RankSumPositive">R⁺, the sum of the ranks of |d| over positive differences (ties get mean ranks).</param>
/// <param name="Statistic">T = min(R⁺, R⁻).</param>
/// <param name="PValue">Two-sided p-value.</param>
/// <param name="Exact">True when the p-value is exact (no ties among |d|, no zeros, n ≤ 50); otherwise the normal approximation with tie and continuity corrections.</param>
public sealed record SignedRankResult(int Count, int Zeros, double RankSumPositive, double Statistic, double PValue, bool Exact);

/// <summary>The Wilcoxon signed-rank test (Wilcoxon 1945).</summary>
public static class SignedRankTest
{
    /// <summary>Exact p-values up to this many non-zero differences (without ties).</summary>
    public const int ExactLimit = 50;

    /// <summary>
    /// Tests whether <paramref name="differences"/> (non-finite values dropped) are symmetric about
    /// zero. Exact: P = min(1, 2·P(T ≤ t)) from the null distribution of the rank sum, counted by
    /// dynamic programming over the subsets of 1..n. Approximate: z = (T − n(n+1)/4 − ½·sign) /
    /// √(n(n+1)(2n+1)/24 − Σ(t³ − t)/48), p = 2Φ(−|z|). No non-zero difference: p = 1.
    /// </summary>
    public static SignedRankResult Of(IEnumerable<double> differences)
    {
        var all = differences.Where(double.IsFinite).ToArray();
        var d = all.Where(v => v != 0).ToArray();
        var zeros = all.Length - d.Length;
        var n = d.Length;
        if (n == 0)
        {
            return new SignedRankResult(0, zeros, 0, 0, 1, zeros == 0);
        }

        var ranks = MidRanks(d.Select(Math.Abs).ToArray(), out var tieCorrection);
        var plus = 0.0;
        var minus = 0.0;
        for (var i = 0; i < n; i++)
        {
            if (d[i] > 0)
            {
                plus += ranks[i];
            }
            else
            {
                minus += ranks[i];
            }
        }

        var statistic = Math.Min(plus, minus);
        var ties = tieCorrection > 0;
        if (!ties && zeros == 0 && n <= ExactLimit)
        {
            var counts = NullCounts(n);
            var cumulative = 0.0;
            for (var s = 0; s <= (int)statistic; s++)
            {
                cumulative += counts[s];
            }

            var p = Math.Min(1, 2 * cumulative / Math.Pow(2, n));
            return new SignedRankResult(n, zeros, plus, statistic, p, true);
        }

        var mean = n * (n + 1) / 4.0;
        var variance = n * (n + 1.0) * (2 * n + 1) / 24 - tieCorrection / 48;
        var correction = 0.5 * Math.Sign(statistic - mean);
        var z = variance > 0 ? (statistic - mean - correction) / Math.Sqrt(variance) : 0;
        return new SignedRankResult(n, zeros, plus, statistic, Math.Min(1, 2 * SpecialFunctions.NormalCdf(-Math.Abs(z))), false);
    }

    /// <summary>
    /// How many subsets of {1, …, n} have each sum 0 … n(n+1)/2: the null distribution of R⁺ times
    /// 2ⁿ. Exact in double up to n = 50 (every count is below 2⁵³).
    /// </summary>
    public static double[] NullCounts(int n)
    {
        var max = n * (n + 1) / 2;
        var counts = new double[max + 1];
        counts[0] = 1;
        for (var k = 1; k <= n; k++)
        {
            for (var s = k * (k + 1) / 2; s >= k; s--)
            {
                counts[s] += counts[s - k];
            }
        }

        return counts;
    }

    /// <summary>Ranks 1..n of <paramref name="values"/>, tied values sharing their mean rank; Σ(t³ − t) over tie groups.</summary>
    public static double[] MidRanks(double[] values, out double tieCorrection)
    {
        var order = Enumerable.Range(0, values.Length).OrderBy(i => values[i]).ToArray();
        var ranks = new double[values.Length];
        tieCorrection = 0;
        for (var start = 0; start < order.Length;)
        {
            var end = start;
            while (end + 1 < order.Length && values[order[end + 1]] == values[order[start]])
            {
                end++;
            }

            var rank = 0.5 * (start + end) + 1;
            for (var i = start; i <= end; i++)
            {
                ranks[order[i]] = rank;
            }

            var t = end - start + 1;
            tieCorrection += (double)t * t * t - t;
            start = end + 1;
        }

        return ranks;
    }
}
