using Neuromorphic.Core.Errors;
using PureHDF;

namespace Neuromorphic.Nir;

/// <summary>
/// Reading with every failure turned into a message that names the file and the HDF5 path. No
/// dataset is read before its declared size is checked: vectors and scalars against this machine's
/// memory, matrices (weights) — read last — against the sizes the graph implies: a dense matrix
/// between two populations has at most S × S values, S being the largest size any Input or Output
/// shape or neuron parameter of the file declares. A file that declares a 10^10-value weight for a
/// 38-neuron graph is refused before anything is allocated.
/// </summary>
internal sealed class NirFileReader(string file)
{
    private readonly List<(NirNode Node, string Key, IH5Dataset Dataset, string Path)> _matrices = [];
    private long _largestSize = 1;

    public IH5Object Get(IH5Group group, string name, string path)
    {
        try
        {
            return group.Get(name);
        }
        catch (Exception ex)
        {
            throw new InvalidInputException(file, path, "an unreadable object", $"a readable HDF5 group or dataset ({ex.Message})", ex);
        }
    }

    public string ReadType(IH5Group group, string path)
    {
        if (!group.LinkExists("type"))
        {
            throw new InvalidInputException(file, $"{path}/type", "missing", "a string dataset naming the node type (\"LIF\", \"Affine\", …)");
        }

        if (Get(group, "type", $"{path}/type") is not IH5Dataset dataset)
        {
            throw new InvalidInputException(file, $"{path}/type", "a group", "a string dataset naming the node type");
        }

        return ReadText(dataset, $"{path}/type");
    }

    public NirGraph ReadGraph(IH5Group group, string path)
    {
        var graph = new NirGraph(path);
        if (!group.LinkExists("nodes") || Get(group, "nodes", $"{path}/nodes") is not IH5Group nodes)
        {
            throw new InvalidInputException(file, $"{path}/nodes", "missing", "a group with one sub-group per node of the graph");
        }

        foreach (var child in Children(nodes, $"{path}/nodes"))
        {
            var childPath = $"{path}/nodes/{child.Name}";
            if (child is not IH5Group nodeGroup)
            {
                throw new InvalidInputException(file, childPath, "a dataset", "a group describing one node");
            }

            graph.Nodes.Add(ReadNode(nodeGroup, child.Name, childPath));
        }

        if (!group.LinkExists("edges") || Get(group, "edges", $"{path}/edges") is not IH5Dataset edges)
        {
            throw new InvalidInputException(file, $"{path}/edges", "missing", "an (E, 2) dataset of strings: the edges (source, destination)");
        }

        var dims = edges.Space.Dimensions;
        var count = dims.Aggregate(1UL, (a, b) => a * b);
        if (count > 0 && (dims.Length != 2 || dims[1] != 2))
        {
            throw new InvalidInputException(file, $"{path}/edges", $"shape [{string.Join(", ", dims)}]", "shape [E, 2]: one (source, destination) pair per edge");
        }

        var texts = count == 0 ? [] : ReadTexts(edges, $"{path}/edges");
        for (var i = 0; i + 1 < texts.Length; i += 2)
        {
            graph.Edges.Add((texts[i], texts[i + 1]));
        }

        ReadMetadata(group, path, graph.Metadata);
        return graph;
    }

    private NirNode ReadNode(IH5Group group, string name, string path)
    {
        var type = ReadType(group, path);
        if (type == NirTypes.Graph)
        {
            var nested = new NirNode(name, type, path) { Graph = ReadGraph(group, path) };
            return nested;
        }

        var node = new NirNode(name, type, path);
        ReadParameters(group, path, "", node);
        ReadMetadata(group, path, node.Metadata);
        return node;
    }

    private void ReadParameters(IH5Group group, string path, string prefix, NirNode node)
    {
        foreach (var child in Children(group, path))
        {
            var key = prefix + child.Name;
            var childPath = $"{path}/{child.Name}";
            if (prefix.Length == 0 && (child.Name == "type" || child.Name == "metadata"))
            {
                continue;
            }

            switch (child)
            {
                case IH5Group sub:
                    ReadParameters(sub, childPath, key + "/", node);
                    break;
                case IH5Dataset dataset when IsText(dataset):
                    var texts = ReadTexts(dataset, childPath);
                    node.TextParameters[key] = string.Join(",", texts);
                    break;
                case IH5Dataset dataset when dataset.Space.Rank >= 2 && node.Type is NirTypes.Affine or NirTypes.Linear or NirTypes.Conv1d or NirTypes.Conv2d:
                    _matrices.Add((node, key, dataset, childPath));
                    break;
                case IH5Dataset dataset:
                    var numbers = ReadNumbers(dataset, childPath);
                    node.Parameters[key] = numbers;
                    NoteSize(node, key, numbers);
                    break;
            }
        }
    }

    private void ReadMetadata(IH5Group group, string path, Dictionary<string, NirMetadataValue> metadata)
    {
        if (!group.LinkExists("metadata") || Get(group, "metadata", $"{path}/metadata") is not IH5Group meta)
        {
            return;
        }

        foreach (var child in Children(meta, $"{path}/metadata"))
        {
            if (child is not IH5Dataset dataset)
            {
                continue;
            }

            var childPath = $"{path}/metadata/{child.Name}";
            if (IsText(dataset))
            {
                var texts = ReadTexts(dataset, childPath);
                metadata[child.Name] = dataset.Space.Rank == 0 ? NirMetadataValue.Of(texts[0]) : NirMetadataValue.Of(texts);
            }
            else if (IsNumeric(dataset))
            {
                metadata[child.Name] = NirMetadataValue.Of(ReadNumbers(dataset, childPath));
            }
        }
    }

    private IEnumerable<IH5Object> Children(IH5Group group, string path)
    {
        try
        {
            return group.Children().ToList();
        }
        catch (Exception ex)
        {
            throw new InvalidInputException(file, path, "an unreadable group", $"a readable HDF5 group ({ex.Message})", ex);
        }
    }

    /// <summary>Fixed-length strings, or variable-length ones (h5py's <c>string_dtype()</c>, which NIR uses).</summary>
    private static bool IsText(IH5Dataset dataset) =>
        dataset.Type.Class is H5DataTypeClass.String or H5DataTypeClass.VariableLength;

    private static bool IsNumeric(IH5Dataset dataset) =>
        dataset.Type.Class is H5DataTypeClass.FloatingPoint or H5DataTypeClass.FixedPoint;

    public string ReadText(IH5Dataset dataset, string path)
    {
        var texts = ReadTexts(dataset, path);
        if (texts.Length != 1)
        {
            throw new InvalidInputException(file, path, $"{texts.Length} strings", "one string");
        }

        return texts[0];
    }

    public string[] ReadTexts(IH5Dataset dataset, string path)
    {
        if (!IsText(dataset))
        {
            throw new InvalidInputException(file, path, $"a {dataset.Type.Class} dataset", "strings");
        }

        try
        {
            return dataset.Space.Rank == 0 ? [dataset.Read<string>()] : dataset.Read<string[]>();
        }
        catch (Exception ex)
        {
            throw new InvalidInputException(file, path, "unreadable strings", $"readable strings ({ex.Message})", ex);
        }
    }

    /// <summary>Reads the matrices deferred by <see cref="ReadGraph"/>, each after checking its size against the graph's.</summary>
    public void ReadMatrices()
    {
        foreach (var (node, key, dataset, path) in _matrices)
        {
            var count = DeclaredCount(dataset);
            var bound = _largestSize > 3_037_000_499 ? long.MaxValue : _largestSize * _largestSize;
            if (count > bound)
            {
                throw new InvalidInputException(file, path, $"shape [{string.Join(", ", dataset.Space.Dimensions)}] ({Count(count)} values)",
                    $"at most {_largestSize:N0} × {_largestSize:N0} = {bound:N0} values: no population of this graph is larger than {_largestSize:N0} (the largest size its Input and Output shapes and neuron parameters declare)");
            }

            node.Parameters[key] = ReadNumbers(dataset, path);
        }

        _matrices.Clear();
    }

    /// <summary>Sizes the graph declares: Input/Output shapes (their product) and the lengths of neuron parameter vectors.</summary>
    private void NoteSize(NirNode node, string key, NirArray numbers)
    {
        long size = numbers.Count;
        if (key == "shape" && node.Type is NirTypes.Input or NirTypes.Output)
        {
            size = 1;
            foreach (var value in numbers.Values)
            {
                size = value is >= 1 and <= int.MaxValue ? Math.Min(int.MaxValue, size * (long)value) : size;
            }
        }

        _largestSize = Math.Max(_largestSize, size);
    }

    private static long DeclaredCount(IH5Dataset dataset)
    {
        var count = 1UL;
        foreach (var dimension in dataset.Space.Rank == 0 ? [] : dataset.Space.Dimensions)
        {
            if (dimension != 0 && count > ulong.MaxValue / dimension)
            {
                return long.MaxValue;
            }

            count *= dimension;
        }

        return count > long.MaxValue ? long.MaxValue : (long)count;
    }

    private static string Count(long count) => count == long.MaxValue ? "more than 9.2e18" : count.ToString("N0", System.Globalization.CultureInfo.InvariantCulture);

    public NirArray ReadNumbers(IH5Dataset dataset, string path)
    {
        var declared = DeclaredCount(dataset);
        if (declared > Array.MaxLength)
        {
            throw new InvalidInputException(file, path, $"shape [{string.Join(", ", dataset.Space.Dimensions)}] ({Count(declared)} values)",
                $"at most {Array.MaxLength:N0} values in one dataset");
        }

        MemoryBudget.Check(declared * sizeof(double), file, path, $"a dataset of {Count(declared)} values");
        var type = dataset.Type;
        var shape = dataset.Space.Rank == 0 ? [] : dataset.Space.Dimensions.Select(d => (long)d).ToArray();
        try
        {
            return (type.Class, type.Size) switch
            {
                (H5DataTypeClass.FloatingPoint, 4) => new NirArray(Widen(Read<float>(dataset)), shape, NirElementType.Float32),
                (H5DataTypeClass.FloatingPoint, 8) => new NirArray(Read<double>(dataset), shape, NirElementType.Float64),
                (H5DataTypeClass.FixedPoint, _) => new NirArray(ReadIntegers(dataset, type), shape, NirElementType.Int64),
                _ => throw new InvalidInputException(file, path, $"a {type.Class} dataset of {type.Size} bytes", "numbers (floating point or integers)"),
            };
        }
        catch (Exception ex) when (ex is not InvalidInputException)
        {
            throw new InvalidInputException(file, path, "unreadable numbers", $"a readable numeric dataset ({ex.Message})", ex);
        }
    }

    private static T[] Read<T>(IH5Dataset dataset) where T : unmanaged =>
        dataset.Space.Rank == 0 ? [dataset.Read<T>()] : dataset.Read<T[]>();

    private static double[] ReadIntegers(IH5Dataset dataset, IH5DataType type)
    {
        var signed = type.FixedPoint.IsSigned;
        return type.Size switch
        {
            1 => signed ? Widen(Read<sbyte>(dataset)) : Widen(Read<byte>(dataset)),
            2 => signed ? Widen(Read<short>(dataset)) : Widen(Read<ushort>(dataset)),
            4 => signed ? Widen(Read<int>(dataset)) : Widen(Read<uint>(dataset)),
            8 => signed ? Widen(Read<long>(dataset)) : Widen(Read<ulong>(dataset)),
            _ => throw new NotSupportedException($"integers of {type.Size} bytes"),
        };
    }

    private static double[] Widen<T>(T[] values) where T : unmanaged, IConvertible
    {
        var result = new double[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            result[i] = values[i].ToDouble(System.Globalization.CultureInfo.InvariantCulture);
        }

        return result;
    }
}
