using System.Collections.Concurrent;
using System.Text;
using Neuromorphic.Chip;
using Neuromorphic.Core.Errors;
using Neuromorphic.Core.IO;
using Neuromorphic.Core.Networks;
using Neuromorphic.Workflows.Networks;

namespace Neuromorphic.Sweeps.Inputs;

/// <summary>
/// The inputs of a sweep on the machine that plans it: bundles made from local files (a network
/// with its sidecars, a mapping, input events), chips as their resolved JSON, and the files of
/// finished training jobs; it hands out their bytes by hash to executors that ship them.
/// Thread-safe.
/// </summary>
public sealed class LocalInputs : IBlobSource
{
    private readonly ConcurrentDictionary<string, Func<byte[]>> _blobs = new();
    private readonly ConcurrentDictionary<string, InputBundle> _byPath = new();

    public byte[]? TryRead(string hash) => _blobs.TryGetValue(hash, out var read) ? read() : null;

    /// <summary>
    /// A network file (neuromorphic.network/1 JSON with its sidecars, or NIR) as a bundle. Loads it
    /// once to check it (bad input names the file and field).
    /// </summary>
    public InputBundle Network(string path) => _byPath.GetOrAdd("network:" + Path.GetFullPath(path), _ =>
    {
        NetworkLoader.Load(path);
        var files = new List<string> { Path.GetFileName(path) };
        if (!NetworkLoader.IsNir(path))
        {
            var (_, root) = JsonInput.Load(path);
            foreach (var sidecar in NetworkFile.SidecarNames(root))
            {
                var relative = InputBundle.CheckRelative(sidecar);
                if (!files.Contains(relative))
                {
                    files.Add(relative);
                }
            }
        }

        return FromFiles(Path.GetDirectoryName(Path.GetFullPath(path))!, files);
    });

    /// <summary>A single file (mapping, input events) as a bundle.</summary>
    public InputBundle File(string path) => _byPath.GetOrAdd("file:" + Path.GetFullPath(path), _ =>
    {
        if (!System.IO.File.Exists(path))
        {
            throw new InvalidInputException(path, null, null, "an existing file (the file does not exist)");
        }

        return FromFiles(Path.GetDirectoryName(Path.GetFullPath(path))!, [Path.GetFileName(path)]);
    });

    /// <summary>A chip (built-in name or file, overlays resolved) as a bundle of its resolved JSON, so every worker runs exactly this chip.</summary>
    public InputBundle Chip(string nameOrPath) => _byPath.GetOrAdd("chip:" + (System.IO.File.Exists(nameOrPath) ? Path.GetFullPath(nameOrPath) : nameOrPath), _ =>
    {
        var spec = ChipLoader.Load(nameOrPath);
        var bytes = Encoding.UTF8.GetBytes(spec.ResolvedJson);
        var name = spec.Name + ".chip.json";
        return Add(name, [(name, bytes)]);
    });

    /// <summary>Files held in memory (a trained model) as a bundle whose main file is <paramref name="main"/>.</summary>
    public InputBundle Add(string main, IReadOnlyList<(string Path, byte[] Bytes)> files)
    {
        var entries = new List<BundleFile>();
        foreach (var (path, bytes) in files)
        {
            var hash = Hashing.Sha256Hex(bytes);
            _blobs.TryAdd(hash, () => bytes);
            entries.Add(new BundleFile(InputBundle.CheckRelative(path), hash, bytes.Length));
        }

        return new InputBundle(main, entries);
    }

    private InputBundle FromFiles(string directory, IReadOnlyList<string> relativePaths)
    {
        var entries = new List<BundleFile>();
        foreach (var relative in relativePaths)
        {
            var full = Path.Combine(directory, relative);
            var hash = Hashing.Sha256HexOfFile(full);
            _blobs.TryAdd(hash, () => System.IO.File.ReadAllBytes(full));
            entries.Add(new BundleFile(relative, hash, new FileInfo(full).Length));
        }

        return new InputBundle(relativePaths[0], entries);
    }
}
