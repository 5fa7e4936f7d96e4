using System.Text;
using System.Text.Json.Nodes;
using Neuromorphic.Core.Errors;
using Neuromorphic.Core.IO;

namespace Neuromorphic.Sweeps.Inputs;

/// <summary>One file of a bundle: its path relative to the bundle's folder, its SHA-256 and size.</summary>
public sealed record BundleFile(string Path, string Hash, long Size);

/// <summary>
/// A job input as it travels: a main file (a network, a mapping, a chip, input events) and the files
/// it refers to (a network's float32 sidecars), each named by content hash. The bundle's own
/// <see cref="Hash"/> covers every file's path and hash, so it identifies the input by content
/// wherever it is stored.
/// </summary>
public sealed record InputBundle(string Main, IReadOnlyList<BundleFile> Files)
{
    public string Hash { get; } = HashOf(Main, Files);

    public long Size => Files.Sum(f => f.Size);

    public JsonObject ToJson() => new()
    {
        ["main"] = Main,
        ["hash"] = Hash,
        ["files"] = new JsonArray(Files.Select(f => (JsonNode)new JsonObject { ["path"] = f.Path, ["hash"] = f.Hash, ["size"] = f.Size }).ToArray()),
    };

    /// <summary>Reads a bundle written by <see cref="ToJson"/>; checks that paths stay inside the bundle's folder.</summary>
    public static InputBundle FromJson(JsonObject json)
    {
        var files = json["files"]!.AsArray().Select(f => new BundleFile(f!["path"]!.GetValue<string>(), f["hash"]!.GetValue<string>(), f["size"]!.GetValue<long>())).ToList();
        var bundle = new InputBundle(json["main"]!.GetValue<string>(), files);
        foreach (var file in files)
        {
            CheckRelative(file.Path);
        }

        if (json["hash"]?.GetValue<string>() is { } hash && hash != bundle.Hash)
        {
            throw new InvalidDataException($"input bundle {bundle.Main}: hash {Hashing.Short(hash)} does not match its files ({Hashing.Short(bundle.Hash)})");
        }

        return bundle;
    }

    /// <summary>A relative path that stays inside the bundle's folder, with '/' separators.</summary>
    public static string CheckRelative(string path)
    {
        if (path.Length == 0 || System.IO.Path.IsPathRooted(path) || path.Replace('\\', '/').Split('/').Any(p => p is ".." or "." or ""))
        {
            throw new InvalidInputException(null, "input file", $"\"{path}\"", "a path inside the folder of the file that names it (no .., no absolute path)");
        }

        return path.Replace('\\', '/');
    }

    private static string HashOf(string main, IReadOnlyList<BundleFile> files)
    {
        var sb = new StringBuilder(main).Append('\n');
        foreach (var file in files)
        {
            sb.Append(file.Path).Append('\0').Append(file.Hash).Append('\n');
        }

        return Hashing.Sha256Hex(Encoding.UTF8.GetBytes(sb.ToString()));
    }
}

/// <summary>Where the bytes of bundle files come from (by file hash).</summary>
public interface IBlobSource
{
    /// <summary>The bytes of the file with SHA-256 <paramref name="hash"/>, or null when this source does not have it.</summary>
    byte[]? TryRead(string hash);
}
