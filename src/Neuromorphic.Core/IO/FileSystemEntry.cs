using System.Runtime.InteropServices;

namespace Neuromorphic.Core.IO;

/// <summary>What a path names, without following a final symbolic link.</summary>
public enum EntryKind
{
    Missing,
    RegularFile,
    Directory,
    SymbolicLink,

    /// <summary>A character or block device, a FIFO or a socket: never replaced by an output.</summary>
    Special,
}

/// <summary>
/// The type and identity of file-system entries, which .NET does not expose: .NET reports devices
/// and FIFOs as normal files. On Linux this asks the kernel (<c>statx</c>, whose layout is the same
/// on every architecture); elsewhere devices and FIFOs cannot be told from files and are reported
/// as <see cref="EntryKind.RegularFile"/>.
/// </summary>
public static partial class FileSystemEntry
{
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxType = 0x1;
    private const uint StatxIno = 0x100;
    private const int TypeMask = 0xF000;
    private const int TypeRegular = 0x8000;
    private const int TypeDirectory = 0x4000;
    private const int TypeSymlink = 0xA000;

    private static bool s_statxMissing;

    /// <summary>What <paramref name="path"/> is (a final symbolic link is reported as such, not followed).</summary>
    public static EntryKind KindOf(string path)
    {
        if (TryStatx(path, follow: false, out var mode, out _, out _) is { } found)
        {
            if (!found)
            {
                return EntryKind.Missing;
            }

            return (mode & TypeMask) switch
            {
                TypeRegular => EntryKind.RegularFile,
                TypeDirectory => EntryKind.Directory,
                TypeSymlink => EntryKind.SymbolicLink,
                _ => EntryKind.Special,
            };
        }

        var info = new FileInfo(path);
        if (info.LinkTarget is not null)
        {
            return EntryKind.SymbolicLink;
        }

        return Directory.Exists(path) ? EntryKind.Directory : info.Exists ? EntryKind.RegularFile : EntryKind.Missing;
    }

    /// <summary>
    /// A key that is equal for two paths naming the same file (through symbolic links, hard links,
    /// "..", bind mounts): the device and inode on Linux, the full path with links resolved elsewhere;
    /// null when nothing exists at the path.
    /// </summary>
    public static string? IdentityOf(string path)
    {
        if (TryStatx(path, follow: true, out _, out var device, out var inode) is { } found)
        {
            return found ? $"{device}:{inode}" : null;
        }

        var full = ResolveLinks(path);
        return File.Exists(full) || Directory.Exists(full) ? full : null;
    }

    /// <summary>The full path with every symbolic link on the way resolved (the path need not exist).</summary>
    public static string ResolveLinks(string path)
    {
        var full = Path.GetFullPath(path);
        for (var hops = 0; hops < 40; hops++)
        {
            var info = new FileInfo(full);
            if (info.LinkTarget is not { } target)
            {
                var parent = Path.GetDirectoryName(full);
                if (parent is null)
                {
                    return full;
                }

                var resolvedParent = ResolveDirectory(parent);
                return Path.Combine(resolvedParent, Path.GetFileName(full));
            }

            full = Path.GetFullPath(Path.IsPathRooted(target) ? target : Path.Combine(Path.GetDirectoryName(full)!, target));
        }

        throw new IOException($"{path}: too many levels of symbolic links");
    }

    private static string ResolveDirectory(string directory)
    {
        var info = new DirectoryInfo(directory);
        if (info.Exists && info.ResolveLinkTarget(returnFinalTarget: true) is { } target)
        {
            return ResolveDirectory(target.FullName);
        }

        var parent = Path.GetDirectoryName(directory);
        return parent is null ? directory : Path.Combine(ResolveDirectory(parent), Path.GetFileName(directory));
    }

    /// <summary>statx(2): null when unavailable (not Linux, or an old C library); false when nothing is there.</summary>
    private static bool? TryStatx(string path, bool follow, out int mode, out ulong device, out ulong inode)
    {
        mode = 0;
        device = 0;
        inode = 0;
        if (!OperatingSystem.IsLinux() || s_statxMissing)
        {
            return null;
        }

        Span<byte> buffer = stackalloc byte[256];
        int result;
        try
        {
            result = Statx(AtFdCwd, path, follow ? 0 : AtSymlinkNoFollow, StatxType | StatxIno, ref MemoryMarshal.GetReference(buffer));
        }
        catch (EntryPointNotFoundException)
        {
            s_statxMissing = true;
            return null;
        }
        catch (DllNotFoundException)
        {
            s_statxMissing = true;
            return null;
        }

        if (result != 0)
        {
            return false;
        }

        // struct statx: stx_mode (u16) at 28, stx_ino (u64) at 32, stx_dev_major/minor (u32) at 136/140.
        mode = BitConverter.ToUInt16(buffer[28..]);
        inode = BitConverter.ToUInt64(buffer[32..]);
        device = ((ulong)BitConverter.ToUInt32(buffer[136..]) << 32) | BitConverter.ToUInt32(buffer[140..]);
        return true;
    }

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Statx(int directoryFd, string path, int flags, uint mask, ref byte buffer);
}
