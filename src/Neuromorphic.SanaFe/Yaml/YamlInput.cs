using System.Globalization;
using System.Text.RegularExpressions;
using Neuromorphic.Core.Errors;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Neuromorphic.SanaFe.Yaml;

/// <summary>One attribute: its key, its value node and the YAML path of the value.</summary>
internal readonly record struct YamlAttribute(string Key, YamlNode Value, string Path);

/// <summary>
/// A YAML file read with YamlDotNet's representation model, with errors that name the file, the
/// YAML path (<c>architecture.tile[0].core[1].soma[0].attributes.model</c>) and its line, the bad
/// value and what was expected. Scalars are typed as SANA-FE types them: integer, then number, then
/// boolean, else text.
/// </summary>
internal sealed partial class YamlInput
{
    private YamlInput(string file, YamlNode root)
    {
        File = file;
        Root = root;
    }

    public string File { get; }

    public YamlNode Root { get; }

    public static YamlInput Load(string path)
    {
        string text;
        try
        {
            text = System.IO.File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InvalidInputException(path, null, null, $"a readable YAML file ({ex.Message})");
        }

        return Parse(text, path);
    }

    public static YamlInput Parse(string text, string file)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException ex)
        {
            var message = ex.InnerException is { } inner && ex.Message.Contains("Exception during deserialization", StringComparison.Ordinal) ? inner.Message : ex.Message;
            message = StripMark().Replace(message, "").Trim();
            throw new InvalidInputException(file, $"line {ex.Start.Line}, column {ex.Start.Column}", null, $"well-formed YAML ({message})", ex);
        }
        catch (ArgumentException ex)
        {
            // YamlDotNet reports a repeated key of a mapping this way.
            throw new InvalidInputException(file, null, null, $"well-formed YAML without repeated keys ({ex.Message})", ex);
        }

        if (stream.Documents.Count == 0)
        {
            throw new InvalidInputException(file, null, "an empty file", "a YAML document");
        }

        return new YamlInput(file, stream.Documents[0].RootNode);
    }

    [GeneratedRegex(@"\(Line: \d+, Col: \d+, Idx: \d+\) - \(Line: \d+, Col: \d+, Idx: \d+\):?")]
    private static partial Regex StripMark();

    /// <summary>A bad-input error at <paramref name="path"/>, with the node's line.</summary>
    public InvalidInputException Error(YamlNode? node, string path, string? value, string expected) =>
        new(File, node is null ? path : $"{path} (line {node.Start.Line})", value, expected);

    public static string Show(YamlNode node) => node switch
    {
        YamlScalarNode s => s.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted ? $"\"{s.Value}\"" : s.Value ?? "null",
        YamlSequenceNode q => $"a list of {q.Children.Count}",
        YamlMappingNode => "a mapping",
        _ => node.NodeType.ToString(),
    };

    public YamlMappingNode Mapping(YamlNode node, string path) =>
        node as YamlMappingNode ?? throw Error(node, path, Show(node), "a mapping (key: value)");

    public static YamlNode? Child(YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    public YamlNode Required(YamlMappingNode map, string path, string key) =>
        Child(map, key) ?? throw Error(map, $"{path}.{key}", null, $"the key '{key}'");

    /// <summary>One entry or a list of entries, with their paths.</summary>
    public static IEnumerable<(YamlNode Node, string Path)> OneOrList(YamlNode node, string path) =>
        node is YamlSequenceNode seq ? seq.Children.Select((n, i) => (n, $"{path}[{i}]")) : [(node, path)];

    /// <summary>
    /// Attributes as SANA-FE reads them: a mapping, or a list of single-key mappings flattened in
    /// order (<c>[a: 1, b: 2]</c>); null or absent gives none.
    /// </summary>
    public List<YamlAttribute> Attributes(YamlNode? node, string path)
    {
        var result = new List<YamlAttribute>();
        switch (node)
        {
            case null:
                break;
            case YamlScalarNode s when IsNull(s):
                break;
            case YamlMappingNode map:
                foreach (var (k, v) in map.Children)
                {
                    var key = Key(k, path);
                    result.Add(new YamlAttribute(key, v, $"{path}.{key}"));
                }

                break;
            case YamlSequenceNode seq:
                for (var i = 0; i < seq.Children.Count; i++)
                {
                    var entry = seq.Children[i] as YamlMappingNode
                        ?? throw Error(seq.Children[i], $"{path}[{i}]", Show(seq.Children[i]), "a single-key mapping (key: value)");
                    foreach (var (k, v) in entry.Children)
                    {
                        var key = Key(k, $"{path}[{i}]");
                        result.Add(new YamlAttribute(key, v, $"{path}[{i}].{key}"));
                    }
                }

                break;
            default:
                throw Error(node, path, Show(node), "attributes: a mapping or a list of single-key mappings");
        }

        return result;
    }

    public string Key(YamlNode key, string path) =>
        key is YamlScalarNode s && s.Value is not null ? s.Value : throw Error(key, path, Show(key), "a plain key");

    public static bool IsNull(YamlScalarNode s) => s.Style == ScalarStyle.Plain && s.Value is "" or "~" or "null" or "Null" or "NULL";

    public string Text(YamlNode node, string path) =>
        node is YamlScalarNode { Value: { } v } s && !IsNull(s) ? v : throw Error(node, path, Show(node), "a text value");

    public double Number(YamlNode node, string path)
    {
        if (node is YamlScalarNode { Value: { } v } s && s.Style == ScalarStyle.Plain
            && double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d))
        {
            return d;
        }

        throw Error(node, path, Show(node), "a finite number");
    }

    public int Int(YamlNode node, string path)
    {
        if (node is YamlScalarNode { Value: { } v } s && s.Style == ScalarStyle.Plain
            && int.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var i))
        {
            return i;
        }

        throw Error(node, path, Show(node), "an integer (written without a decimal point, as SANA-FE requires)");
    }

    public bool Bool(YamlNode node, string path)
    {
        if (node is YamlScalarNode { Value: { } v } s && s.Style == ScalarStyle.Plain)
        {
            switch (v)
            {
                case "true" or "True" or "TRUE" or "1":
                    return true;
                case "false" or "False" or "FALSE" or "0":
                    return false;
            }
        }

        throw Error(node, path, Show(node), "true or false");
    }

    /// <summary>
    /// SANA-FE's range syntax: <c>name[A..B]</c> gives name[A] … name[B]; a name without a range is
    /// one name, returned as is when <paramref name="alwaysIndex"/> is false, else as <c>name[0]</c>.
    /// </summary>
    public List<string> NameRange(YamlNode node, string path, bool alwaysIndex)
    {
        var text = Text(node, path);
        var match = NameRangePattern().Match(text);
        if (match.Success)
        {
            var (first, last) = Bounds(node, path, match.Groups[2].Value, match.Groups[3].Value);
            return Enumerable.Range(first, last - first + 1).Select(i => $"{match.Groups[1].Value}[{i}]").ToList();
        }

        if (text.Contains('[') || text.Contains(']'))
        {
            throw Error(node, path, $"\"{text}\"", "a name, or a range such as name[0..3]");
        }

        return [alwaysIndex ? $"{text}[0]" : text];
    }

    /// <summary>An id or an inclusive id range <c>A..B</c> (SANA-FE's neuron ids).</summary>
    public (int First, int Last) IdRange(string text, YamlNode node, string path)
    {
        var match = IdRangePattern().Match(text);
        if (match.Success)
        {
            return Bounds(node, path, match.Groups[1].Value, match.Groups[2].Value);
        }

        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            return (id, id);
        }

        throw Error(node, path, $"\"{text}\"", "a neuron id (0, 1, …) or a range A..B");
    }

    private (int, int) Bounds(YamlNode node, string path, string a, string b)
    {
        var first = int.Parse(a, CultureInfo.InvariantCulture);
        var last = int.Parse(b, CultureInfo.InvariantCulture);
        if (last < first || last - first >= 10_000_000)
        {
            throw Error(node, path, $"{a}..{b}", "a range A..B with A ≤ B");
        }

        return (first, last);
    }

    [GeneratedRegex(@"^(.*)\[(\d{1,9})\.\.(\d{1,9})\]$")]
    private static partial Regex NameRangePattern();

    [GeneratedRegex(@"^\[?(\d{1,9})\.\.(\d{1,9})\]?$")]
    private static partial Regex IdRangePattern();
}
