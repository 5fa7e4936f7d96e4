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
        var reader = new NirFileReader(path);
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

        var graph = reader.ReadGraph(nodeGroup, "/node");
        reader.ReadMatrices();
        return new NirDocument(version, graph, path);
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
}
