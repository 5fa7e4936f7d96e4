namespace Neuromorphic.Core.Statistics;

/// <summary>Mean, sample standard deviation (n − 1), median and count of the finite values given.</summary>
public readonly record struct Descriptive(int Count, double Mean, double StandardDeviation, double Median, double Min, double Max)
{
    public static Descriptive Of(IEnumerable<double> values)
    {
        var list = values.Where(double.IsFinite).ToArray();
        if (list.Length == 0)
        {
            return new Descriptive(0, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);
        }

        var mean = Sample.Mean(list);
        var sum = 0.0;
        foreach (var v in list)
        {
            sum += (v - mean) * (v - mean);
        }

        return new Descriptive(list.Length, mean, list.Length > 1 ? Math.Sqrt(sum / (list.Length - 1)) : 0, Sample.Median(list), list.Min(), list.Max());
    }
}

/// <summary>Plain sample functions: mean, median, quantile.</summary>
public static class Sample
{
    /// <summary>The arithmetic mean, summed in the order given.</summary>
    public static double Mean(ReadOnlySpan<double> values)
    {
        var sum = 0.0;
        foreach (var v in values)
        {
            sum += v;
        }

        return values.Length == 0 ? double.NaN : sum / values.Length;
    }

    /// <summary>The median (the mean of the two middle values when the count is even).</summary>
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : 0.5 * (sorted[middle - 1] + sorted[middle]);
    }

    /// <summary>
    /// The <paramref name="q"/>-quantile of ascending <paramref name="sorted"/> by linear interpolation
    /// between order statistics (Hyndman and Fan's type 7, numpy's and R's default).
    /// </summary>
    public static double Quantile(ReadOnlySpan<double> sorted, double q)
    {
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        var h = (sorted.Length - 1) * Math.Clamp(q, 0, 1);
        var low = (int)Math.Floor(h);
        var high = Math.Min(low + 1, sorted.Length - 1);
        return sorted[low] + (h - low) * (sorted[high] - sorted[low]);
    }
}
