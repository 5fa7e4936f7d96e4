using Parquet;
using Parquet.Schema;

namespace Neuromorphic.Traces.Export;

/// <summary>
/// Writes a table as Apache Parquet (Parquet.Net), Zstandard-compressed in row groups of
/// <see cref="RowGroupRows"/> rows: exact integers as required INT64 (delta-encoded), names as UTF-8
/// strings (dictionary-encoded), probed state (u, v, threshold) as DOUBLE, and SANA-FE's seconds and joules as DECIMAL(18, 12) and
/// DECIMAL(18, 15) on INT64: the exact decimal values the CSV spells (1.2176E-06 s is 1,217,600 ps),
/// stored as the integer picoseconds or femtojoules themselves, so they cost no more than the
/// integer columns. Rows are buffered per column and flushed a row group at a time.
/// </summary>
internal sealed class ParquetTableWriter : ITableWriter
{
    public const int RowGroupRows = 1 << 18;

    private readonly Column[] _columns;
    private readonly DataField[] _fields;
    private readonly long[][] _ints;
    private readonly decimal[][] _decimals;
    private readonly double[][] _reals;
    private readonly List<string>[] _texts;
    private readonly decimal[] _unit;
    private readonly ParquetWriter _writer;
    private int _column;
    private int _buffered;

    public ParquetTableWriter(Stream stream, Column[] columns)
    {
        _columns = columns;
        _fields = columns.Select(c => c.Kind switch
        {
            ColumnKind.Int64 => (DataField)new DataField<long>(c.Name, false),
            ColumnKind.Si => new DecimalDataField(c.Name, 18, c.Scale, forceByteArrayEncoding: false, isNullable: false),
            ColumnKind.Real => new DataField<double>(c.Name, false),
            _ => new DataField<string>(c.Name, false),
        }).ToArray();
        _ints = columns.Select(c => c.Kind == ColumnKind.Int64 ? new long[RowGroupRows] : []).ToArray();
        _decimals = columns.Select(c => c.Kind == ColumnKind.Si ? new decimal[RowGroupRows] : []).ToArray();
        _reals = columns.Select(c => c.Kind == ColumnKind.Real ? new double[RowGroupRows] : []).ToArray();
        _texts = columns.Select(c => c.Kind == ColumnKind.Text ? new List<string>(1024) : []).ToArray();
        _unit = columns.Select(c => c.Kind == ColumnKind.Si ? Pow10(-c.Scale) : 0m).ToArray();
        var options = new ParquetOptions { CompressionMethod = CompressionMethod.Zstd, CompressionLevel = System.IO.Compression.CompressionLevel.Optimal };
        for (var c = 0; c < columns.Length; c++)
        {
            if (columns[c].Kind == ColumnKind.Int64)
            {
                options.ColumnEncodingHints[_fields[c].Path.ToString()] = EncodingHint.DeltaBinaryPacked;
            }
        }

        _writer = ParquetWriter.CreateAsync(new ParquetSchema(_fields), stream, options).GetAwaiter().GetResult();
    }

    public long Rows { get; private set; }

    public ITableWriter Int(long value)
    {
        if (Next().Kind != ColumnKind.Int64)
        {
            throw new InvalidOperationException($"column {_columns[_column].Name} does not hold integers");
        }

        _ints[_column][_buffered] = value;
        _column++;
        return this;
    }

    public ITableWriter Scaled(long value, double divisor)
    {
        var column = Next();
        if (column.Kind != ColumnKind.Si || divisor != Math.Pow(10, column.Scale))
        {
            throw new InvalidOperationException($"column {column.Name} is not a quantity in units of {divisor}");
        }

        _decimals[_column][_buffered] = value * _unit[_column];
        _column++;
        return this;
    }

    public ITableWriter Real(double value)
    {
        if (Next().Kind != ColumnKind.Real)
        {
            throw new InvalidOperationException($"column {_columns[_column].Name} does not hold real values");
        }

        _reals[_column][_buffered] = value;
        _column++;
        return this;
    }

    public ITableWriter Text(string value)
    {
        if (Next().Kind != ColumnKind.Text)
        {
            throw new InvalidOperationException($"column {_columns[_column].Name} is not a text column");
        }

        _texts[_column].Add(value);
        _column++;
        return this;
    }

    public void EndLine()
    {
        if (_column != _columns.Length)
        {
            throw new InvalidOperationException($"a row of {_column} fields for {_columns.Length} columns");
        }

        _column = 0;
        _buffered++;
        Rows++;
        if (_buffered == RowGroupRows)
        {
            Flush();
        }
    }

    public void Dispose()
    {
        if (_buffered > 0 || Rows == 0)
        {
            Flush();
        }

        _writer.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    private static decimal Pow10(int exponent)
    {
        var result = 1m;
        for (var i = 0; i < -exponent; i++)
        {
            result /= 10;
        }

        return result;
    }

    private Column Next() =>
        _column < _columns.Length ? _columns[_column] : throw new InvalidOperationException($"more fields than the {_columns.Length} columns");

    private void Flush()
    {
        using (var group = _writer.CreateRowGroup())
        {
            for (var c = 0; c < _columns.Length; c++)
            {
                switch (_columns[c].Kind)
                {
                    case ColumnKind.Int64:
                        group.WriteAsync<long>(_fields[c], _ints[c].AsMemory(0, _buffered)).GetAwaiter().GetResult();
                        break;
                    case ColumnKind.Si:
                        group.WriteAsync<decimal>(_fields[c], _decimals[c].AsMemory(0, _buffered)).GetAwaiter().GetResult();
                        break;
                    case ColumnKind.Real:
                        group.WriteAsync<double>(_fields[c], _reals[c].AsMemory(0, _buffered)).GetAwaiter().GetResult();
                        break;
                    default:
                        group.WriteAsync(_fields[c], _texts[c]).GetAwaiter().GetResult();
                        _texts[c].Clear();
                        break;
                }
            }
        }

        _buffered = 0;
    }
}
