using Microsoft.Extensions.Logging;

namespace Neuromorphic.Traces;

/// <summary>The result of checking a whole trace.</summary>
/// <param name="Path">The file checked.</param>
/// <param name="FileBytes">Its size.</param>
/// <param name="Header">Its header, or null when the header itself is damaged.</param>
/// <param name="BlocksVerified">Data blocks that passed every check (all before <paramref name="FirstBad"/>).</param>
/// <param name="RecordsByKind">Records in those blocks, indexed by <see cref="TraceRecordKind"/> − 1.</param>
/// <param name="FirstBad">The first damage, or null for an intact, finished trace.</param>
/// <param name="End">The end block, or null when the trace was not finished or is damaged before it.</param>
public sealed record TraceVerification(
    string Path, long FileBytes, TraceHeader? Header, long BlocksVerified, IReadOnlyList<long> RecordsByKind, TraceDamage? FirstBad, TraceEnd? End)
{
    /// <summary>Every byte checked out and the trace was finished by its writer.</summary>
    public bool Ok => FirstBad is null && End is not null;

    public long Records(TraceRecordKind kind) => RecordsByKind[(int)kind - 1];
}

/// <summary>
/// Checks a trace end to end: header checksum and fields, then every block's header checksum,
/// sequence number, sizes, payload checksum, decoding and record order, and finally the end
/// block's totals and that nothing follows it.
/// </summary>
public static class TraceVerifier
{
    public static TraceVerification Verify(string path, ILogger? logger = null)
    {
        using var stream = TraceReader.OpenFile(path);
        return Verify(stream, path, logger);
    }

    /// <summary>Checks a trace read from <paramref name="stream"/> (which it reads to the end, or to the damage).</summary>
    public static TraceVerification Verify(Stream stream, string name, ILogger? logger = null)
    {
        var fileBytes = stream.CanSeek ? stream.Length : -1;
        if (!TraceReader.TryOpen(stream, name, TraceReadOptions.All, logger, ownsStream: false, out var reader, out var damage))
        {
            return new TraceVerification(name, fileBytes, null, 0, new long[TraceRecordKinds.All.Count], damage, null);
        }

        using (reader)
        {
            reader.SkipToEnd();
            var records = TraceRecordKinds.All.OrderBy(k => k).Select(reader.RecordsRead).ToArray();
            return new TraceVerification(name, fileBytes, reader.Header, reader.BlocksRead, records, reader.Damage, reader.End);
        }
    }
}
