using Neuromorphic.Core.Errors;

namespace Neuromorphic.Nir;

/// <summary>Import, part 1: flattening nested graphs, reading each node, fusing I/LI currents, ordering populations.</summary>
public static partial class NirImporter
{
    private sealed partial class Builder
    {
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
                _ when NirTypes.Convolutional.Contains(type) => Role.Linear,
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
                    _convolutions.Add(_nodes.Count - 1); // unrolled once the shapes feeding it are known
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
            if (_document.Root.Metadata.TryGetValue(NirExporter.PopulationsMetadataKey, out var meta) && meta.Texts is { } names
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
    }
}
