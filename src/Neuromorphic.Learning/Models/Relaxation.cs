using Neuromorphic.Learning.Kernels;

namespace Neuromorphic.Learning.Models;

/// <summary>How well one phase settled, per sample: ‖s_T − s_{T−1}‖ and ‖s_T − s_{T−2}‖ over all layers.</summary>
internal sealed class PhaseResiduals(int capacity)
{
    public double[] LastStep { get; } = new double[capacity];
    public double[] TwoSteps { get; } = new double[capacity];
}

/// <summary>
/// The state of a minibatch while it relaxes, and the relaxation itself. Every non-input layer is
/// updated synchronously from the old state (Jacobi). Prototypical dynamics (the default):
/// s ← s + dt ⊙ (ρ(∂Φ^β/∂s) − s) with ∂Φ^β/∂s_k = W_k s_{k−1} + b_k + W_{k+1}ᵀ s_{k+1} and, for the
/// output, the nudge β(y − s_L) inside ρ (Laborieux et al. 2021) or, with the outside nudge, added
/// after ρ. Energy-based dynamics (Scellier and Bengio 2017): s ← clip(s + dt ⊙ (−s + ρ′(s) ⊙
/// (W_k ρ(s_{k−1}) + b_k + W_{k+1}ᵀ ρ(s_{k+1})) [+ β(y − s_L)]), 0, 1) (see <see cref="EnergyRule"/>). The input projection W_1 x + b_1 is computed once per batch
/// (<see cref="Project"/>). Samples never interact, so blocks of rows relax on different threads
/// without any synchronisation and give the same bits on any thread count.
/// </summary>
internal sealed class Relaxation
{
    /// <summary>Rows relaxed together by one thread.</summary>
    public const int BlockRows = 8;

    /// <summary>Rows of W_1 per task of the input projection.</summary>
    private const int ProjectionRows = 16;

    private readonly float[][][] _rotating;
    private readonly float[]?[] _drive;

    public Relaxation(EpParameters parameters, int capacity, StepRuleKind rule = StepRuleKind.Prototypical)
    {
        Parameters = parameters;
        Capacity = capacity;
        Rule = rule;
        var layers = parameters.LayerCount;
        var strides = parameters.Strides;
        Input = new float[capacity * strides[0]];
        Target = new float[capacity * strides[layers]];
        Projection = new float[capacity * strides[1]];
        _rotating = new float[layers][][];
        _drive = new float[layers][];
        Free = new float[layers][];
        NudgedA = new float[layers][];
        NudgedB = new float[layers][];
        for (var k = 1; k <= layers; k++)
        {
            var size = capacity * strides[k];
            _rotating[k - 1] = [new float[size], new float[size], new float[size]];
            _drive[k - 1] = k >= 2 ? new float[size] : null;
            Free[k - 1] = new float[size];
            NudgedA[k - 1] = new float[size];
            NudgedB[k - 1] = new float[size];
        }

        FreeResiduals = new PhaseResiduals(capacity);
        NudgedAResiduals = new PhaseResiduals(capacity);
        NudgedBResiduals = new PhaseResiduals(capacity);
    }

    public EpParameters Parameters { get; }
    public int Capacity { get; }

    /// <summary>How states move: the prototypical or the energy-based dynamics, and where the output's nudge sits.</summary>
    public StepRuleKind Rule { get; }

    /// <summary>Clamped input x, [rows × Strides[0]].</summary>
    public float[] Input { get; }

    /// <summary>One-hot targets y, [rows × Strides[L]].</summary>
    public float[] Target { get; }

    /// <summary>W_1 x + b_1, [rows × Strides[1]].</summary>
    public float[] Projection { get; }

    /// <summary>Free fixed point s⁰ per layer (index k − 1).</summary>
    public float[][] Free { get; }

    /// <summary>End of the first nudged phase per layer.</summary>
    public float[][] NudgedA { get; }

    /// <summary>End of the second nudged phase per layer (symmetric estimator).</summary>
    public float[][] NudgedB { get; }

    public PhaseResiduals FreeResiduals { get; }
    public PhaseResiduals NudgedAResiduals { get; }
    public PhaseResiduals NudgedBResiduals { get; }

    /// <summary>Fills row <paramref name="row"/> of <see cref="Input"/> from bytes scaled to [0, 1].</summary>
    public void SetInput(int row, ReadOnlySpan<byte> pixels)
    {
        var stride = Parameters.Strides[0];
        var destination = Input.AsSpan(row * stride, stride);
        for (var i = 0; i < pixels.Length; i++)
        {
            destination[i] = pixels[i] * (1f / 255f);
        }
    }

    /// <summary>Sets row <paramref name="row"/> of <see cref="Target"/> to the one-hot vector of <paramref name="label"/>.</summary>
    public void SetTarget(int row, int label)
    {
        var stride = Parameters.Strides[^1];
        var destination = Target.AsSpan(row * stride, stride);
        destination.Clear();
        destination[label] = 1f;
    }

    /// <summary>Projection = W_1 x + b_1 for the first <paramref name="rows"/> rows, in parallel over blocks of W_1's rows.</summary>
    public void Project(int rows, int threads)
    {
        var p = Parameters;
        var tasks = (p.Sizes[1] + ProjectionRows - 1) / ProjectionRows;
        Parallelism.For(tasks, threads, task =>
        {
            var first = task * ProjectionRows;
            var count = Math.Min(ProjectionRows, p.Sizes[1] - first);
            EpKernels.RowDots(Input, p.Strides[0], rows, p.Weights[0], p.Strides[0], first, count, p.Biases[0], Projection, p.Strides[1], p.Strides[0]);
        });
    }

    /// <summary>The free phase only (evaluation): T steps from zero into <see cref="Free"/>.</summary>
    public void RelaxFree(int rows, int steps, int threads) =>
        ForBlocks(rows, threads, (first, count) => RelaxBlock(first, count, steps, 0f, null, Free, FreeResiduals));

    /// <summary>
    /// The phases of one training step: free (T1 steps from zero), then from the free state a
    /// nudged phase with <paramref name="betaA"/> into <see cref="NudgedA"/> and, when given,
    /// another with <paramref name="betaB"/> into <see cref="NudgedB"/> (T2 steps each).
    /// </summary>
    public void RelaxForTraining(int rows, int freeSteps, int nudgedSteps, float betaA, float? betaB, int threads) =>
        ForBlocks(rows, threads, (first, count) =>
        {
            RelaxBlock(first, count, freeSteps, 0f, null, Free, FreeResiduals);
            RelaxBlock(first, count, nudgedSteps, betaA, Free, NudgedA, NudgedAResiduals);
            if (betaB is { } second)
            {
                RelaxBlock(first, count, nudgedSteps, second, Free, NudgedB, NudgedBResiduals);
            }
        });

    private static void ForBlocks(int rows, int threads, Action<int, int> body)
    {
        var blocks = (rows + BlockRows - 1) / BlockRows;
        Parallelism.For(blocks, threads, block =>
        {
            var first = block * BlockRows;
            body(first, Math.Min(BlockRows, rows - first));
        });
    }

    private void RelaxBlock(int first, int rows, int steps, float beta, float[][]? start, float[][] destination, PhaseResiduals residuals)
    {
        var p = Parameters;
        var layers = p.LayerCount;
        for (var k = 1; k <= layers; k++)
        {
            var slice = _rotating[k - 1][0].AsSpan(first * p.Strides[k], rows * p.Strides[k]);
            if (start is null)
            {
                slice.Clear();
            }
            else
            {
                start[k - 1].AsSpan(first * p.Strides[k], rows * p.Strides[k]).CopyTo(slice);
            }
        }

        var current = 0;
        for (var t = 0; t < steps; t++)
        {
            var next = (current + 1) % 3;
            Step(first, rows, current, next, beta);
            current = next;
        }

        var previous = (current + 2) % 3;
        var beforePrevious = (current + 1) % 3;
        for (var r = first; r < first + rows; r++)
        {
            double last = 0, two = 0;
            for (var k = 1; k <= layers; k++)
            {
                var stride = p.Strides[k];
                var now = _rotating[k - 1][current].AsSpan(r * stride, p.Sizes[k]);
                var before = _rotating[k - 1][previous].AsSpan(r * stride, p.Sizes[k]);
                var earlier = _rotating[k - 1][beforePrevious].AsSpan(r * stride, p.Sizes[k]);
                for (var j = 0; j < now.Length; j++)
                {
                    double d1 = now[j] - before[j];
                    last += d1 * d1;
                    double d2 = now[j] - earlier[j];
                    two += d2 * d2;
                }
            }

            residuals.LastStep[r] = steps >= 1 ? Math.Sqrt(last) : 0;
            residuals.TwoSteps[r] = steps >= 2 ? Math.Sqrt(two) : double.PositiveInfinity;
        }

        for (var k = 1; k <= layers; k++)
        {
            _rotating[k - 1][current].AsSpan(first * p.Strides[k], rows * p.Strides[k]).CopyTo(destination[k - 1].AsSpan(first * p.Strides[k]));
        }
    }

    private void Step(int first, int rows, int current, int next, float beta)
    {
        switch (Rule)
        {
            case StepRuleKind.Energy:
                Step<EnergyRule>(first, rows, current, next, beta);
                break;
            case StepRuleKind.OutsideNudge:
                Step<OutsideNudgeRule>(first, rows, current, next, beta);
                break;
            default:
                Step<PrototypicalRule>(first, rows, current, next, beta);
                break;
        }
    }

    private void Step<TRule>(int first, int rows, int current, int next, float beta)
        where TRule : struct, IStepRule
    {
        var p = Parameters;
        var layers = p.LayerCount;
        var strides = p.Strides;
        for (var k = 2; k <= layers; k++)
        {
            var below = _rotating[k - 2][current].AsSpan(first * strides[k - 1]);
            EpKernels.RowDots(below, strides[k - 1], rows, p.Weights[k - 1], strides[k - 1], 0, p.Sizes[k], p.Biases[k - 1],
                _drive[k - 1].AsSpan(first * strides[k]), strides[k], strides[k - 1]);
        }

        for (var k = 1; k < layers; k++)
        {
            var drive = k == 1 ? Projection.AsSpan(first * strides[1]) : _drive[k - 1].AsSpan(first * strides[k]);
            EpKernels.FeedbackStep<TRule>(drive, _rotating[k][current].AsSpan(first * strides[k + 1]), strides[k + 1], p.Sizes[k + 1],
                p.Weights[k], strides[k], _rotating[k - 1][current].AsSpan(first * strides[k]), _rotating[k - 1][next].AsSpan(first * strides[k]),
                p.Dt[k - 1], rows, strides[k]);
        }

        var top = layers == 1 ? Projection.AsSpan(first * strides[1]) : _drive[layers - 1].AsSpan(first * strides[layers]);
        EpKernels.TopStep<TRule>(top, Target.AsSpan(first * strides[layers]), beta, _rotating[layers - 1][current].AsSpan(first * strides[layers]),
            _rotating[layers - 1][next].AsSpan(first * strides[layers]), p.Dt[layers - 1], rows, strides[layers]);
    }
}
