using System.Text.Json;

namespace Neuromorphic.Traces.Analysis;

/// <summary>A named range of global neuron indices, in network-file order.</summary>
public sealed record PopulationRange(string Name, int Start, int Size);

/// <summary>
/// The conventional keys of a trace header's metadata JSON that exports and plots use:
/// <c>populations</c> (array of <c>{name, size}</c> in global neuron order) and <c>coresPerTile</c>.
/// Missing or malformed keys are simply absent: metadata is free-form.
/// </summary>
public sealed class TraceMetadata
{
    private TraceMetadata(IReadOnlyList<PopulationRange> populations, int? coresPerTile)
    {
        Populations = populations;
        CoresPerTile = coresPerTile;
    }

    public IReadOnlyList<PopulationRange> Populations { get; }

    public int? CoresPerTile { get; }

    public static TraceMetadata Parse(string metadataJson)
    {
        var populations = new List<PopulationRange>();
        int? coresPerTile = null;
        try
        {
            using var doc = JsonDocument.Parse(metadataJson);
            if (doc.RootElement.ValueKind == JsonValueKind.Object)
            {
                if (doc.RootElement.TryGetProperty("populations", out var array) && array.ValueKind == JsonValueKind.Array)
                {
                    var start = 0;
                    foreach (var item in array.EnumerateArray())
                    {
                        if (item.ValueKind != JsonValueKind.Object || !item.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String
                            || !item.TryGetProperty("size", out var size) || !size.TryGetInt32(out var count) || count < 0)
                        {
                            populations.Clear();
                            break;
                        }

                        populations.Add(new PopulationRange(name.GetString()!, start, count));
                        start += count;
                    }
                }

                if (doc.RootElement.TryGetProperty("coresPerTile", out var perTile) && perTile.TryGetInt32(out var value) && value > 0)
                {
                    coresPerTile = value;
                }
            }
        }
        catch (JsonException)
        {
        }

        return new TraceMetadata(populations, coresPerTile);
    }

    /// <summary>SANA-FE's neuron name <c>group.offset</c> when populations are known, the global index otherwise.</summary>
    public string NeuronName(int neuron)
    {
        foreach (var population in Populations)
        {
            if (neuron >= population.Start && neuron < population.Start + population.Size)
            {
                return population.Name + "." + (neuron - population.Start).ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return neuron.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>SANA-FE's hardware name <c>tile.core</c> when cores per tile are known, the core index otherwise.</summary>
    public string CoreName(int core) =>
        CoresPerTile is { } perTile
            ? (core / perTile).ToString(System.Globalization.CultureInfo.InvariantCulture) + "." + (core % perTile).ToString(System.Globalization.CultureInfo.InvariantCulture)
            : core.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
