namespace Neuromorphic.Traces;

/// <summary>
/// Keeps records in memory: for tests, and as the per-worker buffer of a parallel run (each worker
/// records its inference here, then the run drains the buffers into the file writer in inference
/// order with <see cref="DrainTo"/>). Applies the same level filter and order rules as
/// <see cref="TraceWriter"/>.
/// </summary>
public sealed class InMemoryTraceSink(TraceLevel level = TraceLevel.Messages) : ITraceSink
{
    private int _lastSummaryInference = -1;

    public TraceLevel Level { get; } = level;

    public RecordList<InputEventRecord> InputEvents { get; } = new();

    public RecordList<SpikeRecord> Spikes { get; } = new();

    public RecordList<MessageRecord> Messages { get; } = new();

    public RecordList<CoreStepRecord> CoreSteps { get; } = new();

    public RecordList<ProbeRecord> Probes { get; } = new();

    /// <summary>Graded spikes' payloads (spikes level and above).</summary>
    public RecordList<PayloadRecord> Payloads { get; } = new();

    public RecordList<InferenceSummaryRecord> Summaries { get; } = new();

    /// <summary>How the trace was completed, or null while it is open.</summary>
    public TraceCompletion? Completion { get; private set; }

    public void Add(in InputEventRecord record)
    {
        if (Level.Records(TraceRecordKind.InputEvent))
        {
            InputEvents.Add(in record);
        }
    }

    public void Add(in SpikeRecord record)
    {
        if (Level.Records(TraceRecordKind.Spike))
        {
            Spikes.Add(in record);
        }
    }

    public void Add(in MessageRecord record)
    {
        if (Level.Records(TraceRecordKind.Message))
        {
            Messages.Add(in record);
        }
    }

    public void Add(in CoreStepRecord record)
    {
        if (Level.Records(TraceRecordKind.CoreStep))
        {
            CoreSteps.Add(in record);
        }
    }

    public void Add(in ProbeRecord record) => Probes.Add(in record);

    public void Add(in PayloadRecord record)
    {
        if (Level.Records(TraceRecordKind.Payload))
        {
            Payloads.Add(in record);
        }
    }

    public void EndInference(in InferenceSummaryRecord summary)
    {
        if (summary.Inference <= _lastSummaryInference)
        {
            throw new InvalidOperationException($"inference {summary.Inference} ended after inference {_lastSummaryInference}");
        }

        _lastSummaryInference = summary.Inference;
        Summaries.Add(in summary);
    }

    public void Complete(TraceCompletion completion = TraceCompletion.Completed) => Completion = completion;

    /// <summary>
    /// Sends everything held here to <paramref name="target"/>, inference by inference (each
    /// inference's records, then its summary), and clears this buffer for reuse.
    /// </summary>
    public void DrainTo(ITraceSink target)
    {
        int input = 0, step = 0, probe = 0, spike = 0, payload = 0, message = 0;
        foreach (ref readonly var summary in Summaries.Span)
        {
            var inference = summary.Inference;
            target.AddRange(Until(InputEvents.Span, ref input, inference));
            target.AddRange(Until(CoreSteps.Span, ref step, inference));
            target.AddRange(Until(Probes.Span, ref probe, inference));
            target.AddRange(Until(Spikes.Span, ref spike, inference));
            target.AddRange(Until(Payloads.Span, ref payload, inference));
            target.AddRange(Until(Messages.Span, ref message, inference));
            target.EndInference(in summary);
        }

        target.AddRange(InputEvents.Span[input..]);
        target.AddRange(CoreSteps.Span[step..]);
        target.AddRange(Probes.Span[probe..]);
        target.AddRange(Spikes.Span[spike..]);
        target.AddRange(Payloads.Span[payload..]);
        target.AddRange(Messages.Span[message..]);
        Clear();
    }

    /// <summary>Forgets every record (keeps the memory) so the buffer can record the next inference.</summary>
    public void Clear()
    {
        InputEvents.Clear();
        Spikes.Clear();
        Messages.Clear();
        CoreSteps.Clear();
        Probes.Clear();
        Payloads.Clear();
        Summaries.Clear();
        Completion = null;
        _lastSummaryInference = -1;
    }

    private static ReadOnlySpan<T> Until<T>(ReadOnlySpan<T> records, ref int start, int inference) where T : unmanaged, ITraceRecord
    {
        var end = start;
        while (end < records.Length && records[end].Inference <= inference)
        {
            end++;
        }

        var slice = records[start..end];
        start = end;
        return slice;
    }
}
