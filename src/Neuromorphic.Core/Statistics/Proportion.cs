namespace Neuromorphic.Core.Statistics;

/// <summary>Confidence intervals of a binomial proportion.</summary>
public static class Proportion
{
    /// <summary>
    /// The Wilson score interval of <paramref name="successes"/> out of <paramref name="trials"/>
    /// (Wilson 1927; Newcombe 1998, method 3): good coverage even at 0 or n successes, where the
    /// Wald interval collapses to a point. Undefined for no trials.
    /// </summary>
    public static Interval Wilson(int successes, int trials, double level = 0.95)
    {
        if (trials <= 0)
        {
            return Interval.Undefined(level);
        }

        if (successes < 0 || successes > trials)
        {
            throw new ArgumentOutOfRangeException(nameof(successes), successes, $"a count in 0..{trials}");
        }

        var z = SpecialFunctions.NormalQuantile(1 - (1 - level) / 2);
        var p = (double)successes / trials;
        var denominator = 1 + z * z / trials;
        var centre = (p + z * z / (2.0 * trials)) / denominator;
        var half = z * Math.Sqrt(p * (1 - p) / trials + z * z / (4.0 * trials * trials)) / denominator;
        return new Interval(p, Math.Max(0, centre - half), Math.Min(1, centre + half), level);
    }
}
