namespace Neuromorphic.Chip.Timing;

/// <summary>Which model turns a barrier step's work into its duration (SANA-FE's two analytical models).</summary>
public enum TimingModel
{
    /// <summary>Semi-analytical network-on-chip model with link densities, blocking and serial receive (default).</summary>
    Detailed,

    /// <summary>Busiest core's send or receive work plus the barrier; no network contention.</summary>
    Simple,
}

/// <summary>The names of <see cref="TimingModel"/> values in files, reports and on the command line.</summary>
public static class TimingModelNames
{
    public const string Detailed = "detailed";
    public const string Simple = "simple";

    public static string Name(this TimingModel model) => model == TimingModel.Simple ? Simple : Detailed;

    public static TimingModel Parse(string? name) => name == Simple ? TimingModel.Simple : TimingModel.Detailed;
}
