using System.Globalization;

namespace Neuromorphic.Core.Statistics;

/// <summary>An estimate with a confidence interval [<see cref="Low"/>, <see cref="High"/>] at <see cref="Level"/> (0.95 for 95 %).</summary>
public readonly record struct Interval(double Estimate, double Low, double High, double Level = 0.95)
{
    public static Interval Undefined(double level = 0.95) => new(double.NaN, double.NaN, double.NaN, level);

    public bool IsDefined => !double.IsNaN(Estimate);

    /// <summary>True when the interval lies entirely above (or below) <paramref name="value"/>.</summary>
    public bool Excludes(double value) => Low > value || High < value;

    /// <summary>"87.12 [86.90, 87.35]" with values scaled by <paramref name="scale"/>.</summary>
    public string Format(double scale = 1, string format = "0.00") =>
        !IsDefined
            ? "–"
            : $"{(Estimate * scale).ToString(format, CultureInfo.InvariantCulture)} [{(Low * scale).ToString(format, CultureInfo.InvariantCulture)}, {(High * scale).ToString(format, CultureInfo.InvariantCulture)}]";
}
