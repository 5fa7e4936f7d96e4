using Microsoft.Extensions.Logging;

namespace Neuromorphic.Traces;

/// <summary>A whole trace in memory: for tests, golden files and small traces.</summary>
public sealed record TraceContents(TraceHeader Header, InMemoryTraceSink Records, TraceDamage? Damage, TraceEnd? End);

/// <summary>Convenience entry points over <see cref="TraceReader"/>.</summary>
public static class TraceFile
{
    /// <summary>Reads every record of a trace into memory (up to any damage, which is returned, not thrown).</summary>
    public static TraceContents ReadAll(string path, ILogger? logger = null)
    {
        using var reader = TraceReader.Open(path, TraceReadOptions.All, logger);
        return ReadAll(reader);
    }

    public static TraceContents ReadAll(TraceReader reader)
    {
        var sink = new InMemoryTraceSink(TraceLevel.Messages);
        while (reader.TryReadBlock(out var block))
        {
            switch (block.Kind)
            {
                case TraceRecordKind.InputEvent:
                    sink.InputEvents.AddRange(block.InputEvents);
                    break;
                case TraceRecordKind.Spike:
                    sink.Spikes.AddRange(block.Spikes);
                    break;
                case TraceRecordKind.Message:
                    sink.Messages.AddRange(block.Messages);
                    break;
                case TraceRecordKind.CoreStep:
                    sink.CoreSteps.AddRange(block.CoreSteps);
                    break;
                case TraceRecordKind.InferenceSummary:
                    sink.Summaries.AddRange(block.Summaries);
                    break;
                case TraceRecordKind.Probe:
                    sink.Probes.AddRange(block.Probes);
                    break;
                case TraceRecordKind.Payload:
                    sink.Payloads.AddRange(block.Payloads);
                    break;
            }
        }

        if (reader.End is { } end)
        {
            sink.Complete(end.Status);
        }

        return new TraceContents(reader.Header, sink, reader.Damage, reader.End);
    }

    /// <summary>
    /// Streams a trace inference by inference, in order: each <see cref="InferenceRecords"/> holds the
    /// records of the requested kinds and the summary. Memory holds only the inferences whose summary
    /// has not been read yet (writers put every record of an inference before the block holding its
    /// summary). Records of inferences left without a summary (an unfinished trace) come last, with a
    /// null summary; damage ends the sequence after a warning through <paramref name="logger"/>.
    /// Re-costing reads <c>TraceKinds.CoreSteps</c>; re-simulation reads <c>InputEvents | Spikes</c>.
    /// </summary>
    public static IEnumerable<InferenceRecords> ReadInferences(string path, TraceKinds kinds = TraceKinds.All, ILogger? logger = null)
    {
        using var reader = TraceReader.Open(path, new TraceReadOptions { Kinds = kinds | TraceKinds.InferenceSummaries }, logger);
        foreach (var inference in ReadInferences(reader, kinds))
        {
            yield return inference;
        }
    }

    public static IEnumerable<InferenceRecords> ReadInferences(TraceReader reader, TraceKinds kinds = TraceKinds.All)
    {
        var pending = new SortedDictionary<int, InferenceRecords>();
        var ready = new List<InferenceRecords>();
        while (true)
        {
            ready.Clear();
            if (!Collect(reader, kinds, pending, ready))
            {
                break;
            }

            foreach (var inference in ready)
            {
                yield return inference;
            }
        }

        foreach (var unfinished in pending.Values)
        {
            yield return unfinished;
        }
    }

    /// <summary>Reads one block into <paramref name="pending"/>; moves finished inferences to <paramref name="ready"/>.</summary>
    private static bool Collect(TraceReader reader, TraceKinds kinds, SortedDictionary<int, InferenceRecords> pending, List<InferenceRecords> ready)
    {
        if (!reader.TryReadBlock(out var block))
        {
            return false;
        }

        InferenceRecords For(int inference)
        {
            if (!pending.TryGetValue(inference, out var records))
            {
                records = new InferenceRecords(inference);
                pending[inference] = records;
            }

            return records;
        }

        switch (block.Kind)
        {
            case TraceRecordKind.InputEvent when kinds.HasFlag(TraceKinds.InputEvents):
                foreach (ref readonly var r in block.InputEvents)
                {
                    For(r.Inference).InputEvents.Add(in r);
                }

                break;
            case TraceRecordKind.CoreStep when kinds.HasFlag(TraceKinds.CoreSteps):
                foreach (ref readonly var r in block.CoreSteps)
                {
                    For(r.Inference).CoreSteps.Add(in r);
                }

                break;
            case TraceRecordKind.Spike when kinds.HasFlag(TraceKinds.Spikes):
                foreach (ref readonly var r in block.Spikes)
                {
                    For(r.Inference).Spikes.Add(in r);
                }

                break;
            case TraceRecordKind.Message when kinds.HasFlag(TraceKinds.Messages):
                foreach (ref readonly var r in block.Messages)
                {
                    For(r.Inference).Messages.Add(in r);
                }

                break;
            case TraceRecordKind.Probe when kinds.HasFlag(TraceKinds.Probes):
                foreach (ref readonly var r in block.Probes)
                {
                    For(r.Inference).Probes.Add(in r);
                }

                break;
            case TraceRecordKind.Payload when kinds.HasFlag(TraceKinds.Payloads):
                foreach (ref readonly var r in block.Payloads)
                {
                    For(r.Inference).Payloads.Add(in r);
                }

                break;
            case TraceRecordKind.InferenceSummary:
                foreach (ref readonly var r in block.Summaries)
                {
                    var records = For(r.Inference);
                    records.Summary = r;
                    pending.Remove(r.Inference);
                    ready.Add(records);
                }

                break;
        }

        return true;
    }

    /// <summary>Streams the records of one kind (copied out of each block), for code that is not hot.</summary>
    public static IEnumerable<T> ReadRecords<T>(string path, ILogger? logger = null) where T : unmanaged, ITraceRecord
    {
        using var reader = TraceReader.Open(path, new TraceReadOptions { Kinds = T.Kind.ToFlag() }, logger);
        while (true)
        {
            T[] chunk;
            {
                if (!reader.TryReadBlock(out var block))
                {
                    yield break;
                }

                chunk = block.Records<T>().ToArray();
            }

            foreach (var record in chunk)
            {
                yield return record;
            }
        }
    }
}
