using System.Collections.Concurrent;
using System.Globalization;

namespace Neuromorphic.Core.IO;

/// <summary>
/// Named points in the writers where a test can freeze a child process and then kill it, to check
/// what a kill at exactly that point leaves on disk (no timing races). Inactive unless the
/// environment variable <c>NEURO_FAULT_PAUSE</c> names a point, optionally with the occurrence to
/// stop at (<c>network-file:sidecars-written#2</c>: the second time). When that occurrence is
/// reached, the file named by <c>NEURO_FAULT_SIGNAL</c> is created (holding the point's name) and
/// the thread sleeps forever. Points: <c>network-file:sidecars-written</c> (a model's sidecars are in
/// place, its JSON not yet), <c>network-file:json-written</c> (before stale sidecars are removed),
/// <c>atomic-file:before-rename</c>.
/// </summary>
public static class FaultInjection
{
    public const string PauseVariable = "NEURO_FAULT_PAUSE";
    public const string SignalVariable = "NEURO_FAULT_SIGNAL";

    private static readonly (string Name, int Occurrence)? s_pause = Parse(Environment.GetEnvironmentVariable(PauseVariable));
    private static readonly ConcurrentDictionary<string, int> s_reached = new(StringComparer.Ordinal);

    /// <summary>Marks that execution reached <paramref name="name"/> (a no-op unless a test asked to pause there).</summary>
    public static void Point(string name)
    {
        if (s_pause is not { } pause || pause.Name != name)
        {
            return;
        }

        if (s_reached.AddOrUpdate(name, 1, (_, n) => n + 1) != pause.Occurrence)
        {
            return;
        }

        if (Environment.GetEnvironmentVariable(SignalVariable) is { Length: > 0 } signal)
        {
            File.WriteAllText(signal, name);
        }

        Thread.Sleep(Timeout.Infinite);
    }

    private static (string, int)? Parse(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var hash = value.LastIndexOf('#');
        return hash > 0 && int.TryParse(value[(hash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
            ? (value[..hash], n)
            : (value, 1);
    }
}
