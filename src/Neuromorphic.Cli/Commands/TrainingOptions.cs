using System.CommandLine;
using Neuromorphic.Core.Data;
using Neuromorphic.Core.Errors;
using Neuromorphic.Learning.Models;
using Neuromorphic.Learning.TimeConstants;
using Neuromorphic.Learning.Training;
using Neuromorphic.Workflows.Studies;

namespace Neuromorphic.Cli.Commands;

/// <summary>
/// The HTS-EP hyperparameter options shared by <c>neuro train</c> and <c>neuro experiment
/// stability</c>, so that both spell and default them the same way (README, "Commands").
/// </summary>
internal sealed class TrainingOptions
{
    /// <summary>The flag of each <see cref="EpTrainingOptions"/> property (bad-input messages name the flag).</summary>
    public static readonly IReadOnlyDictionary<string, string> Flags = new Dictionary<string, string>
    {
        [nameof(EpTrainingOptions.Layers)] = "--layers",
        [nameof(EpTrainingOptions.Epochs)] = "--epochs",
        [nameof(EpTrainingOptions.Seed)] = "--seed",
        [nameof(EpTrainingOptions.TauSeed)] = "--tau-seed",
        ["Distribution"] = "--tau-dist",
        ["Spread"] = "--tau-spread",
        ["Distributions"] = "--tau-dist",
        ["Spreads"] = "--tau-spread",
        [nameof(TimeStepSettings.DtMean)] = "--dt-mean",
        [nameof(TimeStepSettings.DtMin)] = "--dt-min",
        [nameof(EpTrainingOptions.Dynamics)] = "--dynamics",
        [nameof(EpTrainingOptions.Nudge)] = "--nudge",
        [nameof(EpTrainingOptions.Estimator)] = "--estimator",
        [nameof(EpTrainingOptions.Beta)] = "--beta",
        [nameof(EpTrainingOptions.FreeSteps)] = "--free-steps",
        [nameof(EpTrainingOptions.NudgedSteps)] = "--nudged-steps",
        [nameof(EpTrainingOptions.BatchSize)] = "--batch",
        [nameof(EpTrainingOptions.LearningRates)] = "--lr",
        [nameof(EpTrainingOptions.Optimizer)] = "--optimizer",
        [nameof(EpTrainingOptions.Momentum)] = "--momentum",
        [nameof(EpTrainingOptions.WeightDecay)] = "--weight-decay",
        [nameof(EpTrainingOptions.InitScale)] = "--init-scale",
        [nameof(EpTrainingOptions.TrainLimit)] = "--train-limit",
        [nameof(EpTrainingOptions.TestLimit)] = "--test-limit",
        [nameof(EpTrainingOptions.Threads)] = "--threads",
    };

    public Option<string?> Dataset { get; } = CommonOptions.Dataset();

    public Option<string> Layers { get; } = new("--layers")
    {
        Description = "Layer sizes, input first: pixels, hidden layers…, classes.", HelpName = "N,N,…", DefaultValueFactory = _ => "784,500,10",
    };

    public Option<int> Epochs { get; } = new("--epochs") { Description = "Training epochs.", DefaultValueFactory = _ => 20 };

    public Option<ulong> Seed { get; } = new("--seed") { Description = "Seed of weight initialisation, shuffling and nudging signs.", DefaultValueFactory = _ => 1UL };

    public Option<ulong?> TauSeed { get; } = new("--tau-seed") { Description = "Seed of the time-constant draw (default: --seed)." };

    public Option<string> TauDistribution { get; } = new("--tau-dist")
    {
        Description = "Time-constant distribution: homogeneous, lognormal, gamma, uniform or normal.", HelpName = "NAME", DefaultValueFactory = _ => "lognormal",
    };

    public Option<string?> TauSpread { get; } = new("--tau-spread")
    {
        Description = "Spread of the distribution: σ (lognormal, default 0.5), shape k (gamma, normal; default 3, CV = 1/√k), half-width w (uniform, default 0.5).",
        HelpName = "X",
    };

    public Option<double> DtMean { get; } = new("--dt-mean") { Description = "Mean time step Δt/τ, in [dt-min, 1].", DefaultValueFactory = _ => 0.5 };

    public Option<double> DtMin { get; } = new("--dt-min") { Description = "Smallest time step (dt is clipped to [dt-min, 1]).", DefaultValueFactory = _ => 0.05 };

    public Option<string> TauMatch { get; } = new("--tau-match")
    {
        Description = "Hold the mean dt (after clipping) or the mean τ equal across distributions: dt or tau.", HelpName = "dt|tau",
        DefaultValueFactory = _ => "dt",
    };

    public Option<string> Dynamics { get; } = new("--dynamics")
    {
        Description = "State dynamics: prototypical, s ← s + dt·(ρ(∂Φ/∂s) − s), or energy (Scellier and Bengio 2017), s ← clip(s + dt·(−s + ρ′(s)·(Σ W ρ(s) + b)), 0, 1).",
        HelpName = "NAME", DefaultValueFactory = _ => "prototypical",
    };

    public Option<string> Nudge { get; } = new("--nudge")
    {
        Description = "Output nudge of the prototypical dynamics: inside ρ (default) or outside (Ernoult et al. 2019's code; keeps a learning signal for dead outputs).",
        HelpName = "inside|outside", DefaultValueFactory = _ => "inside",
    };

    public Option<string> Estimator { get; } = new("--estimator")
    {
        Description = "Gradient estimator: symmetric (±β), one-sided or random-sign.", HelpName = "NAME", DefaultValueFactory = _ => "symmetric",
    };

    public Option<double> Beta { get; } = new("--beta") { Description = "Nudging strength β.", DefaultValueFactory = _ => 0.2 };

    public Option<int> FreeSteps { get; } = new("--free-steps") { Description = "Steps of the free phase, T1 (also used at evaluation).", DefaultValueFactory = _ => 60 };

    public Option<int> NudgedSteps { get; } = new("--nudged-steps") { Description = "Steps of each nudged phase, T2.", DefaultValueFactory = _ => 20 };

    public Option<int> Batch { get; } = new("--batch") { Description = "Minibatch size.", DefaultValueFactory = _ => 64 };

    public Option<string> LearningRates { get; } = new("--lr")
    {
        Description = "Learning rates, one per weight layer (input side first) or one for all.", HelpName = "R,R,…", DefaultValueFactory = _ => "0.05,0.02",
    };

    public Option<double> LearningRateScale { get; } = new("--lr-scale")
    {
        Description = "Multiplies every learning rate of --lr (the model records the scaled rates).", HelpName = "X", DefaultValueFactory = _ => 1.0,
    };

    public Option<string> Optimizer { get; } = new("--optimizer") { Description = "sgd (with momentum) or adam.", HelpName = "NAME", DefaultValueFactory = _ => "sgd" };

    public Option<double> Momentum { get; } = new("--momentum") { Description = "SGD momentum.", DefaultValueFactory = _ => 0.9 };

    public Option<double> WeightDecay { get; } = new("--weight-decay") { Description = "L2 weight decay.", DefaultValueFactory = _ => 0.0 };

    public Option<bool> Cosine { get; } = new("--cosine") { Description = "Cosine-anneal the learning rates to zero over the epochs." };

    public Option<double> InitScale { get; } = new("--init-scale") { Description = "Scale of the initial weights (uniform ±scale/√fan-in).", DefaultValueFactory = _ => 1.0 };

    public Option<int?> TrainLimit { get; } = new("--train-limit") { Description = "Train on the first N training images only." };

    public Option<int?> TestLimit { get; } = new("--test-limit") { Description = "Evaluate on the first N test images only (0: no test evaluation)." };

    public Option<int> Threads { get; } = new("--threads") { Description = "Worker threads (0: all processors). Results do not depend on it.", DefaultValueFactory = _ => 0 };

    /// <summary>
    /// Adds the options to <paramref name="command"/>. A study (<paramref name="forGrid"/>) adds
    /// its own list-valued --tau-dist, --tau-spread, --lr-scale, --free-steps and --dynamics instead, and no --nudge.
    /// </summary>
    public void AddTo(Command command, bool forGrid = false)
    {
        var includeDistribution = !forGrid;
        command.Options.Add(Dataset);
        command.Options.Add(Layers);
        command.Options.Add(Epochs);
        command.Options.Add(Seed);
        command.Options.Add(TauSeed);
        if (includeDistribution)
        {
            command.Options.Add(TauDistribution);
            command.Options.Add(TauSpread);
        }

        foreach (var option in new Option[]
                 {
                     DtMean, DtMin, TauMatch, Dynamics, Nudge, Estimator, Beta, FreeSteps, NudgedSteps, Batch, LearningRates, LearningRateScale, Optimizer, Momentum,
                     WeightDecay, Cosine,
                     InitScale, TrainLimit, TestLimit, Threads,
                 })
        {
            if (!forGrid || (option != Dynamics && option != Nudge && option != FreeSteps && option != LearningRateScale))
            {
                command.Options.Add(option);
            }
        }
    }

    /// <summary>The options of one run (distribution and seed as given, or from the command line); <see cref="LoadDataset"/> validates them against the data.</summary>
    public EpTrainingOptions Read(ParseResult parse, TauDistribution? distribution = null, ulong? seed = null, bool forGrid = false)
    {
        var spreadText = parse.GetValue(TauSpread);
        distribution ??= Learning.TimeConstants.TauDistribution.Parse(parse.GetValue(TauDistribution)!, StabilityConditions.ParseSpread(spreadText, "Spread"));
        var matchText = parse.GetValue(TauMatch)!.Trim().ToLowerInvariant();
        var matching = matchText switch
        {
            "dt" => TauMatching.MeanDt,
            "tau" => TauMatching.MeanTau,
            _ => throw new InvalidInputException(null, "--tau-match", $"\"{matchText}\"", "dt or tau"),
        };
        var options = new EpTrainingOptions
        {
            Layers = EpTrainingOptions.ParseLayers(parse.GetValue(Layers)!),
            Epochs = parse.GetValue(Epochs),
            Seed = seed ?? parse.GetValue(Seed),
            TauSeed = parse.GetValue(TauSeed),
            TimeSteps = new TimeStepSettings(distribution, parse.GetValue(DtMean), parse.GetValue(DtMin), matching),
            Dynamics = forGrid ? EpDynamics.Prototypical : DynamicsNames.ParseDynamics(parse.GetValue(Dynamics)!),
            Nudge = forGrid ? OutputNudge.Inside : DynamicsNames.ParseNudge(parse.GetValue(Nudge)!),
            Estimator = EpTrainingOptions.ParseEstimator(parse.GetValue(Estimator)!),
            Beta = parse.GetValue(Beta),
            FreeSteps = forGrid ? EpModel.DefaultFreeSteps : parse.GetValue(FreeSteps),
            NudgedSteps = parse.GetValue(NudgedSteps),
            BatchSize = parse.GetValue(Batch),
            LearningRates = Scaled(EpTrainingOptions.ParseLearningRates(parse.GetValue(LearningRates)!), forGrid ? 1.0 : parse.GetValue(LearningRateScale)),
            Optimizer = EpTrainingOptions.ParseOptimizer(parse.GetValue(Optimizer)!),
            Momentum = parse.GetValue(Momentum),
            WeightDecay = parse.GetValue(WeightDecay),
            Cosine = parse.GetValue(Cosine),
            InitScale = parse.GetValue(InitScale),
            TrainLimit = parse.GetValue(TrainLimit),
            TestLimit = parse.GetValue(TestLimit),
            Threads = parse.GetValue(Threads),
        };
        return options;
    }

    private static double[] Scaled(double[] rates, double scale) =>
        scale > 0 && double.IsFinite(scale)
            ? scale == 1.0 ? rates : rates.Select(r => r * scale).ToArray()
            : throw new InvalidInputException(null, "--lr-scale", scale.ToString("R", System.Globalization.CultureInfo.InvariantCulture), "a positive learning-rate scale");

    /// <summary>Loads the --dataset and checks that the layer sizes of <paramref name="options"/> fit it.</summary>
    public (string Spec, Dataset Data) LoadDataset(ParseResult parse, EpTrainingOptions options)
    {
        var spec = parse.GetValue(Dataset) ?? DatasetCatalog.DefaultName;
        var data = DatasetCatalog.Load(spec);
        options.ValidateFor(data);
        return (spec, data);
    }
}
