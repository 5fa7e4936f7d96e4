using System.Globalization;
using System.Numerics;

namespace Neuromorphic.Core.Units;

/// <summary>
/// An amount of energy with femtojoule resolution, stored as a <see cref="long"/> (up to about
/// 9.2 kJ). Per-event costs are converted to integer femtojoules once, so that energy totals are
/// exact sums, independent of summation order and thread count. Immutable and thread-safe.
/// </summary>
public readonly struct Energy :
    IEquatable<Energy>, IComparable<Energy>,
    IAdditionOperators<Energy, Energy, Energy>, ISubtractionOperators<Energy, Energy, Energy>,
    IComparisonOperators<Energy, Energy, bool>
{
    private Energy(long femtojoules) => Femtojoules = femtojoules;

    public long Femtojoules { get; }

    public static Energy Zero => default;

    public static Energy FromFemtojoules(long femtojoules) => new(femtojoules);

    /// <summary>Rounds to the nearest femtojoule (away from zero on ties).</summary>
    public static Energy FromPicojoules(double picojoules) => new(checked((long)Math.Round(picojoules * 1e3, MidpointRounding.AwayFromZero)));

    public double TotalPicojoules => Femtojoules / 1e3;
    public double TotalNanojoules => Femtojoules / 1e6;
    public double TotalMicrojoules => Femtojoules / 1e9;
    public double TotalJoules => Femtojoules / 1e15;

    public static Energy operator +(Energy left, Energy right) => new(checked(left.Femtojoules + right.Femtojoules));
    public static Energy operator -(Energy left, Energy right) => new(checked(left.Femtojoules - right.Femtojoules));
    public static Energy operator *(Energy energy, long count) => new(checked(energy.Femtojoules * count));
    public static bool operator ==(Energy left, Energy right) => left.Femtojoules == right.Femtojoules;
    public static bool operator !=(Energy left, Energy right) => left.Femtojoules != right.Femtojoules;
    public static bool operator <(Energy left, Energy right) => left.Femtojoules < right.Femtojoules;
    public static bool operator >(Energy left, Energy right) => left.Femtojoules > right.Femtojoules;
    public static bool operator <=(Energy left, Energy right) => left.Femtojoules <= right.Femtojoules;
    public static bool operator >=(Energy left, Energy right) => left.Femtojoules >= right.Femtojoules;

    /// <summary>
    /// Energy dissipated by a static power over a time span, rounded to the nearest femtojoule:
    /// milliwatts × picoseconds = 1e-3 W × 1e-12 s = 1e-15 J = 1 fJ.
    /// </summary>
    public static Energy FromPower(double milliwatts, SimTime duration) =>
        new(checked((long)Math.Round(milliwatts * duration.Picoseconds, MidpointRounding.AwayFromZero)));

    public bool Equals(Energy other) => Femtojoules == other.Femtojoules;
    public override bool Equals(object? obj) => obj is Energy other && Equals(other);
    public override int GetHashCode() => Femtojoules.GetHashCode();
    public int CompareTo(Energy other) => Femtojoules.CompareTo(other.Femtojoules);

    public override string ToString()
    {
        var fj = Math.Abs(Femtojoules);
        return fj switch
        {
            >= 1_000_000_000_000 => (Femtojoules / 1e12).ToString("0.###", CultureInfo.InvariantCulture) + " mJ",
            >= 1_000_000_000 => (Femtojoules / 1e9).ToString("0.###", CultureInfo.InvariantCulture) + " µJ",
            >= 1_000_000 => (Femtojoules / 1e6).ToString("0.###", CultureInfo.InvariantCulture) + " nJ",
            >= 1_000 => (Femtojoules / 1e3).ToString("0.###", CultureInfo.InvariantCulture) + " pJ",
            _ => Femtojoules.ToString(CultureInfo.InvariantCulture) + " fJ",
        };
    }
}
