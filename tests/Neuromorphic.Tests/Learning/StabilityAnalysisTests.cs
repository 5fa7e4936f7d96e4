using Neuromorphic.Core.Errors;
using Neuromorphic.Core.Statistics;
using Neuromorphic.Learning.Experiments;
using Neuromorphic.Learning.Mechanism;
using Neuromorphic.Learning.Models;
using Neuromorphic.Learning.TimeConstants;
using Neuromorphic.Learning.Training;

namespace Neuromorphic.Tests.Learning;

/// <summary>The study's rules on hand-made runs: collapse, dead outputs and since when, pairing by seed, the statistics used; the grid's validation; the mechanism study's determinism.</summary>
public sealed class StabilityAnalysisTests
{
    private static readonly TauDistribution s_lognormal = new(TauFamily.LogNormal, 0.5);

    private static StabilityRun Run(StabilityCell cell, ulong seed, double[] accuracies, Func<int, int[]>? dead = null, bool diverged = false) =>
        new(cell, seed, accuracies.Select((a, e) => new EpochMetrics { Epoch = e + 1, TestAccuracy = a, DeadOutputs = dead?.Invoke(e + 1) ?? [] }).ToList(),
            new RunTimeSteps(0.5, 2, 0.5, 0.05), diverged, diverged ? accuracies.Length + 1 : null);

    [Fact]
    public void Collapse_is_a_fall_below_half_or_ten_points_under_the_best_after_reaching_half_or_a_divergence()
    {
        var cell = new StabilityCell(TauDistribution.Homogeneous, 1, 60, EpDynamics.Prototypical);
        Assert.Equal((false, (int?)null), RunOutcome.CollapseOf(Run(cell, 1, [0.3, 0.6, 0.55, 0.62])));
        Assert.Equal((true, (int?)3), RunOutcome.CollapseOf(Run(cell, 1, [0.6, 0.8, 0.69, 0.8])));
        Assert.Equal((true, (int?)2), RunOutcome.CollapseOf(Run(cell, 1, [0.55, 0.45])));
        Assert.Equal((false, (int?)null), RunOutcome.CollapseOf(Run(cell, 1, [0.2, 0.45, 0.3])));   // never reached 50 %
        Assert.Equal((true, (int?)3), RunOutcome.CollapseOf(Run(cell, 1, [0.6, 0.7], diverged: true)));
        var outcome = RunOutcome.Of(Run(cell, 1, [0.6, 0.7], diverged: true), classes: 10);
        Assert.Equal(0.1, outcome.FinalAccuracy);
        Assert.Equal(0.7, outcome.BestAccuracy);
        Assert.Equal(2, outcome.BestEpoch);
    }

    [Fact]
    public void Dead_outputs_are_reported_with_the_epoch_their_last_dead_streak_began_and_their_first_death()
    {
        var cell = new StabilityCell(TauDistribution.Homogeneous, 4, 60, EpDynamics.Prototypical);
        int[] Dead(int epoch) => epoch switch
        {
            2 => [3],
            3 => [3, 7],
            4 => [7],
            5 => [3, 7],
            _ => [],
        };
        var outcome = RunOutcome.Of(Run(cell, 1, [0.7, 0.7, 0.6, 0.62, 0.6], Dead), classes: 10);
        Assert.Equal([new DeadOutput(3, 5), new DeadOutput(7, 3)], outcome.DeadAtEnd);
        Assert.Equal([new DeadOutput(3, 2), new DeadOutput(7, 3)], outcome.EverDead);
    }

    [Fact]
    public void Comparisons_pair_runs_by_seed_within_a_group_and_use_the_documented_statistics()
    {
        var homogeneous = new StabilityCell(TauDistribution.Homogeneous, 2, 20, EpDynamics.Energy);
        var hts = homogeneous with { Distribution = s_lognormal };
        var otherGroup = hts with { FreeSteps = 60 };
        double[] baseFinals = [0.80, 0.82, 0.78, 0.81, 0.79, 0.83];
        double[] htsFinals = [0.81, 0.84, 0.80, 0.80, 0.82, 0.86];
        var runs = new List<StabilityRun>();
        for (var i = 0; i < 6; i++)
        {
            runs.Add(Run(homogeneous, (ulong)(i + 1), [0.7, baseFinals[i]]));
            runs.Add(Run(hts, (ulong)(6 - i), [0.7, htsFinals[5 - i]]));   // listed in another order: pairing is by seed
        }

        runs.Add(Run(otherGroup, 1, [0.7, 0.2]));
        var analysis = StabilityAnalysis.Of([homogeneous, hts, otherGroup], runs, classes: 10);
        var comparison = Assert.Single(analysis.Comparisons, c => c.Cell == hts);
        Assert.Equal(6, comparison.Pairs);
        double[] differences = [.. htsFinals.Zip(baseFinals, (a, b) => a - b)];
        Assert.Equal(differences.Average(), comparison.FinalDifference.Estimate, 12);
        Assert.Equal(Bootstrap.Mean(differences, StabilityAnalysis.DefaultBootstrapSeed, 1000 + 16).Low, comparison.FinalDifference.Low, 12);
        Assert.Equal(SignedRankTest.Of(differences).PValue, comparison.FinalTest.PValue, 12);
        Assert.Equal(VarianceTest.BrownForsythe([htsFinals, baseFinals]).PValue, comparison.FinalVariance.PValue, 12);
        Assert.Equal(Descriptive.Of(htsFinals).StandardDeviation / Descriptive.Of(baseFinals).StandardDeviation, comparison.FinalSdRatio, 12);
        // The other group has no homogeneous cell: no comparison; two comparisons in the family would be Holm-adjusted together.
        Assert.DoesNotContain(analysis.Comparisons, c => c.Cell == otherGroup);
        Assert.Equal(comparison.FinalTest.PValue, comparison.FinalHolm, 12);
        var cell = analysis.Cells.Single(c => c.Cell == hts);
        Assert.Equal(Proportion.Wilson(0, 6), cell.CollapseRate);
        Assert.Equal(2, cell.Bands.Count);
        Assert.Equal(htsFinals.Average(), cell.Bands[1].TestAccuracy.Estimate, 12);
    }

    [Fact]
    public void Grid_rejects_empty_axes_and_too_few_seeds_naming_the_property()
    {
        StabilityGrid Grid(int distributions = 1, int scales = 1, int steps = 1, int dynamics = 1, int seeds = 2) => new(
            Enumerable.Repeat(TauDistribution.Homogeneous, distributions).ToList(), Enumerable.Repeat(1.0, scales).ToList(), Enumerable.Repeat(60, steps).ToList(),
            Enumerable.Repeat(EpDynamics.Prototypical, dynamics).ToList(), Enumerable.Range(1, seeds).Select(s => (ulong)s).ToList());
        Assert.Equal("Distributions", Assert.Throws<InvalidInputException>(() => Grid(distributions: 0).Validate()).Field);
        Assert.Equal("LearningRateScales", Assert.Throws<InvalidInputException>(() => Grid(scales: 0).Validate()).Field);
        Assert.Equal("FreeSteps", Assert.Throws<InvalidInputException>(() => Grid(steps: 0).Validate()).Field);
        Assert.Equal("Dynamics", Assert.Throws<InvalidInputException>(() => Grid(dynamics: 0).Validate()).Field);
        Assert.Equal("Seeds", Assert.Throws<InvalidInputException>(() => Grid(seeds: 1).Validate()).Field);
        Grid().Validate();
    }

    [Fact]
    public void Grid_cells_scale_every_rate_and_pair_seeds_across_cells()
    {
        var grid = new StabilityGrid([TauDistribution.Homogeneous, s_lognormal], [1, 4], [20], [EpDynamics.Prototypical], [5, 6], [s_lognormal]);
        var baseOptions = new EpTrainingOptions { Layers = [784, 16, 10], LearningRates = [0.05, 0.02] };
        var jobs = grid.Jobs(baseOptions);
        Assert.Equal(2 * (4 + 2), jobs.Count);
        Assert.Equal([5UL, 5, 5, 5, 5, 5, 6, 6, 6, 6, 6, 6], jobs.Select(j => j.Seed));
        var scaled = jobs.First(j => j.Cell.LearningRateScale == 4);
        Assert.Equal([0.2, 0.08], scaled.Options.LearningRates);
        Assert.Equal(20, scaled.Options.FreeSteps);
        Assert.Equal(OutputNudge.Outside, jobs.Last().Options.Nudge);
        Assert.Equal("prototypical-lognormal-0.5-lr4-t20-outside-seed6", jobs.Last().Name);
        Assert.Equal(jobs[0].Options.EffectiveTauSeed, jobs[1].Options.EffectiveTauSeed);   // same seed, same τ stream: paired
    }

    [Fact]
    public void Mechanism_measurements_do_not_depend_on_threads_and_follow_the_gradient_when_converged()
    {
        var images = EpReference.RandomImages(6, 6, 3, 8);
        var settings = new MechanismSettings
        {
            Layers = [6, 5, 3], Distributions = [TauDistribution.Homogeneous, s_lognormal], FreeSteps = [2, 300], Seeds = [1, 2, 3], Samples = 6, Beta = 0.005,
            NudgedSteps = 300, ConvergedSteps = 300, InitScale = 2, Threads = 1,
        };
        var one = MechanismStudy.Run(settings, images);
        var four = MechanismStudy.Run(settings with { Threads = 4 }, images);
        Assert.Equal(one, four);
        Assert.Equal(2 * 2 * 2 * 3, one.Count);
        foreach (var m in one.Where(m => m.Condition.FreeSteps == 300 && double.IsFinite(m.Cosine)))
        {
            // Converged, small β: the EP update is the gradient (up to the hard sigmoid's kinks), and T1 = 300 is the fixed point.
            Assert.True(m.Cosine > 0.95, $"{m.Condition.Label}, seed {m.Seed}: cosine {m.Cosine}");
            Assert.Equal(m.Cosine, m.CosineToFixedPoint, 6);
            Assert.Equal(0, m.Free.NotConvergedShare);
        }

        Assert.Contains(one, m => m.Condition.FreeSteps == 2 && m.Free.NotConvergedShare == 1);
        var summaries = MechanismStudy.Summarise(settings, one);
        Assert.Equal(8, summaries.Count);
        Assert.All(summaries.Where(s => s.Condition.Distribution == s_lognormal), s => Assert.NotNull(s.CosineDifference));
    }
}
