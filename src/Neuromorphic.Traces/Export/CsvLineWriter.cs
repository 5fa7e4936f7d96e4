using System.Globalization;
using System.Text;

namespace Neuromorphic.Traces.Export;

/// <summary>
/// Writes CSV lines fast and the same everywhere: invariant culture, '\n' line endings, UTF-8 without
/// a byte-order mark, doubles in their shortest round-trip form. Fields are numbers or names that
/// need no quoting (the caller's responsibility).
/// </summary>
internal sealed class CsvLineWriter : IDisposable
{
    private readonly StreamWriter _writer;
    private readonly char[] _buffer = new char[64];
    private bool _lineStarted;

    public CsvLineWriter(Stream stream)
    {
        _writer = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16, leaveOpen: true) { NewLine = "\n" };
    }

    public long Rows { get; private set; }

    public void Header(params string[] columns)
    {
        _writer.Write(string.Join(',', columns));
        _writer.Write('\n');
    }

    public CsvLineWriter Int(long value)
    {
        Separator();
        value.TryFormat(_buffer, out var written, default, CultureInfo.InvariantCulture);
        _writer.Write(_buffer, 0, written);
        return this;
    }

    /// <summary>A quantity given in integer units, written divided by <paramref name="divisor"/> (ps → s, fJ → J).</summary>
    public CsvLineWriter Scaled(long value, double divisor)
    {
        Separator();
        var scaled = value / divisor;
        scaled.TryFormat(_buffer, out var written, "R", CultureInfo.InvariantCulture);
        _writer.Write(_buffer, 0, written);
        return this;
    }

    /// <summary>A real value, shortest round-trip form.</summary>
    public CsvLineWriter Real(double value)
    {
        Separator();
        value.TryFormat(_buffer, out var written, "R", CultureInfo.InvariantCulture);
        _writer.Write(_buffer, 0, written);
        return this;
    }

    public CsvLineWriter Text(string value)
    {
        Separator();
        _writer.Write(value);
        return this;
    }

    public void EndLine()
    {
        _writer.Write('\n');
        _lineStarted = false;
        Rows++;
    }

    public void Flush() => _writer.Flush();

    public void Dispose() => _writer.Dispose();

    private void Separator()
    {
        if (_lineStarted)
        {
            _writer.Write(',');
        }

        _lineStarted = true;
    }
}
