using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Neuromorphic.Core.IO;

/// <summary>
/// Pretty-prints JSON for people: two-space indentation, and arrays of plain numbers or strings on
/// one line, so that a per-neuron parameter does not take one line per neuron. Output uses '\n'
/// line endings and is byte-identical for equal trees.
/// </summary>
public static class JsonText
{
    public static string Format(JsonNode node)
    {
        var sb = new StringBuilder();
        Write(sb, node, 0);
        sb.Append('\n');
        return sb.ToString();
    }

    private static void Write(StringBuilder sb, JsonNode? node, int indent)
    {
        switch (node)
        {
            case null:
                sb.Append("null");
                break;
            case JsonObject obj:
                if (obj.Count == 0)
                {
                    sb.Append("{}");
                    break;
                }

                sb.Append("{\n");
                var i = 0;
                foreach (var (key, value) in obj)
                {
                    sb.Append(' ', indent + 2).Append(JsonSerializer.Serialize(key)).Append(": ");
                    Write(sb, value, indent + 2);
                    sb.Append(++i < obj.Count ? ",\n" : "\n");
                }

                sb.Append(' ', indent).Append('}');
                break;
            case JsonArray array:
                if (array.All(e => e is JsonValue))
                {
                    sb.Append('[');
                    for (var k = 0; k < array.Count; k++)
                    {
                        if (k > 0)
                        {
                            sb.Append(", ");
                        }

                        sb.Append(array[k]!.ToJsonString());
                    }

                    sb.Append(']');
                    break;
                }

                sb.Append("[\n");
                for (var k = 0; k < array.Count; k++)
                {
                    sb.Append(' ', indent + 2);
                    Write(sb, array[k], indent + 2);
                    sb.Append(k + 1 < array.Count ? ",\n" : "\n");
                }

                sb.Append(' ', indent).Append(']');
                break;
            default:
                sb.Append(node.ToJsonString());
                break;
        }
    }
}
