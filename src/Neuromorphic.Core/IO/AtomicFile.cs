using System.Globalization;
using System.Text;
using Neuromorphic.Core.Errors;

namespace Neuromorphic.Core.IO;

/// <summary>Writing an output failed at run time (a full disk, a vanished directory): names the output, never a temporary file.</summary>
public sealed class OutputWriteException(string path, string reason, Exception? inner = null)
    : IOException($"writing {path} failed: {reason}", inner)
{
    /// <summary>The output as the caller named it.</summary>
    public string OutputPath { get; } = path;

    public string Reason { get; } = reason;
}

/// <summary>
/// Writes files so that readers never see half of one: the content goes to a temporary file in the
/// same directory, which is flushed to disk and then renamed over the destination. If writing fails
/// or is cancelled, the temporary file is deleted and the destination is left as it was.
/// <para>
/// A destination that is a symbolic link is written through: its final target is replaced and the
/// link stays. A destination that is a directory, a device, a FIFO or a socket is refused
/// (<see cref="InvalidInputException"/>): temp-and-rename would replace it with a regular file.
/// Temporary files that a killed writer left beside the destination are removed.
/// </para>
/// </summary>
public static class AtomicFile
{
    private const string TempSuffix = ".tmp";

    public static void Write(string path, Action<Stream> write)
    {
        var target = Target(path);
        var directory = Path.GetDirectoryName(target)!;
        CreateDirectory(path, directory);
        RemoveStaleTemporaries(target);
        var temp = TempPath(target);
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }

            FaultInjection.Point("atomic-file:before-rename");
            Target(path);
            File.Move(temp, target, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException && ex is not OutputWriteException)
        {
            TryDelete(temp);
            throw new OutputWriteException(path, Reason(ex, temp, target), ex);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    public static void WriteAllBytes(string path, ReadOnlySpan<byte> bytes)
    {
        var copy = bytes.ToArray();
        Write(path, s => s.Write(copy));
    }

    /// <summary>Writes UTF-8 text without a byte-order mark and with '\n' line endings as given.</summary>
    public static void WriteAllText(string path, string text) => WriteAllBytes(path, new UTF8Encoding(false).GetBytes(text));

    /// <summary>
    /// The file an output at <paramref name="path"/> replaces: the path with symbolic links resolved.
    /// Throws <see cref="InvalidInputException"/> (naming <paramref name="path"/>) when that is a
    /// directory, a device, a FIFO or a socket.
    /// </summary>
    public static string Target(string path)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new InvalidInputException(null, null, "an empty path", "a file path for the output");
        }

        string target;
        try
        {
            target = FileSystemEntry.ResolveLinks(path);
        }
        catch (IOException ex)
        {
            throw new InvalidInputException(path, null, null, $"an output path whose symbolic links resolve ({ex.Message})", ex);
        }

        switch (FileSystemEntry.KindOf(target))
        {
            case EntryKind.Directory:
                throw new InvalidInputException(path, null, "a directory", "a file path for the output");
            case EntryKind.Special:
                throw new InvalidInputException(path, null, "a device, FIFO or socket",
                    "a regular file or a new path (an output is written to a temporary file and renamed, which would replace it)");
            default:
                return target;
        }
    }

    /// <summary>A fresh temporary name beside <paramref name="target"/>: hidden, with this process's id, ending in .tmp.</summary>
    public static string TempPath(string target, string tag = "") =>
        Path.Combine(Path.GetDirectoryName(target)!, $".{Path.GetFileName(target)}.{Environment.ProcessId}.{tag}{Guid.NewGuid():N}{TempSuffix}");

    /// <summary>
    /// Deletes the temporary files of <paramref name="target"/> (<see cref="TempPath"/>) whose writer
    /// is no longer running: what a killed or crashed process left behind. Files of live processes stay.
    /// </summary>
    public static void RemoveStaleTemporaries(string target) =>
        RemoveStaleTemporaries(Path.GetDirectoryName(target)!, Path.GetFileName(target) + ".");

    /// <summary>
    /// Deletes the stale temporary files (<see cref="TempPath"/>) in <paramref name="directory"/> of
    /// every destination whose name starts with <paramref name="namePrefix"/>.
    /// </summary>
    public static void RemoveStaleTemporaries(string directory, string namePrefix)
    {
        if (!Directory.Exists(directory))
        {
            return;
        }

        var pattern = new System.Text.RegularExpressions.Regex(
            "^\\." + System.Text.RegularExpressions.Regex.Escape(namePrefix) + @"(?:.*\.)?(\d+)\.(?:spill\d+\.)?[0-9a-f]{32}\.tmp$");
        try
        {
            foreach (var file in Directory.EnumerateFiles(directory, "." + namePrefix + "*" + TempSuffix))
            {
                var match = pattern.Match(Path.GetFileName(file));
                if (match.Success && int.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                    && pid != Environment.ProcessId && !IsRunning(pid))
                {
                    TryDelete(file);
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    /// <summary>The reason of a failed write, in words that name the output rather than its temporary file.</summary>
    public static string Reason(Exception ex, string temp, string target) => ex.Message.Replace(temp, target, StringComparison.Ordinal);

    /// <summary>Creates the folder of an output; a failure is an <see cref="OutputWriteException"/> naming the output.</summary>
    public static void CreateDirectory(string path, string directory)
    {
        try
        {
            Directory.CreateDirectory(directory);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new OutputWriteException(path, $"its folder {directory} cannot be created ({ex.Message})", ex);
        }
    }

    private static bool IsRunning(int pid)
    {
        if (OperatingSystem.IsLinux())
        {
            return Directory.Exists($"/proc/{pid}");
        }

        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>Deletes a file if it can (a failure is ignored).</summary>
    public static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
