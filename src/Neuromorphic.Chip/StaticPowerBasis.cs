namespace Neuromorphic.Chip;

/// <summary>
/// How a chip model's static power is known: the one policy every report follows. Comparisons of
/// total energy across chips are fair only when both chips' static power has a basis other than
/// <see cref="None"/> (and are flagged when one is <see cref="Assumed"/>); dynamic energy always compares.
/// </summary>
public enum StaticPowerBasis
{
    /// <summary>Measured on silicon (e.g. Loihi 2's static power in lava-dl's PilotNet benchmark).</summary>
    Measured,

    /// <summary>Derived from a published measurement (e.g. Loihi 1's ≈104 mW from Frady et al. 2020).</summary>
    Derived,

    /// <summary>An assumption, stated in the provenance.</summary>
    Assumed,

    /// <summary>The model has no static term (staticPowerMw is 0): its totals are dynamic energy only.</summary>
    None,
}

/// <summary>Names of <see cref="StaticPowerBasis"/> values in chip files and reports.</summary>
public static class StaticPowerBases
{
    public static string Name(this StaticPowerBasis basis) => basis.ToString().ToLowerInvariant();

    public static bool TryParse(string text, out StaticPowerBasis basis) =>
        Enum.TryParse(text, ignoreCase: true, out basis) && Enum.IsDefined(basis) && text.All(char.IsLetter);

    /// <summary>True when totals of a chip with this basis should be compared with a caveat (no static term, or an assumed one).</summary>
    public static bool NeedsCaveat(this StaticPowerBasis basis) => basis is StaticPowerBasis.None or StaticPowerBasis.Assumed;
}
