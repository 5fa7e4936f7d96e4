using System.Text.Json;
using System.Text.Json.Nodes;
using Neuromorphic.Core.Errors;
using Neuromorphic.Core.IO;
using Neuromorphic.Core.Networks;

namespace Neuromorphic.Nir;

/// <summary>Import, part 3: the populations, projections, read-out and metadata of the network.</summary>
public static partial class NirImporter
{
    private sealed partial class Builder
    {
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
            return new NirImportResult(network, dt, dtSource, _document.Version, sources, _notes);
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

            // A neuron without a leak among leaky ones has τ = ∞ (null in the network file).
            var tauCurrent = neuron.TauCurrentSteps.All(t => t is null) ? null : Collapse(neuron.TauCurrentSteps.Select(t => t ?? double.PositiveInfinity).ToArray());
            var tauVoltage = neuron.TauVoltageSteps.All(t => t is null) ? null : Collapse(neuron.TauVoltageSteps.Select(t => t ?? double.PositiveInfinity).ToArray());
            return new CubaLifParameters(tauCurrent, tauVoltage, Collapse(neuron.Threshold), Collapse(bias), ResetOf(node), RefractoryOf(node))
            {
                CurrentBias = Collapse(currentBias),
                VoltageMin = VoltageLimitOf(node, NirExporter.VoltageMinMetadataKey),
                VoltageMax = VoltageLimitOf(node, NirExporter.VoltageMaxMetadataKey),
            };
        }

        /// <summary>A voltage clamp written by our exporter (NIR itself has none); null when absent.</summary>
        private PerNeuron? VoltageLimitOf(Flat node, string key)
        {
            if (!node.Node.Metadata.TryGetValue(key, out var meta))
            {
                return null;
            }

            if (meta.Numbers is not { } numbers || (numbers.Count != 1 && numbers.Count != node.Size) || numbers.Values.Any(v => !double.IsFinite(v)))
            {
                throw new InvalidInputException(_file, $"{node.Node.Path}/metadata/{key}", meta.Numbers?.ShapeText ?? "text", $"finite voltages: one, or {node.Size} (one per neuron)");
            }

            return Collapse(numbers.Values);
        }

        private ResetMode ResetOf(Flat node)
        {
            if (_options.Reset is { } reset)
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
            _options.Name
            ?? (_document.Root.Metadata.TryGetValue(NirExporter.NameMetadataKey, out var meta) && !string.IsNullOrWhiteSpace(meta.Text) ? meta.Text : null)
            ?? Path.GetFileNameWithoutExtension(_file);

        private JsonObject Training(double dt, string dtSource)
        {
            JsonObject training = [];
            if (_document.Root.Metadata.TryGetValue(NirExporter.TrainingMetadataKey, out var meta) && meta.Text is { } text)
            {
                try
                {
                    if (JsonInput.FindDuplicateKey(text) is { } duplicate)
                    {
                        throw new InvalidInputException(_file, $"/node/metadata/{NirExporter.TrainingMetadataKey}", $"JSON with the key \"{duplicate.Key}\" twice (at {duplicate.Path})",
                            "JSON whose objects name each key once");
                    }

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
                ["nirVersion"] = _document.Version,
                ["dt"] = dt,
                ["dtSource"] = dtSource,
            };
            return training;
        }
    }
}
