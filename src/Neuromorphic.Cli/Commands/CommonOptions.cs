using System.CommandLine;
using Neuromorphic.Mapping;
using Neuromorphic.Workflows.Mapping;

namespace Neuromorphic.Cli.Commands;

/// <summary>Options that several commands share, so that they are spelled and described the same everywhere.</summary>
internal static class CommonOptions
{
    public static Option<bool> Json() => new("--json") { Description = "Print one machine-readable JSON summary on stdout (logs stay on stderr)." };

    public static Option<string?> Dataset() => new("--dataset")
    {
        Description = "fashion-mnist (default), mnist, kmnist, embedded, or a directory of IDX files. " +
                      "Named datasets are looked up in $NEURO_DATA and /usr/share/datasets.",
        HelpName = "NAME|DIR",
    };

    public static Argument<string> TraceArgument() => new("TRACE") { Description = "The trace file (.trace, or .trace.partial of an unfinished run)." };

    public static Option<int?> InferenceOption(string description) => new("--inference") { Description = description, HelpName = "N" };

    /// <summary>Bad input naming <c>--out</c> when the folder that would hold <paramref name="path"/> does not exist; returns that folder.</summary>
    public static string RequireOutputFolder(string path)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        return Directory.Exists(folder)
            ? folder
            : throw new Neuromorphic.Core.Errors.InvalidInputException(null, "--out", path, $"a file in an existing folder ({folder} does not exist)");
    }

    public static Option<string> OutDirectory(string description) => new("--out") { Description = description, HelpName = "DIR", Required = true };

    public static Option<string?> ConfusionPlot() => new("--confusion")
    {
        Description = "Also draw the confusion matrix (rows: true class, columns: predicted) as a PNG to this file.", HelpName = "FILE.png",
    };

    /// <summary>The mapping choices of <c>map</c> and of <c>run</c> when it maps on the fly, with the flag of each <see cref="MappingChoices"/> property.</summary>
    public sealed record MappingChoiceOptions(Option<string?> Prototypes, Option<string?> Objective, Option<int?> MaxCores, Option<bool> NoCompensation)
    {
        public static readonly IReadOnlyDictionary<string, string> Flags = new Dictionary<string, string>
        {
            [nameof(MappingChoices.Prototypes)] = "--prototypes",
            [nameof(MappingChoices.Objective)] = "--objective",
            [nameof(MappingChoices.MaxCores)] = "--max-cores",
            [nameof(MappingOptions.MaxCores)] = "--max-cores",
            [nameof(MappingChoices.CompensateDecays)] = "--no-decay-compensation",
        };

        public IEnumerable<Option> All => [Prototypes, Objective, MaxCores, NoCompensation];

        public MappingChoices Read(ParseResult parse) => new()
        {
            Prototypes = parse.GetValue(Prototypes) is { } p ? MappingOptionNames.ParsePrototypes(p) : null,
            Objective = parse.GetValue(Objective) is { } o ? MappingOptionNames.ParseObjective(o) : null,
            MaxCores = parse.GetValue(MaxCores),
            CompensateDecays = parse.GetValue(NoCompensation) ? false : null,
        };
    }

    public static MappingChoiceOptions Mapping()
    {
        var prototypes = new Option<string?>("--prototypes")
        {
            Description = "Cores holding more distinct decay/threshold settings than the chip's prototypes: spread them over more cores " +
                          "(default, exact; clusters where the chip has no room) or cluster each core's decays (compensating the gains).",
            HelpName = "spread|cluster",
        };
        prototypes.AcceptOnlyFromAmong("spread", "cluster");
        var objective = new Option<string?>("--objective")
        {
            Description = "What the partition minimizes: cores (default), latency (spread busy populations over more cores for a shorter step) " +
                          "or energy (dynamic plus static energy per step).",
            HelpName = "cores|latency|energy",
        };
        objective.AcceptOnlyFromAmong("cores", "latency", "energy");
        var maxCores = new Option<int?>("--max-cores") { Description = "With --objective latency or energy: use at most this many cores.", HelpName = "N" };
        var noCompensation = new Option<bool>("--no-decay-compensation")
        {
            Description = "Keep clustered neurons' input gains uncompensated (for comparisons).",
            Hidden = true,
        };
        return new MappingChoiceOptions(prototypes, objective, maxCores, noCompensation);
    }
}
