using Neuromorphic.Core.Errors;
using Neuromorphic.Core.Random;

namespace Neuromorphic.Learning.TimeConstants;

/// <summary>What is held equal across distributions so that conditions differ only in spread.</summary>
public enum TauMatching
{
    /// <summary>The mean of the clipped per-neuron dt equals the requested dt mean (default).</summary>
    MeanDt,

    /// <summary>The mean τ equals Δt / dt mean; the mean dt then grows with the spread (mean of 1/τ ≥ 1/mean τ).</summary>
    MeanTau,
}

/// <summary>How per-neuron time steps are drawn: dt_i = clip(Δt/τ_i, dtMin, 1), τ_i from the distribution.</summary>
public sealed record TimeStepSettings(TauDistribution Distribution, double DtMean = 0.5, double DtMin = 0.05, TauMatching Matching = TauMatching.MeanDt)
{
    public void Validate()
    {
        if (!(DtMin > 0 && DtMin <= 1))
        {
            throw new InvalidInputException(null, nameof(DtMin), DtMin.ToString("R"), "a smallest time step in (0, 1]");
        }

        if (!(DtMean >= DtMin && DtMean <= 1))
        {
            throw new InvalidInputException(null, nameof(DtMean), DtMean.ToString("R"), $"a mean time step in [DtMin = {DtMin:R}, 1]");
        }
    }
}

/// <summary>
/// The per-neuron time steps and time constants of every non-input layer, drawn once from their
/// own random stream, and what the draw looked like (realized mean dt, share clipped).
/// </summary>
public sealed class TimeStepDraw
{
    private TimeStepDraw(float[][] dt, float[][] tau, double scale, int clippedLow, int clippedHigh)
    {
        Dt = dt;
        Tau = tau;
        Scale = scale;
        var count = dt.Sum(layer => layer.Length);
        NeuronCount = count;
        ClippedLowShare = (double)clippedLow / count;
        ClippedHighShare = (double)clippedHigh / count;
        var sum = 0.0;
        var tauSum = 0.0;
        var tauSquares = 0.0;
        foreach (var layer in dt)
        {
            foreach (var value in layer)
            {
                sum += value;
            }
        }

        foreach (var layer in tau)
        {
            foreach (var value in layer)
            {
                tauSum += value;
                tauSquares += (double)value * value;
            }
        }

        MeanDt = sum / count;
        MeanTau = tauSum / count;
        var variance = Math.Max(0, tauSquares / count - MeanTau * MeanTau);
        TauCoefficientOfVariation = MeanTau > 0 ? Math.Sqrt(variance) / MeanTau : 0;
    }

    /// <summary>Time step of each neuron, per layer (layer 1 first), in (0, 1].</summary>
    public float[][] Dt { get; }

    /// <summary>Time constant of each neuron in units of the base step Δt, before clipping of dt.</summary>
    public float[][] Tau { get; }

    /// <summary>The factor c in dt = clip(c/τ′, dtMin, 1) applied to the unit-mean draws τ′.</summary>
    public double Scale { get; }

    public int NeuronCount { get; }
    public double MeanDt { get; }
    public double MeanTau { get; }
    public double TauCoefficientOfVariation { get; }

    /// <summary>Share of neurons whose dt was raised to dtMin.</summary>
    public double ClippedLowShare { get; }

    /// <summary>Share of neurons whose dt was lowered to 1.</summary>
    public double ClippedHighShare { get; }

    public double ClippedShare => ClippedLowShare + ClippedHighShare;

    /// <summary>
    /// Draws τ for every neuron of the layers with <paramref name="layerSizes"/> (non-input layers)
    /// from the stream (tauSeed, <see cref="RandomStreams.Tau"/>, layer), then scales them so that
    /// the matched quantity hits its target.
    /// </summary>
    public static TimeStepDraw Draw(IReadOnlyList<int> layerSizes, TimeStepSettings settings, ulong tauSeed)
    {
        settings.Validate();
        var unit = new double[layerSizes.Count][];
        for (var k = 0; k < layerSizes.Count; k++)
        {
            var rng = new CounterRng(tauSeed, RandomStreams.Tau, (ulong)(k + 1));
            unit[k] = new double[layerSizes[k]];
            for (var i = 0; i < unit[k].Length; i++)
            {
                unit[k][i] = settings.Distribution.SampleUnitMean(rng);
            }
        }

        var scale = settings.Matching == TauMatching.MeanTau || settings.Distribution.Family == TauFamily.Homogeneous
            ? settings.DtMean
            : MatchMeanDt(unit, settings);
        var dt = new float[unit.Length][];
        var tau = new float[unit.Length][];
        int low = 0, high = 0;
        for (var k = 0; k < unit.Length; k++)
        {
            dt[k] = new float[unit[k].Length];
            tau[k] = new float[unit[k].Length];
            for (var i = 0; i < unit[k].Length; i++)
            {
                var raw = scale / unit[k][i];
                if (raw < settings.DtMin)
                {
                    low++;
                }
                else if (raw > 1)
                {
                    high++;
                }

                dt[k][i] = (float)Math.Clamp(raw, settings.DtMin, 1);
                tau[k][i] = (float)(unit[k][i] / scale);
            }
        }

        return new TimeStepDraw(dt, tau, scale, low, high);
    }

    /// <summary>Bisection (in log space) for c with mean clip(c/τ′, dtMin, 1) = dtMean; the mean is monotone in c.</summary>
    private static double MatchMeanDt(double[][] unit, TimeStepSettings settings)
    {
        double MeanDt(double c)
        {
            var sum = 0.0;
            var count = 0;
            foreach (var layer in unit)
            {
                foreach (var value in layer)
                {
                    sum += Math.Clamp(c / value, settings.DtMin, 1);
                    count++;
                }
            }

            return sum / count;
        }

        if (settings.DtMean >= 1)
        {
            return unit.Max(layer => layer.Max());
        }

        double lo = Math.Log(1e-12), hi = Math.Log(1e12);
        for (var iteration = 0; iteration < 200; iteration++)
        {
            var mid = 0.5 * (lo + hi);
            if (MeanDt(Math.Exp(mid)) < settings.DtMean)
            {
                lo = mid;
            }
            else
            {
                hi = mid;
            }
        }

        return Math.Exp(hi);
    }
}
