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
            }
        }

        if (reader.End is { } end)
        {
            sink.Complete(end.Status);
        }

        return new TraceContents(reader.Header, sink, reader.Damage, reader.End);
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
