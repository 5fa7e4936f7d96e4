using System.Globalization;
using System.Text;
using Neuromorphic.Core.IO;

namespace Neuromorphic.Learning.Training;

/// <summary>Per-epoch metrics as CSV (one header line, one line per epoch, invariant culture), written atomically.</summary>
public static class MetricsCsv
{
    public static string Format(IEnumerable<EpochMetrics> history)
    {
        var sb = new StringBuilder();
        sb.Append(string.Join(",", EpochMetrics.CsvColumns)).Append('\n');
        foreach (var metrics in history)
        {
            sb.Append(string.Join(",", metrics.CsvRow.Select(FormatValue))).Append('\n');
        }

        return sb.ToString();
    }

    public static void Write(string path, IEnumerable<EpochMetrics> history) => AtomicFile.WriteAllText(path, Format(history));

    /// <summary>Reads a file written by <see cref="Write"/> (empty when the file does not exist).</summary>
    public static IReadOnlyList<EpochMetrics> Read(string path)
    {
        if (!File.Exists(path))
        {
            return [];
        }

        return File.ReadLines(path).Skip(1).Where(l => l.Length > 0)
            .Select(line => EpochMetrics.FromCsvRow(line.Split(',').Select(v => v.Length == 0 ? double.NaN : double.Parse(v, CultureInfo.InvariantCulture)).ToArray()))
            .ToList();
    }

    private static string FormatValue(double value) => double.IsNaN(value) ? "" : value.ToString("G9", CultureInfo.InvariantCulture);
}
