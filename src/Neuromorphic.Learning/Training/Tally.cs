using Neuromorphic.Learning.Models;

namespace Neuromorphic.Learning.Training;

/// <summary>Running sums over samples of one kind of phase: residuals, convergence, period-2 oscillation.</summary>
internal sealed class PhaseTally
{
    public long Count { get; private set; }
    public double ResidualSum { get; private set; }
    public long NotConverged { get; private set; }
    public long Period2 { get; private set; }

    public double MeanResidual => Count == 0 ? double.NaN : ResidualSum / Count;
    public double NotConvergedShare => Count == 0 ? double.NaN : (double)NotConverged / Count;
    public double Period2Share => Count == 0 ? double.NaN : (double)Period2 / Count;

    /// <summary>Adds rows [0, rows) in order.</summary>
    public void Add(PhaseResiduals residuals, int rows)
    {
        for (var r = 0; r < rows; r++)
        {
            var last = residuals.LastStep[r];
            ResidualSum += last;
            if (last > EpochMetrics.ConvergedResidual)
            {
                NotConverged++;
                if (residuals.TwoSteps[r] < 0.5 * last)
                {
                    Period2++;
                }
            }
        }

        Count += rows;
    }
}

/// <summary>Running accuracy and loss of the output at the free fixed point.</summary>
internal sealed class OutputTally
{
    public long Count { get; private set; }
    public long Correct { get; private set; }
    public double LossSum { get; private set; }

    public double Accuracy => Count == 0 ? double.NaN : (double)Correct / Count;
    public double MeanLoss => Count == 0 ? double.NaN : LossSum / Count;

    /// <summary>
    /// Scores rows [0, rows) of the output states <paramref name="output"/> (stride
    /// <paramref name="stride"/>, <paramref name="classes"/> used) against <paramref name="labels"/>;
    /// writes predictions when <paramref name="predictions"/> is not empty. Loss is ½‖s_L − y‖².
    /// </summary>
    public void Add(ReadOnlySpan<float> output, int stride, int classes, ReadOnlySpan<byte> labels, int rows, Span<int> predictions)
    {
        for (var r = 0; r < rows; r++)
        {
            var row = output.Slice(r * stride, classes);
            var best = Prediction(row);
            var label = labels[r];
            var loss = 0.0;
            for (var c = 0; c < classes; c++)
            {
                double diff = row[c] - (c == label ? 1.0 : 0.0);
                loss += diff * diff;
            }

            LossSum += 0.5 * loss;
            if (best == label)
            {
                Correct++;
            }

            if (!predictions.IsEmpty)
            {
                predictions[r] = best;
            }
        }

        Count += rows;
    }

    /// <summary>The most active output neuron (the lowest index on ties).</summary>
    public static int Prediction(ReadOnlySpan<float> output)
    {
        var best = 0;
        for (var c = 1; c < output.Length; c++)
        {
            if (output[c] > output[best])
            {
                best = c;
            }
        }

        return best;
    }
}

/// <summary>
/// Which output units were ever non-zero during an epoch's training minibatches: in any phase
/// (free or nudged), and in the free phase. A unit that was exactly zero at the end of every phase
/// of every sample had an EP learning signal of exactly zero all epoch (its weights and bias did
/// not learn): it is dead. One that was zero at every free fixed point is silent (never predicted).
/// </summary>
internal sealed class OutputActivity(int classes)
{
    private readonly bool[] _active = new bool[classes];
    private readonly bool[] _freeActive = new bool[classes];

    /// <summary>Rows [0, rows) of the output states of each phase (the first is the free phase).</summary>
    public void Add(int stride, int rows, float[] free, params float[]?[] nudged)
    {
        Mark(free, stride, rows, _freeActive);
        Mark(free, stride, rows, _active);
        foreach (var phase in nudged)
        {
            if (phase is not null)
            {
                Mark(phase, stride, rows, _active);
            }
        }
    }

    /// <summary>Units zero in every phase (no learning signal), in index order.</summary>
    public IReadOnlyList<int> Dead => Indices(_active);

    /// <summary>Units zero at every free fixed point, in index order.</summary>
    public IReadOnlyList<int> Silent => Indices(_freeActive);

    private static void Mark(float[] states, int stride, int rows, bool[] active)
    {
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < active.Length; c++)
            {
                if (states[r * stride + c] != 0f)
                {
                    active[c] = true;
                }
            }
        }
    }

    private static int[] Indices(bool[] active) => Enumerable.Range(0, active.Length).Where(c => !active[c]).ToArray();
}
