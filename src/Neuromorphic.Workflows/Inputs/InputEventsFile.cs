using System.Globalization;
using Neuromorphic.Core.Errors;

namespace Neuromorphic.Workflows.Inputs;

/// <summary>
/// Reads input events (a run's <see cref="Runs.RunRequest.InputEvents"/>): CSV lines <c>step,index</c> (steps from 1; an optional header line
/// <c>step,index</c>; blank lines and lines starting with # ignored), each a spike of input neuron
/// <c>index</c> at <c>step</c>. Returned steps count from 1, as written (the engines number steps from 1).
/// </summary>
public static class InputEventsFile
{
    public static List<(int Step, int Index)> Read(string path, int inputCount, int steps)
    {
        if (!File.Exists(path))
        {
            throw new InvalidInputException(path, nameof(Runs.RunRequest.InputEvents), path, "an existing CSV file of step,index lines (the file does not exist)");
        }

        var events = new List<(int, int)>();
        var lineNumber = 0;
        foreach (var raw in File.ReadLines(path))
        {
            lineNumber++;
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#') || (lineNumber == 1 && line.Replace(" ", "", StringComparison.Ordinal).Equals("step,index", StringComparison.OrdinalIgnoreCase)))
            {
                continue;
            }

            var parts = line.Split(',');
            if (parts.Length != 2
                || !int.TryParse(parts[0].Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var step)
                || !int.TryParse(parts[1].Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var index))
            {
                throw new InvalidInputException(path, $"line {lineNumber}", $"\"{Trim(line)}\"", "two integers: step,index");
            }

            if (step < 1 || step > steps)
            {
                throw new InvalidInputException(path, $"line {lineNumber} step", step.ToString(CultureInfo.InvariantCulture), $"a step in 1..{steps} (the run's steps)");
            }

            if (index < 0 || index >= inputCount)
            {
                throw new InvalidInputException(path, $"line {lineNumber} index", index.ToString(CultureInfo.InvariantCulture),
                    $"an input neuron index in 0..{inputCount - 1} (the input population has {inputCount} neurons)");
            }

            events.Add((step, index));
        }

        return events;
    }

    private static string Trim(string text) => text.Length > 40 ? text[..37] + "..." : text;
}
