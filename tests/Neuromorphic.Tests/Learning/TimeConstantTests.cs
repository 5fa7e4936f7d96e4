using Neuromorphic.Core.Errors;
using Neuromorphic.Core.Random;
using Neuromorphic.Learning.TimeConstants;

namespace Neuromorphic.Tests.Learning;

/// <summary>The time-constant samplers hit their target mean and coefficient of variation; dt drawing matches and clips as documented.</summary>
public sealed class TimeConstantTests
{
    private const int Draws = 100_000;

    [Theory]
    [InlineData(TauFamily.Homogeneous, 0.0)]
    [InlineData(TauFamily.LogNormal, 0.25)]
    [InlineData(TauFamily.LogNormal, 0.5)]
    [InlineData(TauFamily.LogNormal, 1.0)]
    [InlineData(TauFamily.Gamma, 1.0)]
    [InlineData(TauFamily.Gamma, 3.0)]
    [InlineData(TauFamily.Gamma, 20.0)]
    [InlineData(TauFamily.Uniform, 0.5)]
    [InlineData(TauFamily.Uniform, 0.9)]
    [InlineData(TauFamily.Normal, 9.0)]
    [InlineData(TauFamily.Normal, 3.0)]
    public void Sampler_matches_its_target_mean_and_coefficient_of_variation(TauFamily family, double spread)
    {
        var distribution = family == TauFamily.Homogeneous ? TauDistribution.Homogeneous : new TauDistribution(family, spread);
        var rng = new CounterRng(42, (ulong)family, (ulong)(spread * 100));
        double sum = 0, squares = 0;
        for (var i = 0; i < Draws; i++)
        {
            var tau = distribution.SampleUnitMean(rng);
            Assert.True(tau > 0);
            sum += tau;
            squares += tau * tau;
        }

        var mean = sum / Draws;
        var cv = Math.Sqrt(squares / Draws - mean * mean) / mean;
        var (expectedMean, expectedCv) = family == TauFamily.Normal ? TruncatedNormal(1, 1 / Math.Sqrt(spread)) : (1.0, distribution.CoefficientOfVariation);
        var meanTolerance = 6 * Math.Max(expectedCv, 1e-9) / Math.Sqrt(Draws) + 1e-12;
        Assert.True(Math.Abs(mean - expectedMean) <= meanTolerance, $"mean {mean:0.0000}, expected {expectedMean:0.0000} ± {meanTolerance:0.0000}");
        Assert.True(Math.Abs(cv - expectedCv) <= 0.03 * expectedCv + 1e-9, $"CV {cv:0.0000}, expected {expectedCv:0.0000}");
    }

    [Theory]
    [InlineData(TauFamily.LogNormal, 0.5, 0.5)]
    [InlineData(TauFamily.Gamma, 3.0, 0.43)]
    [InlineData(TauFamily.Uniform, 0.8, 0.3)]
    [InlineData(TauFamily.Normal, 3.0, 0.5)]
    public void Matching_the_mean_dt_hits_the_target_after_clipping(TauFamily family, double spread, double dtMean)
    {
        int[] sizes = [500, 10];
        var draw = TimeStepDraw.Draw(sizes, new TimeStepSettings(new TauDistribution(family, spread), dtMean, 0.05), 7);
        Assert.Equal(sizes, draw.Dt.Select(d => d.Length));
        Assert.True(Math.Abs(draw.MeanDt - dtMean) < 1e-5, $"mean dt {draw.MeanDt}");
        Assert.All(draw.Dt.SelectMany(d => d), dt => Assert.InRange(dt, 0.05f, 1f));
        var clipped = draw.Dt.SelectMany(d => d).Count(dt => dt == 1f || dt == 0.05f) / 510.0;
        Assert.Equal(clipped, draw.ClippedShare, 3);
        Assert.True(draw.ClippedShare > 0, "a spread this wide clips some neurons");
    }

    [Fact]
    public void Matching_the_mean_tau_lets_the_mean_dt_grow_with_the_spread()
    {
        var settings = new TimeStepSettings(new TauDistribution(TauFamily.LogNormal, 0.5), 0.5, 0.05, TauMatching.MeanTau);
        var draw = TimeStepDraw.Draw([20_000], settings, 3);
        Assert.Equal(2.0, draw.MeanTau, 1);
        Assert.InRange(draw.MeanDt, 0.55, 0.62);
    }

    [Fact]
    public void Homogeneous_draw_gives_every_neuron_the_mean_dt_and_is_reproducible()
    {
        var draw = TimeStepDraw.Draw([30, 10], new TimeStepSettings(TauDistribution.Homogeneous, 0.4), 1);
        Assert.All(draw.Dt.SelectMany(d => d), dt => Assert.Equal(0.4f, dt));
        Assert.Equal(0, draw.ClippedShare);
        var settings = new TimeStepSettings(new TauDistribution(TauFamily.Gamma, 3), 0.5);
        Assert.Equal(TimeStepDraw.Draw([30, 10], settings, 9).Dt.SelectMany(d => d), TimeStepDraw.Draw([30, 10], settings, 9).Dt.SelectMany(d => d));
        Assert.NotEqual(TimeStepDraw.Draw([30, 10], settings, 9).Dt.SelectMany(d => d), TimeStepDraw.Draw([30, 10], settings, 10).Dt.SelectMany(d => d));
    }

    [Theory]
    [InlineData("weibull", null, "Distribution")]
    [InlineData("lognormal", -0.5, "Spread")]
    [InlineData("gamma", 0.0, "Spread")]
    [InlineData("uniform", 1.0, "Spread")]
    [InlineData("normal", -3.0, "Spread")]
    public void Bad_distribution_or_spread_is_rejected_with_the_option_named(string name, double? spread, string option)
    {
        var error = Assert.Throws<InvalidInputException>(() => TauDistribution.Parse(name, spread));
        Assert.Equal(option, error.Field);
    }

    /// <summary>Mean and CV of N(μ, σ²) truncated to (0, ∞), by numerical integration.</summary>
    private static (double Mean, double Cv) TruncatedNormal(double mu, double sigma)
    {
        double mass = 0, first = 0, second = 0;
        const int steps = 200_000;
        var high = mu + 12 * sigma;
        var h = high / steps;
        for (var i = 0; i <= steps; i++)
        {
            var x = i * h;
            var weight = (i == 0 || i == steps ? 0.5 : 1) * Math.Exp(-0.5 * ((x - mu) / sigma) * ((x - mu) / sigma));
            mass += weight;
            first += weight * x;
            second += weight * x * x;
        }

        var mean = first / mass;
        return (mean, Math.Sqrt(second / mass - mean * mean) / mean);
    }
}
