using Neuromorphic.Learning.Models;
using Neuromorphic.Learning.Training;

namespace Neuromorphic.Learning.Mechanism;

/// <summary>How one phase of a batch ended: mean ‖s_T − s_{T−1}‖ over samples, and the shares not converged and oscillating with period 2 (as in <see cref="EpochMetrics"/>).</summary>
public readonly record struct PhaseQuality(double MeanResidual, double NotConvergedShare, double Period2Share);

/// <summary>Gradients or EP updates of every parameter, W_k [n_k × n_{k−1}] row-major and b_k, layer 1 first.</summary>
public sealed class ParameterVector
{
    public ParameterVector(IReadOnlyList<int> sizes)
    {
        Weights = Enumerable.Range(1, sizes.Count - 1).Select(k => new double[sizes[k] * sizes[k - 1]]).ToArray();
        Biases = Enumerable.Range(1, sizes.Count - 1).Select(k => new double[sizes[k]]).ToArray();
    }

    public double[][] Weights { get; }
    public double[][] Biases { get; }

    /// <summary>Every entry, weights then biases of layer 1, then layer 2, ….</summary>
    public IEnumerable<double> Values => Weights.Zip(Biases, (w, b) => w.Concat(b)).SelectMany(v => v);

    public double Norm => Math.Sqrt(Values.Sum(v => v * v));

    /// <summary>cos∠(a, b) over every parameter (NaN when either is zero).</summary>
    public static double Cosine(ParameterVector a, ParameterVector b)
    {
        double dot = 0, na = 0, nb = 0;
        foreach (var (x, y) in a.Values.Zip(b.Values))
        {
            dot += x * y;
            na += x * x;
            nb += y * y;
        }

        return na > 0 && nb > 0 ? dot / Math.Sqrt(na * nb) : double.NaN;
    }

    public void Scale(double factor)
    {
        foreach (var tensor in Weights.Concat(Biases))
        {
            for (var i = 0; i < tensor.Length; i++)
            {
                tensor[i] *= factor;
            }
        }
    }
}

/// <summary>
/// A double-precision reference of the finite-T EP dynamics of a layered network, in the textbook
/// form of each rule (ρ and ρ′ applied explicitly), with backpropagation through time: the
/// gradient of L = mean_b ½‖s_L(T) − y‖² after exactly T free steps from zero, the loss the
/// network is actually evaluated on. Beside it, the EP update of the same finite phases (T1 free
/// steps, T2 nudged steps at ±β or +β), so that the two can be compared (Ernoult et al. 2019
/// compare them step by step; here the totals). Meant for small networks and batches: it is plain
/// loops, one sample at a time.
/// </summary>
public sealed class ReferenceNetwork
{
    private readonly int[] _sizes;

    /// <summary>Copies the weights, biases and time steps of <paramref name="parameters"/> (float) into doubles.</summary>
    public ReferenceNetwork(EpParameters parameters, EpDynamics dynamics, OutputNudge nudge = OutputNudge.Inside)
    {
        _sizes = parameters.Sizes.ToArray();
        Dynamics = dynamics;
        Nudge = nudge;
        var layers = _sizes.Length - 1;
        W = new double[layers][];
        B = new double[layers][];
        Dt = new double[layers][];
        for (var k = 1; k <= layers; k++)
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

    public EpDynamics Dynamics { get; }
    public OutputNudge Nudge { get; }

    public IReadOnlyList<int> Sizes => _sizes;

    /// <summary>W_k at index k − 1, [n_k × n_{k−1}] row-major.</summary>
    public double[][] W { get; }

    public double[][] B { get; }
    public double[][] Dt { get; }

    private int Layers => _sizes.Length - 1;

    /// <summary>ρ, the hard sigmoid.</summary>
    public static double Rho(double v) => Math.Clamp(v, 0.0, 1.0);

    /// <summary>ρ′ on the closed interval [0, 1] (the convention of the energy-based code).</summary>
    public static double RhoPrime(double v) => v is >= 0 and <= 1 ? 1.0 : 0.0;

    /// <summary>The states s_1..s_L after <paramref name="steps"/> synchronous steps from <paramref name="start"/> (zero when null).</summary>
    public double[][] Relax(double[] x, double[]? y, double beta, int steps, double[][]? start = null) =>
        Trajectory(x, y, beta, steps, start)[^1];

    /// <summary>Every state s⁰ … s^T of a phase (s⁰ = <paramref name="start"/> or zero).</summary>
    public List<double[][]> Trajectory(double[] x, double[]? y, double beta, int steps, double[][]? start = null)
    {
        var projection = Project(x);
        var s = Enumerable.Range(1, Layers).Select(k => start?[k - 1].ToArray() ?? new double[_sizes[k]]).ToArray();
        var trajectory = new List<double[][]> { s };
        for (var t = 0; t < steps; t++)
        {
            s = Step(projection, y, beta, s);
            trajectory.Add(s);
        }

        return trajectory;
    }

    /// <summary>W_1 x + b_1: constant through every phase of a sample, computed once.</summary>
    public double[] Project(double[] x)
    {
        var n = _sizes[1];
        var m = _sizes[0];
        var w = W[0];
        var g = B[0].ToArray();
        for (var i = 0; i < n; i++)
        {
            var sum = 0.0;
            for (var j = 0; j < m; j++)
            {
                sum += w[i * m + j] * x[j];
            }

            g[i] += sum;
        }

        return g;
    }

    /// <summary>One synchronous step of every layer from the old state, given the input projection W_1 x + b_1.</summary>
    public double[][] Step(double[] projection, double[]? y, double beta, double[][] s)
    {
        var energy = Dynamics == EpDynamics.Energy;
        var rates = energy ? s.Select(layer => layer.Select(Rho).ToArray()).ToArray() : s;
        var next = new double[Layers][];
        for (var k = 1; k <= Layers; k++)
        {
            var g = Drive(projection, rates, k);
            var own = s[k - 1];
            var result = next[k - 1] = new double[_sizes[k]];
            for (var i = 0; i < result.Length; i++)
            {
                var nudge = k == Layers && y is not null ? beta * (y[i] - own[i]) : 0;
                var dt = Dt[k - 1][i];
                result[i] = energy
                    ? Rho(own[i] + dt * (-own[i] + RhoPrime(own[i]) * g[i] + nudge))
                    : Nudge == OutputNudge.Outside
                        ? own[i] + dt * (Rho(g[i]) - own[i] + nudge)
                        : own[i] + dt * (Rho(g[i] + nudge) - own[i]);
            }
        }

        return next;
    }

    /// <summary>g_k = W_k r_{k−1} + b_k + W_{k+1}ᵀ r_{k+1}, with W_1 x + b_1 given as <paramref name="projection"/>.</summary>
    private double[] Drive(double[] projection, double[][] r, int k)
    {
        var n = _sizes[k];
        double[] g;
        if (k == 1)
        {
            g = projection.ToArray();
        }
        else
        {
            var below = r[k - 2];
            var m = _sizes[k - 1];
            g = B[k - 1].ToArray();
            var w = W[k - 1];
            for (var i = 0; i < n; i++)
            {
                var sum = 0.0;
                for (var j = 0; j < m; j++)
                {
                    sum += w[i * m + j] * below[j];
                }

                g[i] += sum;
            }
        }

        if (k < Layers)
        {
            var above = r[k];
            var up = W[k];
            for (var o = 0; o < _sizes[k + 1]; o++)
            {
                if (above[o] == 0)
                {
                    continue;
                }

                for (var i = 0; i < n; i++)
                {
                    g[i] += up[o * n + i] * above[o];
                }
            }
        }

        return g;
    }

    /// <summary>mean_b ½‖s_L − y‖² after <paramref name="steps"/> free steps from zero.</summary>
    public double Loss(IReadOnlyList<double[]> inputs, IReadOnlyList<double[]> targets, int steps)
    {
        var total = 0.0;
        for (var b = 0; b < inputs.Count; b++)
        {
            var output = Relax(inputs[b], null, 0, steps)[^1];
            for (var c = 0; c < output.Length; c++)
            {
                total += 0.5 * (output[c] - targets[b][c]) * (output[c] - targets[b][c]);
            }
        }

        return total / inputs.Count;
    }

    /// <summary>
    /// ∂L/∂θ by backpropagation through the <paramref name="steps"/> free steps from zero, L the
    /// mean over the batch of ½‖s_L(T) − y‖². The hard sigmoid's derivative is 1 strictly inside
    /// (0, 1) and 0 outside (its value at the kinks never matters: a state sitting on a kink is
    /// locally constant in θ). Finite differences of <see cref="Loss"/> agree (tested).
    /// </summary>
    public ParameterVector Bptt(IReadOnlyList<double[]> inputs, IReadOnlyList<double[]> targets, int steps)
    {
        var gradient = new ParameterVector(_sizes);
        for (var b = 0; b < inputs.Count; b++)
        {
            BpttSample(inputs[b], targets[b], steps, gradient);
        }

        gradient.Scale(1.0 / inputs.Count);
        return gradient;
    }

    private void BpttSample(double[] x, double[] y, int steps, ParameterVector gradient)
    {
        var energy = Dynamics == EpDynamics.Energy;
        var projection = Project(x);
        var trajectory = Trajectory(x, null, 0, steps);
        var delta = Enumerable.Range(1, Layers).Select(k => new double[_sizes[k]]).ToArray();
        var final = trajectory[^1][Layers - 1];
        for (var i = 0; i < final.Length; i++)
        {
            delta[Layers - 1][i] = final[i] - y[i];
        }

        var inputDrive = new double[_sizes[1]];
        for (var t = steps - 1; t >= 0; t--)
        {
            var s = trajectory[t];
            var rates = energy ? s.Select(layer => layer.Select(Rho).ToArray()).ToArray() : s;
            // a_k: ∂L/∂g_k at step t; carry: the part of ∂L/∂s_k(t) through s_k's own update.
            var a = new double[Layers][];
            var carry = new double[Layers][];
            for (var k = 1; k <= Layers; k++)
            {
                var g = Drive(projection, rates, k);
                var n = _sizes[k];
                a[k - 1] = new double[n];
                carry[k - 1] = new double[n];
                for (var i = 0; i < n; i++)
                {
                    var dt = Dt[k - 1][i];
                    var d = delta[k - 1][i];
                    var own = s[k - 1][i];
                    if (energy)
                    {
                        var u = own + dt * (-own + RhoPrime(own) * g[i]);
                        var through = u is > 0 and < 1 ? d : 0;
                        a[k - 1][i] = through * dt * RhoPrime(own);
                        carry[k - 1][i] = through * (1 - dt);
                    }
                    else
                    {
                        a[k - 1][i] = g[i] is > 0 and < 1 ? d * dt : 0;
                        carry[k - 1][i] = d * (1 - dt);
                    }
                }
            }

            for (var k = 1; k <= Layers; k++)
            {
                var n = _sizes[k];
                var m = _sizes[k - 1];
                var below = k == 1 ? x : rates[k - 2];
                var gw = gradient.Weights[k - 1];
                var gb = gradient.Biases[k - 1];
                for (var i = 0; i < n; i++)
                {
                    gb[i] += a[k - 1][i];
                }

                if (k == 1)
                {
                    // x is constant through the phase: accumulate ∂L/∂g_1 and form (Σ_t a_1)ᵀ x once at the end.
                    for (var i = 0; i < n; i++)
                    {
                        inputDrive[i] += a[0][i];
                    }
                }
                else
                {
                    // From g_k = W_k r_{k−1} … and from the feedback W_kᵀ r_k in g_{k−1}.
                    var lower = a[k - 2];
                    var mine = rates[k - 1];
                    for (var i = 0; i < n; i++)
                    {
                        var ai = a[k - 1][i];
                        for (var j = 0; j < m; j++)
                        {
                            gw[i * m + j] += ai * below[j] + mine[i] * lower[j];
                        }
                    }
                }
            }

            var previous = new double[Layers][];
            for (var k = 1; k <= Layers; k++)
            {
                var n = _sizes[k];
                var back = carry[k - 1].ToArray();
                if (k < Layers)
                {
                    // s_k feeds g_{k+1} = W_{k+1} r_k + …
                    var up = W[k];
                    var next = a[k];
                    for (var o = 0; o < _sizes[k + 1]; o++)
                    {
                        if (next[o] == 0)
                        {
                            continue;
                        }

                        for (var i = 0; i < n; i++)
                        {
                            back[i] += up[o * n + i] * next[o] * (energy ? RhoDerivative(s[k - 1][i]) : 1);
                        }
                    }
                }

                if (k > 1)
                {
                    // … and g_{k−1} = … + W_kᵀ r_k.
                    var w = W[k - 1];
                    var m = _sizes[k - 1];
                    var lower = a[k - 2];
                    for (var i = 0; i < n; i++)
                    {
                        var sum = 0.0;
                        for (var j = 0; j < m; j++)
                        {
                            sum += w[i * m + j] * lower[j];
                        }

                        back[i] += sum * (energy ? RhoDerivative(s[k - 1][i]) : 1);
                    }
                }

                previous[k - 1] = back;
            }

            delta = previous;
        }

        var g1 = gradient.Weights[0];
        var inputs = _sizes[0];
        for (var i = 0; i < _sizes[1]; i++)
        {
            if (inputDrive[i] == 0)
            {
                continue;
            }

            for (var j = 0; j < inputs; j++)
            {
                g1[i * inputs + j] += inputDrive[i] * x[j];
            }
        }
    }

    /// <summary>dρ/ds for backpropagation: 1 strictly inside (0, 1).</summary>
    private static double RhoDerivative(double v) => v is > 0 and < 1 ? 1.0 : 0.0;

    /// <summary>
    /// The EP update ΔW_k/η_k (the ascent direction, which should point along −∂L/∂θ) of the same
    /// finite phases: T1 free steps from zero, then T2 steps at +β and (symmetric) −β from the free
    /// state; mean over the batch of [ρ(s_k⁽²⁾) ρ(s_{k−1}⁽²⁾)ᵀ − ρ(s_k⁽¹⁾) ρ(s_{k−1}⁽¹⁾)ᵀ]/(β₂ − β₁), biases
    /// likewise. (The prototypical rule uses the states themselves; the energy rule ρ of them, which
    /// is the same there because its states stay in [0, 1].) Also returns how the free phase ended.
    /// </summary>
    public (ParameterVector Update, PhaseQuality Free) EpUpdate(IReadOnlyList<double[]> inputs, IReadOnlyList<double[]> targets, int freeSteps, int nudgedSteps,
        double beta, GradientEstimator estimator = GradientEstimator.Symmetric)
    {
        if (estimator == GradientEstimator.RandomSign)
        {
            throw new ArgumentException("the reference computes the symmetric and one-sided estimators", nameof(estimator));
        }

        var update = new ParameterVector(_sizes);
        double residual = 0;
        int notConverged = 0, period2 = 0;
        var energy = Dynamics == EpDynamics.Energy;
        for (var b = 0; b < inputs.Count; b++)
        {
            var x = inputs[b];
            var free = Trajectory(x, null, 0, freeSteps);
            var (last, two) = Residuals(free);
            residual += last;
            if (last > EpochMetrics.ConvergedResidual)
            {
                notConverged++;
                if (two < 0.5 * last)
                {
                    period2++;
                }
            }

            var sFree = free[^1];
            var second = Relax(x, targets[b], beta, nudgedSteps, sFree);
            var first = estimator == GradientEstimator.Symmetric ? Relax(x, targets[b], -beta, nudgedSteps, sFree) : sFree;
            var difference = estimator == GradientEstimator.Symmetric ? 2 * beta : beta;
            double R(double v) => energy ? Rho(v) : v;
            for (var k = 1; k <= Layers; k++)
            {
                var n = _sizes[k];
                var m = _sizes[k - 1];
                var post2 = second[k - 1];
                var post1 = first[k - 1];
                var pre2 = k == 1 ? x : second[k - 2];
                var pre1 = k == 1 ? x : first[k - 2];
                var w = update.Weights[k - 1];
                for (var i = 0; i < n; i++)
                {
                    var p2 = R(post2[i]);
                    var p1 = R(post1[i]);
                    update.Biases[k - 1][i] += (p2 - p1) / difference;
                    for (var j = 0; j < m; j++)
                    {
                        w[i * m + j] += (p2 * R(pre2[j]) - p1 * R(pre1[j])) / difference;
                    }
                }
            }
        }

        update.Scale(1.0 / inputs.Count);
        return (update, new PhaseQuality(residual / inputs.Count, (double)notConverged / inputs.Count, (double)period2 / inputs.Count));
    }

    /// <summary>‖s_T − s_{T−1}‖ and ‖s_T − s_{T−2}‖ over all layers (∞ for the second when T &lt; 2).</summary>
    public static (double Last, double TwoSteps) Residuals(List<double[][]> trajectory)
    {
        double Distance(double[][] a, double[][] b) => Math.Sqrt(a.Zip(b, (p, q) => p.Zip(q, (u, v) => (u - v) * (u - v)).Sum()).Sum());
        var t = trajectory.Count - 1;
        return (t >= 1 ? Distance(trajectory[t], trajectory[t - 1]) : 0, t >= 2 ? Distance(trajectory[t], trajectory[t - 2]) : double.PositiveInfinity);
    }
}
