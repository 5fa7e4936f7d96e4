using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Neuromorphic.Core.Errors;
using Neuromorphic.Core.IO;
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
public static class NirImporter
{
    public static NirImportResult Import(string path, NirImportOptions? options = null) => Import(NirFile.Read(path), options);

    public static NirImportResult Import(NirDocument document, NirImportOptions? options = null) =>
        new Builder(document, options ?? new NirImportOptions()).Run();

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

    private sealed class Builder(NirDocument document, NirImportOptions options)
    {
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
            Flatten(document.Root, "", depth: 0);

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
                throw new InvalidInputException(_file, document.Root.Path, "a graph without Input or spiking nodes", "at least one population (an Input, LIF, IF, CubaLIF or Threshold node)");
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
            if (options.Dt is { } dt)
            {
                if (!(dt > 0) || !double.IsFinite(dt))
                {
                    throw new InvalidInputException(null, "--dt", NirNeuron.Text(dt), "a positive step in the file's time unit (seconds in most NIR files)");
                }

                return (dt, "option");
            }

            if (document.Root.Metadata.TryGetValue(NirImportOptions.DtMetadataKey, out var meta) && meta.Numbers is { Count: 1 } numbers)
            {
                var fileDt = numbers.Values[0];
                if (!(fileDt > 0) || !double.IsFinite(fileDt))
                {
                    throw new InvalidInputException(_file, $"{document.Root.Path}/metadata/{NirImportOptions.DtMetadataKey}", NirNeuron.Text(fileDt), "a positive step");
                }

                return (fileDt, "file metadata");
            }

            return (NirImportOptions.DefaultDt, "default");
        }

        // ---- Flattening ---------------------------------------------------------------------------

        private (List<int> Inputs, List<int> Outputs) Flatten(NirGraph graph, string prefix, int depth)
        {
            var local = new Dictionary<string, (int Entry, int Exit)>(StringComparer.Ordinal);
            var inputs = new List<int>();
            var outputs = new List<int>();
            foreach (var node in graph.Nodes)
            {
                if (node.Graph is { } sub)
                {
                    var (subInputs, subOutputs) = Flatten(sub, $"{prefix}{node.Name}.", depth + 1);
                    if (subInputs.Count != 1 || subOutputs.Count != 1)
                    {
                        throw new InvalidInputException(_file, node.Path, $"a nested graph with {subInputs.Count} Input and {subOutputs.Count} Output nodes",
                            "exactly one Input node (where edges into the graph arrive) and one Output node (where edges out of it leave)");
                    }

                    local[node.Name] = (subInputs[0], subOutputs[0]);
                    continue;
                }

                var index = Add($"{prefix}{node.Name}", node, nested: depth > 0);
                local[node.Name] = (index, index);
                if (node.Type == NirTypes.Input)
                {
                    inputs.Add(index);
                }
                else if (node.Type == NirTypes.Output)
                {
                    outputs.Add(index);
                }
            }

            var edges = RepairEdges(graph, local);
            for (var i = 0; i < edges.Count; i++)
            {
                var (from, to) = edges[i];
                foreach (var end in new[] { from, to })
                {
                    if (!local.ContainsKey(end))
                    {
                        throw new InvalidInputException(_file, $"{graph.Path}/edges[{i}]", $"an edge \"{from}\" → \"{to}\"",
                            $"edges between nodes of this graph: there is no node \"{end}\" in {graph.Path}/nodes (it has {string.Join(", ", local.Keys.Select(k => $"\"{k}\""))})");
                    }
                }

                _pendingLinks.Add((depth, local[from].Exit, local[to].Entry));
            }

            return (inputs, outputs);
        }

        /// <summary>
        /// Edges naming a node that does not exist are an error, with one exception: when exactly one
        /// name is unknown, exactly one node has no edge at all, and one name begins with the other,
        /// the edges meant that node (the NIR paper's <c>braille_noDelay_bias_zero_subgraph.nir</c>
        /// names its node "lif1" and its edges "lif"). The repair is reported as a note.
        /// </summary>
        private List<(string From, string To)> RepairEdges(NirGraph graph, Dictionary<string, (int Entry, int Exit)> local)
        {
            var unknown = graph.Edges.SelectMany(e => new[] { e.From, e.To }).Where(n => !local.ContainsKey(n)).Distinct().ToList();
            if (unknown.Count != 1)
            {
                return graph.Edges;
            }

            var referenced = graph.Edges.SelectMany(e => new[] { e.From, e.To }).ToHashSet(StringComparer.Ordinal);
            var orphans = graph.Nodes.Select(n => n.Name).Where(n => !referenced.Contains(n)).ToList();
            var missing = unknown[0];
            if (orphans.Count != 1 || missing.Length == 0
                || !(orphans[0].StartsWith(missing, StringComparison.Ordinal) || missing.StartsWith(orphans[0], StringComparison.Ordinal)))
            {
                return graph.Edges;
            }

            var orphan = orphans[0];
            _notes.Add($"{graph.Path}/edges name a node \"{missing}\" that does not exist; they were connected to \"{orphan}\", the only node of that graph without edges");
            return graph.Edges.Select(e => (e.From == missing ? orphan : e.From, e.To == missing ? orphan : e.To)).ToList();
        }

        private void Link(int from, int to)
        {
            if (_nodes[from].Out.Contains(to))
            {
                _notes.Add($"the edge {_nodes[from].Name} → {_nodes[to].Name} is listed more than once; it counts once");
                return;
            }

            _nodes[from].Out.Add(to);
            _nodes[to].In.Add(from);
            _links.Add((from, to));
        }

        private int Add(string name, NirNode node, bool nested)
        {
            var type = node.Type;
            if (!NirTypes.All.Contains(type))
            {
                throw new InvalidInputException(_file, $"{node.Path}/type", $"\"{type}\"",
                    $"a NIR node type ({string.Join(", ", NirTypes.All.Order(StringComparer.Ordinal))})");
            }

            var role = type switch
            {
                NirTypes.Input => nested ? Role.PassThrough : Role.Source,
                NirTypes.Output => nested ? Role.PassThrough : Role.Sink,
                NirTypes.Affine or NirTypes.Linear or NirTypes.Scale => Role.Linear,
                _ when NirNeuron.IsSpiking(type) => Role.Spiking,
                _ when NirNeuron.IsFilter(type) => Role.Filter,
                _ => Role.PassThrough,
            };
            var flat = new Flat(name, node, role);
            if (!_byName.TryAdd(name, _nodes.Count))
            {
                throw new InvalidInputException(_file, node.Path, $"the name \"{name}\" once flattened", "node names that stay unique when nested graphs are flattened");
            }

            _nodes.Add(flat);
            switch (type)
            {
                case NirTypes.Input:
                case NirTypes.Output:
                    var shape = node.Parameters.GetValueOrDefault("shape");
                    if (shape is null && role == Role.Source)
                    {
                        throw new InvalidInputException(_file, $"{node.Path}/shape", "missing", "the input's shape (integers)");
                    }

                    flat.Size = flat.InSize = shape is null ? -1 : Product(node, "shape", shape);
                    break;
                case NirTypes.Flatten:
                    var inputType = node.Parameters.GetValueOrDefault("input_type") ?? node.Parameters.GetValueOrDefault("input_type/input");
                    flat.InSize = flat.Size = inputType is null ? -1 : Product(node, "input_type", inputType);
                    break;
                case NirTypes.Delay:
                    var delay = Required(node, "delay");
                    if (delay.Values.Any(d => d != 0))
                    {
                        throw new InvalidInputException(_file, $"{node.Path}/delay", $"a delay of {NirNeuron.Text(delay.Values.First(d => d != 0))}",
                            "delay 0: the network format has no delay other than the one step every synapse takes (as on Loihi)");
                    }

                    flat.InSize = flat.Size = delay.Count;
                    break;
                case NirTypes.Affine:
                case NirTypes.Linear:
                    ReadWeights(flat);
                    break;
                case NirTypes.Scale:
                    var scale = Required(node, "scale");
                    flat.Scale = Finite(node, "scale", scale.AsWritten());
                    flat.InSize = flat.Size = scale.Count;
                    break;
                case var _ when NirTypes.Convolutional.Contains(type):
                    _unsupported.Add(node);
                    break;
                case var _ when role is Role.Spiking or Role.Filter:
                    flat.Size = NirNeuron.SizeOf(node, _file);
                    break;
            }

            return _nodes.Count - 1;
        }

        private void ReadWeights(Flat flat)
        {
            var node = flat.Node;
            var weight = Required(node, "weight");
            if (weight.Rank < 2 || weight.Shape.SkipLast(2).Any(d => d != 1))
            {
                throw new InvalidInputException(_file, $"{node.Path}/weight", weight.ShapeText, "a matrix [outputs, inputs]");
            }

            var outputs = (int)weight.Shape[^2];
            var inputs = (int)weight.Shape[^1];
            flat.Weights = Finite(node, "weight", weight.Values);
            flat.Size = outputs;
            flat.InSize = inputs;
            if (node.Type != NirTypes.Affine)
            {
                return;
            }

            var bias = Required(node, "bias");
            if (bias.Count != outputs && bias.Count != 1)
            {
                throw new InvalidInputException(_file, $"{node.Path}/bias", $"{bias.Count} values ({bias.ShapeText})", $"{outputs} values, one per output row of the weight {weight.ShapeText}");
            }

            var written = bias.AsWritten();
            var values = new double[outputs];
            for (var i = 0; i < outputs; i++)
            {
                values[i] = written[bias.Count == 1 ? 0 : i];
            }

            flat.Bias = Finite(node, "bias", values);
        }

        private NirArray Required(NirNode node, string key) =>
            node.Parameters.GetValueOrDefault(key)
            ?? throw new InvalidInputException(_file, $"{node.Path}/{key}", node.TextParameters.ContainsKey(key) ? "text" : "missing", $"the {node.Type} parameter {key} (numbers)");

        private double[] Finite(NirNode node, string key, double[] values)
        {
            for (var i = 0; i < values.Length; i++)
            {
                if (!double.IsFinite(values[i]))
                {
                    throw new InvalidInputException(_file, $"{node.Path}/{key}", $"{NirNeuron.Text(values[i])} at index {i}", "finite numbers");
                }
            }

            return values;
        }

        private int Product(NirNode node, string key, NirArray shape)
        {
            long product = 1;
            foreach (var d in shape.Values)
            {
                if (d < 1 || d != Math.Floor(d))
                {
                    throw new InvalidInputException(_file, $"{node.Path}/{key}", $"[{string.Join(", ", shape.Values)}]", "positive whole dimensions");
                }

                product *= (long)d;
            }

            if (product > int.MaxValue)
            {
                throw new InvalidInputException(_file, $"{node.Path}/{key}", $"{product} values", "fewer than 2^31 values");
            }

            return (int)product;
        }

        // ---- Fusion and populations ---------------------------------------------------------------

        private void Fuse()
        {
            for (var i = 0; i < _nodes.Count; i++)
            {
                var filter = _nodes[i];
                if (filter.Role != Role.Filter)
                {
                    continue;
                }

                var target = filter.Out.Count == 1 ? _nodes[filter.Out[0]] : null;
                var fusable = filter.Node.Type != NirTypes.CubaLI && target is not null && target.Role == Role.Spiking
                              && target.Node.Type is NirTypes.IF or NirTypes.LIF && target.In.Count == 1;
                if (!fusable)
                {
                    var feeds = filter.Out.Count == 0 ? "nothing" : string.Join(", ", filter.Out.Select(o => $"{_nodes[o].Node.Path} ({_nodes[o].Node.Type})"));
                    throw new InvalidInputException(_file, filter.Node.Path, $"a {filter.Node.Type} node (no threshold) feeding {feeds}",
                        "spiking nodes: a non-spiking read-out or filter cannot be expressed by the network format, whose neurons all spike " +
                        "(an I or LI is accepted only as the current of the single IF or LIF it alone feeds)");
                }

                if (target!.Size != filter.Size)
                {
                    throw new InvalidInputException(_file, target.Node.Path, $"{target.Size} neurons", $"{filter.Size} neurons, as the {filter.Node.Type} {filter.Node.Path} that feeds it has");
                }

                filter.Partner = filter.Out[0];
                target.Partner = i;
            }
        }

        private List<int> PopulationOrder()
        {
            var candidates = Enumerable.Range(0, _nodes.Count).Where(i => _nodes[i].Role is Role.Source or Role.Spiking).ToList();
            if (document.Root.Metadata.TryGetValue(NirExporter.PopulationsMetadataKey, out var meta) && meta.Texts is { } names
                && names.Count == candidates.Count && names.All(n => _byName.TryGetValue(n, out var i) && candidates.Contains(i)))
            {
                return names.Select(n => _byName[n]).ToList();
            }

            var order = new List<int>();
            var seen = new HashSet<int>();
            var queue = new Queue<int>();
            foreach (var source in candidates.Where(i => _nodes[i].Role == Role.Source))
            {
                seen.Add(source);
                queue.Enqueue(source);
            }

            while (queue.Count > 0)
            {
                var current = queue.Dequeue();
                if (candidates.Contains(current))
                {
                    order.Add(current);
                }

                foreach (var next in _nodes[current].Out)
                {
                    if (seen.Add(next))
                    {
                        queue.Enqueue(next);
                    }
                }
            }

            order.AddRange(candidates.Where(i => !order.Contains(i)));
            return order;
        }

        // ---- Composing projections ----------------------------------------------------------------

        private void Walk(int population, int index, LinearMap map, List<int> stack, List<string> linears, bool viaLinear)
        {
            var node = _nodes[index];
            var previous = _nodes[stack[^1]];
            if (node.Role is Role.Linear or Role.PassThrough && stack.Contains(index))
            {
                throw new InvalidInputException(_file, node.Node.Path, $"a cycle {string.Join(" → ", stack.SkipWhile(s => s != index).Append(index).Select(s => _nodes[s].Name))}",
                    "every cycle to pass through a neuron (a loop of linear nodes has no defined output)");
            }

            switch (node.Role)
            {
                case Role.Source:
                    throw new InvalidInputException(_file, node.Node.Path, $"an edge from {previous.Node.Path}", "no edge into an Input node");
                case Role.Sink:
                    if (viaLinear)
                    {
                        throw new InvalidInputException(_file, node.Node.Path, $"an Output fed by the linear node(s) {string.Join(", ", linears)}",
                            "an Output fed by the spikes of a population: the network format reads out spike counts, not a linear map of them");
                    }

                    CheckInputSize(node, map.Rows, previous);
                    if (!_sinkSources.TryGetValue(index, out var sources))
                    {
                        _sinkSources[index] = sources = [];
                    }

                    if (!sources.Contains(population))
                    {
                        sources.Add(population);
                    }

                    break;
                case Role.PassThrough:
                    CheckInputSize(node, map.Rows, previous);
                    foreach (var next in node.Out)
                    {
                        Walk(population, next, map, [.. stack, index], linears, viaLinear);
                    }

                    break;
                case Role.Linear:
                    CheckInputSize(node, map.Rows, previous);
                    var composed = node.Scale is { } scale ? map.Scaled(scale) : map.Then(node.Weights!, node.Size);
                    foreach (var next in node.Out)
                    {
                        Walk(population, next, composed, [.. stack, index], [.. linears, node.Name], viaLinear: true);
                    }

                    break;
                case Role.Filter:
                case Role.Spiking:
                    var target = node.Role == Role.Filter ? node.Partner : index;
                    CheckInputSize(node, map.Rows, previous);
                    if (!_projections.TryGetValue((population, target), out var accumulated))
                    {
                        accumulated = new Accumulated(population, target, _nodes[target].Size, _nodes[population].Size);
                        _projections[(population, target)] = accumulated;
                        _projectionOrder.Add(accumulated);
                    }

                    map.AddTo(accumulated.Sum);
                    accumulated.Paths++;
                    accumulated.LinearNodes.Clear();
                    accumulated.LinearNodes.AddRange(linears);
                    break;
            }
        }

        private void WalkBias(int index, double[] bias, List<int> stack)
        {
            var node = _nodes[index];
            var previous = _nodes[stack[^1]];
            if (node.Role is Role.Linear or Role.PassThrough && stack.Contains(index))
            {
                throw new InvalidInputException(_file, node.Node.Path, "a cycle of linear nodes", "every cycle to pass through a neuron");
            }

            switch (node.Role)
            {
                case Role.Source:
                    throw new InvalidInputException(_file, node.Node.Path, $"an edge from {previous.Node.Path}", "no edge into an Input node");
                case Role.Sink:
                    throw new InvalidInputException(_file, node.Node.Path, $"an Output fed by the bias of {previous.Node.Path}",
                        "an Output fed by the spikes of a population: the network format reads out spike counts");
                case Role.PassThrough:
                    CheckInputSize(node, bias.Length, previous);
                    foreach (var next in node.Out)
                    {
                        WalkBias(next, bias, [.. stack, index]);
                    }

                    break;
                case Role.Linear:
                    CheckInputSize(node, bias.Length, previous);
                    var mapped = node.Scale is { } scale
                        ? bias.Select((b, i) => b * scale[i]).ToArray()
                        : Multiply(node.Weights!, node.Size, bias);
                    foreach (var next in node.Out)
                    {
                        WalkBias(next, mapped, [.. stack, index]);
                    }

                    break;
                case Role.Filter:
                case Role.Spiking:
                    var target = node.Role == Role.Filter ? node.Partner : index;
                    CheckInputSize(node, bias.Length, previous);
                    if (!_inputBias.TryGetValue(target, out var sum))
                    {
                        _inputBias[target] = sum = new double[bias.Length];
                    }

                    for (var i = 0; i < sum.Length; i++)
                    {
                        sum[i] += bias[i];
                    }

                    break;
            }
        }

        private static double[] Multiply(double[] weights, int outputs, double[] vector)
        {
            var result = new double[outputs];
            for (var o = 0; o < outputs; o++)
            {
                double s = 0;
                for (var k = 0; k < vector.Length; k++)
                {
                    s += weights[o * vector.Length + k] * vector[k];
                }

                result[o] = s;
            }

            return result;
        }

        private void CheckInputSize(Flat node, int arriving, Flat from)
        {
            var expected = node.Role is Role.Linear or Role.PassThrough or Role.Sink ? node.InSize : node.Size;
            if (expected >= 0 && expected != arriving)
            {
                var what = node.Role switch
                {
                    Role.Linear when node.Scale is null => $"{expected} inputs (the columns of its weight [{node.Size}, {node.InSize}])",
                    Role.Linear => $"{expected} inputs (the length of its scale)",
                    Role.Spiking or Role.Filter => $"{expected} inputs, one per neuron",
                    _ => $"{expected} inputs (its shape)",
                };
                throw new InvalidInputException(_file, node.Node.Path, $"{arriving} values from {from.Node.Path} ({from.Node.Type})", what);
            }
        }

        // ---- Building the network -----------------------------------------------------------------

        private NirImportResult Build(List<int> order, double dt, string dtSource)
        {
            var populations = new Dictionary<int, Population>();
            var gains = new Dictionary<int, double[]>();
            var sources = new List<NirPopulationSource>();
            var shifted = new List<string>();
            foreach (var index in order)
            {
                var node = _nodes[index];
                if (node.Name.Length == 0 || node.Name.Contains("->", StringComparison.Ordinal))
                {
                    throw new InvalidInputException(_file, node.Node.Path, $"the name \"{node.Name}\"", "a node name without \"->\" (it becomes a population name)");
                }

                if (node.Role == Role.Source)
                {
                    populations[index] = new Population(node.Name, node.Size, NeuronModel.Input);
                    sources.Add(new NirPopulationSource(node.Name, [node.Node.Path], [node.Node.Type]));
                    continue;
                }

                var filter = node.Partner >= 0 ? _nodes[node.Partner].Node : null;
                var neuron = NirNeuron.Discretise(node.Node, filter, node.Size, dt, _file);
                if (neuron.ShiftedReset)
                {
                    shifted.Add(node.Node.Path);
                }

                gains[index] = neuron.Gain;
                populations[index] = new Population(node.Name, node.Size, NeuronModel.CubaLif, CubaLif(node, neuron, _inputBias.GetValueOrDefault(index)));
                sources.Add(filter is null
                    ? new NirPopulationSource(node.Name, [node.Node.Path], [node.Node.Type])
                    : new NirPopulationSource(node.Name, [filter.Path, node.Node.Path], [filter.Type, node.Node.Type]));
            }

            if (shifted.Count > 0)
            {
                _notes.Add($"v_reset is not zero in {string.Join(", ", shifted)}: voltages were shifted by v_reset (threshold − v_reset, v_leak − v_reset), " +
                           "which is exact except that those neurons start at v = v_reset instead of 0");
            }

            var projections = BuildProjections(populations, gains);
            var network = new NetworkSpec(NetworkName(), order.Select(i => populations[i]).ToList(), projections, Readout(populations), Training(dt, dtSource));
            return new NirImportResult(network, dt, dtSource, document.Version, sources, _notes);
        }

        private CubaLifParameters CubaLif(Flat node, NirNeuron neuron, double[]? inputBias)
        {
            var size = node.Size;
            var currentBias = new double[size];
            for (var i = 0; i < size; i++)
            {
                currentBias[i] = neuron.CurrentBias[i] + neuron.Gain[i] * (inputBias?[i] ?? 0);
            }

            var bias = (double[])neuron.VoltageBias.Clone();

            // With τ_u = 1, u holds only this step's input, so a constant input to u is the same as one to v:
            // keep it in the standard voltage bias then.
            if (neuron.TauCurrentSteps.All(t => t == 1))
            {
                for (var i = 0; i < size; i++)
                {
                    bias[i] += currentBias[i];
                    currentBias[i] = 0;
                }
            }

            var tauCurrent = neuron.TauCurrentSteps.All(t => t is null) ? null : Collapse(neuron.TauCurrentSteps.Select(t => t!.Value).ToArray());
            var tauVoltage = neuron.TauVoltageSteps.All(t => t is null) ? null : Collapse(neuron.TauVoltageSteps.Select(t => t!.Value).ToArray());
            return new CubaLifParameters(tauCurrent, tauVoltage, Collapse(neuron.Threshold), Collapse(bias), ResetOf(node), RefractoryOf(node))
            {
                CurrentBias = Collapse(currentBias),
            };
        }

        private ResetMode ResetOf(Flat node)
        {
            if (options.Reset is { } reset)
            {
                return reset;
            }

            if (!node.Node.Metadata.TryGetValue(NirExporter.ResetMetadataKey, out var meta))
            {
                return ResetMode.Zero;
            }

            return meta.Text switch
            {
                "zero" => ResetMode.Zero,
                "subtract" => ResetMode.Subtract,
                _ => throw new InvalidInputException(_file, $"{node.Node.Path}/metadata/{NirExporter.ResetMetadataKey}", $"\"{meta.Text}\"", "\"zero\" or \"subtract\""),
            };
        }

        private PerNeuron RefractoryOf(Flat node)
        {
            if (!node.Node.Metadata.TryGetValue(NirExporter.RefractoryMetadataKey, out var meta))
            {
                return PerNeuron.Scalar(0);
            }

            var field = $"{node.Node.Path}/metadata/{NirExporter.RefractoryMetadataKey}";
            if (meta.Numbers is not { } numbers || (numbers.Count != 1 && numbers.Count != node.Size)
                || numbers.Values.Any(v => v < 0 || v != Math.Floor(v) || v > 1_000_000))
            {
                throw new InvalidInputException(_file, field, meta.Numbers?.ShapeText ?? "text", $"whole numbers of steps ≥ 0: one, or {node.Size} (one per neuron)");
            }

            return Collapse(numbers.Values);
        }

        private List<Projection> BuildProjections(Dictionary<int, Population> populations, Dictionary<int, double[]> gains)
        {
            var result = new List<Projection>();
            var names = new HashSet<string>(StringComparer.Ordinal);
            var transposes = new List<(int Index, string Source)>();
            foreach (var acc in _projectionOrder)
            {
                var from = populations[acc.Source];
                var to = populations[acc.Target];
                var gain = gains[acc.Target];
                var weights = new float[acc.Sum.Length];
                for (var post = 0; post < to.Size; post++)
                {
                    for (var pre = 0; pre < from.Size; pre++)
                    {
                        var w = (float)(gain[post] * acc.Sum[post * from.Size + pre]);
                        if (!float.IsFinite(w))
                        {
                            throw new InvalidInputException(_file, _nodes[acc.Target].Node.Path, $"a weight of {w} from {from.Name} neuron {pre} to neuron {post}",
                                "finite weights once scaled by the neuron's input gain (check r, w_in and the time constants)");
                        }

                        weights[post * from.Size + pre] = w;
                    }
                }

                var single = acc.Paths == 1 && acc.LinearNodes.Count == 1 ? acc.LinearNodes[0] : null;
                var name = UniqueName(names, single, Projection.DefaultName(from.Name, to.Name));
                if (single is not null && _nodes[_byName[single]].Node.Metadata.TryGetValue(NirExporter.TransposeOfMetadataKey, out var meta) && meta.Text is { } source)
                {
                    transposes.Add((result.Count, source));
                }

                result.Add(new Projection(name, from, to, weights));
            }

            foreach (var (index, source) in transposes)
            {
                var projection = result[index];
                var original = result.FirstOrDefault(p => p.Name == source && p.TransposeOf is null);
                if (original is not null && original.From == projection.To && original.To == projection.From
                    && Projection.Transpose(original.Weights, original.To.Size, original.From.Size).AsSpan().SequenceEqual(projection.Weights))
                {
                    result[index] = new Projection(projection.Name, projection.From, projection.To, projection.Weights, source);
                }
                else
                {
                    _notes.Add($"projection {projection.Name} was marked as the transpose of {source}, which it is not here; it keeps its own weights");
                }
            }

            return result;
        }

        private static string UniqueName(HashSet<string> names, string? preferred, string fallback)
        {
            foreach (var candidate in new[] { preferred, fallback })
            {
                if (candidate is not null && names.Add(candidate))
                {
                    return candidate;
                }
            }

            for (var k = 2; ; k++)
            {
                var candidate = $"{fallback} #{k}";
                if (names.Add(candidate))
                {
                    return candidate;
                }
            }
        }

        private Readout? Readout(Dictionary<int, Population> populations)
        {
            var sinks = _sinkSources.Keys.Order().ToList();
            if (sinks.Count == 0)
            {
                return null;
            }

            if (sinks.Count > 1)
            {
                _notes.Add($"the graph has {sinks.Count} Output nodes; the read-out is the population feeding the first, {_nodes[sinks[0]].Name}");
            }

            var feeding = _sinkSources[sinks[0]];
            if (feeding.Count != 1 || populations[feeding[0]].Model == NeuronModel.Input)
            {
                _notes.Add($"the Output {_nodes[sinks[0]].Name} is fed by {string.Join(" and ", feeding.Select(f => populations[f].Name))}: the network has no read-out " +
                           "(it needs exactly one spiking population)");
                return null;
            }

            return new Readout(populations[feeding[0]].Name);
        }

        private string NetworkName() =>
            options.Name
            ?? (document.Root.Metadata.TryGetValue(NirExporter.NameMetadataKey, out var meta) && !string.IsNullOrWhiteSpace(meta.Text) ? meta.Text : null)
            ?? Path.GetFileNameWithoutExtension(_file);

        private JsonObject Training(double dt, string dtSource)
        {
            JsonObject training = [];
            if (document.Root.Metadata.TryGetValue(NirExporter.TrainingMetadataKey, out var meta) && meta.Text is { } text)
            {
                try
                {
                    training = JsonNode.Parse(text) as JsonObject ?? [];
                }
                catch (JsonException)
                {
                    _notes.Add($"the graph metadata {NirExporter.TrainingMetadataKey} is not a JSON object; it was left out");
                }
            }

            training["nirImport"] = new JsonObject
            {
                ["file"] = Path.GetFileName(_file),
                ["sha256"] = File.Exists(_file) ? Hashing.Sha256HexOfFile(_file) : null,
                ["nirVersion"] = document.Version,
                ["dt"] = dt,
                ["dtSource"] = dtSource,
            };
            return training;
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
