using System.Globalization;

namespace Neuromorphic.Cli.Hosting;

/// <summary>Number formats shared by the command line's tables.</summary>
internal static class Formats
{
    /// <summary>A share as "12.3 %", or "–" when it is not a number.</summary>
    public static string Percent(double value) => double.IsNaN(value) ? "–" : $"{100 * value:0.0} %";

    /// <summary>A size in bytes as B, KiB, MiB or GiB.</summary>
    public static string Bytes(long bytes) => bytes switch
    {
        >= 1L << 30 => (bytes / (double)(1L << 30)).ToString("0.0", CultureInfo.InvariantCulture) + " GiB",
        >= 1L << 20 => (bytes / (double)(1L << 20)).ToString("0.0", CultureInfo.InvariantCulture) + " MiB",
        >= 1L << 10 => (bytes / 1024.0).ToString("0.0", CultureInfo.InvariantCulture) + " KiB",
        _ => bytes.ToString(CultureInfo.InvariantCulture) + " B",
    };
}
