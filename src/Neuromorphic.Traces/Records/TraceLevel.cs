namespace Neuromorphic.Traces;

/// <summary>
/// How much a trace records. Levels are cumulative: each one records everything the levels below
/// it do. Pick the lowest level that answers the question, so that a 10,000-image run stays small
/// on disk (traces/README.md lists bytes per inference at each level).
/// </summary>
public enum TraceLevel : byte
{
    /// <summary>One <see cref="InferenceSummaryRecord"/> per inference: label, prediction, latency, energy breakdown.</summary>
    Summary = 0,

    /// <summary>Adds per-step per-core counters (<see cref="CoreStepRecord"/>) and the input events: enough to re-cost and to re-simulate.</summary>
    Counters = 1,

    /// <summary>Adds every spike of a mapped neuron (<see cref="SpikeRecord"/>).</summary>
    Spikes = 2,

    /// <summary>Adds every core-to-core message with its send, receive and processed times (<see cref="MessageRecord"/>).</summary>
    Messages = 3,
}

/// <summary>Parsing and naming of <see cref="TraceLevel"/>.</summary>
public static class TraceLevels
{
    public static string Name(this TraceLevel level) => level switch
    {
        TraceLevel.Summary => "summary",
        TraceLevel.Counters => "counters",
        TraceLevel.Spikes => "spikes",
        TraceLevel.Messages => "messages",
        _ => $"level{(byte)level}",
    };

    public static bool TryParse(string? text, out TraceLevel level)
    {
        foreach (var candidate in Enum.GetValues<TraceLevel>())
        {
            if (string.Equals(candidate.Name(), text?.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                level = candidate;
                return true;
            }
        }

        level = default;
        return false;
    }

    /// <summary>True when a trace at <paramref name="level"/> records <paramref name="kind"/>.</summary>
    public static bool Records(this TraceLevel level, TraceRecordKind kind) => level >= kind.MinimumLevel();
}
