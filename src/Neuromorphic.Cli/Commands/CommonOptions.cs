using System.CommandLine;

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
}
