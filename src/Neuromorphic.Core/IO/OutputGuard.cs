using Neuromorphic.Core.Errors;

namespace Neuromorphic.Core.IO;

/// <summary>
/// Checks, before any long work, that a command may write its outputs: each output is a usable
/// path (not empty, not a directory, not a device, FIFO or socket, not read-only, in a directory
/// where files can be created), none is one of the command's inputs or their sidecars (compared by
/// file identity, so symbolic links, hard links and ".." are seen through), and no two outputs are
/// the same file. Errors are <see cref="InvalidInputException"/>s naming the field the caller gives
/// (a command-line flag such as <c>--out</c>), never a temporary file.
/// <para>
/// Symbolic links are written through: an output that is a link replaces the link's final target,
/// which must itself be a regular file or not exist; the link stays. Read-only means no write
/// permission bit is set: such files and directories are refused even for root.
/// </para>
/// </summary>
public sealed class OutputGuard
{
    private readonly List<(string Identity, string Path, string Role)> _inputs = [];
    private readonly List<(string Target, string Field, string Path)> _outputs = [];

    /// <summary>Registers a file the command reads (<paramref name="role"/> names it in messages, e.g. "--model").</summary>
    public OutputGuard Input(string? path, string role)
    {
        if (!string.IsNullOrWhiteSpace(path) && FileSystemEntry.IdentityOf(path) is { } identity)
        {
            _inputs.Add((identity, path, role));
        }

        return this;
    }

    public OutputGuard Inputs(IEnumerable<string> paths, string role)
    {
        foreach (var path in paths)
        {
            Input(path, role);
        }

        return this;
    }

    /// <summary>The outputs checked so far: resolved target → the field that names it.</summary>
    public IReadOnlyList<(string Target, string Field, string Path)> Outputs => _outputs;

    /// <summary>
    /// Checks an output file and returns the file that will be replaced (symbolic links resolved).
    /// <paramref name="what"/> says which of the field's files it is when a field writes several
    /// ("its checkpoint").
    /// </summary>
    public string File(string? path, string field, string? what = null)
    {
        var shown = Shown(path ?? "", what);
        if (string.IsNullOrWhiteSpace(path))
        {
            throw Error(field, "\"\"", "a file path (the path is empty)");
        }

        if (path.EndsWith('/') || path.EndsWith(Path.DirectorySeparatorChar))
        {
            throw Error(field, shown, "a file path, not a directory");
        }

        var target = Resolve(path, field, shown);
        switch (FileSystemEntry.KindOf(target))
        {
            case EntryKind.Directory:
                throw Error(field, shown, $"a file path ({Describe(path, target)} is a directory)");
            case EntryKind.Special:
                throw Error(field, shown,
                    $"a regular file or a new path ({Describe(path, target)} is a device, FIFO or socket; outputs are written to a temporary file and renamed, which would replace it)");
            case EntryKind.RegularFile when IsReadOnly(target, out var mode):
                throw Error(field, shown, $"a writable file ({Describe(path, target)} is read-only, mode {mode}; make it writable or choose another path)");
        }

        CheckAgainstInputsAndOutputs(target, field, shown);
        CheckDirectory(Path.GetDirectoryName(target)!, field, shown);
        _outputs.Add((target, field, path));
        return target;
    }

    /// <summary>Checks an output directory and the files the command will write into it.</summary>
    public string Directory(string? path, string field, IEnumerable<string> fileNames)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw Error(field, "\"\"", "a directory path (the path is empty)");
        }

        var target = Resolve(path, field, Shown(path, null));
        switch (FileSystemEntry.KindOf(target))
        {
            case EntryKind.RegularFile or EntryKind.Special:
                throw Error(field, Shown(path, null), $"a directory ({Describe(path, target)} is a file)");
            case EntryKind.Directory when IsReadOnly(target, out var mode):
                throw Error(field, Shown(path, null), $"a writable directory ({Describe(path, target)} is read-only, mode {mode})");
            case EntryKind.Directory:
                CheckDirectory(target, field, Shown(path, null));
                break;
            default:
                CheckDirectory(Path.GetDirectoryName(target)!, field, Shown(path, null));
                break;
        }

        foreach (var name in fileNames)
        {
            var file = Path.Combine(target, name);
            var kind = FileSystemEntry.KindOf(file);
            if (kind is EntryKind.Directory or EntryKind.Special)
            {
                throw Error(field, Shown(path, null), $"a directory whose {name} can be replaced ({file} is a {(kind == EntryKind.Directory ? "directory" : "device, FIFO or socket")})");
            }

            var fileTarget = Resolve(file, field, Shown(path, null));
            if (FileSystemEntry.KindOf(fileTarget) is EntryKind.Special or EntryKind.Directory)
            {
                throw Error(field, Shown(path, null), $"a directory whose {name} can be replaced ({file} leads to a device, FIFO, socket or directory)");
            }

            if (FileSystemEntry.KindOf(fileTarget) == EntryKind.RegularFile && IsReadOnly(fileTarget, out var fileMode))
            {
                throw Error(field, Shown(path, null), $"a directory whose {name} can be replaced ({file} is read-only, mode {fileMode})");
            }

            CheckAgainstInputsAndOutputs(fileTarget, field, $"\"{file}\"");
            _outputs.Add((fileTarget, field, file));
        }

        return target;
    }

    private void CheckAgainstInputsAndOutputs(string target, string field, string shown)
    {
        var identity = FileSystemEntry.IdentityOf(target);
        foreach (var (inputIdentity, inputPath, role) in _inputs)
        {
            if (identity == inputIdentity)
            {
                throw Error(field, shown, $"a file that is not one of this command's inputs (it is {role} {inputPath}; writing it would destroy it)");
            }
        }

        foreach (var (other, otherField, otherPath) in _outputs)
        {
            if (string.Equals(other, target, StringComparison.Ordinal) || (identity is not null && identity == FileSystemEntry.IdentityOf(other)))
            {
                throw Error(field, shown, $"a file that no other output of this command writes ({otherField} writes {otherPath})");
            }
        }
    }

    private static string Resolve(string path, string field, string shown)
    {
        try
        {
            return FileSystemEntry.ResolveLinks(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw Error(field, shown, $"a path whose symbolic links resolve ({ex.Message})");
        }
    }

    /// <summary>The nearest existing ancestor must be a writable directory where a file can be created (checked by creating one).</summary>
    private static void CheckDirectory(string directory, string field, string shown)
    {
        var existing = directory;
        while (FileSystemEntry.KindOf(existing) == EntryKind.Missing && Path.GetDirectoryName(existing) is { } parent)
        {
            existing = parent;
        }

        var resolved = FileSystemEntry.ResolveLinks(existing);
        if (FileSystemEntry.KindOf(resolved) != EntryKind.Directory)
        {
            throw Error(field, shown, $"a path inside a directory ({existing} is a file, not a directory)");
        }

        if (IsReadOnly(resolved, out var mode))
        {
            throw Error(field, shown, $"a path in a writable directory ({existing} is read-only, mode {mode})");
        }

        var probe = Path.Combine(resolved, $".neuro-write-check.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose))
            {
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw Error(field, shown, $"a path in a directory where files can be created ({existing}: {ex.Message.Replace(probe, existing, StringComparison.Ordinal)})");
        }
    }

    private static bool IsReadOnly(string path, out string mode)
    {
        mode = "";
        if (OperatingSystem.IsWindows())
        {
            return false;
        }

        var bits = System.IO.File.GetUnixFileMode(path);
        mode = "0" + Convert.ToString((int)bits & 0x1FF, 8).PadLeft(3, '0');
        return (bits & (UnixFileMode.UserWrite | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) == 0;
    }

    private static string Describe(string path, string target) =>
        string.Equals(Path.GetFullPath(path), target, StringComparison.Ordinal) ? path : $"{path} → {target}";

    private static string Shown(string path, string? what) => what is null ? $"\"{path}\"" : $"\"{path}\" ({what})";

    private static InvalidInputException Error(string field, string value, string expected) => new(null, field, value, expected);
}
