using System.Text.Json.Nodes;
using Neuromorphic.Core.Errors;
using Neuromorphic.Core.IO;

namespace Neuromorphic.Chip;

/// <summary>
/// Loads chip models: a path to a <c>neuromorphic.chip/1</c> JSON file, or the name of a built-in
/// model (the files of <c>chip-models/</c>, compiled into this assembly). Overlays name their base
/// with <c>"extends"</c> (a path relative to the file, or a built-in name); objects merge key by
/// key, everything else is replaced. Every problem is an <see cref="InvalidInputException"/> with
/// the file and the JSON path.
/// </summary>
public static class ChipLoader
{
    private const string ResourcePrefix = "Neuromorphic.Chip.Models.";

    /// <summary>Names of the built-in chip models.</summary>
    public static IReadOnlyList<string> BuiltinNames { get; } = typeof(ChipLoader).Assembly.GetManifestResourceNames()
        .Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal) && n.EndsWith(".json", StringComparison.Ordinal))
        .Select(n => n[ResourcePrefix.Length..^".json".Length])
        .Order(StringComparer.Ordinal)
        .ToArray();

    /// <summary>Loads a chip by file path or built-in name.</summary>
    public static ChipSpec Load(string nameOrPath)
    {
        if (File.Exists(nameOrPath))
        {
            var full = Path.GetFullPath(nameOrPath);
            return Parse(new Source(full, false), nameOrPath, full);
        }

        var name = nameOrPath.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? Path.GetFileNameWithoutExtension(nameOrPath) : nameOrPath;
        if (!nameOrPath.Contains('/') && !nameOrPath.Contains('\\') && BuiltinNames.Contains(name))
        {
            return Parse(new Source(name, true), $"builtin:{name}", $"builtin:{name}");
        }

        throw new InvalidInputException(nameOrPath, "--chip", nameOrPath,
            $"an existing chip file or a built-in chip: {string.Join(", ", BuiltinNames)}");
    }

    /// <summary>The raw text of a built-in model, as shipped in chip-models/.</summary>
    public static string BuiltinText(string name)
    {
        using var stream = typeof(ChipLoader).Assembly.GetManifestResourceStream(ResourcePrefix + name + ".json")
            ?? throw new InvalidInputException(name, "--chip", name, $"a built-in chip: {string.Join(", ", BuiltinNames)}");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private readonly record struct Source(string Id, bool Builtin)
    {
        public string Display => Builtin ? $"builtin:{Id}" : Id;
    }

    /// <summary>
    /// Resolves the overlays and validates the merged model. A bad value that came from a base file
    /// (an <c>extends</c> chain, possibly outside the referring file's folder) is reported in that
    /// file, with the chain that reached it.
    /// </summary>
    private static ChipSpec Parse(Source top, string file, string source)
    {
        var provenance = new Dictionary<string, Source>(StringComparer.Ordinal);
        var bases = new List<Source>();
        var merged = Resolve(top, [], provenance, bases);
        try
        {
            return ChipParser.Parse(merged, file, source) with
            {
                Extends = bases.Select(b => b.Display).ToArray(),
                Files = new[] { top }.Concat(bases).Where(b => !b.Builtin).Select(b => b.Id).ToArray(),
            };
        }
        catch (InvalidInputException ex) when (ex.Field is { } field && ex.Expected is { } expected && Origin(provenance, field) is { } origin && origin != top)
        {
            var via = string.Join(" → ", new[] { file }.Concat(bases.TakeWhile(b => b != origin).Select(b => b.Display)));
            throw new InvalidInputException($"{origin.Display} (reached through \"extends\" from {via})", field, ex.Value, expected, ex);
        }
    }

    /// <summary>The file that gave the value at <paramref name="field"/>: the longest recorded prefix of the path.</summary>
    private static Source? Origin(Dictionary<string, Source> provenance, string field)
    {
        for (var path = field; path.Length > 0;)
        {
            if (provenance.TryGetValue(path, out var source))
            {
                return source;
            }

            var cut = Math.Max(path.LastIndexOf('.'), path.LastIndexOf('['));
            path = cut > 0 ? path[..cut] : "";
        }

        return null;
    }

    /// <summary>Loads a file and, recursively, the files it extends; returns the merged object.</summary>
    private static JsonObject Resolve(Source source, List<string> chain, Dictionary<string, Source> provenance, List<Source> bases)
    {
        if (chain.Contains(source.Display))
        {
            throw new InvalidInputException(chain[^1], "$.extends", $"\"{source.Id}\"",
                $"no cycle of overlays (the chain {string.Join(" → ", chain.Append(source.Display))} returns to a file already on it)");
        }

        chain.Add(source.Display);
        var (input, root) = source.Builtin ? JsonInput.Parse(BuiltinText(source.Id), source.Display) : JsonInput.Load(source.Id);
        if (!root.TryGetPropertyValue("extends", out var extendsNode) || extendsNode is null)
        {
            chain.RemoveAt(chain.Count - 1);
            provenance["$"] = source;
            return root;
        }

        var baseName = input.AsString(extendsNode, "$.extends");
        Source baseSource;
        if (source.Builtin)
        {
            var name = Path.GetFileNameWithoutExtension(baseName);
            if (!BuiltinNames.Contains(name))
            {
                throw input.Error("$.extends", $"\"{baseName}\"", $"a built-in chip: {string.Join(", ", BuiltinNames)}");
            }

            baseSource = new Source(name, true);
        }
        else
        {
            var basePath = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(source.Id)!, baseName));
            if (File.Exists(basePath))
            {
                baseSource = new Source(basePath, false);
            }
            else if (!baseName.Contains('/') && BuiltinNames.Contains(Path.GetFileNameWithoutExtension(baseName)))
            {
                baseSource = new Source(Path.GetFileNameWithoutExtension(baseName), true);
            }
            else
            {
                throw input.Error("$.extends", $"\"{baseName}\"", $"an existing chip file relative to {Path.GetDirectoryName(source.Id)} ({basePath} does not exist)");
            }
        }

        bases.Add(baseSource);
        var merged = Resolve(baseSource, chain, provenance, bases);
        chain.RemoveAt(chain.Count - 1);
        root.Remove("extends");
        Merge(merged, root, "$", source, provenance);
        return merged;
    }

    /// <summary>Deep merge: objects key by key, anything else replaced by the overlay's value.</summary>
    internal static void Merge(JsonObject target, JsonObject overlay) => Merge(target, overlay, "$", default, null);

    private static void Merge(JsonObject target, JsonObject overlay, string path, Source source, Dictionary<string, Source>? provenance)
    {
        foreach (var (key, value) in overlay.ToList())
        {
            var child = $"{path}.{key}";
            if (value is JsonObject overlayObject && target[key] is JsonObject targetObject)
            {
                Merge(targetObject, overlayObject, child, source, provenance);
            }
            else
            {
                target[key] = value?.DeepClone();
                if (provenance is not null)
                {
                    foreach (var replaced in provenance.Keys.Where(k => k.StartsWith(child + ".", StringComparison.Ordinal) || k.StartsWith(child + "[", StringComparison.Ordinal)).ToList())
                    {
                        provenance.Remove(replaced);
                    }

                    provenance[child] = source;
                }
            }
        }
    }
}
