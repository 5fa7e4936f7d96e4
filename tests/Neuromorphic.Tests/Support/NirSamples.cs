using System.Runtime.CompilerServices;

namespace Neuromorphic.Tests.Support;

/// <summary>
/// The NIR files other frameworks wrote (Norse, Rockpool, snnTorch, Sinabs; third-party files that
/// are not part of this repository). They are found through the environment variable
/// <c>NEURO_NIR_SAMPLES</c>, else in <c>../shared/nir-samples</c> beside the checkout; tests that need
/// them use <see cref="NirSampleFactAttribute"/> or <see cref="NirSampleTheoryAttribute"/> and show as
/// skipped, with the reason, when the folder is absent.
/// </summary>
public static class NirSamples
{
    public const string EnvironmentVariable = "NEURO_NIR_SAMPLES";

    private static readonly Lazy<string?> s_directory = new(() =>
    {
        var candidates = new[]
        {
            Environment.GetEnvironmentVariable(EnvironmentVariable),
            System.IO.Path.Combine(RepoPaths.Root, "..", "shared", "nir-samples"),
        };
        return candidates.Where(c => !string.IsNullOrWhiteSpace(c)).Select(c => System.IO.Path.GetFullPath(c!))
            .FirstOrDefault(c => System.IO.File.Exists(System.IO.Path.Combine(c, "braille_noDelay_bias_zero.nir")));
    });

    /// <summary>The samples folder, or null when it is not on this machine.</summary>
    public static string? Directory => s_directory.Value;

    public static string SkipReason =>
        $"third-party NIR samples not found: set {EnvironmentVariable} to their folder or place them in ../shared/nir-samples beside the checkout";

    internal static string SkippedName(string test, string file) =>
        $"{System.IO.Path.GetFileNameWithoutExtension(file)}.{test} [interop: {SkipReason}]";

    public static string File(string name) =>
        System.IO.Path.Combine(Directory ?? throw new InvalidOperationException(SkipReason), name);
}

/// <summary>
/// A fact that needs the third-party NIR samples. When they are absent it is skipped, and its display
/// name carries the reason, so the default test output shows why (the runner prints skip reasons
/// only at detailed verbosity).
/// </summary>
public sealed class NirSampleFactAttribute : FactAttribute
{
    public NirSampleFactAttribute([CallerMemberName] string test = "", [CallerFilePath] string file = "")
    {
        if (NirSamples.Directory is null)
        {
            Skip = NirSamples.SkipReason;
            DisplayName = NirSamples.SkippedName(test, file);
        }
    }
}

/// <summary>A theory that needs the third-party NIR samples; skipped with the reason in its name when they are absent.</summary>
public sealed class NirSampleTheoryAttribute : TheoryAttribute
{
    public NirSampleTheoryAttribute([CallerMemberName] string test = "", [CallerFilePath] string file = "")
    {
        if (NirSamples.Directory is null)
        {
            Skip = NirSamples.SkipReason;
            DisplayName = NirSamples.SkippedName(test, file);
        }
    }
}
