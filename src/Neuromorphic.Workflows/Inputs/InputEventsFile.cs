using System.Globalization;
using System.Text;
using Neuromorphic.Core.Errors;

namespace Neuromorphic.Workflows.Inputs;

/// <summary>
/// Reads input events (a run's <see cref="Runs.RunRequest.InputEvents"/>): CSV lines <c>step,index</c> (steps from 1; an optional header line
/// <c>step,index</c>; blank lines and lines starting with # ignored), each a spike of input neuron
/// <c>index</c> at <c>step</c>. Returned steps count from 1, as written (the engines number steps from 1).
/// </summary>
/// <remarks>
/// The file is read as bytes and split into lines as <see cref="File.ReadLines(string)"/> splits them
/// (<c>\n</c>, <c>\r\n</c> or <c>\r</c>; a UTF-8 byte-order mark skipped). A line of plain digits, a comma and digits
/// (the form tools write, hundreds of thousands of lines for a long run) is parsed in place without a string;
/// any other line is decoded and goes through <see cref="ParseLine"/>, the line-by-line reader that
/// <see cref="ReadLines"/> applies to every line. Both give the same events and the same errors (tested).
/// Files with a UTF-16 or UTF-32 byte-order mark are read with <see cref="ReadLines"/>.
/// </remarks>
public static class InputEventsFile
{
    /// <summary>Digits of a field parsed in place: nine always fit an int.</summary>
    private const int MaxFastDigits = 9;

    public static List<(int Step, int Index)> Read(string path, int inputCount, int steps)
    {
        RequireExists(path);
        var bytes = File.ReadAllBytes(path);
        if (HasWideByteOrderMark(bytes))
        {
            return ReadLines(path, File.ReadLines(path), inputCount, steps);
        }

        var events = new List<(int, int)>(bytes.Length / 8);
        var text = bytes.AsSpan();
        var position = text.StartsWith("\uFEFF"u8) ? 3 : 0;
        var lineNumber = 0;
        while (position < text.Length)
        {
            var rest = text[position..];
            var length = rest.IndexOfAny((byte)'\n', (byte)'\r');
            if (length < 0)
            {
                length = rest.Length;
            }

            var line = rest[..length];
            lineNumber++;
            if (TryDigitsCommaDigits(line, out var step, out var index))
            {
                Check(path, lineNumber, step, index, inputCount, steps);
                events.Add((step, index));
            }
            else
            {
                ParseLine(path, lineNumber, Encoding.UTF8.GetString(line), inputCount, steps, events);
            }

            position += length;
            if (position < text.Length)
            {
                position += text[position] == '\r' && position + 1 < text.Length && text[position + 1] == '\n' ? 2 : 1;
            }
        }

        return events;
    }

    /// <summary>The line-by-line reader: every line through <see cref="ParseLine"/> (the reference the byte reader is tested against).</summary>
    internal static List<(int Step, int Index)> ReadLines(string path, IEnumerable<string> lines, int inputCount, int steps)
    {
        var events = new List<(int, int)>();
        var lineNumber = 0;
        foreach (var raw in lines)
        {
            ParseLine(path, ++lineNumber, raw, inputCount, steps, events);
        }

        return events;
    }

    /// <summary>One line of the file: skipped (blank, comment, header on line 1), an event added, or a clear error.</summary>
    private static void ParseLine(string path, int lineNumber, string raw, int inputCount, int steps, List<(int, int)> events)
    {
        var line = raw.Trim();
        if (line.Length == 0 || line.StartsWith('#') || (lineNumber == 1 && line.Replace(" ", "", StringComparison.Ordinal).Equals("step,index", StringComparison.OrdinalIgnoreCase)))
        {
            return;
        }

        var parts = line.Split(',');
        if (parts.Length != 2
            || !int.TryParse(parts[0].Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var step)
            || !int.TryParse(parts[1].Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var index))
        {
            throw new InvalidInputException(path, $"line {lineNumber}", $"\"{Trim(line)}\"", "two integers: step,index");
        }

        Check(path, lineNumber, step, index, inputCount, steps);
        events.Add((step, index));
    }

    private static void Check(string path, int lineNumber, int step, int index, int inputCount, int steps)
    {
        if (step < 1 || step > steps)
        {
            throw new InvalidInputException(path, $"line {lineNumber} step", step.ToString(CultureInfo.InvariantCulture), $"a step in 1..{steps} (the run's steps)");
        }

        if (index < 0 || index >= inputCount)
        {
            throw new InvalidInputException(path, $"line {lineNumber} index", index.ToString(CultureInfo.InvariantCulture),
                $"an input neuron index in 0..{inputCount - 1} (the input population has {inputCount} neurons)");
        }
    }

    /// <summary>True for a line that is exactly 1–9 ASCII digits, a comma, 1–9 ASCII digits.</summary>
    private static bool TryDigitsCommaDigits(ReadOnlySpan<byte> line, out int first, out int second)
    {
        (first, second) = (0, 0);
        var comma = line.IndexOf((byte)',');
        return comma > 0 && TryDigits(line[..comma], out first) && TryDigits(line[(comma + 1)..], out second);
    }

    private static bool TryDigits(ReadOnlySpan<byte> field, out int value)
    {
        value = 0;
        if (field.Length is 0 or > MaxFastDigits)
        {
            return false;
        }

        foreach (var b in field)
        {
            var digit = b - (byte)'0';
            if ((uint)digit > 9)
            {
                return false;
            }

            value = value * 10 + digit;
        }

        return true;
    }

    private static bool HasWideByteOrderMark(ReadOnlySpan<byte> bytes) =>
        bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) || bytes.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]) || bytes.StartsWith((ReadOnlySpan<byte>)[0x00, 0x00, 0xFE, 0xFF]);

    private static void RequireExists(string path)
    {
        if (!File.Exists(path))
        {
            throw new InvalidInputException(path, nameof(Runs.RunRequest.InputEvents), path, "an existing CSV file of step,index lines (the file does not exist)");
        }
    }

    private static string Trim(string text) => text.Length > 40 ? text[..37] + "..." : text;
}
