namespace Neuromorphic.Core.Statistics;

/// <summary>
/// The special functions the statistics need, in double precision: log Γ
/// (Lanczos, g = 7), the regularized incomplete gamma and beta functions (series and Lentz's
/// continued fractions, as in Press et al., Numerical Recipes, 3rd ed., §6.2 and §6.4), the
/// normal distribution and its quantile (Acklam's rational approximation refined by one Halley
/// step), and the F distribution. Accurate to about 1e-13 relative in the ranges statistics use.
/// </summary>
public static class SpecialFunctions
{
    private static readonly double[] s_lanczos =
    [
        0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
        12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
    ];

    /// <summary>ln Γ(x) for x &gt; 0.</summary>
    public static double LogGamma(double x)
    {
        if (!(x > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(x), x, "log Γ needs x > 0");
        }

        if (x < 0.5)
        {
            // Reflection: Γ(x)Γ(1 − x) = π / sin(πx).
            return Math.Log(Math.PI / Math.Sin(Math.PI * x)) - LogGamma(1 - x);
        }

        x -= 1;
        var sum = s_lanczos[0];
        for (var i = 1; i < s_lanczos.Length; i++)
        {
            sum += s_lanczos[i] / (x + i);
        }

        var t = x + 7.5;
        return 0.5 * Math.Log(2 * Math.PI) + (x + 0.5) * Math.Log(t) - t + Math.Log(sum);
    }

    /// <summary>The regularized lower incomplete gamma function P(a, x).</summary>
    public static double GammaP(double a, double x) => x < a + 1 ? GammaSeries(a, x) : 1 - GammaContinuedFraction(a, x);

    /// <summary>The regularized upper incomplete gamma function Q(a, x) = 1 − P(a, x), accurate in the tail.</summary>
    public static double GammaQ(double a, double x) => x < a + 1 ? 1 - GammaSeries(a, x) : GammaContinuedFraction(a, x);

    /// <summary>erfc(x), accurate in both tails.</summary>
    public static double Erfc(double x) => x >= 0 ? GammaQ(0.5, x * x) : 1 + GammaP(0.5, x * x);

    /// <summary>Φ(x), the standard normal distribution function.</summary>
    public static double NormalCdf(double x) => 0.5 * Erfc(-x / Math.Sqrt(2));

    /// <summary>Φ⁻¹(p) for 0 &lt; p &lt; 1 (−∞ and +∞ at 0 and 1).</summary>
    public static double NormalQuantile(double p)
    {
        if (double.IsNaN(p) || p < 0 || p > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(p), p, "a probability in [0, 1]");
        }

        if (p == 0)
        {
            return double.NegativeInfinity;
        }

        if (p == 1)
        {
            return double.PositiveInfinity;
        }

        // P. J. Acklam's rational approximation (relative error 1.15e-9), then one Halley step on Φ.
        const double low = 0.02425;
        double x;
        if (p < low)
        {
            var q = Math.Sqrt(-2 * Math.Log(p));
            x = Tail(q);
        }
        else if (p <= 1 - low)
        {
            var q = p - 0.5;
            var r = q * q;
            x = (((((-3.969683028665376e+01 * r + 2.209460984245205e+02) * r - 2.759285104469687e+02) * r + 1.383577518672690e+02) * r
                  - 3.066479806614716e+01) * r + 2.506628277459239e+00) * q
                / (((((-5.447609879822406e+01 * r + 1.615858368580409e+02) * r - 1.556989798598866e+02) * r + 6.680131188771972e+01) * r
                    - 1.328068155288572e+01) * r + 1);
        }
        else
        {
            var q = Math.Sqrt(-2 * Math.Log(1 - p));
            x = -Tail(q);
        }

        var e = p < 0.5 ? NormalCdf(x) - p : (1 - p) - NormalCdf(-x);
        var u = e * Math.Sqrt(2 * Math.PI) * Math.Exp(x * x / 2);
        return x - u / (1 + x * u / 2);

        static double Tail(double q) =>
            (((((-7.784894002430293e-03 * q - 3.223964580411365e-01) * q - 2.400758277161838e+00) * q - 2.549732539343734e+00) * q
              + 4.374664141464968e+00) * q + 2.938163982698783e+00)
            / ((((7.784695709041462e-03 * q + 3.224671290700398e-01) * q + 2.445134137142996e+00) * q + 3.754408661907416e+00) * q + 1);
    }

    /// <summary>The regularized incomplete beta function I_x(a, b).</summary>
    public static double BetaRegularized(double x, double a, double b)
    {
        if (!(a > 0) || !(b > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(a), $"a = {a}, b = {b}: both must be positive");
        }

        if (x <= 0)
        {
            return 0;
        }

        if (x >= 1)
        {
            return 1;
        }

        var front = Math.Exp(LogGamma(a + b) - LogGamma(a) - LogGamma(b) + a * Math.Log(x) + b * Math.Log(1 - x));
        return x < (a + 1) / (a + b + 2)
            ? front * BetaContinuedFraction(x, a, b) / a
            : 1 - front * BetaContinuedFraction(1 - x, b, a) / b;
    }

    /// <summary>P(F ≤ f) for the F distribution with (d1, d2) degrees of freedom.</summary>
    public static double FCdf(double f, double d1, double d2) => f <= 0 ? 0 : BetaRegularized(d1 * f / (d1 * f + d2), d1 / 2, d2 / 2);

    /// <summary>P(F &gt; f) for the F distribution with (d1, d2) degrees of freedom, accurate in the upper tail.</summary>
    public static double FSurvival(double f, double d1, double d2) => f <= 0 ? 1 : BetaRegularized(d2 / (d2 + d1 * f), d2 / 2, d1 / 2);

    private static double GammaSeries(double a, double x)
    {
        if (x <= 0)
        {
            return 0;
        }

        var term = 1.0 / a;
        var sum = term;
        for (var n = 1; n < 10_000; n++)
        {
            term *= x / (a + n);
            sum += term;
            if (Math.Abs(term) < Math.Abs(sum) * 1e-16)
            {
                break;
            }
        }

        return sum * Math.Exp(-x + a * Math.Log(x) - LogGamma(a));
    }

    private static double GammaContinuedFraction(double a, double x)
    {
        const double tiny = 1e-300;
        var b = x + 1 - a;
        var c = 1 / tiny;
        var d = 1 / b;
        var h = d;
        for (var i = 1; i < 10_000; i++)
        {
            b += 2;
            var delta = LentzStep(-i * (i - a), b, ref c, ref d);
            h *= delta;
            if (Math.Abs(delta - 1) < 1e-16)
            {
                break;
            }
        }

        return Math.Exp(-x + a * Math.Log(x) - LogGamma(a)) * h;
    }

    private static double BetaContinuedFraction(double x, double a, double b)
    {
        const double tiny = 1e-300;
        var qab = a + b;
        var qap = a + 1;
        var qam = a - 1;
        var c = 1.0;
        var d = 1 - qab * x / qap;
        d = Math.Abs(d) < tiny ? tiny : d;
        d = 1 / d;
        var h = d;
        for (var m = 1; m < 10_000; m++)
        {
            var m2 = 2 * m;
            h *= LentzStep(m * (b - m) * x / ((qam + m2) * (a + m2)), 1, ref c, ref d);
            var delta = LentzStep(-(a + m) * (qab + m) * x / ((a + m2) * (qap + m2)), 1, ref c, ref d);
            h *= delta;
            if (Math.Abs(delta - 1) < 1e-16)
            {
                break;
            }
        }

        return h;
    }

    /// <summary>One step of the modified Lentz method for a continued fraction with terms aₙ/(bₙ + …): updates C and D, returns the factor C·D.</summary>
    private static double LentzStep(double an, double bn, ref double c, ref double d)
    {
        const double tiny = 1e-300;
        d = bn + an * d;
        d = Math.Abs(d) < tiny ? tiny : d;
        c = bn + an / c;
        c = Math.Abs(c) < tiny ? tiny : c;
        d = 1 / d;
        return d * c;
    }
}
