using Neuromorphic.Core.Errors;

namespace Neuromorphic.Nir;

/// <summary>Import, part 2: composing the linear nodes between populations into projections and constant inputs.</summary>
public static partial class NirImporter
{
    private sealed partial class Builder
    {
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
                    accumulated.Convolutional |= linears.Any(l => NirTypes.Convolutional.Contains(_nodes[_byName[l]].Node.Type));
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
    }
}
