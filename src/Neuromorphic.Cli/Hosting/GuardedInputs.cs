using Neuromorphic.Chip;
using Neuromorphic.Core.IO;
using Neuromorphic.Workflows.Networks;

namespace Neuromorphic.Cli.Hosting;

/// <summary>Registers the files behind the common input flags with a command's <see cref="OutputGuard"/>.</summary>
internal static class GuardedInputs
{
    /// <summary>A model and, for a network JSON, each weight sidecar it names.</summary>
    public static OutputGuard Model(this OutputGuard guard, string? path, string flag = "--model")
    {
        if (string.IsNullOrWhiteSpace(path) || !File.Exists(path))
        {
            return guard;
        }

        var files = NetworkLoader.FilesOf(path);
        guard.Input(files[0], flag);
        foreach (var sidecar in files.Skip(1))
        {
            guard.Input(sidecar, $"a weight sidecar of {flag} {path}:");
        }

        return guard;
    }

    /// <summary>A chip file and the files its <c>extends</c> chain read.</summary>
    public static OutputGuard Chip(this OutputGuard guard, ChipSpec chip, string flag = "--chip") => guard.Inputs(chip.Files, flag);

    /// <summary>The files of a dataset given as a directory.</summary>
    public static OutputGuard Dataset(this OutputGuard guard, string? spec) =>
        !string.IsNullOrWhiteSpace(spec) && Directory.Exists(spec) ? guard.Inputs(Directory.EnumerateFiles(spec), "a file of --dataset") : guard;
}
