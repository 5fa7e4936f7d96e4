using System.Collections.Concurrent;
using Neuromorphic.Core.IO;

namespace Neuromorphic.Sweeps.Inputs;

/// <summary>
/// Job inputs on the machine that runs them: files by content hash under <c>blobs/</c>, and each
/// bundle laid out under <c>inputs/&lt;bundle hash&gt;/</c> with its files at their relative paths (so a
/// network finds its sidecars). A bundle folder appears whole or not at all (built aside, then
/// renamed). Files come from blobs put here (a cluster worker receives them from the client) or from
/// a <see cref="IBlobSource"/> on the same machine (in-process). Every file is checked against its hash.
/// Thread-safe.
/// </summary>
public sealed class InputCache(string directory, IBlobSource? source = null)
{
    private readonly ConcurrentDictionary<string, Lazy<string>> _materialized = new();

    public string Directory { get; } = directory;

    private string BlobPath(string hash) => Path.Combine(Directory, "blobs", hash);

    /// <summary>The hashes of the files of <paramref name="bundles"/> this cache cannot provide.</summary>
    public IReadOnlyList<string> Missing(IEnumerable<InputBundle> bundles) =>
        bundles.Where(b => !System.IO.Directory.Exists(BundleDirectory(b)))
            .SelectMany(b => b.Files).Select(f => f.Hash).Distinct()
            .Where(h => !File.Exists(BlobPath(h)) && source is null)
            .ToList();

    /// <summary>Stores the bytes of one file; false (and nothing stored) when they do not hash to <paramref name="hash"/>.</summary>
    public bool Put(string hash, byte[] bytes)
    {
        if (Hashing.Sha256Hex(bytes) != hash)
        {
            return false;
        }

        if (!File.Exists(BlobPath(hash)))
        {
            AtomicFile.WriteAllBytes(BlobPath(hash), bytes);
        }

        return true;
    }

    /// <summary>Lays out <paramref name="bundle"/> (once) and returns the path of its main file.</summary>
    public string Materialize(InputBundle bundle)
    {
        var lazy = _materialized.GetOrAdd(bundle.Hash, _ => new Lazy<string>(() => Build(bundle), LazyThreadSafetyMode.ExecutionAndPublication));
        try
        {
            return lazy.Value;
        }
        catch
        {
            _materialized.TryRemove(bundle.Hash, out _);
            throw;
        }
    }

    private string BundleDirectory(InputBundle bundle) => Path.Combine(Directory, "inputs", bundle.Hash);

    private string Build(InputBundle bundle)
    {
        var target = BundleDirectory(bundle);
        if (!System.IO.Directory.Exists(target))
        {
            var temp = target + $".{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
            try
            {
                foreach (var file in bundle.Files)
                {
                    var bytes = Read(file.Hash) ?? throw new InvalidOperationException($"input {bundle.Main}: file {file.Path} ({Hashing.Short(file.Hash)}) was never sent to this worker");
                    if (Hashing.Sha256Hex(bytes) != file.Hash)
                    {
                        throw new InvalidDataException($"input {bundle.Main}: file {file.Path} changed since the sweep was planned (hash differs)");
                    }

                    var path = Path.Combine(temp, InputBundle.CheckRelative(file.Path));
                    System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                    File.WriteAllBytes(path, bytes);
                }

                System.IO.Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                try
                {
                    System.IO.Directory.Move(temp, target);
                }
                catch (IOException) when (System.IO.Directory.Exists(target))
                {
                    // Another process laid out the same bundle first: same content by hash.
                }
            }
            finally
            {
                if (System.IO.Directory.Exists(temp))
                {
                    System.IO.Directory.Delete(temp, recursive: true);
                }
            }
        }

        return Path.Combine(target, InputBundle.CheckRelative(bundle.Main));
    }

    private byte[]? Read(string hash) => File.Exists(BlobPath(hash)) ? File.ReadAllBytes(BlobPath(hash)) : source?.TryRead(hash);
}
