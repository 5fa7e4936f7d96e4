using Neuromorphic.Core.Data;
using Neuromorphic.Core.Progress;
using Neuromorphic.Learning.Training;

namespace Neuromorphic.Learning.Models;

/// <summary>What a free phase did on a set of labelled images.</summary>
/// <param name="Count">Images evaluated.</param>
/// <param name="Correct">Images whose most active output neuron is their label.</param>
/// <param name="Loss">Mean ½‖s_L − y‖² at the end of the free phase.</param>
/// <param name="MeanResidual">Mean ‖s_T − s_{T−1}‖ over all layers at the end of the free phase.</param>
/// <param name="NotConvergedShare">Share of images whose residual exceeds 1e-3.</param>
/// <param name="Period2Share">Share of images oscillating with period 2 (see <see cref="EpochMetrics"/>).</param>
/// <param name="Predictions">Predicted class of each image.</param>
/// <param name="FreeSteps">T1 used.</param>
public sealed record EvaluationResult(int Count, int Correct, double Loss, double MeanResidual, double NotConvergedShare, double Period2Share,
    int[] Predictions, int FreeSteps)
{
    public double Accuracy => Count == 0 ? double.NaN : (double)Correct / Count;
}

/// <summary>
/// Runs the free phase on many images in chunks (input projection in parallel over W_1's rows,
/// relaxation in parallel over blocks of samples). A sample's result does not depend on the
/// chunk it falls in or on the thread count.
/// </summary>
internal sealed class Evaluator(EpParameters parameters, int threads, EpDynamics dynamics = EpDynamics.Prototypical)
{
    public const int ChunkRows = 256;

    private readonly int _threads = Parallelism.Resolve(threads);
    private Relaxation? _workspace;

    private Relaxation Workspace => _workspace ??= new Relaxation(parameters, ChunkRows, DynamicsNames.Rule(dynamics));

    public EvaluationResult Evaluate(LabeledImages images, int count, int steps, IProgress<WorkProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        var work = Workspace;
        var output = new OutputTally();
        var phase = new PhaseTally();
        var predictions = new int[count];
        for (var start = 0; start < count; start += ChunkRows)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var rows = Math.Min(ChunkRows, count - start);
            for (var r = 0; r < rows; r++)
            {
                work.SetInput(r, images.Image(start + r));
            }

            work.Project(rows, _threads);
            work.RelaxFree(rows, steps, _threads);
            output.Add(work.Free[^1], parameters.Strides[^1], parameters.OutputSize, images.Labels.AsSpan(start, rows), rows,
                predictions.AsSpan(start, rows));
            phase.Add(work.FreeResiduals, rows);
            progress?.Report(new WorkProgress("evaluation", start + rows, count));
        }

        return new EvaluationResult(count, (int)output.Correct, output.MeanLoss, phase.MeanResidual, phase.NotConvergedShare, phase.Period2Share,
            predictions, steps);
    }

    /// <summary>
    /// Free-phase output states for <paramref name="count"/> inputs given as floats
    /// ([count × n_0], row-major): writes [count × n_L] into <paramref name="outputs"/>.
    /// </summary>
    public void Outputs(ReadOnlySpan<float> inputs, int count, int steps, Span<float> outputs)
    {
        var work = Workspace;
        var inputSize = parameters.InputSize;
        var stride = parameters.Strides[0];
        var classes = parameters.OutputSize;
        var outputStride = parameters.Strides[^1];
        for (var start = 0; start < count; start += ChunkRows)
        {
            var rows = Math.Min(ChunkRows, count - start);
            for (var r = 0; r < rows; r++)
            {
                inputs.Slice((start + r) * inputSize, inputSize).CopyTo(work.Input.AsSpan(r * stride, inputSize));
            }

            work.Project(rows, _threads);
            work.RelaxFree(rows, steps, _threads);
            for (var r = 0; r < rows; r++)
            {
                work.Free[^1].AsSpan(r * outputStride, classes).CopyTo(outputs.Slice((start + r) * classes, classes));
            }
        }
    }
}
