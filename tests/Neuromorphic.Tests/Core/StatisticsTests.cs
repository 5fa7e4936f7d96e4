using Neuromorphic.Core.Statistics;

namespace Neuromorphic.Tests.Core;

/// <summary>
/// The statistics module against known answers: published tables (normal and F quantiles,
/// Wilcoxon critical values, Newcombe's Wilson intervals), closed forms, exact enumeration of the
/// bootstrap distribution, and values computed with SciPy 1.10 (scipy.stats, scipy.special) and
/// checked by hand where the comment says so.
/// </summary>
public sealed class StatisticsTests
{
    [Theory]
    [InlineData(1.96, 0.9750021048517795)]
    [InlineData(-3.0, 0.0013498980316300933)]
    [InlineData(-8.0, 6.22096057427174e-16)]
    [InlineData(0.5, 0.6914624612740131)]
    [InlineData(0.0, 0.5)]
    public void Normal_distribution_matches_tables(double x, double expected) =>
        Assert.Equal(expected, SpecialFunctions.NormalCdf(x), expected * 1e-12);

    [Theory]
    [InlineData(0.975, 1.959963984540054)]
    [InlineData(1e-10, -6.361340902404056)]
    [InlineData(0.9, 1.2815515655446004)]
    [InlineData(0.01, -2.3263478740408408)]
    [InlineData(0.7, 0.5244005127080407)]
    [InlineData(0.5, 0.0)]
    public void Normal_quantile_matches_tables(double p, double expected) =>
        Assert.Equal(expected, SpecialFunctions.NormalQuantile(p), 1e-12);

    [Theory]
    [InlineData(0.5, 0.5723649429247001)] // ln √π
    [InlineData(10.0, 12.801827480081469)] // ln 9! = ln 362880
    [InlineData(0.1, 2.252712651734206)]
    [InlineData(123.4, 469.3360974421906)]
    public void Log_gamma_matches_known_values(double x, double expected) =>
        Assert.Equal(expected, SpecialFunctions.LogGamma(x), Math.Abs(expected) * 1e-13);

    [Theory]
    [InlineData(0.5, 2.0, 3.0, 0.6875)] // closed form: Σ_{j=2}^{4} C(4, j)/2⁴ = 11/16
    [InlineData(0.2, 0.5, 4.5, 0.8321493439429252)]
    [InlineData(0.4, 15.0, 30.0, 0.8296722513696086)]
    public void Incomplete_beta_matches_known_values(double x, double a, double b, double expected) =>
        Assert.Equal(expected, SpecialFunctions.BetaRegularized(x, a, b), 1e-12);

    [Theory]
    // Critical values of F tables (upper 5 % and 1 % points): the survival function there is α.
    [InlineData(4.9646027437307145, 1, 10, 0.05)]
    [InlineData(3.3541308285291986, 2, 27, 0.05)]
    [InlineData(4.102684630584732, 5, 20, 0.01)]
    [InlineData(1.5, 9, 90, 0.16003290834216238)]
    public void F_distribution_matches_tables(double f, int d1, int d2, double survival)
    {
        Assert.Equal(survival, SpecialFunctions.FSurvival(f, d1, d2), 1e-12);
        Assert.Equal(1 - survival, SpecialFunctions.FCdf(f, d1, d2), 1e-12);
    }

    [Theory]
    // Newcombe (1998), Statistics in Medicine 17:857, Table II, method 3 (Wilson score), to 4 decimals.
    [InlineData(81, 263, 0.2553, 0.3662)]
    [InlineData(15, 148, 0.0624, 0.1605)]
    [InlineData(0, 20, 0.0000, 0.1611)]
    [InlineData(1, 29, 0.0061, 0.1718)]
    public void Wilson_interval_matches_Newcombe(int successes, int trials, double low, double high)
    {
        var interval = Proportion.Wilson(successes, trials);
        Assert.Equal((double)successes / trials, interval.Estimate, 1e-15);
        Assert.Equal(low, interval.Low, 0.00005);
        Assert.Equal(high, interval.High, 0.00005);
    }

    [Fact]
    public void Wilson_interval_stays_inside_zero_one_and_is_undefined_without_trials()
    {
        var all = Proportion.Wilson(10, 10);
        Assert.Equal(0.7224672001371107, all.Low, 1e-12);
        Assert.Equal(1.0, all.High, 1e-12);
        Assert.False(Proportion.Wilson(0, 0).IsDefined);
    }

    [Theory]
    // Two-sided 5 % critical values of the signed-rank statistic from published tables: P(T ≤ c) ≤ 0.05 < P(T ≤ c + 1).
    [InlineData(6, 0)]
    [InlineData(8, 3)]
    [InlineData(10, 8)]
    [InlineData(15, 25)]
    [InlineData(20, 52)]
    [InlineData(25, 89)]
    [InlineData(30, 137)]
    public void Signed_rank_null_distribution_reproduces_the_critical_value_tables(int n, int critical)
    {
        var counts = SignedRankTest.NullCounts(n);
        Assert.Equal(Math.Pow(2, n), counts.Sum());
        double TwoSided(int t) => 2 * counts.Take(t + 1).Sum() / Math.Pow(2, n);
        Assert.True(TwoSided(critical) <= 0.05, $"n = {n}: P(T ≤ {critical}) = {TwoSided(critical)}");
        Assert.True(TwoSided(critical + 1) > 0.05, $"n = {n}: P(T ≤ {critical + 1}) = {TwoSided(critical + 1)}");
    }

    [Fact]
    public void Signed_rank_exact_p_values_match_scipy()
    {
        // By hand: ranks of |d| are 0.3→1, 0.4→2, 0.6→3, 0.8→4, 1.2→5, 1.4→6, …; negatives -0.3, -0.6, -1.4 give R⁻ = 1 + 3 + 6 = 10.
        var ten = SignedRankTest.Of([0.8, -0.3, 1.2, 2.5, -0.6, 1.9, 0.4, 3.1, -1.4, 2.2]);
        Assert.True(ten.Exact);
        Assert.Equal(10, ten.Statistic);
        Assert.Equal(45, ten.RankSumPositive);
        Assert.Equal(0.083984375, ten.PValue, 1e-15); // 86/1024

        var eight = SignedRankTest.Of([1.5, 2.1, 0.3, -0.2, 0.9, 1.1, 2.4, 0.7]);
        Assert.Equal(1, eight.Statistic);
        Assert.Equal(0.015625, eight.PValue, 1e-15); // 2·2/256

        var fifteen = SignedRankTest.Of([0.11, 0.22, 0.33, 0.44, 0.55, 0.66, 0.77, 0.88, 0.99, 1.1, 1.21, 1.32, -0.05, -0.5, 0.03]);
        Assert.Equal(9, fifteen.Statistic);
        Assert.Equal(0.00201416015625, fifteen.PValue, 1e-15);
    }

    [Fact]
    public void Signed_rank_with_ties_and_zeros_uses_the_corrected_normal_approximation_as_scipy()
    {
        // scipy.stats.wilcoxon(d, zero_method="wilcox", correction=True, mode="approx").
        var ties = SignedRankTest.Of([1, 1, -1, 2, 2, 2, -3, 4, 0, 5, -2, 3]);
        Assert.False(ties.Exact);
        Assert.Equal(1, ties.Zeros);
        Assert.Equal(11, ties.Count);
        Assert.Equal(16, ties.Statistic);
        Assert.Equal(0.13940147070983608, ties.PValue, 1e-12);

        var halves = SignedRankTest.Of([0.5, -0.5, 0.5, 1.0, 1.0, -1.0, 1.5, 2.0, 2.0, 0.5, 0.0, 0.0]);
        Assert.Equal(8.5, halves.Statistic);
        Assert.Equal(0.05686662768004776, halves.PValue, 1e-12);
    }

    [Fact]
    public void Signed_rank_beyond_the_exact_limit_matches_scipy_normal_approximation()
    {
        double[] d =
        [
            2.340919, -2.255665, 0.718099, -0.26777, -0.152649, 0.084403, -1.719986, 0.068068, -0.565213, 3.623, 0.525787, -0.052631, 0.018713,
            -0.368046, -0.755151, -0.090801, 0.781945, 0.061446, 1.257759, 0.100198, 0.32426, 1.845821, 0.845106, -0.205229, 0.117161, 0.840525,
            2.235088, 0.03038, 0.056441, 1.302314, -0.58646, 0.00828, 1.182539, 0.88035, 0.391517, 0.970104, -2.528162, 1.321307, -0.659645,
            -1.36862, 0.576446, 1.000545, -0.144767, -0.776406, 0.326125, 0.247253, 1.705598, 1.047408, 0.493816, 1.411633, 0.094477, -0.6259,
            0.884058, 0.882538, 0.085171, -0.482809, 0.529154, -2.193894, 0.990125, 0.791368,
        ];
        var result = SignedRankTest.Of(d);
        Assert.False(result.Exact);
        Assert.Equal(579, result.Statistic);
        Assert.Equal(0.013518188182406977, result.PValue, 1e-12);
    }

    [Fact]
    public void Signed_rank_of_no_differences_is_not_significant()
    {
        Assert.Equal(1.0, SignedRankTest.Of([0.0, 0.0, 0.0]).PValue);
        Assert.Equal(1.0, SignedRankTest.Of([]).PValue);
    }

    [Fact]
    public void Brown_Forsythe_matches_the_hand_computation_and_scipy()
    {
        // By hand: medians 3, 7, 4; z̄ = 1.2, 3, 9/7; grand mean 33/18; between 12.2715 (df 2), within 36.2286 (df 15): F = 2.5404.
        var three = VarianceTest.BrownForsythe([[1, 2, 3, 4, 5], [2, 4, 6, 8, 10, 12], [3, 3, 4, 4, 5, 5, 9]]);
        Assert.Equal(2, three.DegreesOfFreedom1);
        Assert.Equal(15, three.DegreesOfFreedom2);
        Assert.Equal(2.5404179810725553, three.Statistic, 1e-12);
        Assert.Equal(0.11215561714518958, three.PValue, 1e-12);

        // scipy.stats.levene(g1, g2, center="median").
        var two = VarianceTest.BrownForsythe([
            [86.2, 85.9, 87.1, 86.5, 86.0, 85.7, 86.8, 86.3, 85.5, 86.6],
            [86.9, 84.1, 87.5, 82.3, 86.0, 87.8, 85.2, 83.9, 88.1, 86.4],
        ]);
        Assert.Equal(9.486261658684192, two.Statistic, 1e-9);
        Assert.Equal(0.00645581486816496, two.PValue, 1e-11);
    }

    [Fact]
    public void Brown_Forsythe_is_undefined_for_a_single_group_or_constant_groups()
    {
        Assert.True(double.IsNaN(VarianceTest.BrownForsythe([[1, 2, 3]]).PValue));
        Assert.True(double.IsNaN(VarianceTest.BrownForsythe([[1, 1], [2, 2]]).PValue));
        Assert.True(double.IsNaN(VarianceTest.BrownForsythe([[0.7923, 0.7902], [0.7848, 0.7958]]).PValue));   // two values per group: z equal up to rounding
    }

    [Fact]
    public void Holm_adjustment_matches_the_step_down_definition()
    {
        // Holm (1979), m = 5 (NaN not counted): sorted 0.01, 0.02, 0.03, 0.04, 0.5 → 5·0.01, 4·0.02, 3·0.03, max(0.09, 2·0.04), max(0.09, 0.5).
        var adjusted = MultipleComparisons.Holm([0.04, 0.01, double.NaN, 0.03, 0.02, 0.5]);
        Assert.Equal([0.09, 0.05, double.NaN, 0.09, 0.08, 0.5], adjusted.Select(p => Math.Round(p, 12)).ToArray());
    }

    private static readonly double[] s_six = [0.872, 0.861, 0.884, 0.79, 0.869, 0.877];

    [Fact]
    public void Bootstrap_intervals_match_the_exact_bootstrap_distribution()
    {
        // Exact: all 6⁶ = 46,656 resamples enumerated (numpy percentile, linear); SciPy's scipy.stats.bootstrap gives the same.
        var bca = Bootstrap.Mean(s_six, seed: 1, resamples: 200_000, method: BootstrapMethod.BCa);
        var percentile = Bootstrap.Mean(s_six, seed: 1, resamples: 200_000, method: BootstrapMethod.Percentile);
        Assert.Equal(0.8588333333333332, bca.Estimate, 1e-15);
        Assert.Equal(0.8163333333333335, bca.Low, 0.002);
        Assert.Equal(0.8751666666666665, bca.High, 0.002);
        Assert.Equal(0.83, percentile.Low, 0.002);
        Assert.Equal(0.8771666666666667, percentile.High, 0.002);
    }

    [Fact]
    public void Bootstrap_matches_scipy_on_a_skewed_sample_with_a_collapse()
    {
        double[] y = [0.861, 0.858, 0.866, 0.870, 0.855, 0.722, 0.864, 0.859, 0.868, 0.862, 0.857, 0.871];
        var bca = Bootstrap.Mean(y, seed: 2, resamples: 200_000);
        var percentile = Bootstrap.Mean(y, seed: 2, resamples: 200_000, method: BootstrapMethod.Percentile);
        Assert.Equal(0.8041666666666666, bca.Low, 0.002);
        Assert.Equal(0.8638333333333333, bca.High, 0.001);
        Assert.Equal(0.8264999999999999, percentile.Low, 0.002);
        Assert.Equal(0.8650000000000001, percentile.High, 0.001);
        Assert.True(bca.Low < percentile.Low, "BCa reaches further towards the collapsed run");
    }

    [Fact]
    public void Bootstrap_is_deterministic_in_its_seed_and_key_and_handles_degenerate_samples()
    {
        var a = Bootstrap.Mean(s_six, seed: 7, key: 3);
        Assert.Equal(a, Bootstrap.Mean(s_six, seed: 7, key: 3));
        Assert.NotEqual(a, Bootstrap.Mean(s_six, seed: 7, key: 4));
        Assert.Equal(new Interval(0.5, 0.5, 0.5), Bootstrap.Mean([0.5, 0.5, 0.5], seed: 1));
        var single = Bootstrap.Mean([0.5], seed: 1);
        Assert.Equal(0.5, single.Estimate);
        Assert.True(double.IsNaN(single.Low) && double.IsNaN(single.High));
        Assert.False(Bootstrap.Mean([], seed: 1).IsDefined);
    }

    [Fact]
    public void Bootstrap_interval_covers_the_true_mean_about_95_percent_of_the_time()
    {
        // 400 normal samples of 20: the BCa interval should cover μ in about 95 % of them (binomial SD ≈ 1.1 %).
        var rng = new Neuromorphic.Core.Random.CounterRng(11, 1);
        var covered = 0;
        const int trials = 400;
        for (var t = 0; t < trials; t++)
        {
            var sample = Enumerable.Range(0, 20).Select(_ => rng.Normal(3, 2)).ToArray();
            if (!Bootstrap.Mean(sample, seed: 5, key: (ulong)t, resamples: 2000).Excludes(3))
            {
                covered++;
            }
        }

        Assert.InRange(covered / (double)trials, 0.905, 0.975);
    }
}
