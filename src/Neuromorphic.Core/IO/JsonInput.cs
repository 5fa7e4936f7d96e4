using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Neuromorphic.Core.Errors;

namespace Neuromorphic.Core.IO;

/// <summary>
/// Reading user-written JSON (comments and trailing commas allowed) with errors that name the
/// file, the JSON path, the bad value and what was expected. Used by every JSON input format.
/// </summary>
public sealed class JsonInput
{
    public static readonly JsonNodeOptions NodeOptions = new() { PropertyNameCaseInsensitive = false };

    public static readonly JsonDocumentOptions DocumentOptions = new()
    {
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        MaxDepth = 256,
    };

    public JsonInput(string file) => File = file;

    /// <summary>The file name used in messages.</summary>
    public string File { get; }

    /// <summary>Parses a file; a missing file or a syntax error is an <see cref="InvalidInputException"/>.</summary>
    public static (JsonInput Input, JsonObject Root) Load(string path)
    {
        if (!System.IO.File.Exists(path))
        {
            throw new InvalidInputException(path, null, null, "an existing file (the file does not exist)");
        }

        string text;
        try
        {
            text = System.IO.File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InvalidInputException(path, null, null, $"a readable file ({ex.Message})", ex);
        }

        return Parse(text, path);
    }

    public static (JsonInput Input, JsonObject Root) Parse(string text, string file)
    {
        var input = new JsonInput(file);
        JsonNode? node;
        try
        {
            if (FindDuplicateKey(text) is { } duplicate)
            {
                throw input.Error(duplicate.Path, $"\"{duplicate.Key}\" a second time in the same object", "each key at most once per object (which of the values was meant is ambiguous)");
            }

            node = JsonNode.Parse(text, NodeOptions, DocumentOptions);
        }
        catch (JsonException ex)
        {
            var where = ex.LineNumber is { } line ? $"line {line + 1}, column {ex.BytePositionInLine + 1}" : "JSON text";
            throw new InvalidInputException(file, where, "invalid JSON", $"well-formed JSON ({FirstSentence(ex.Message)})", ex);
        }

        if (node is not JsonObject root)
        {
            throw input.Error("$", node?.GetValueKind().ToString() ?? "null", "a JSON object at the top level");
        }

        return (input, root);
    }

    public InvalidInputException Error(string path, string? value, string expected) => new(File, path, value, expected);

    /// <summary>
    /// The first key that appears twice in one object of <paramref name="json"/>, with the JSON path
    /// of its second occurrence (<c>$.core.synapticOp.energyPj</c>), or null. Comments and trailing
    /// commas are allowed as in every input; text that is not well-formed JSON throws <see cref="JsonException"/>.
    /// </summary>
    public static (string Path, string Key)? FindDuplicateKey(string json)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(json);
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true, MaxDepth = DocumentOptions.MaxDepth });
        var frames = new Stack<(string Path, HashSet<string>? Keys, int Index)>();
        string? property = null;
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject or JsonTokenType.StartArray:
                    var path = frames.Count == 0 ? "$" : Child(frames, ref property);
                    frames.Push((path, reader.TokenType == JsonTokenType.StartObject ? new HashSet<string>(StringComparer.Ordinal) : null, 0));
                    break;
                case JsonTokenType.EndObject or JsonTokenType.EndArray:
                    frames.Pop();
                    break;
                case JsonTokenType.PropertyName:
                    property = reader.GetString()!;
                    var (objectPath, keys, _) = frames.Peek();
                    if (!keys!.Add(property))
                    {
                        return ($"{objectPath}.{property}", property);
                    }

                    break;
                default:
                    if (frames.Count > 0)
                    {
                        Child(frames, ref property);
                    }

                    break;
            }
        }

        return null;
    }

    /// <summary>The path of the value that starts now in the innermost container (advances an array's index).</summary>
    private static string Child(Stack<(string Path, HashSet<string>? Keys, int Index)> frames, ref string? property)
    {
        var (path, keys, index) = frames.Pop();
        string child;
        if (keys is not null)
        {
            child = $"{path}.{property}";
            property = null;
            frames.Push((path, keys, index));
        }
        else
        {
            child = $"{path}[{index}]";
            frames.Push((path, keys, index + 1));
        }

        return child;
    }

    /// <summary>Fails on any key of <paramref name="obj"/> that is not in <paramref name="allowed"/> (typos are errors).</summary>
    public void RejectUnknownKeys(JsonObject obj, string path, params string[] allowed)
    {
        foreach (var (key, _) in obj)
        {
            if (!allowed.Contains(key, StringComparer.Ordinal))
            {
                throw Error($"{path}.{key}", "an unknown key", $"one of: {string.Join(", ", allowed)}");
            }
        }
    }

    public JsonNode Required(JsonObject obj, string path, string key)
    {
        if (!obj.TryGetPropertyValue(key, out var node) || node is null)
        {
            throw Error($"{path}.{key}", obj.ContainsKey(key) ? "null" : "missing", "a value (this field is required)");
        }

        return node;
    }

    public string RequiredString(JsonObject obj, string path, string key) => AsString(Required(obj, path, key), $"{path}.{key}");

    public string? OptionalString(JsonObject obj, string path, string key) =>
        obj.TryGetPropertyValue(key, out var node) && node is not null ? AsString(node, $"{path}.{key}") : null;

    public JsonObject RequiredObject(JsonObject obj, string path, string key) => AsObject(Required(obj, path, key), $"{path}.{key}");

    public JsonObject? OptionalObject(JsonObject obj, string path, string key) =>
        obj.TryGetPropertyValue(key, out var node) && node is not null ? AsObject(node, $"{path}.{key}") : null;

    public JsonArray RequiredArray(JsonObject obj, string path, string key) => AsArray(Required(obj, path, key), $"{path}.{key}");

    public JsonArray? OptionalArray(JsonObject obj, string path, string key) =>
        obj.TryGetPropertyValue(key, out var node) && node is not null ? AsArray(node, $"{path}.{key}") : null;

    public double RequiredNumber(JsonObject obj, string path, string key) => AsNumber(Required(obj, path, key), $"{path}.{key}");

    public double? OptionalNumber(JsonObject obj, string path, string key) =>
        obj.TryGetPropertyValue(key, out var node) && node is not null ? AsNumber(node, $"{path}.{key}") : null;

    public int RequiredInt(JsonObject obj, string path, string key) => AsInt(Required(obj, path, key), $"{path}.{key}");

    public int? OptionalInt(JsonObject obj, string path, string key) =>
        obj.TryGetPropertyValue(key, out var node) && node is not null ? AsInt(node, $"{path}.{key}") : null;

    public bool? OptionalBool(JsonObject obj, string path, string key)
    {
        if (!obj.TryGetPropertyValue(key, out var node) || node is null)
        {
            return null;
        }

        if (node.GetValueKind() is JsonValueKind.True or JsonValueKind.False)
        {
            return node.GetValue<bool>();
        }

        throw Error($"{path}.{key}", Show(node), "true or false");
    }

    public string AsString(JsonNode node, string path) =>
        node.GetValueKind() == JsonValueKind.String ? node.GetValue<string>() : throw Error(path, Show(node), "a string");

    public JsonObject AsObject(JsonNode node, string path) => node as JsonObject ?? throw Error(path, Show(node), "a JSON object");

    public JsonArray AsArray(JsonNode node, string path) => node as JsonArray ?? throw Error(path, Show(node), "a JSON array");

    /// <summary>A finite number (NaN and infinities, which JSON cannot hold but strings might, are rejected).</summary>
    public double AsNumber(JsonNode node, string path)
    {
        if (node.GetValueKind() != JsonValueKind.Number)
        {
            throw Error(path, Show(node), "a number");
        }

        var value = node.GetValue<double>();
        if (!double.IsFinite(value))
        {
            throw Error(path, Show(node), "a finite number");
        }

        return value;
    }

    public int AsInt(JsonNode node, string path)
    {
        var value = AsNumber(node, path);
        if (value != Math.Floor(value) || value < int.MinValue || value > int.MaxValue)
        {
            throw Error(path, Show(node), "an integer");
        }

        return (int)value;
    }

    /// <summary>A short rendering of a value for messages.</summary>
    public static string Show(JsonNode? node)
    {
        if (node is null)
        {
            return "null";
        }

        var text = node.GetValueKind() switch
        {
            JsonValueKind.Object => "an object",
            JsonValueKind.Array => $"an array of {((JsonArray)node).Count}",
            _ => node.ToJsonString(),
        };
        return text.Length > 60 ? text[..57] + "..." : text;
    }

    public static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(". ", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }
}
