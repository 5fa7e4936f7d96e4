namespace Neuromorphic.Learning.Training;

/// <summary>
/// What one epoch did. Accuracies and losses of the training set come from the free phase of each
/// minibatch before its update (running values); test values from a separate free phase after the
/// epoch. Residuals are ‖s_T − s_{T−1}‖ over all layers at the end of a phase, averaged over
/// samples; a sample is not converged when its residual exceeds <see cref="EpochMetrics.ConvergedResidual"/>,
/// and oscillates with period 2 when it is not converged and ‖s_T − s_{T−2}‖ is less than half
/// ‖s_T − s_{T−1}‖. Times are wall-clock and are left out of model files.
/// </summary>
public sealed record EpochMetrics
{
    public const double ConvergedResidual = 1e-3;

    public int Epoch { get; init; }
    public double TrainAccuracy { get; init; }
    public double TrainLoss { get; init; }

    /// <summary>NaN when the run evaluates no test images.</summary>
    public double TestAccuracy { get; init; } = double.NaN;

    public double TestLoss { get; init; } = double.NaN;
    public double FreeResidual { get; init; }
    public double NudgedResidual { get; init; }
    public double FreeNotConverged { get; init; }
    public double NudgedNotConverged { get; init; }
    public double FreePeriod2 { get; init; }
    public double NudgedPeriod2 { get; init; }
    public double TestResidual { get; init; } = double.NaN;
    public double TestNotConverged { get; init; } = double.NaN;

    /// <summary>
    /// Output units that were exactly zero at the end of every phase of every training sample this
    /// epoch: their EP learning signal was exactly zero (README, "Dead outputs"). Not in the CSV.
    /// </summary>
    public IReadOnlyList<int> DeadOutputs { get; init; } = [];

    /// <summary>Output units that were exactly zero at every training sample's free fixed point this epoch (never predicted). Not in the CSV.</summary>
    public IReadOnlyList<int> SilentOutputs { get; init; } = [];

    /// <summary>Factor applied to every learning rate this epoch (cosine schedule; 1 without).</summary>
    public double LearningRateScale { get; init; } = 1;

    public double EpochSeconds { get; init; }
    public double TrainSeconds { get; init; }

    /// <summary>Training samples per second (training time only, without the test evaluation).</summary>
    public double SamplesPerSecond { get; init; }

    /// <summary>Column names of <see cref="CsvRow"/>.</summary>
    public static readonly IReadOnlyList<string> CsvColumns =
    [
        "epoch", "train_accuracy", "train_loss", "test_accuracy", "test_loss", "free_residual", "nudged_residual",
        "free_not_converged", "nudged_not_converged", "free_period2", "nudged_period2", "test_residual", "test_not_converged",
        "lr_scale", "epoch_seconds", "train_seconds", "samples_per_second",
    ];

    public IReadOnlyList<double> CsvRow =>
    [
        Epoch, TrainAccuracy, TrainLoss, TestAccuracy, TestLoss, FreeResidual, NudgedResidual, FreeNotConverged, NudgedNotConverged,
        FreePeriod2, NudgedPeriod2, TestResidual, TestNotConverged, LearningRateScale, EpochSeconds, TrainSeconds, SamplesPerSecond,
    ];

    /// <summary>Builds metrics from a CSV row in <see cref="CsvColumns"/> order.</summary>
    public static EpochMetrics FromCsvRow(IReadOnlyList<double> v) => new()
    {
        Epoch = (int)v[0], TrainAccuracy = v[1], TrainLoss = v[2], TestAccuracy = v[3], TestLoss = v[4], FreeResidual = v[5], NudgedResidual = v[6],
        FreeNotConverged = v[7], NudgedNotConverged = v[8], FreePeriod2 = v[9], NudgedPeriod2 = v[10], TestResidual = v[11],
        TestNotConverged = v[12], LearningRateScale = v[13], EpochSeconds = v[14], TrainSeconds = v[15], SamplesPerSecond = v[16],
    };
}
