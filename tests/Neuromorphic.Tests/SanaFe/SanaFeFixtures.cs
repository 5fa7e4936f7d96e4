using Neuromorphic.Tests.Support;

namespace Neuromorphic.Tests.SanaFe;

/// <summary>
/// Files in SANA-FE's formats that we wrote (SANA-FE's own files are GPL and stay out of the
/// repository). The expected figures are derived by hand from SANA-FE's accounting rules
/// (chip-models/README.md, "SANA-FE files"; src/Neuromorphic.Chip/README.md).
/// </summary>
internal static class SanaFeFixtures
{
    /// <summary>Two tiles of one core each, round costs, a dendrite cost to fold and a sync table (chip-models/sana-fe/mini-arch.yaml).</summary>
    public static string MiniArch => File.ReadAllText(RepoPaths.Path("chip-models", "sana-fe", "mini-arch.yaml"));

    /// <summary>
    /// Two input neurons (spike lists), two hidden neurons on tile 1, one output on tile 0 beside the inputs
    /// (chip-models/sana-fe/chain-snn.yaml): in.0 fires at step 1, in.1 at step 2; hid fires at steps 2 and 3; out at 3 and 4.
    /// </summary>
    public static string ChainSnn => File.ReadAllText(RepoPaths.Path("chip-models", "sana-fe", "chain-snn.yaml"));

    public static (string Arch, string Snn) Write(TempDirectory directory, string? arch = null, string? snn = null)
    {
        File.WriteAllText(directory.File("arch.yaml"), arch ?? MiniArch);
        File.WriteAllText(directory.File("snn.yaml"), snn ?? ChainSnn);
        return (directory.File("arch.yaml"), directory.File("snn.yaml"));
    }
}
