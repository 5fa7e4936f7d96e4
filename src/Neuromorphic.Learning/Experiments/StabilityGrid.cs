using System.Globalization;
using Neuromorphic.Core.Errors;
using Neuromorphic.Learning.Models;
using Neuromorphic.Learning.TimeConstants;
using Neuromorphic.Learning.Training;

namespace Neuromorphic.Learning.Experiments;

/// <summary>
/// The settings a group of cells shares — dynamics, output nudge, learning-rate scale and T1 —
/// within which every τ condition is compared with the homogeneous one.
/// </summary>
public readonly record struct StabilityGroup(EpDynamics Dynamics, OutputNudge Nudge, double LearningRateScale, int FreeSteps)
{
    /// <summary>"prototypical, lr ×2, T1 = 20" (", nudge outside" for the remedy).</summary>
    public string Label =>
        $"{DynamicsNames.Name(Dynamics)}, lr ×{StabilityCell.Format(LearningRateScale)}, T1 = {FreeSteps}" + (Nudge == OutputNudge.Outside ? ", nudge outside" : "");
}

/// <summary>One cell of a stability grid: a τ distribution (with its spread) in a <see cref="StabilityGroup"/>.</summary>
public sealed record StabilityCell(TauDistribution Distribution, double LearningRateScale, int FreeSteps, EpDynamics Dynamics, OutputNudge Nudge = OutputNudge.Inside)
{
    public StabilityGroup Group => new(Dynamics, Nudge, LearningRateScale, FreeSteps);

    public bool IsHomogeneous => Distribution.Family == TauFamily.Homogeneous;

    /// <summary>"lognormal(σ=0.5), prototypical, lr ×2, T1 = 20".</summary>
    public string Label => $"{Distribution.Label}, {Group.Label}";

    /// <summary>A file-name-safe identifier: "prototypical-lognormal-0.5-lr2-t20" ("-outside" for the remedy).</summary>
    public string Slug =>
        $"{DynamicsNames.Name(Dynamics)}-{Distribution.Slug}-lr{Format(LearningRateScale)}-t{FreeSteps.ToString(CultureInfo.InvariantCulture)}" +
        (Nudge == OutputNudge.Outside ? "-outside" : "");

    /// <summary>The homogeneous cell of the same group (the baseline of paired comparisons).</summary>
    public StabilityCell Baseline => this with { Distribution = TauDistribution.Homogeneous };

    /// <summary>The same cell with the output nudge inside ρ (the baseline of the remedy comparison).</summary>
    public StabilityCell WithoutRemedy => this with { Nudge = OutputNudge.Inside };

    /// <summary>
    /// The training options of this cell for <paramref name="seed"/>: <paramref name="baseOptions"/>
    /// with the cell's distribution, T1, dynamics and nudge, and every learning rate multiplied by
    /// the scale. The seed fixes initialisation, data order and nudging signs; the τ draw comes from
    /// its own stream (keyed by <see cref="EpTrainingOptions.EffectiveTauSeed"/>), so runs of equal
    /// seed are paired across cells.
    /// </summary>
    public EpTrainingOptions Options(EpTrainingOptions baseOptions, ulong seed) => baseOptions with
    {
        Seed = seed,
        TimeSteps = baseOptions.TimeSteps with { Distribution = Distribution },
        LearningRates = LearningRateScale == 1 ? baseOptions.LearningRates : baseOptions.LearningRates.Select(r => r * LearningRateScale).ToArray(),
        FreeSteps = FreeSteps,
        Dynamics = Dynamics,
        Nudge = Nudge,
    };

    /// <summary>The cell as JSON (label, distribution, spread, lrScale, freeSteps, dynamics, nudge).</summary>
    public System.Text.Json.Nodes.JsonObject ToJson() => new()
    {
        ["label"] = Label,
        ["distribution"] = Distribution.Name,
        ["spread"] = IsHomogeneous ? null : Distribution.Spread,
        ["lrScale"] = LearningRateScale,
        ["freeSteps"] = FreeSteps,
        ["dynamics"] = DynamicsNames.Name(Dynamics),
        ["nudge"] = DynamicsNames.Name(Nudge),
    };

    internal static string Format(double value) => value.ToString("0.####", CultureInfo.InvariantCulture);
}

/// <summary>One training run of a grid: a cell and a seed, with every option that determines its result.</summary>
public sealed record StabilityJob(StabilityCell Cell, ulong Seed, EpTrainingOptions Options)
{
    /// <summary>"prototypical-lognormal-0.5-lr2-t20-seed3": the run's files are named after it.</summary>
    public string Name => $"{Cell.Slug}-seed{Seed.ToString(CultureInfo.InvariantCulture)}";
}

/// <summary>
/// A stability study's grid: τ distributions × learning-rate scales × T1 × dynamics, each cell
/// trained with every seed, plus optional remedy cells (the prototypical dynamics with the output
/// nudge outside ρ) for some distributions at every lr scale and T1. Jobs are ordered so that the
/// runs of one seed come together (a partial study already pairs conditions).
/// </summary>
public sealed record StabilityGrid(
    IReadOnlyList<TauDistribution> Distributions,
    IReadOnlyList<double> LearningRateScales,
    IReadOnlyList<int> FreeSteps,
    IReadOnlyList<EpDynamics> Dynamics,
    IReadOnlyList<ulong> Seeds,
    IReadOnlyList<TauDistribution>? RemedyDistributions = null)
{
    /// <summary>Paired statistics need at least this many seeds per cell.</summary>
    public const int MinimumSeeds = 2;

    /// <summary>Throws <see cref="InvalidInputException"/> naming the property (Distributions, LearningRateScales, FreeSteps, Dynamics, Seeds) of an empty or invalid axis.</summary>
    public void Validate()
    {
        NotEmpty(Distributions.Count, nameof(Distributions), "at least one τ distribution (e.g. homogeneous,lognormal:0.5)");
        NotEmpty(LearningRateScales.Count, nameof(LearningRateScales), "at least one learning-rate scale (e.g. 1,2,4)");
        NotEmpty(FreeSteps.Count, nameof(FreeSteps), "at least one free-phase length T1 (e.g. 20,60)");
        NotEmpty(Dynamics.Count, nameof(Dynamics), "at least one dynamics (prototypical, energy)");
        foreach (var scale in LearningRateScales)
        {
            if (!(scale > 0) || !double.IsFinite(scale))
            {
                throw new InvalidInputException(null, nameof(LearningRateScales), StabilityCell.Format(scale), "positive learning-rate scales");
            }
        }

        foreach (var steps in FreeSteps)
        {
            if (steps is < 1 or > 100_000)
            {
                throw new InvalidInputException(null, nameof(FreeSteps), steps.ToString(CultureInfo.InvariantCulture), "free-phase lengths T1 in 1..100000");
            }
        }

        if (Seeds.Count < MinimumSeeds)
        {
            throw new InvalidInputException(null, nameof(Seeds), Seeds.Count.ToString(CultureInfo.InvariantCulture),
                $"at least {MinimumSeeds} seeds per cell (the statistics compare runs paired by seed)");
        }

        if (Seeds.Distinct().Count() != Seeds.Count)
        {
            throw new InvalidInputException(null, nameof(Seeds), string.Join(",", Seeds), "distinct seeds");
        }

        if (RemedyDistributions is { Count: > 0 } && !Dynamics.Contains(EpDynamics.Prototypical))
        {
            throw new InvalidInputException(null, nameof(RemedyDistributions), string.Join(",", RemedyDistributions.Select(d => d.Label)),
                "none without the prototypical dynamics in the grid (the outside nudge is a remedy of the prototypical form)");
        }
    }

    /// <summary>The cells: for each dynamics, T1 and lr scale, every distribution (then the remedy cells).</summary>
    public IReadOnlyList<StabilityCell> Cells
    {
        get
        {
            var cells = new List<StabilityCell>();
            foreach (var dynamics in Dynamics.Distinct())
            {
                foreach (var steps in FreeSteps.Distinct())
                {
                    foreach (var scale in LearningRateScales.Distinct())
                    {
                        cells.AddRange(Distributions.Distinct().Select(d => new StabilityCell(d, scale, steps, dynamics)));
                    }
                }
            }

            if (RemedyDistributions is { Count: > 0 } remedy && Dynamics.Contains(EpDynamics.Prototypical))
            {
                foreach (var steps in FreeSteps.Distinct())
                {
                    foreach (var scale in LearningRateScales.Distinct())
                    {
                        cells.AddRange(remedy.Distinct().Select(d => new StabilityCell(d, scale, steps, EpDynamics.Prototypical, OutputNudge.Outside)));
                    }
                }
            }

            return cells;
        }
    }

    /// <summary>Every run: for each seed, every cell, with options from <paramref name="baseOptions"/> (validated).</summary>
    public IReadOnlyList<StabilityJob> Jobs(EpTrainingOptions baseOptions)
    {
        Validate();
        var cells = Cells;
        var jobs = new List<StabilityJob>();
        foreach (var seed in Seeds)
        {
            foreach (var cell in cells)
            {
                var options = cell.Options(baseOptions, seed);
                options.Validate();
                jobs.Add(new StabilityJob(cell, seed, options));
            }
        }

        return jobs;
    }

    private static void NotEmpty(int count, string property, string expected)
    {
        if (count == 0)
        {
            throw new InvalidInputException(null, property, "none", expected);
        }
    }
}
