namespace Neuromorphic.Nir;

/// <summary>How the numbers of a <see cref="NirArray"/> are stored in the HDF5 file.</summary>
public enum NirElementType
{
    Float32,
    Float64,
    Int64,
}

/// <summary>
/// A numeric NIR parameter: the values in row-major (C) order and the shape (empty for a scalar).
/// Values are held as doubles whatever the file's type (float32, float64, integers of any width).
/// </summary>
public sealed class NirArray
{
    public NirArray(double[] values, long[] shape, NirElementType elementType = NirElementType.Float64)
    {
        long count = 1;
        foreach (var dimension in shape)
        {
            count *= dimension;
        }

        if (count != values.Length)
        {
            throw new ArgumentException($"{values.Length} values do not fill a shape of [{string.Join(", ", shape)}]");
        }

        Values = values;
        Shape = shape;
        ElementType = elementType;
    }

    public double[] Values { get; }

    /// <summary>The dimensions; empty for a scalar.</summary>
    public long[] Shape { get; }

    public NirElementType ElementType { get; }

    public int Count => Values.Length;

    public int Rank => Shape.Length;

    public static NirArray Scalar(double value, NirElementType type = NirElementType.Float64) => new([value], [], type);

    public static NirArray Vector(ReadOnlySpan<double> values, NirElementType type = NirElementType.Float64) =>
        new(values.ToArray(), [values.Length], type);

    public static NirArray Integers(params long[] values) => new(values.Select(v => (double)v).ToArray(), [values.Length], NirElementType.Int64);

    /// <summary>A [rows, columns] float32 matrix (row-major), as weights are stored.</summary>
    public static NirArray Matrix(ReadOnlySpan<float> values, int rows, int columns)
    {
        var copy = new double[values.Length];
        for (var i = 0; i < copy.Length; i++)
        {
            copy[i] = values[i];
        }

        return new NirArray(copy, [rows, columns], NirElementType.Float32);
    }

    public string ShapeText => Rank == 0 ? "a scalar" : $"shape [{string.Join(", ", Shape)}]";

    /// <summary>
    /// The values as their author wrote them: a float32 becomes the shortest decimal that gives it
    /// back (what numpy prints: 0.1f is 0.1, not 0.100000001490116), so that derived parameters such
    /// as τ/dt stay clean. Float64 and integer values are returned as they are.
    /// </summary>
    public double[] AsWritten()
    {
        if (ElementType != NirElementType.Float32)
        {
            return Values;
        }

        var result = new double[Values.Length];
        for (var i = 0; i < result.Length; i++)
        {
            var single = (float)Values[i];
            result[i] = float.IsFinite(single)
                ? double.Parse(single.ToString(System.Globalization.CultureInfo.InvariantCulture), System.Globalization.CultureInfo.InvariantCulture)
                : Values[i];
        }

        return result;
    }
}

/// <summary>A metadata entry: text, a list of texts, or numbers.</summary>
public sealed record NirMetadataValue(string? Text, IReadOnlyList<string>? Texts, NirArray? Numbers)
{
    public static NirMetadataValue Of(string text) => new(text, null, null);

    public static NirMetadataValue Of(IReadOnlyList<string> texts) => new(null, texts, null);

    public static NirMetadataValue Of(NirArray numbers) => new(null, null, numbers);
}

/// <summary>
/// One node of a NIR graph: its type ("LIF", "Affine", "NIRGraph", …), its numeric and text
/// parameters, its metadata, and for a "NIRGraph" the nested graph. <see cref="Path"/> is where it
/// lives in the HDF5 file (for messages), e.g. <c>/node/nodes/lif1</c>.
/// </summary>
public sealed class NirNode
{
    public NirNode(string name, string type, string path)
    {
        Name = name;
        Type = type;
        Path = path;
    }

    public string Name { get; }

    public string Type { get; }

    public string Path { get; }

    /// <summary>Numeric parameters by name (a dataset inside a sub-group is named "group/dataset").</summary>
    public Dictionary<string, NirArray> Parameters { get; } = new(StringComparer.Ordinal);

    /// <summary>Text parameters by name (e.g. a convolution's padding "same").</summary>
    public Dictionary<string, string> TextParameters { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, NirMetadataValue> Metadata { get; } = new(StringComparer.Ordinal);

    /// <summary>The nested graph of a "NIRGraph" node, null for other types.</summary>
    public NirGraph? Graph { get; init; }

    public override string ToString() => $"{Path} ({Type})";
}

/// <summary>A NIR graph: named nodes and directed edges (source, destination) between them.</summary>
public sealed class NirGraph
{
    public NirGraph(string path)
    {
        Path = path;
    }

    /// <summary>The HDF5 path of the graph's group, e.g. <c>/node</c>.</summary>
    public string Path { get; }

    /// <summary>The nodes, in the order the file lists them.</summary>
    public List<NirNode> Nodes { get; } = [];

    public List<(string From, string To)> Edges { get; } = [];

    public Dictionary<string, NirMetadataValue> Metadata { get; } = new(StringComparer.Ordinal);

    public NirNode? Find(string name) => Nodes.FirstOrDefault(n => n.Name == name);
}

/// <summary>A NIR file in memory: the format version and the top-level graph (HDF5 group <c>/node</c>).</summary>
public sealed class NirDocument
{
    public NirDocument(string version, NirGraph root, string file)
    {
        Version = version;
        Root = root;
        File = file;
    }

    /// <summary>The NIR version the file declares ("" when it has no <c>/version</c>).</summary>
    public string Version { get; }

    public NirGraph Root { get; }

    /// <summary>The file it was read from or is meant for (for messages).</summary>
    public string File { get; }
}
