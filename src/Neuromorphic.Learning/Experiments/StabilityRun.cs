using Neuromorphic.Learning.TimeConstants;
using Neuromorphic.Learning.Training;

namespace Neuromorphic.Learning.Experiments;

/// <summary>One condition of a stability study: a time-constant distribution (with its spread).</summary>
public sealed record StabilityCondition(TauDistribution Distribution)
{
    public string Label => Distribution.Label;
    public string Slug => Distribution.Slug;
}

/// <summary>
/// One training run of a study (<c>neuro experiment stability</c>, run as a sweep of training jobs).
/// <see cref="Diverged"/>: the weights stopped being finite; the history ends there and the run
/// counts as collapsed.
/// </summary>
public sealed record StabilityRun(StabilityCondition Condition, ulong Seed, IReadOnlyList<EpochMetrics> History, TimeStepDraw TimeSteps,
    string ModelPath, string MetricsPath, bool Diverged);
