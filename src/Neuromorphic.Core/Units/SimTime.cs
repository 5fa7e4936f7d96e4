using System.Globalization;
using System.Numerics;

namespace Neuromorphic.Core.Units;

/// <summary>
/// A point in, or span of, simulated time with picosecond resolution, stored as a <see cref="long"/>
/// (about ±106 days). Integer time gives the engine a total event order and makes sums exact and
/// independent of thread count. <c>default</c> is time zero. Immutable and thread-safe.
/// </summary>
public readonly struct SimTime :
    IEquatable<SimTime>, IComparable<SimTime>,
    IAdditionOperators<SimTime, SimTime, SimTime>, ISubtractionOperators<SimTime, SimTime, SimTime>,
    IComparisonOperators<SimTime, SimTime, bool>
{
    private SimTime(long picoseconds) => Picoseconds = picoseconds;

    public long Picoseconds { get; }

    public static SimTime Zero => default;
    public static SimTime MaxValue => new(long.MaxValue);

    public static SimTime FromPicoseconds(long picoseconds) => new(picoseconds);

    /// <summary>Rounds to the nearest picosecond (away from zero on ties).</summary>
    public static SimTime FromNanoseconds(double nanoseconds) => new(checked((long)Math.Round(nanoseconds * 1e3, MidpointRounding.AwayFromZero)));

    public static SimTime FromMicroseconds(double microseconds) => new(checked((long)Math.Round(microseconds * 1e6, MidpointRounding.AwayFromZero)));

    public double TotalNanoseconds => Picoseconds / 1e3;
    public double TotalMicroseconds => Picoseconds / 1e6;
    public double TotalSeconds => Picoseconds / 1e12;

    public static SimTime operator +(SimTime left, SimTime right) => new(checked(left.Picoseconds + right.Picoseconds));
    public static SimTime operator -(SimTime left, SimTime right) => new(checked(left.Picoseconds - right.Picoseconds));
    public static SimTime operator *(SimTime time, long factor) => new(checked(time.Picoseconds * factor));
    public static bool operator ==(SimTime left, SimTime right) => left.Picoseconds == right.Picoseconds;
    public static bool operator !=(SimTime left, SimTime right) => left.Picoseconds != right.Picoseconds;
    public static bool operator <(SimTime left, SimTime right) => left.Picoseconds < right.Picoseconds;
    public static bool operator >(SimTime left, SimTime right) => left.Picoseconds > right.Picoseconds;
    public static bool operator <=(SimTime left, SimTime right) => left.Picoseconds <= right.Picoseconds;
    public static bool operator >=(SimTime left, SimTime right) => left.Picoseconds >= right.Picoseconds;

    public static SimTime Max(SimTime a, SimTime b) => a.Picoseconds >= b.Picoseconds ? a : b;
    public static SimTime Min(SimTime a, SimTime b) => a.Picoseconds <= b.Picoseconds ? a : b;

    public bool Equals(SimTime other) => Picoseconds == other.Picoseconds;
    public override bool Equals(object? obj) => obj is SimTime other && Equals(other);
    public override int GetHashCode() => Picoseconds.GetHashCode();
    public int CompareTo(SimTime other) => Picoseconds.CompareTo(other.Picoseconds);

    /// <summary>Human-readable, in the largest unit that keeps the value at or above 1.</summary>
    public override string ToString()
    {
        var ps = Math.Abs(Picoseconds);
        return ps switch
        {
            >= 1_000_000_000_000 => (Picoseconds / 1e12).ToString("0.###", CultureInfo.InvariantCulture) + " s",
            >= 1_000_000_000 => (Picoseconds / 1e9).ToString("0.###", CultureInfo.InvariantCulture) + " ms",
            >= 1_000_000 => (Picoseconds / 1e6).ToString("0.###", CultureInfo.InvariantCulture) + " µs",
            >= 1_000 => (Picoseconds / 1e3).ToString("0.###", CultureInfo.InvariantCulture) + " ns",
            _ => Picoseconds.ToString(CultureInfo.InvariantCulture) + " ps",
        };
    }
}
