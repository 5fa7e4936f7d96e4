namespace Neuromorphic.Traces;

/// <summary>
/// Where the simulator sends what it records. Records are appended in the run's order: within each
/// record kind, inference numbers never decrease. Implementations buffer records into per-kind
/// batches without allocating per record. One producer at a time: parallel workers record into
/// their own lane of an <see cref="InferenceOrderedSink"/>, which hands the records to the shared
/// writer in inference order while they run, keeping traces byte-identical whatever the thread count.
/// </summary>
public interface ITraceSink
{
    /// <summary>What the sink records; records of kinds above it are ignored, so the simulator may skip producing them.</summary>
    TraceLevel Level { get; }

    void Add(in InputEventRecord record);

    void Add(in SpikeRecord record);

    void Add(in MessageRecord record);

    void Add(in CoreStepRecord record);

    void Add(in ProbeRecord record);

    void Add(in PayloadRecord record);

    void AddRange(ReadOnlySpan<InputEventRecord> records)
    {
        foreach (ref readonly var record in records)
        {
            Add(in record);
        }
    }

    void AddRange(ReadOnlySpan<SpikeRecord> records)
    {
        foreach (ref readonly var record in records)
        {
            Add(in record);
        }
    }

    void AddRange(ReadOnlySpan<MessageRecord> records)
    {
        foreach (ref readonly var record in records)
        {
            Add(in record);
        }
    }

    void AddRange(ReadOnlySpan<CoreStepRecord> records)
    {
        foreach (ref readonly var record in records)
        {
            Add(in record);
        }
    }

    void AddRange(ReadOnlySpan<PayloadRecord> records)
    {
        foreach (ref readonly var record in records)
        {
            Add(in record);
        }
    }

    void AddRange(ReadOnlySpan<ProbeRecord> records)
    {
        foreach (ref readonly var record in records)
        {
            Add(in record);
        }
    }

    /// <summary>
    /// Closes an inference with its summary: the inference's records must all have been added.
    /// Inference numbers of summaries strictly increase. A file writer flushes its pending batches
    /// here, so a killed run loses at most the inference in progress.
    /// </summary>
    void EndInference(in InferenceSummaryRecord summary);

    /// <summary>Finishes the trace: flushes everything and, for a file, writes the end block and publishes the file.</summary>
    void Complete(TraceCompletion completion = TraceCompletion.Completed);
}
