using Neuromorphic.Core.Errors;
using Neuromorphic.Core.IO;
using PureHDF;
using PureHDF.Filters;
using PureHDF.VOL.Native;

namespace Neuromorphic.Nir;

/// <summary>
/// Reads and writes NIR files: HDF5 with <c>/version</c> (a string) and the top-level graph in the
/// group <c>/node</c> (<c>type</c> = "NIRGraph", <c>nodes/&lt;name&gt;/…</c>, <c>edges</c> = an (E, 2)
/// dataset of strings, optional <c>metadata/</c>), as NIR's <c>nir.write</c> lays them out.
/// PureHDF reads the gzip (deflate) filter and the variable-length UTF-8 strings h5py writes; we
/// write variable-length strings and gzip (zlib's default level) numeric arrays of 64 values or more, like <c>nir.write</c>.
/// Every problem is an <see cref="InvalidInputException"/> naming the file and the HDF5 path.
/// </summary>
public static class NirFile
{
    /// <summary>The NIR version we write (the layout of NIR 1.0's <c>nir.write</c>).</summary>
    public const string WrittenVersion = "1.0.0";

    private const int CompressFromCount = 64;

    public static NirDocument Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new InvalidInputException(path, null, null, "an existing NIR file (HDF5)");
        }

        NativeFile file;
        try
        {
            file = H5File.OpenRead(path);
        }
        catch (Exception ex) when (ex is not InvalidInputException)
        {
            throw new InvalidInputException(path, null, "a file that is not HDF5", $"a NIR file (HDF5; {ex.Message})", ex);
        }

        using (file)
        {
            try
            {
                return ReadDocument(file, path);
            }
            catch (Exception ex) when (ex is not InvalidInputException)
            {
                throw new InvalidInputException(path, null, "an unreadable HDF5 file", $"a complete NIR file ({ex.Message})", ex);
            }
        }
    }

    private static NirDocument ReadDocument(NativeFile file, string path)
    {
        var reader = new Reader(path);
        var version = "";
        if (file.LinkExists("version"))
        {
            version = reader.ReadText(file.Dataset("version"), "/version");
        }

        if (!file.LinkExists("node"))
        {
            throw new InvalidInputException(path, "/node", "missing", "a group /node holding the NIR graph (is this a NIR file?)");
        }

        if (reader.Get(file, "node", "/node") is not IH5Group nodeGroup)
        {
            throw new InvalidInputException(path, "/node", "a dataset", "a group holding the NIR graph");
        }

        var type = reader.ReadType(nodeGroup, "/node");
        if (type != NirTypes.Graph)
        {
            throw new InvalidInputException(path, "/node/type", $"\"{type}\"", $"\"{NirTypes.Graph}\" (the top-level node is a graph)");
        }

        return new NirDocument(version, reader.ReadGraph(nodeGroup, "/node"), path);
    }

    /// <summary>Writes <paramref name="document"/> to <paramref name="path"/> atomically (temporary file, then rename).</summary>
    public static void Write(NirDocument document, string path)
    {
        var file = new H5File
        {
            ["version"] = string.IsNullOrEmpty(document.Version) ? WrittenVersion : document.Version,
            ["node"] = GraphGroup(document.Root),
        };

        // PureHDF needs a readable and seekable stream; write in memory, then atomically to disk.
        using var memory = new MemoryStream();
        file.Write(memory);
        AtomicFile.WriteAllBytes(path, memory.GetBuffer().AsSpan(0, (int)memory.Length));
    }

    private static H5Group GraphGroup(NirGraph graph)
    {
        var nodes = new H5Group();
        foreach (var node in graph.Nodes)
        {
            nodes[node.Name] = NodeGroup(node);
        }

        var edges = new string[graph.Edges.Count, 2];
        for (var i = 0; i < graph.Edges.Count; i++)
        {
            edges[i, 0] = graph.Edges[i].From;
            edges[i, 1] = graph.Edges[i].To;
        }

        var group = new H5Group
        {
            ["type"] = NirTypes.Graph,
            ["nodes"] = nodes,
            ["edges"] = edges,
        };
        AddMetadata(group, graph.Metadata);
        return group;
    }

    private static H5Group NodeGroup(NirNode node)
    {
        if (node.Graph is { } graph)
        {
            return GraphGroup(graph);
        }

        var group = new H5Group { ["type"] = node.Type };
        foreach (var (name, array) in node.Parameters)
        {
            group[name] = Dataset(array);
        }

        foreach (var (name, text) in node.TextParameters)
        {
            group[name] = text;
        }

        AddMetadata(group, node.Metadata);
        return group;
    }

    private static void AddMetadata(H5Group group, Dictionary<string, NirMetadataValue> metadata)
    {
        if (metadata.Count == 0)
        {
            return;
        }

        var meta = new H5Group();
        foreach (var (key, value) in metadata)
        {
            meta[key] = value switch
            {
                { Text: { } text } => text,
                { Texts: { } texts } => texts.ToArray(),
                { Numbers: { } numbers } => Dataset(numbers),
                _ => throw new ArgumentException($"metadata {key} is empty"),
            };
        }

        group["metadata"] = meta;
    }

    private static object Dataset(NirArray array)
    {
        if (array.Rank == 0)
        {
            return array.ElementType switch
            {
                NirElementType.Float32 => (float)array.Values[0],
                NirElementType.Int64 => (long)array.Values[0],
                _ => array.Values[0],
            };
        }

        object data = array.ElementType switch
        {
            NirElementType.Float32 => array.Values.Select(v => (float)v).ToArray(),
            NirElementType.Int64 => array.Values.Select(v => (long)v).ToArray(),
            _ => array.Values.ToArray(),
        };
        var dims = array.Shape.Select(d => (ulong)d).ToArray();
        if (array.Count < CompressFromCount)
        {
            return new H5Dataset(data, fileDims: dims);
        }

        var deflate = new H5Filter(DeflateFilter.Id, new Dictionary<string, object> { [DeflateFilter.COMPRESSION_LEVEL] = -1 });
        return new H5Dataset(data, fileDims: dims, chunks: dims.Select(d => (uint)d).ToArray(),
            datasetCreation: new H5DatasetCreation(Filters: [deflate]));
    }

    /// <summary>Reading with every failure turned into a message that names the file and the HDF5 path.</summary>
    private sealed class Reader(string file)
    {
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
                    case IH5Dataset dataset:
                        node.Parameters[key] = ReadNumbers(dataset, childPath);
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

        public NirArray ReadNumbers(IH5Dataset dataset, string path)
        {
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
}
