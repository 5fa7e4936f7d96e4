namespace Neuromorphic.Traces;

/// <summary>Every record of one inference, as <c>TraceFile.ReadInferences</c> hands them out.</summary>
public sealed class InferenceRecords(int inference)
{
    public int Inference { get; } = inference;

    /// <summary>The summary, or null for the unfinished last inference of a trace whose writer did not finish.</summary>
    public InferenceSummaryRecord? Summary { get; internal set; }

    public RecordList<InputEventRecord> InputEvents { get; } = new();

    public RecordList<CoreStepRecord> CoreSteps { get; } = new();

    public RecordList<SpikeRecord> Spikes { get; } = new();

    public RecordList<MessageRecord> Messages { get; } = new();

    public RecordList<ProbeRecord> Probes { get; } = new();

    public RecordList<PayloadRecord> Payloads { get; } = new();
}
