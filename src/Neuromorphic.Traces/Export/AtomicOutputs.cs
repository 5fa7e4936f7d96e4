namespace Neuromorphic.Traces.Export;

/// <summary>
/// A set of output files written to temporary names in their directory and renamed together at
/// <see cref="Commit"/>; disposing without committing deletes them, so no half-written output is
/// ever left under a final name.
/// </summary>
internal sealed class AtomicOutputs : IDisposable
{
    private readonly List<(string Temp, string Final, FileStream Stream)> _files = [];
    private bool _committed;

    public FileStream Create(string finalPath)
    {
        var full = Path.GetFullPath(finalPath);
        var temp = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
        _files.Add((temp, full, stream));
        return stream;
    }

    public IReadOnlyList<string> Commit()
    {
        foreach (var (_, _, stream) in _files)
        {
            stream.Flush(flushToDisk: true);
            stream.Dispose();
        }

        foreach (var (temp, final, _) in _files)
        {
            File.Move(temp, final, overwrite: true);
        }

        _committed = true;
        return _files.Select(f => f.Final).ToArray();
    }

    public void Dispose()
    {
        if (_committed)
        {
            return;
        }

        foreach (var (temp, _, stream) in _files)
        {
            stream.Dispose();
            try
            {
                File.Delete(temp);
            }
            catch (IOException)
            {
            }
        }
    }
}
