using System.Globalization;
using Neuromorphic.Core.Data;
using Neuromorphic.Core.Errors;
using Neuromorphic.Learning.Kernels;
using Neuromorphic.Learning.TimeConstants;

namespace Neuromorphic.Learning.Training;

/// <summary>How the EP gradient is estimated from the nudged phases (Laborieux et al. 2021).</summary>
public enum GradientEstimator
{
    /// <summary>+β and −β phases from the free state: (∂Φ/∂θ(s⁺) − ∂Φ/∂θ(s⁻)) / 2β, bias O(β²).</summary>
    Symmetric,

    /// <summary>One +β phase: (∂Φ/∂θ(s^β) − ∂Φ/∂θ(s⁰)) / β, bias O(β).</summary>
    OneSided,

    /// <summary>One phase with β of random sign per minibatch (Scellier and Bengio 2017).</summary>
    RandomSign,
}

public enum OptimizerKind
{
    /// <summary>SGD with momentum (PyTorch semantics: v ← μv + g, θ ← θ − ηv).</summary>
    Sgd,

    /// <summary>Adam (Kingma and Ba 2015; PyTorch semantics, L2 weight decay added to the gradient).</summary>
    Adam,
}

/// <summary>
/// Everything that determines a training run's result. Two runs with equal options on the same data
/// produce byte-identical models, whatever <see cref="Threads"/> is.
/// </summary>
public sealed record EpTrainingOptions
{
    public static readonly IReadOnlyList<string> EstimatorNames = ["symmetric", "one-sided", "random-sign"];
    public static readonly IReadOnlyList<string> OptimizerNames = ["sgd", "adam"];

    /// <summary>Layer sizes n_0 (pixels) … n_L (classes).</summary>
    public required IReadOnlyList<int> Layers { get; init; }

    public int Epochs { get; init; } = 20;

    /// <summary>Seed of weight initialisation, shuffling and nudging signs.</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>Seed of the time-constant draw (defaults to <see cref="Seed"/>).</summary>
    public ulong? TauSeed { get; init; }

    public TimeStepSettings TimeSteps { get; init; } = new(new TauDistribution(TauFamily.LogNormal, 0.5));
    public GradientEstimator Estimator { get; init; } = GradientEstimator.Symmetric;
    public double Beta { get; init; } = 0.2;

    /// <summary>T1: steps of the free phase (also used at evaluation).</summary>
    public int FreeSteps { get; init; } = 60;

    /// <summary>T2: steps of each nudged phase.</summary>
    public int NudgedSteps { get; init; } = 20;

    public int BatchSize { get; init; } = 64;

    /// <summary>One learning rate per weight layer (input side first), or one for all.</summary>
    public IReadOnlyList<double> LearningRates { get; init; } = [0.05, 0.02];

    public OptimizerKind Optimizer { get; init; } = OptimizerKind.Sgd;
    public double Momentum { get; init; } = 0.9;
    public double WeightDecay { get; init; }

    /// <summary>Cosine annealing of every learning rate over the epochs (to zero at the end).</summary>
    public bool Cosine { get; init; }

    /// <summary>Multiplies the initial weight range ±1/√fan-in.</summary>
    public double InitScale { get; init; } = 1;

    /// <summary>Use only the first N training images (null: all).</summary>
    public int? TrainLimit { get; init; }

    /// <summary>Evaluate on the first N test images (null: all, 0: no test evaluation).</summary>
    public int? TestLimit { get; init; }

    /// <summary>Worker threads (0: all processors). Does not change the result.</summary>
    public int Threads { get; init; }

    public ulong EffectiveTauSeed => TauSeed ?? Seed;

    public int LayerCount => Layers.Count - 1;

    /// <summary>The learning rate of weight layer k (1-based).</summary>
    public double LearningRate(int k) => LearningRates.Count == 1 ? LearningRates[0] : LearningRates[k - 1];

    public static string EstimatorName(GradientEstimator estimator) => EstimatorNames[(int)estimator];

    public static string OptimizerName(OptimizerKind optimizer) => OptimizerNames[(int)optimizer];

    public static GradientEstimator ParseEstimator(string text) =>
        (GradientEstimator)IndexOf(EstimatorNames, text, nameof(Estimator));

    public static OptimizerKind ParseOptimizer(string text) => (OptimizerKind)IndexOf(OptimizerNames, text, nameof(Optimizer));

    /// <summary>Parses "784,500,10".</summary>
    public static int[] ParseLayers(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var sizes = new int[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out sizes[i]) || sizes[i] <= 0)
            {
                throw new InvalidInputException(null, nameof(Layers), $"\"{text}\"", "comma-separated positive layer sizes, input first (e.g. 784,500,10)");
            }
        }

        if (sizes.Length < 2)
        {
            throw new InvalidInputException(null, nameof(Layers), $"\"{text}\"", "at least two sizes: the input and the output (e.g. 784,500,10)");
        }

        return sizes;
    }

    /// <summary>Parses "0.05,0.02".</summary>
    public static double[] ParseLearningRates(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var rates = new double[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!double.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out rates[i]))
            {
                throw new InvalidInputException(null, nameof(LearningRates), $"\"{text}\"", "comma-separated learning rates, one per weight layer (e.g. 0.05,0.02)");
            }
        }

        return rates;
    }

    /// <summary>Checks every option on its own; throws <see cref="InvalidInputException"/> naming the property (front ends map it to their own option names).</summary>
    public void Validate()
    {
        if (Layers.Count < 2 || Layers.Any(s => s <= 0))
        {
            throw Bad(nameof(Layers), string.Join(",", Layers), "at least two positive sizes, input first");
        }

        CheckSize();
        Require(Epochs >= 1 && Epochs <= 100_000, nameof(Epochs), Epochs, "a number of epochs in 1..100000");
        Require(double.IsFinite(Beta) && Beta > 0, nameof(Beta), Beta, "a nudging strength β > 0");
        Require(FreeSteps >= 1 && FreeSteps <= 100_000, nameof(FreeSteps), FreeSteps, "a number of free-phase steps T1 in 1..100000");
        Require(NudgedSteps >= 1 && NudgedSteps <= 100_000, nameof(NudgedSteps), NudgedSteps, "a number of nudged-phase steps T2 in 1..100000");
        Require(BatchSize >= 1 && BatchSize <= 65_536, nameof(BatchSize), BatchSize, "a minibatch size in 1..65536");
        if (LearningRates.Count != 1 && LearningRates.Count != LayerCount)
        {
            throw Bad(nameof(LearningRates), string.Join(",", LearningRates.Select(Format)), $"one learning rate, or {LayerCount} (one per weight layer of the layers {string.Join(",", Layers)})");
        }

        if (LearningRates.Any(r => !double.IsFinite(r) || r < 0))
        {
            throw Bad(nameof(LearningRates), string.Join(",", LearningRates.Select(Format)), "learning rates ≥ 0");
        }

        Require(double.IsFinite(Momentum) && Momentum >= 0 && Momentum < 1, nameof(Momentum), Momentum, "a momentum in [0, 1)");
        Require(double.IsFinite(WeightDecay) && WeightDecay >= 0, nameof(WeightDecay), WeightDecay, "a weight decay ≥ 0");
        Require(double.IsFinite(InitScale) && InitScale > 0, nameof(InitScale), InitScale, "a positive initialisation scale");
        Require(TrainLimit is null or >= 1, nameof(TrainLimit), TrainLimit ?? 0, "a number of training images ≥ 1");
        Require(TestLimit is null or >= 0, nameof(TestLimit), TestLimit ?? 0, "a number of test images ≥ 0");
        Require(Threads >= 0, nameof(Threads), Threads, "a thread count ≥ 0 (0: all processors)");
        TimeSteps.Validate();
    }

    /// <summary>
    /// Each weight matrix must fit one .NET array, and the whole training state this machine's memory
    /// (estimated before anything is allocated): the weights, one gradient buffer, the optimizer's
    /// moments (one for SGD, two for Adam) and the copies written to the model file and checkpoint,
    /// all float32 with rows padded to a multiple of 8.
    /// </summary>
    private void CheckSize()
    {
        static long Pad(long count) => (count + Lanes.Width - 1) / Lanes.Width * Lanes.Width;
        long weights = 0;
        for (var k = 1; k < Layers.Count; k++)
        {
            var entries = Pad(Layers[k]) * Pad(Layers[k - 1]);
            if (entries > Array.MaxLength)
            {
                throw Bad(nameof(Layers), string.Join(",", Layers),
                    $"layers whose weight matrices fit one array: {Layers[k - 1]:N0} × {Layers[k]:N0} = {(long)Layers[k - 1] * Layers[k]:N0} weights in layer {k}, at most {Array.MaxLength:N0}");
            }

            weights += entries + Pad(Layers[k]);
        }

        var copies = Optimizer == OptimizerKind.Adam ? 6 : 5;
        MemoryBudget.Check(weights * sizeof(float) * copies, null, nameof(Layers),
            $"a {string.Join("-", Layers)} network ({weights:N0} parameters, {copies} float32 copies while training)");
    }

    /// <summary>Checks that the layer sizes fit <paramref name="dataset"/>: first = pixels per image, last = classes.</summary>
    public void ValidateFor(Dataset dataset)
    {
        if (Layers.Count < 2 || Layers.Any(s => s <= 0))
        {
            Validate();
        }

        if (Layers[0] != dataset.PixelsPerImage)
        {
            throw Bad(nameof(Layers), string.Join(",", Layers),
                $"a first size equal to the {dataset.PixelsPerImage} pixels per image of {dataset.Name} ({dataset.Rows}×{dataset.Columns})");
        }

        if (Layers[^1] != dataset.ClassCount)
        {
            throw Bad(nameof(Layers), string.Join(",", Layers), $"a last size equal to the {dataset.ClassCount} classes of {dataset.Name}");
        }

        Validate();
    }

    /// <summary>
    /// The <c>neuro train</c> command that reproduces this result (every option that changes it, none
    /// that does not: no --out, --threads, --resume or --json).
    /// </summary>
    public string ReproduceCommand(string datasetSpec) =>
        "neuro train --dataset " + Quote(datasetSpec) + string.Concat(Settings().Select(s => s.Value.Length == 0 ? $" {s.Option}" : $" {s.Option} {s.Value}"));

    /// <summary>The options that determine the result (except the dataset), as (option, value) pairs; flags have an empty value.</summary>
    public IReadOnlyList<(string Option, string Value)> Settings()
    {
        var settings = new List<(string, string)>
        {
            ("--layers", string.Join(",", Layers)),
            ("--epochs", Epochs.ToString(CultureInfo.InvariantCulture)),
            ("--seed", Seed.ToString(CultureInfo.InvariantCulture)),
        };
        if (TauSeed is { } tauSeed && tauSeed != Seed)
        {
            settings.Add(("--tau-seed", tauSeed.ToString(CultureInfo.InvariantCulture)));
        }

        settings.Add(("--tau-dist", TimeSteps.Distribution.Name));
        if (TimeSteps.Distribution.Family != TauFamily.Homogeneous)
        {
            settings.Add(("--tau-spread", Format(TimeSteps.Distribution.Spread)));
        }

        settings.Add(("--dt-mean", Format(TimeSteps.DtMean)));
        settings.Add(("--dt-min", Format(TimeSteps.DtMin)));
        settings.Add(("--tau-match", TimeSteps.Matching == TauMatching.MeanDt ? "dt" : "tau"));
        settings.Add(("--estimator", EstimatorName(Estimator)));
        settings.Add(("--beta", Format(Beta)));
        settings.Add(("--free-steps", FreeSteps.ToString(CultureInfo.InvariantCulture)));
        settings.Add(("--nudged-steps", NudgedSteps.ToString(CultureInfo.InvariantCulture)));
        settings.Add(("--batch", BatchSize.ToString(CultureInfo.InvariantCulture)));
        settings.Add(("--lr", string.Join(",", LearningRates.Select(Format))));
        settings.Add(("--optimizer", OptimizerName(Optimizer)));
        if (Optimizer == OptimizerKind.Sgd)
        {
            settings.Add(("--momentum", Format(Momentum)));
        }

        if (WeightDecay > 0)
        {
            settings.Add(("--weight-decay", Format(WeightDecay)));
        }

        if (Cosine)
        {
            settings.Add(("--cosine", ""));
        }

        if (InitScale != 1)
        {
            settings.Add(("--init-scale", Format(InitScale)));
        }

        if (TrainLimit is { } trainLimit)
        {
            settings.Add(("--train-limit", trainLimit.ToString(CultureInfo.InvariantCulture)));
        }

        if (TestLimit is { } testLimit)
        {
            settings.Add(("--test-limit", testLimit.ToString(CultureInfo.InvariantCulture)));
        }

        return settings;
    }

    internal static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static string Quote(string text) => text.Any(char.IsWhiteSpace) || text.Contains('\'') ? $"'{text.Replace("'", "'\\''")}'" : text;

    private static int IndexOf(IReadOnlyList<string> names, string text, string option)
    {
        for (var i = 0; i < names.Count; i++)
        {
            if (string.Equals(names[i], text.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        throw new InvalidInputException(null, option, $"\"{text}\"", $"one of {string.Join(", ", names)}");
    }

    private static void Require(bool condition, string option, double value, string expected)
    {
        if (!condition)
        {
            throw Bad(option, Format(value), expected);
        }
    }

    private static InvalidInputException Bad(string option, string value, string expected) => new(null, option, value, expected);
}
