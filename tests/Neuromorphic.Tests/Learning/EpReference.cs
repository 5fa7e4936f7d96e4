using Neuromorphic.Core.Data;
using Neuromorphic.Core.Random;
using Neuromorphic.Learning.Kernels;
using Neuromorphic.Learning.Models;
using Neuromorphic.Learning.Training;

namespace Neuromorphic.Tests.Learning;

/// <summary>
/// A double-precision, textbook implementation of the EP dynamics for tiny networks: the yardstick
/// for gradient checks (finite differences of the loss at the free fixed point).
/// </summary>
internal sealed class EpReference
{
    private readonly int[] _sizes;

    public EpReference(EpParameters parameters)
    {
        _sizes = parameters.Sizes;
        W = new double[_sizes.Length - 1][];
        B = new double[_sizes.Length - 1][];
        Dt = new double[_sizes.Length - 1][];
        for (var k = 1; k < _sizes.Length; k++)
        {
            W[k - 1] = new double[_sizes[k] * _sizes[k - 1]];
            for (var i = 0; i < _sizes[k]; i++)
            {
                for (var j = 0; j < _sizes[k - 1]; j++)
                {
                    W[k - 1][i * _sizes[k - 1] + j] = parameters.Weight(k, i, j);
                }
            }

            B[k - 1] = parameters.Biases[k - 1].Take(_sizes[k]).Select(v => (double)v).ToArray();
            Dt[k - 1] = parameters.Dt[k - 1].Take(_sizes[k]).Select(v => (double)v).ToArray();
        }
    }

    public double[][] W { get; }
    public double[][] B { get; }
    public double[][] Dt { get; }

    /// <summary>
    /// States s_1..s_L after <paramref name="steps"/> synchronous steps from <paramref name="start"/>
    /// (zeros when null), in the textbook form of each dynamics: prototypical s + dt·(ρ(∂Φ^β/∂s) − s)
    /// (nudge inside ρ, or after it with <see cref="StepRuleKind.OutsideNudge"/>), energy
    /// clip(s + dt·(−s + ρ′(s)·(W ρ(s_below) + b + Wᵀ ρ(s_above)) + β(y − s_L)), 0, 1) with ρ and ρ′
    /// applied explicitly.
    /// </summary>
    public double[][] Relax(double[] x, double[] y, double beta, int steps, double[][]? start = null, StepRuleKind rule = StepRuleKind.Prototypical)
    {
        var layers = _sizes.Length - 1;
        var s = Enumerable.Range(1, layers).Select(k => start?[k - 1].ToArray() ?? new double[_sizes[k]]).ToArray();
        for (var t = 0; t < steps; t++)
        {
            var next = new double[layers][];
            var input = rule == StepRuleKind.Energy ? s.Select(layer => layer.Select(Rho).ToArray()).ToArray() : s;
            for (var k = 1; k <= layers; k++)
            {
                var below = k == 1 ? x : input[k - 2];
                next[k - 1] = new double[_sizes[k]];
                for (var i = 0; i < _sizes[k]; i++)
                {
                    var g = Drive(input, x, k, i, below);
                    var own = s[k - 1][i];
                    var nudge = k == layers ? beta * (y[i] - own) : 0;
                    var dt = Dt[k - 1][i];
                    next[k - 1][i] = rule switch
                    {
                        StepRuleKind.Energy => Math.Clamp(own + dt * (-own + RhoPrime(own) * g + nudge), 0, 1),
                        StepRuleKind.OutsideNudge => own + dt * (Rho(g) - own + nudge),
                        _ => own + dt * (Rho(g + nudge) - own),
                    };
                }
            }

            s = next;
        }

        return s;
    }

    private static double Rho(double v) => Math.Clamp(v, 0, 1);

    private static double RhoPrime(double v) => v is >= 0 and <= 1 ? 1 : 0;

    /// <summary>∂Φ/∂s_{k,i} = (W_k s_{k−1} + b_k + W_{k+1}ᵀ s_{k+1})_i.</summary>
    public double Drive(double[][] s, double[] x, int k, int i, double[]? below = null)
    {
        below ??= k == 1 ? x : s[k - 2];
        var layers = _sizes.Length - 1;
        var g = B[k - 1][i];
        for (var j = 0; j < _sizes[k - 1]; j++)
        {
            g += W[k - 1][i * _sizes[k - 1] + j] * below[j];
        }

        if (k < layers)
        {
            for (var o = 0; o < _sizes[k + 1]; o++)
            {
                g += W[k][o * _sizes[k] + i] * s[k][o];
            }
        }

        return g;
    }

    /// <summary>Mean over samples of ½‖s_L − y‖² after <paramref name="steps"/> free steps from zero (at the free fixed point when converged).</summary>
    public double Loss(double[][] inputs, double[][] targets, int steps, StepRuleKind rule = StepRuleKind.Prototypical)
    {
        var total = 0.0;
        for (var b = 0; b < inputs.Length; b++)
        {
            var s = Relax(inputs[b], targets[b], 0, steps, null, rule);
            var output = s[^1];
            for (var c = 0; c < output.Length; c++)
            {
                total += 0.5 * (output[c] - targets[b][c]) * (output[c] - targets[b][c]);
            }
        }

        return total / inputs.Length;
    }

    /// <summary>A tiny random problem: images of <paramref name="pixels"/> random bytes with random labels.</summary>
    public static LabeledImages RandomImages(int count, int pixels, int classes, ulong seed)
    {
        var rng = new CounterRng(seed, 99);
        var bytes = new byte[count * pixels];
        for (var i = 0; i < bytes.Length; i++)
        {
            bytes[i] = (byte)rng.NextInt(256);
        }

        var labels = new byte[count];
        for (var i = 0; i < count; i++)
        {
            labels[i] = (byte)rng.NextInt(classes);
        }

        return new LabeledImages(1, pixels, bytes, labels, classes);
    }

    /// <summary>Random parameters with biases pushed into the active range, homogeneous dt.</summary>
    public static EpParameters RandomParameters(int[] sizes, ulong seed, float dt)
    {
        var parameters = new EpParameters(sizes);
        parameters.Initialize(seed, 1.5);
        var rng = new CounterRng(seed, 7);
        for (var k = 0; k < parameters.LayerCount; k++)
        {
            for (var i = 0; i < sizes[k + 1]; i++)
            {
                parameters.Biases[k][i] = (float)rng.Uniform(0.1, 0.6);
                parameters.Dt[k][i] = dt;
            }
        }

        return parameters;
    }

    public static EpTrainingOptions Options(int[] sizes, int batch, double beta, int steps, GradientEstimator estimator, EpDynamics dynamics = EpDynamics.Prototypical) => new()
    {
        Dynamics = dynamics,
        Layers = sizes,
        BatchSize = batch,
        Beta = beta,
        FreeSteps = steps,
        NudgedSteps = steps,
        Estimator = estimator,
        LearningRates = [0.1],
        Threads = 1,
    };
}
