using System.Globalization;
using Neuromorphic.Core.Data;
using Neuromorphic.Core.Errors;
using Neuromorphic.Core.Progress;
using Neuromorphic.Core.Random;
using Neuromorphic.Core.Statistics;
using Neuromorphic.Learning.Models;
using Neuromorphic.Learning.TimeConstants;
using Neuromorphic.Learning.Training;

namespace Neuromorphic.Learning.Mechanism;

/// <summary>What a mechanism study measures and on what (src/Neuromorphic.Learning/README.md, "Mechanism").</summary>
public sealed record MechanismSettings
{
    /// <summary>Layer sizes n_0 … n_L.</summary>
    public required IReadOnlyList<int> Layers { get; init; }

    public required IReadOnlyList<TauDistribution> Distributions { get; init; }

    /// <summary>Free-phase lengths T1 at which the EP update is compared with BPTT of the same T1.</summary>
    public IReadOnlyList<int> FreeSteps { get; init; } = [10, 20, 40, 60, 100];

    public IReadOnlyList<EpDynamics> Dynamics { get; init; } = [EpDynamics.Prototypical, EpDynamics.Energy];

    /// <summary>Each seed fixes the initial weights (unless <see cref="Weights"/> is given), the batch of images and the τ draw.</summary>
    public required IReadOnlyList<ulong> Seeds { get; init; }

    public int NudgedSteps { get; init; } = 20;
    public double Beta { get; init; } = 0.2;
    public GradientEstimator Estimator { get; init; } = GradientEstimator.Symmetric;
    public double DtMean { get; init; } = 0.5;
    public double DtMin { get; init; } = 0.05;
    public TauMatching Matching { get; init; } = TauMatching.MeanDt;
    public double InitScale { get; init; } = 1;

    /// <summary>Training images per measurement (drawn per seed).</summary>
    public int Samples { get; init; } = 32;

    /// <summary>Steps of the long free phase whose BPTT gradient stands for the gradient at the fixed point.</summary>
    public int ConvergedSteps { get; init; } = 1000;

    /// <summary>Trained weights to measure at (their dt are replaced by each condition's draw); null: a fresh initialisation per seed.</summary>
    public EpModel? Weights { get; init; }

    /// <summary>Worker threads (0: all processors). Results do not depend on it.</summary>
    public int Threads { get; init; }

    /// <summary>Throws <see cref="InvalidInputException"/> naming the property of a bad setting.</summary>
    public void Validate()
    {
        if (Layers.Count < 2 || Layers.Any(s => s <= 0))
        {
            throw new InvalidInputException(null, nameof(Layers), string.Join(",", Layers), "at least two positive sizes, input first");
        }

        Require(Distributions.Count > 0, nameof(Distributions), "none", "at least one τ distribution");
        Require(FreeSteps.Count > 0 && FreeSteps.All(t => t is >= 1 and <= 100_000), nameof(FreeSteps), string.Join(",", FreeSteps), "free-phase lengths in 1..100000");
        Require(Dynamics.Count > 0, nameof(Dynamics), "none", "at least one dynamics");
        Require(Seeds.Count >= 2, "Seeds", Seeds.Count.ToString(CultureInfo.InvariantCulture), "at least 2 seeds (the statistics need more than one measurement)");
        Require(NudgedSteps is >= 1 and <= 100_000, nameof(NudgedSteps), NudgedSteps.ToString(CultureInfo.InvariantCulture), "nudged-phase steps in 1..100000");
        Require(double.IsFinite(Beta) && Beta > 0, nameof(Beta), Beta.ToString("R", CultureInfo.InvariantCulture), "a nudging strength β > 0");
        Require(Estimator != GradientEstimator.RandomSign, nameof(Estimator), "random-sign", "symmetric or one-sided (a random sign has no single direction to compare)");
        Require(Samples is >= 1 and <= 65_536, nameof(Samples), Samples.ToString(CultureInfo.InvariantCulture), "a number of images per measurement in 1..65536");
        Require(ConvergedSteps is >= 1 and <= 1_000_000, nameof(ConvergedSteps), ConvergedSteps.ToString(CultureInfo.InvariantCulture), "steps in 1..1000000");
        Require(Threads >= 0, nameof(Threads), Threads.ToString(CultureInfo.InvariantCulture), "a thread count ≥ 0");
        new TimeStepSettings(Distributions[0], DtMean, DtMin, Matching).Validate();
        if (Weights is { } model && !model.LayerSizes.SequenceEqual(Layers))
        {
            throw new InvalidInputException(null, nameof(Layers), string.Join(",", Layers), $"the layers of the model ({string.Join(",", model.LayerSizes)})");
        }
    }

    private static void Require(bool condition, string property, string value, string expected)
    {
        if (!condition)
        {
            throw new InvalidInputException(null, property, value, expected);
        }
    }
}

/// <summary>One condition of a mechanism study: a τ distribution, a dynamics and T1.</summary>
public sealed record MechanismCondition(TauDistribution Distribution, EpDynamics Dynamics, int FreeSteps)
{
    public string Label => $"{Distribution.Label}, {DynamicsNames.Name(Dynamics)}, T1 = {FreeSteps}";
}

/// <summary>
/// One measurement: the cosine between the EP update of T1 free and T2 nudged steps and −∇L of
/// the T1-step loss by BPTT (the same finite transient), the cosine with −∇L at the fixed point
/// (BPTT through <see cref="MechanismSettings.ConvergedSteps"/>), the norm ratio ‖EP‖/‖∇L_T1‖,
/// the loss, and how the free phase ended.
/// </summary>
public sealed record MechanismMeasurement(MechanismCondition Condition, ulong Seed, double Cosine, double CosineToFixedPoint, double NormRatio, double Loss,
    PhaseQuality Free);

/// <summary>
/// A condition over its seeds: mean cosine with its 95 % BCa bootstrap interval, the paired
/// difference from homogeneous (same seed, dynamics and T1: same weights and images) with its
/// interval and Wilcoxon p-value, and the free phase's residual, not-converged and period-2 shares.
/// </summary>
public sealed record MechanismSummary(MechanismCondition Condition, int Seeds, Interval Cosine, Interval CosineToFixedPoint, Interval? CosineDifference,
    SignedRankResult? DifferenceTest, Descriptive NormRatio, Descriptive Residual, Descriptive NotConverged, Descriptive Period2);

/// <summary>
/// Why would HTS help? Fixed points do not depend on dt, so any effect lives in the finite-T
/// transient. This study measures, per τ condition, dynamics and T1, how well the EP update of
/// those finite phases follows the true gradient of the same finite-T network (a double-precision
/// BPTT reference, <see cref="ReferenceNetwork"/>), and how settled the free phase is. Every
/// measurement is a pure function of its seed and condition; they run in parallel.
/// </summary>
public static class MechanismStudy
{
    /// <summary>First key of the stream that picks each seed's images.</summary>
    private const ulong BatchStream = 0x7A_0010;

    public static IReadOnlyList<MechanismMeasurement> Run(MechanismSettings settings, LabeledImages train, IProgress<WorkProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        settings.Validate();
        if (train.PixelsPerImage != settings.Layers[0] || train.ClassCount != settings.Layers[^1])
        {
            throw new InvalidInputException(null, nameof(settings.Layers), string.Join(",", settings.Layers),
                $"a first size of {train.PixelsPerImage} pixels and a last size of {train.ClassCount} classes, the images'");
        }

        var groups = (from seed in settings.Seeds from dynamics in settings.Dynamics from distribution in settings.Distributions select (seed, dynamics, distribution)).ToList();
        var results = new MechanismMeasurement[groups.Count][];
        var done = 0;
        Parallel.For(0, groups.Count, new ParallelOptions { MaxDegreeOfParallelism = Parallelism.Resolve(settings.Threads), CancellationToken = cancellationToken }, g =>
        {
            var (seed, dynamics, distribution) = groups[g];
            results[g] = Measure(settings, train, seed, dynamics, distribution);
            progress?.Report(new WorkProgress("mechanism", Interlocked.Increment(ref done), groups.Count));
        });

        return results.SelectMany(r => r).ToList();
    }

    private static MechanismMeasurement[] Measure(MechanismSettings settings, LabeledImages train, ulong seed, EpDynamics dynamics, TauDistribution distribution)
    {
        var sizes = settings.Layers.ToArray();
        EpParameters parameters;
        if (settings.Weights is { } model)
        {
            parameters = model.Parameters.Clone();
        }
        else
        {
            parameters = new EpParameters(sizes);
            parameters.Initialize(seed, settings.InitScale);
        }

        var draw = TimeStepDraw.Draw(sizes[1..], new TimeStepSettings(distribution, settings.DtMean, settings.DtMin, settings.Matching), seed);
        parameters.SetTimeSteps(draw.Dt, draw.Tau);
        var (inputs, targets) = Batch(train, settings.Samples, seed);
        var network = new ReferenceNetwork(parameters, dynamics);
        var atFixedPoint = Negated(network.Bptt(inputs, targets, settings.ConvergedSteps));
        var measurements = new List<MechanismMeasurement>();
        foreach (var steps in settings.FreeSteps)
        {
            var gradient = network.Bptt(inputs, targets, steps);
            var descent = Negated(gradient);
            var (update, free) = network.EpUpdate(inputs, targets, steps, settings.NudgedSteps, settings.Beta, settings.Estimator);
            var norm = gradient.Norm;
            measurements.Add(new MechanismMeasurement(new MechanismCondition(distribution, dynamics, steps), seed, ParameterVector.Cosine(update, descent),
                ParameterVector.Cosine(update, atFixedPoint), norm > 0 ? update.Norm / norm : double.NaN, network.Loss(inputs, targets, steps), free));
        }

        return measurements.ToArray();
    }

    /// <summary>The images of one seed: <paramref name="count"/> distinct training images, chosen by the seed, scaled to [0, 1] as the trainer does.</summary>
    public static (double[][] Inputs, double[][] Targets) Batch(LabeledImages train, int count, ulong seed)
    {
        var rng = new CounterRng(seed, BatchStream);
        var order = Enumerable.Range(0, train.Count).ToArray();
        var take = Math.Min(count, train.Count);
        for (var i = 0; i < take; i++)
        {
            var j = i + rng.NextInt(order.Length - i);
            (order[i], order[j]) = (order[j], order[i]);
        }

        var inputs = new double[take][];
        var targets = new double[take][];
        for (var b = 0; b < take; b++)
        {
            var image = train.Image(order[b]);
            inputs[b] = new double[image.Length];
            for (var p = 0; p < image.Length; p++)
            {
                inputs[b][p] = image[p] * (1f / 255f);
            }

            targets[b] = new double[train.ClassCount];
            targets[b][train.Labels[order[b]]] = 1;
        }

        return (inputs, targets);
    }

    /// <summary>Per condition (in the settings' order) over seeds, with paired differences from homogeneous. Bootstraps are keyed by condition.</summary>
    public static IReadOnlyList<MechanismSummary> Summarise(MechanismSettings settings, IReadOnlyList<MechanismMeasurement> measurements,
        ulong bootstrapSeed = 20_260_303)
    {
        var summaries = new List<MechanismSummary>();
        var index = 0UL;
        foreach (var dynamics in settings.Dynamics)
        {
            foreach (var steps in settings.FreeSteps)
            {
                foreach (var distribution in settings.Distributions)
                {
                    var condition = new MechanismCondition(distribution, dynamics, steps);
                    var rows = measurements.Where(m => m.Condition == condition).OrderBy(m => m.Seed).ToList();
                    var baseline = measurements.Where(m => m.Condition == condition with { Distribution = TauDistribution.Homogeneous })
                        .ToDictionary(m => m.Seed);
                    Interval? difference = null;
                    SignedRankResult? test = null;
                    if (distribution.Family != TauFamily.Homogeneous && baseline.Count > 0)
                    {
                        var deltas = rows.Where(r => baseline.ContainsKey(r.Seed)).Select(r => r.Cosine - baseline[r.Seed].Cosine).ToList();
                        difference = Bootstrap.Mean(deltas, bootstrapSeed, 3 * index + 2);
                        test = SignedRankTest.Of(deltas);
                    }

                    summaries.Add(new MechanismSummary(condition, rows.Count, Bootstrap.Mean(rows.Select(r => r.Cosine).ToList(), bootstrapSeed, 3 * index),
                        Bootstrap.Mean(rows.Select(r => r.CosineToFixedPoint).ToList(), bootstrapSeed, 3 * index + 1), difference, test,
                        Descriptive.Of(rows.Select(r => r.NormRatio)), Descriptive.Of(rows.Select(r => r.Free.MeanResidual)),
                        Descriptive.Of(rows.Select(r => r.Free.NotConvergedShare)), Descriptive.Of(rows.Select(r => r.Free.Period2Share))));
                    index++;
                }
            }
        }

        return summaries;
    }

    private static ParameterVector Negated(ParameterVector gradient)
    {
        gradient.Scale(-1);
        return gradient;
    }
}
