using System.Globalization;
using Neuromorphic.Core.Errors;
using Neuromorphic.Core.Random;

namespace Neuromorphic.Learning.TimeConstants;

/// <summary>The families of per-neuron time constants (src/Neuromorphic.Learning/README.md, "Time constants").</summary>
public enum TauFamily
{
    /// <summary>Every neuron has the same τ: the scalar-dt baseline.</summary>
    Homogeneous,

    /// <summary>ln τ ~ N(ln τ̄ − σ²/2, σ²): mean τ̄, spread σ (fits measured membrane τ, Perez-Nieves et al. 2021).</summary>
    LogNormal,

    /// <summary>τ ~ Gamma(k, τ̄/k): mean τ̄, CV 1/√k; spread is the shape k (Perez-Nieves' default k = 3).</summary>
    Gamma,

    /// <summary>τ ~ U(τ̄(1 − w), τ̄(1 + w)): spread is the half-width w in [0, 1).</summary>
    Uniform,

    /// <summary>τ ~ N(τ̄, τ̄/√k) truncated to τ &gt; 0 (redrawn): spread is k, as for the gamma.</summary>
    Normal,
}

/// <summary>
/// A distribution of time constants: a family and its spread parameter (σ, k or w, in the family's
/// own terms). Draws have mean 1 (before truncation for <see cref="TauFamily.Normal"/>); callers
/// scale them.
/// </summary>
public sealed record TauDistribution(TauFamily Family, double Spread)
{
    public static readonly IReadOnlyList<string> Names = ["homogeneous", "lognormal", "gamma", "uniform", "normal"];

    public static TauDistribution Homogeneous { get; } = new(TauFamily.Homogeneous, 0);

    public string Name => Names[(int)Family];

    /// <summary>"lognormal(σ=0.5)", "gamma(k=3)", "homogeneous".</summary>
    public string Label => Family switch
    {
        TauFamily.Homogeneous => "homogeneous",
        TauFamily.LogNormal => $"lognormal(σ={Format(Spread)})",
        TauFamily.Gamma => $"gamma(k={Format(Spread)})",
        TauFamily.Uniform => $"uniform(w={Format(Spread)})",
        _ => $"normal(k={Format(Spread)})",
    };

    /// <summary>A file-name-safe identifier: "lognormal-0.5", "homogeneous".</summary>
    public string Slug => Family == TauFamily.Homogeneous ? "homogeneous" : $"{Name}-{Format(Spread)}";

    /// <summary>What the spread parameter is called for this family.</summary>
    public static string SpreadName(TauFamily family) => family switch
    {
        TauFamily.LogNormal => "σ",
        TauFamily.Gamma or TauFamily.Normal => "k",
        TauFamily.Uniform => "w",
        _ => "none",
    };

    /// <summary>Spread used when none is given: σ = 0.5, k = 3, w = 0.5.</summary>
    public static double DefaultSpread(TauFamily family) => family switch
    {
        TauFamily.LogNormal => 0.5,
        TauFamily.Gamma or TauFamily.Normal => 3,
        TauFamily.Uniform => 0.5,
        _ => 0,
    };

    /// <summary>The coefficient of variation of τ this distribution targets (before any truncation).</summary>
    public double CoefficientOfVariation => Family switch
    {
        TauFamily.Homogeneous => 0,
        TauFamily.LogNormal => Math.Sqrt(Math.Exp(Spread * Spread) - 1),
        TauFamily.Gamma or TauFamily.Normal => 1 / Math.Sqrt(Spread),
        _ => Spread / Math.Sqrt(3),
    };

    /// <summary>
    /// Parses a family name and an optional spread. Throws <see cref="InvalidInputException"/>
    /// naming <paramref name="option"/> for an unknown family or <paramref name="spreadOption"/> for a spread out of range.
    /// </summary>
    public static TauDistribution Parse(string name, double? spread, string option = "Distribution", string spreadOption = nameof(Spread))
    {
        var index = -1;
        for (var i = 0; i < Names.Count; i++)
        {
            if (string.Equals(Names[i], name.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                index = i;
            }
        }

        if (index < 0)
        {
            throw new InvalidInputException(null, option, $"\"{name}\"", $"one of {string.Join(", ", Names)}");
        }

        var family = (TauFamily)index;
        if (family == TauFamily.Homogeneous)
        {
            return Homogeneous;
        }

        var value = spread ?? DefaultSpread(family);
        var expected = family switch
        {
            TauFamily.LogNormal => value >= 0 ? null : "a log-normal σ ≥ 0",
            TauFamily.Gamma => value > 0 ? null : "a gamma shape k > 0 (CV = 1/√k)",
            TauFamily.Normal => value > 0 ? null : "a normal spread k > 0 (CV = 1/√k)",
            _ => value is >= 0 and < 1 ? null : "a uniform half-width w in [0, 1)",
        };
        if (!double.IsFinite(value) || expected is not null)
        {
            throw new InvalidInputException(null, spreadOption, Format(value), expected ?? "a finite number");
        }

        return new TauDistribution(family, value);
    }

    /// <summary>One draw with mean 1 (the normal family's truncation raises its mean slightly).</summary>
    public double SampleUnitMean(CounterRng rng)
    {
        switch (Family)
        {
            case TauFamily.Homogeneous:
                return 1;
            case TauFamily.LogNormal:
                return rng.LogNormal(-0.5 * Spread * Spread, Spread);
            case TauFamily.Gamma:
                return rng.Gamma(Spread, 1 / Spread);
            case TauFamily.Uniform:
                return rng.Uniform(1 - Spread, 1 + Spread);
            default:
                var sd = 1 / Math.Sqrt(Spread);
                while (true)
                {
                    var value = rng.Normal(1, sd);
                    if (value > 0)
                    {
                        return value;
                    }
                }
        }
    }

    public override string ToString() => Label;

    private static string Format(double value) => value.ToString("0.####", CultureInfo.InvariantCulture);
}
