using Neuromorphic.Core.IO;

namespace Neuromorphic.Traces.Export;

/// <summary>
/// A set of output files written to temporary names in their directory and renamed together at
/// <see cref="Commit"/>; disposing without committing deletes them — and the output directory, when
/// this set created it and it is left empty — so no half-written output is ever left under a final
/// name. Failures (a full disk) are <see cref="OutputWriteException"/>s naming the final file.
/// </summary>
internal sealed class AtomicOutputs : IDisposable
{
    private readonly List<(string Temp, string Final, FileStream Stream)> _files = [];
    private readonly string _directory;
    private readonly bool _createdDirectory;
    private bool _committed;

    public AtomicOutputs(string directory)
    {
        _directory = Path.GetFullPath(directory);
        _createdDirectory = !Directory.Exists(_directory);
        AtomicFile.CreateDirectory(directory, _directory);
    }

    public FileStream Create(string finalPath)
    {
        var full = AtomicFile.Target(finalPath);
        AtomicFile.RemoveStaleTemporaries(full);
        var temp = AtomicFile.TempPath(full);
        try
        {
            var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
            _files.Add((temp, full, stream));
            return stream;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new OutputWriteException(finalPath, AtomicFile.Reason(ex, temp, full), ex);
        }
    }

    /// <summary>An I/O error while writing the outputs, reported under the final name of the file it hit.</summary>
    public OutputWriteException Failure(IOException ex)
    {
        foreach (var (temp, final, _) in _files)
        {
            if (ex.Message.Contains(temp, StringComparison.Ordinal))
            {
                return new OutputWriteException(final, AtomicFile.Reason(ex, temp, final), ex);
            }
        }

        return new OutputWriteException(_directory, ex.Message, ex);
    }

    public IReadOnlyList<string> Commit()
    {
        var current = "";
        try
        {
            foreach (var (_, final, stream) in _files)
            {
                current = final;
                stream.Flush(flushToDisk: true);
                stream.Dispose();
            }

            foreach (var (temp, final, _) in _files)
            {
                current = final;
                AtomicFile.Target(final);
                File.Move(temp, final, overwrite: true);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException && ex is not OutputWriteException)
        {
            throw new OutputWriteException(current, ex.Message, ex);
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
            try
            {
                stream.Dispose();
            }
            catch (IOException)
            {
                // A full disk fails the final flush too; the file is deleted below.
            }

            AtomicFile.TryDelete(temp);
        }

        if (_createdDirectory)
        {
            try
            {
                if (Directory.Exists(_directory) && !Directory.EnumerateFileSystemEntries(_directory).Any())
                {
                    Directory.Delete(_directory);
                }
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }
}
