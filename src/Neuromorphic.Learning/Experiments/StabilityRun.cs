using Neuromorphic.Learning.TimeConstants;
using Neuromorphic.Learning.Training;

namespace Neuromorphic.Learning.Experiments;

/// <summary>The time-constant draw of a run, as far as a study reports it.</summary>
public readonly record struct RunTimeSteps(double MeanDt, double MeanTau, double TauCv, double ClippedShare)
{
    public static RunTimeSteps Of(TimeStepDraw draw) => new(draw.MeanDt, draw.MeanTau, draw.TauCoefficientOfVariation, draw.ClippedShare);
}

/// <summary>
/// One training run of a study (<c>neuro experiment stability</c>, run as a sweep of training jobs):
/// a cell and a seed. <see cref="Diverged"/>: the weights stopped being finite in epoch
/// <see cref="DivergedInEpoch"/>; the history ends before it and the run counts as collapsed.
/// <see cref="ModelPath"/>: the trained model (null when the run diverged).
/// </summary>
public sealed record StabilityRun(StabilityCell Cell, ulong Seed, IReadOnlyList<EpochMetrics> History, RunTimeSteps TimeSteps, bool Diverged,
    int? DivergedInEpoch = null, string? ModelPath = null);
