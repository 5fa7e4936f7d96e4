namespace Neuromorphic.Traces;

/// <summary>How a writer closed its trace (the end block's status byte).</summary>
public enum TraceCompletion : byte
{
    /// <summary>Every inference the run meant to do is in the trace.</summary>
    Completed = 0,

    /// <summary>The run was stopped (Ctrl-C) and closed its trace cleanly: it holds the inferences done so far.</summary>
    Interrupted = 1,
}

/// <summary>
/// The contents of the end block that closes a finished trace: totals a reader checks what it read
/// against. A trace without one was not finished (its writer was killed or crashed).
/// </summary>
public sealed record TraceEnd(TraceCompletion Status, long DataBlocks, long EndBlockOffset, IReadOnlyList<long> RecordCountsByKind)
{
    /// <summary>Records of <paramref name="kind"/> the writer wrote, or null for a kind the end block does not count (probes).</summary>
    public long? RecordCount(TraceRecordKind kind) => (int)kind - 1 < RecordCountsByKind.Count ? RecordCountsByKind[(int)kind - 1] : null;
}
