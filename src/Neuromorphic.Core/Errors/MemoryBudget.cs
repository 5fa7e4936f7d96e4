using System.Globalization;

namespace Neuromorphic.Core.Errors;

/// <summary>
/// Refuses, before anything is allocated, work whose memory estimate exceeds what this machine can
/// give the process (<see cref="GCMemoryInfo.TotalAvailableMemoryBytes"/>: physical memory, or the
/// container's limit), so that a file declaring an absurd size gives a clear error instead of an
/// <see cref="OutOfMemoryException"/> after minutes of swapping.
/// </summary>
public static class MemoryBudget
{
    /// <summary>Bytes the process can use at most.</summary>
    public static long AvailableBytes => GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;

    /// <summary>Throws <see cref="InvalidInputException"/> when <paramref name="bytes"/> cannot fit.</summary>
    /// <param name="bytes">The estimate.</param>
    /// <param name="file">The file that declares the size (or null).</param>
    /// <param name="field">The field or option that declares it.</param>
    /// <param name="what">What needs the memory, for the message ("500×784 float32 weights").</param>
    public static void Check(long bytes, string? file, string? field, string what)
    {
        var available = AvailableBytes;
        if (bytes > available)
        {
            throw new InvalidInputException(file, field, $"{what}, about {Format(bytes)}",
                $"something that fits in the {Format(available)} of memory available to this process");
        }
    }

    /// <inheritdoc cref="Check(long, string?, string?, string)"/>
    public static void Check(long bytes, string where, string what) => Check(bytes, null, where, what);

    /// <summary>Bytes in decimal units (kB, MB, GB, TB).</summary>
    public static string Format(double bytes)
    {
        var units = new[] { "bytes", "kB", "MB", "GB", "TB", "PB" };
        var unit = 0;
        while (bytes >= 1000 && unit < units.Length - 1)
        {
            bytes /= 1000;
            unit++;
        }

        return unit == 0 ? $"{bytes:0} bytes" : bytes.ToString("0.#", CultureInfo.InvariantCulture) + " " + units[unit];
    }
}
