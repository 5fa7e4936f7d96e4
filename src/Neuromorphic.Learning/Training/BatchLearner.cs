using System.Runtime.Intrinsics;
using Neuromorphic.Core.Data;
using Neuromorphic.Learning.Kernels;
using Neuromorphic.Learning.Models;

namespace Neuromorphic.Learning.Training;

/// <summary>
/// One EP training step on a minibatch: input projection, free and nudged phases, and the weight
/// update ΔW_k = η_k/(β₂ − β₁) · mean_b[s_k⁽²⁾ s_{k−1}⁽²⁾ᵀ − s_k⁽¹⁾ s_{k−1}⁽¹⁾ᵀ] (biases likewise)
/// through the optimizer. For W_1 both phases share the clamped input, so its signal is the single
/// product (s_1⁽²⁾ − s_1⁽¹⁾)ᵀ x.
/// </summary>
internal sealed class BatchLearner
{
    /// <summary>Rows of a weight matrix per learning task.</summary>
    private const int UpdateRows = 16;

    private readonly EpParameters _parameters;
    private readonly Optimizer _optimizer;
    private readonly EpTrainingOptions _options;
    private readonly float[][] _signal;
    private readonly float[] _inputLayerDifference;
    private readonly float[][] _biasSignal;
    private readonly (int Layer, int FirstRow, int RowCount)[] _tasks;
    private readonly int _threads;
    private readonly byte[] _labels;

    public BatchLearner(EpParameters parameters, Optimizer optimizer, EpTrainingOptions options)
    {
        _parameters = parameters;
        _optimizer = optimizer;
        _options = options;
        _threads = Parallelism.Resolve(options.Threads);
        Workspace = new Relaxation(parameters, options.BatchSize, DynamicsNames.Rule(options.Dynamics, options.Nudge));
        _signal = parameters.Weights.Select(w => new float[w.Length]).ToArray();
        _biasSignal = parameters.Biases.Select(b => new float[b.Length]).ToArray();
        _inputLayerDifference = new float[options.BatchSize * parameters.Strides[1]];
        _labels = new byte[options.BatchSize];
        var tasks = new List<(int, int, int)>();
        for (var k = 1; k <= parameters.LayerCount; k++)
        {
            for (var first = 0; first < parameters.Sizes[k]; first += UpdateRows)
            {
                tasks.Add((k, first, Math.Min(UpdateRows, parameters.Sizes[k] - first)));
            }
        }

        _tasks = tasks.ToArray();
    }

    public Relaxation Workspace { get; }

    /// <summary>When false, <see cref="Train"/> computes the learning signals but leaves the parameters alone (gradient checks).</summary>
    public bool ApplyUpdates { get; init; } = true;

    /// <summary>The last learning signal of W_k (the ascent direction ΔW_k/η_k), [n_k × Strides[k − 1]].</summary>
    public float[] WeightSignal(int k) => _signal[k - 1];

    /// <summary>The last learning signal of b_k.</summary>
    public float[] BiasSignal(int k) => _biasSignal[k - 1];

    /// <summary>
    /// Trains on the images <paramref name="indices"/> of <paramref name="images"/>;
    /// <paramref name="sign"/> is ±1 (random-sign estimator) and <paramref name="rateScale"/> the
    /// schedule's factor. Free-phase outputs and residuals are added to the tallies.
    /// </summary>
    public void Train(LabeledImages images, ReadOnlySpan<int> indices, int sign, double rateScale, OutputTally output,
        PhaseTally free, PhaseTally nudged, OutputActivity? activity = null)
    {
        var rows = indices.Length;
        var work = Workspace;
        var labelArray = _labels;
        for (var r = 0; r < rows; r++)
        {
            work.SetInput(r, images.Image(indices[r]));
            labelArray[r] = images.Labels[indices[r]];
            work.SetTarget(r, labelArray[r]);
        }

        var beta = (float)_options.Beta;
        float betaA;
        float? betaB;
        float betaDifference;
        switch (_options.Estimator)
        {
            case GradientEstimator.Symmetric:
                betaA = beta;
                betaB = -beta;
                betaDifference = 2 * beta;
                break;
            case GradientEstimator.OneSided:
                betaA = beta;
                betaB = null;
                betaDifference = beta;
                break;
            default:
                betaA = sign * beta;
                betaB = null;
                betaDifference = betaA;
                break;
        }

        work.Project(rows, _threads);
        work.RelaxForTraining(rows, _options.FreeSteps, _options.NudgedSteps, betaA, betaB, _threads);

        var p = _parameters;
        output.Add(work.Free[^1], p.Strides[^1], p.OutputSize, labelArray, rows, []);
        free.Add(work.FreeResiduals, rows);
        nudged.Add(work.NudgedAResiduals, rows);
        if (betaB is not null)
        {
            nudged.Add(work.NudgedBResiduals, rows);
        }

        activity?.Add(p.Strides[^1], rows, work.Free[^1], work.NudgedA[^1], betaB is null ? null : work.NudgedB[^1]);

        var second = work.NudgedA;
        var first = betaB is null ? work.Free : work.NudgedB;
        Learn(rows, second, first, 1f / (betaDifference * rows), rateScale);
    }

    private void Learn(int rows, float[][] second, float[][] first, float scale, double rateScale)
    {
        var p = _parameters;
        var stride1 = p.Strides[1];
        Subtract(second[0].AsSpan(0, rows * stride1), first[0].AsSpan(0, rows * stride1), _inputLayerDifference);
        _optimizer.BeginStep();
        Parallelism.For(_tasks.Length, _threads, t =>
        {
            var (k, firstRow, count) = _tasks[t];
            var preStride = p.Strides[k - 1];
            var signal = _signal[k - 1].AsSpan(firstRow * preStride, count * preStride);
            if (k == 1)
            {
                EpKernels.OuterProductRows(_inputLayerDifference, Workspace.Input, [], [], stride1, rows, firstRow, count, preStride, scale, signal);
            }
            else
            {
                EpKernels.OuterProductRows(second[k - 1], second[k - 2], first[k - 1], first[k - 2], p.Strides[k], rows, firstRow, count, preStride,
                    scale, signal);
            }

            if (!ApplyUpdates)
            {
                return;
            }

            var rate = (float)(_options.LearningRate(k) * rateScale);
            _optimizer.Update(Optimizer.TensorIndex(k, false), firstRow * preStride, p.Weights[k - 1].AsSpan(firstRow * preStride, count * preStride),
                signal, rate);
        });

        for (var k = 1; k <= p.LayerCount; k++)
        {
            var stride = p.Strides[k];
            var biasSignal = _biasSignal[k - 1];
            for (var i = 0; i < p.Sizes[k]; i++)
            {
                var sum = 0f;
                for (var b = 0; b < rows; b++)
                {
                    sum += second[k - 1][b * stride + i] - first[k - 1][b * stride + i];
                }

                biasSignal[i] = sum * scale;
            }

            if (ApplyUpdates)
            {
                _optimizer.Update(Optimizer.TensorIndex(k, true), 0, p.Biases[k - 1], biasSignal, (float)(_options.LearningRate(k) * rateScale));
            }
        }
    }

    private static void Subtract(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> result)
    {
        var i = 0;
        for (; i + Lanes.Width <= a.Length; i += Lanes.Width)
        {
            (Vector256.Create(a.Slice(i, Lanes.Width)) - Vector256.Create(b.Slice(i, Lanes.Width))).CopyTo(result.Slice(i, Lanes.Width));
        }

        for (; i < a.Length; i++)
        {
            result[i] = a[i] - b[i];
        }
    }
}
