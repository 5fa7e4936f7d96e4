using System.Globalization;
using Neuromorphic.Core.Errors;
using Neuromorphic.Core.Networks;

namespace Neuromorphic.Nir;

/// <summary>
/// Builds a <c>neuromorphic.network/1</c> network from a NIR graph (README: "Import").
/// Nested graphs are flattened ("lif1" containing "lif" becomes "lif1.lif"); every top-level Input
/// becomes an <c>input</c> population and every spiking node (LIF, IF, CubaLIF, Threshold, or an I/LI
/// feeding a single IF/LIF) a <c>cuba-lif</c> population; the linear nodes between two populations
/// (Affine, Linear, Scale, through Flatten, Delay 0 and nested Input/Output) compose into one dense
/// projection, their biases into a constant input. Everything else is rejected with the node's
/// HDF5 path and the reason.
/// </summary>
public static partial class NirImporter
{
    public static NirImportResult Import(string path, NirImportOptions? options = null) => Import(NirFile.Read(path), options);

    public static NirImportResult Import(NirDocument document, NirImportOptions? options = null)
    {
        // A graph without edges has nodes that nothing connects: importing it would give populations
        // that never receive or send a spike, silently. Refused rather than warned about.
        if (document.Root.Edges.Count == 0)
        {
            throw new InvalidInputException(document.File, $"{document.Root.Path}/edges", $"no edges between its {document.Root.Nodes.Count} node(s)",
                "at least one edge (source, destination): a graph whose nodes are not connected describes no network");
        }

        return new Builder(document, options ?? new NirImportOptions()).Run();
    }

    private enum Role
    {
        Source,
        Sink,
        PassThrough,
        Linear,
        Spiking,
        Filter,
    }

    /// <summary>A node of the flattened graph.</summary>
    private sealed class Flat(string name, NirNode node, Role role)
    {
        public string Name { get; } = name;
        public NirNode Node { get; } = node;
        public Role Role { get; } = role;
        public List<int> Out { get; } = [];
        public List<int> In { get; } = [];

        /// <summary>Neurons (populations), values (sinks, pass-throughs when known), or outputs (linear nodes); −1 when unknown.</summary>
        public int Size { get; set; } = -1;

        /// <summary>Inputs a linear or pass-through node expects; −1 when unknown.</summary>
        public int InSize { get; set; } = -1;

        public double[]? Weights { get; set; }
        public double[]? Bias { get; set; }
        public double[]? Scale { get; set; }

        /// <summary>For a filter: the spiking node it is fused into. For a spiking node: its filter. −1 if none.</summary>
        public int Partner { get; set; } = -1;
    }

    private sealed class Accumulated(int source, int target, int rows, int columns)
    {
        public int Source { get; } = source;
        public int Target { get; } = target;
        public double[] Sum { get; } = new double[rows * columns];
        public int Paths { get; set; }
        public List<string> LinearNodes { get; } = [];
    }

    private sealed partial class Builder(NirDocument document, NirImportOptions options)
    {
        private readonly NirDocument _document = document;
        private readonly NirImportOptions _options = options;
        private readonly string _file = document.File;
        private readonly List<Flat> _nodes = [];
        private readonly Dictionary<string, int> _byName = new(StringComparer.Ordinal);
        private readonly List<(int From, int To)> _links = [];
        private readonly List<(int Depth, int From, int To)> _pendingLinks = [];
        private readonly List<NirNode> _unsupported = [];
        private readonly List<string> _notes = [];
        private readonly Dictionary<(int, int), Accumulated> _projections = [];
        private readonly List<Accumulated> _projectionOrder = [];
        private readonly Dictionary<int, double[]> _inputBias = [];
        private readonly Dictionary<int, List<int>> _sinkSources = [];

        public NirImportResult Run()
        {
            var (dt, dtSource) = ResolveDt();
            Flatten(_document.Root, "", depth: 0);

            // Outer graphs' edges first, each graph's in file order: this order decides the order of projections.
            foreach (var (_, from, to) in _pendingLinks.OrderBy(l => l.Depth))
            {
                Link(from, to);
            }

            if (_unsupported.Count > 0)
            {
                var first = _unsupported[0];
                var others = _unsupported.Count > 1
                    ? $" (also {string.Join(", ", _unsupported.Skip(1).Select(n => $"{n.Path} {n.Type}"))})"
                    : "";
                throw new InvalidInputException(_file, first.Path, $"a {first.Type} node{others}",
                    "node types the network format can express: its projections are dense, so convolution and pooling " +
                    "(Conv1d, Conv2d, SumPool2d, AvgPool2d) are not supported");
            }

            Fuse();
            var order = PopulationOrder();
            if (order.Count == 0)
            {
                throw new InvalidInputException(_file, _document.Root.Path, "a graph without Input or spiking nodes", "at least one population (an Input, LIF, IF, CubaLIF or Threshold node)");
            }

            foreach (var (from, to) in _links)
            {
                if (order.Contains(from))
                {
                    Walk(from, to, LinearMap.Identity(_nodes[from].Size), [from], [], viaLinear: false);
                }
            }

            for (var i = 0; i < _nodes.Count; i++)
            {
                if (_nodes[i].Bias is { } bias && bias.Any(b => b != 0))
                {
                    foreach (var next in _nodes[i].Out)
                    {
                        WalkBias(next, bias, [i]);
                    }
                }
            }

            return Build(order, dt, dtSource);
        }

        private (double Dt, string Source) ResolveDt()
        {
            if (_options.Dt is { } dt)
            {
                if (!(dt > 0) || !double.IsFinite(dt))
                {
                    throw new InvalidInputException(null, "--dt", NirNeuron.Text(dt), "a positive step in the file's time unit (seconds in most NIR files)");
                }

                return (dt, "option");
            }

            if (_document.Root.Metadata.TryGetValue(NirImportOptions.DtMetadataKey, out var meta) && meta.Numbers is { Count: 1 } numbers)
            {
                var fileDt = numbers.Values[0];
                if (!(fileDt > 0) || !double.IsFinite(fileDt))
                {
                    throw new InvalidInputException(_file, $"{_document.Root.Path}/metadata/{NirImportOptions.DtMetadataKey}", NirNeuron.Text(fileDt), "a positive step");
                }

                return (fileDt, "file metadata");
            }

            return (NirImportOptions.DefaultDt, "default");
        }
    }

    /// <summary>A scalar when every neuron has the same value, else one value per neuron; values are tidied (see <see cref="Tidy"/>) unless told not to.</summary>
    internal static PerNeuron Collapse(ReadOnlySpan<double> values, bool tidied = true)
    {
        var tidy = new double[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            tidy[i] = tidied ? Tidy(values[i]) : values[i];
        }

        return tidy.All(v => v.Equals(tidy[0])) ? PerNeuron.Scalar(tidy[0]) : PerNeuron.Of(tidy);
    }

    /// <summary>
    /// Rounds to 15 significant digits (a change of at most 5·10⁻¹⁶ relative), so that values such as
    /// 0.001 / 0.0001 = 10.000000000000002 are stored as 10, and exported τ·dt / dt returns τ.
    /// </summary>
    internal static double Tidy(double value) =>
        double.IsFinite(value) ? double.Parse(value.ToString("G15", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) : value;
}
