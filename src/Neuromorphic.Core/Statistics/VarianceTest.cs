namespace Neuromorphic.Core.Statistics;

/// <summary>The result of an F test: the statistic, its degrees of freedom and the p-value P(F &gt; statistic).</summary>
public sealed record FTestResult(double Statistic, int DegreesOfFreedom1, int DegreesOfFreedom2, double PValue);

/// <summary>Tests of equal variances across groups.</summary>
public static class VarianceTest
{
    /// <summary>
    /// The Brown–Forsythe test (Brown and Forsythe 1974; Levene's test centred on the median):
    /// z_ij = |x_ij − median_i|, then the one-way ANOVA F of the z over the groups,
    /// F = (N − k)/(k − 1) · Σ n_i (z̄_i − z̄)² / ΣΣ (z_ij − z̄_i)², compared with F(k − 1, N − k).
    /// Robust to non-normal data. Needs at least two groups and more values than groups; undefined
    /// (NaN) when every z is equal within its group — always so with two values per group — up to
    /// rounding (the within-group sum of squares below 1e-20 of Σ z²).
    /// </summary>
    public static FTestResult BrownForsythe(IReadOnlyList<IReadOnlyList<double>> groups)
    {
        var clean = groups.Select(g => g.Where(double.IsFinite).ToArray()).Where(g => g.Length > 0).ToArray();
        var k = clean.Length;
        var total = clean.Sum(g => g.Length);
        if (k < 2 || total <= k)
        {
            return new FTestResult(double.NaN, Math.Max(0, k - 1), Math.Max(0, total - k), double.NaN);
        }

        var z = clean.Select(g =>
        {
            var median = Sample.Median(g);
            return g.Select(v => Math.Abs(v - median)).ToArray();
        }).ToArray();
        var groupMeans = z.Select(g => Sample.Mean(g)).ToArray();
        var grandMean = z.SelectMany(g => g).Sum() / total;
        double between = 0, within = 0;
        for (var i = 0; i < k; i++)
        {
            between += z[i].Length * (groupMeans[i] - grandMean) * (groupMeans[i] - grandMean);
            foreach (var v in z[i])
            {
                within += (v - groupMeans[i]) * (v - groupMeans[i]);
            }
        }

        var df1 = k - 1;
        var df2 = total - k;
        var scale = z.SelectMany(g => g).Sum(v => v * v);
        if (within <= 1e-20 * scale)
        {
            return new FTestResult(double.NaN, df1, df2, double.NaN);
        }

        var f = between / df1 / (within / df2);
        return new FTestResult(f, df1, df2, SpecialFunctions.FSurvival(f, df1, df2));
    }
}
