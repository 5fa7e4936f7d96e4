namespace Neuromorphic.Traces.Export;

/// <summary>The type of a table column: exact integers, SANA-FE's SI quantities (seconds, joules), real values (probed state), or names.</summary>
internal enum ColumnKind
{
    Int64,

    /// <summary>An integer count of 10^-<see cref="Column.Scale"/> units: ps as seconds (scale 12), fJ as joules (scale 15).</summary>
    Si,

    /// <summary>A double as the run computed it (a probe's u, v, threshold): DOUBLE in Parquet, shortest round-trip in CSV.</summary>
    Real,
    Text,
}

/// <summary>A column of an exported table.</summary>
internal readonly record struct Column(string Name, ColumnKind Kind, int Scale = 0)
{
    public static Column I(string name) => new(name, ColumnKind.Int64);

    public static Column Si(string name, int scale) => new(name, ColumnKind.Si, scale);

    public static Column R(string name) => new(name, ColumnKind.Real);

    public static Column T(string name) => new(name, ColumnKind.Text);
}

/// <summary>
/// Writes one table row by row, field by field, in column order: the CSV writer and the Parquet
/// writer take the same calls, so both formats hold the same columns and values.
/// </summary>
internal interface ITableWriter : IDisposable
{
    long Rows { get; }

    ITableWriter Int(long value);

    /// <summary>A quantity given in integer units, written divided by <paramref name="divisor"/> (ps → s, fJ → J).</summary>
    ITableWriter Scaled(long value, double divisor);

    /// <summary>A real value (exact as a double; the CSV spells its shortest round-trip form).</summary>
    ITableWriter Real(double value);

    ITableWriter Text(string value);

    void EndLine();
}
