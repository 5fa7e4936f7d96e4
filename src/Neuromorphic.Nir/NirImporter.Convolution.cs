using Neuromorphic.Core.Errors;

namespace Neuromorphic.Nir;

/// <summary>
/// Import, convolution and pooling: <c>Conv1d</c>, <c>Conv2d</c>, <c>SumPool2d</c> and
/// <c>AvgPool2d</c> become linear nodes whose dense [outputs][inputs] matrix repeats the shared
/// kernel at every position (PyTorch's layout and arithmetic, as NIR's own converters use:
/// tensors [C, H, W] flattened row-major, weight [C_out, C_in / groups, k_H, k_W], zero padding,
/// output size ⌊(n + 2p − d(k − 1) − 1) / s⌋ + 1; AvgPool divides by the whole kernel area).
/// A pooling node has no shape of its own: it takes the shape of the node that feeds it (a
/// convolution's output, an Input's shape, or the parameter arrays of a spiking node).
/// </summary>
public static partial class NirImporter
{
    private sealed partial class Builder
    {
        private readonly List<int> _convolutions = [];
        private readonly Dictionary<int, long[]> _shapes = [];

        /// <summary>Unrolls every convolution and pooling node once the shapes that feed it are known.</summary>
        private void ResolveConvolutions()
        {
            var pending = new List<int>(_convolutions);
            while (pending.Count > 0)
            {
                var resolved = pending.Where(TryResolve).ToList();
                if (resolved.Count == 0)
                {
                    var node = _nodes[pending[0]].Node;
                    throw new InvalidInputException(_file, node.Path, $"a {node.Type} node whose input shape is unknown",
                        "a node fed by exactly one node of known shape (an Input, a convolution, a pooling node or a spiking node whose parameters have the tensor's shape)");
                }

                pending.RemoveAll(resolved.Contains);
            }

            if (_convolutions.Count > 0)
            {
                var synapses = _convolutions.Sum(i => (long)_nodes[i].Size * _nodes[i].InSize);
                _notes.Add($"{_convolutions.Count} convolution and pooling nodes unrolled into projections with their shared weights repeated ({synapses:N0} matrix entries): only the non-zero entries are synapses (sparse projections), though the partitioner still sizes synaptic memory as if they were dense");
            }
        }

        /// <summary>The tensor shape a node outputs, or null while it is not known.</summary>
        private long[]? ShapeOf(int index)
        {
            var flat = _nodes[index];
            if (_shapes.TryGetValue(index, out var known))
            {
                return known;
            }

            if (_convolutions.Contains(index))
            {
                return null;
            }

            var node = flat.Node;
            if (node.Type is NirTypes.Input or NirTypes.Output && node.Parameters.GetValueOrDefault("shape") is { } shape)
            {
                return shape.Values.Select(v => (long)v).ToArray();
            }

            if (flat.Role is Role.Spiking or Role.Filter)
            {
                var tensor = node.Parameters.Values.FirstOrDefault(p => p.Rank > 1 && p.Count == flat.Size);
                return tensor?.Shape ?? [flat.Size];
            }

            if (flat.Role == Role.PassThrough && node.Type != NirTypes.Flatten && flat.In.Count == 1)
            {
                return ShapeOf(flat.In[0]);
            }

            return flat.Size > 0 ? [flat.Size] : null;
        }

        private bool TryResolve(int index)
        {
            var flat = _nodes[index];
            var node = flat.Node;
            var upstream = flat.In.Count == 1 ? ShapeOf(flat.In[0]) : null;
            switch (node.Type)
            {
                case NirTypes.Conv2d:
                    return Convolution(flat, index, spatialRank: 2, upstream);
                case NirTypes.Conv1d:
                    return Convolution(flat, index, spatialRank: 1, upstream);
                default:
                    if (upstream is null)
                    {
                        return false;
                    }

                    Pool(flat, index, upstream, average: node.Type == NirTypes.AvgPool2d);
                    return true;
            }
        }

        private bool Convolution(Flat flat, int index, int spatialRank, long[]? upstream)
        {
            var node = flat.Node;
            var weight = Required(node, "weight");
            if (weight.Rank != 2 + spatialRank)
            {
                throw new InvalidInputException(_file, $"{node.Path}/weight", weight.ShapeText,
                    spatialRank == 2 ? "[C_out, C_in / groups, k_H, k_W]" : "[C_out, C_in / groups, k]");
            }

            var groups = (int)Scalar(node, "groups", 1);
            var outChannels = (int)weight.Shape[0];
            var inChannels = (int)weight.Shape[1] * groups;
            if (groups < 1 || outChannels % groups != 0)
            {
                throw new InvalidInputException(_file, $"{node.Path}/groups", groups.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    $"a number of groups ≥ 1 that divides the {outChannels} output channels");
            }

            long[] spatial;
            if (node.Parameters.GetValueOrDefault("input_shape") is { } inputShape)
            {
                spatial = inputShape.Values.Select(v => (long)v).ToArray();
                if (spatial.Length == spatialRank + 1)
                {
                    spatial = spatial[1..]; // [C, H, W] given: the channels come from the weight
                }
            }
            else if (upstream is not null)
            {
                spatial = upstream.Length == spatialRank + 1 ? upstream[1..] : upstream;
            }
            else
            {
                return false;
            }

            if (spatial.Length != spatialRank || spatial.Any(s => s < 1))
            {
                throw new InvalidInputException(_file, $"{node.Path}/input_shape", $"[{string.Join(", ", spatial)}]",
                    spatialRank == 2 ? "the input's [H, W] (or [C, H, W])" : "the input's length [L] (or [C, L])");
            }

            var kernel = weight.Shape[2..];
            var stride = Spatial(node, "stride", spatialRank, 1);
            var dilation = Spatial(node, "dilation", spatialRank, 1);
            var (before, after) = Padding(node, spatialRank, kernel, dilation, stride);
            var output = new long[spatialRank];
            for (var a = 0; a < spatialRank; a++)
            {
                output[a] = (spatial[a] + before[a] + after[a] - dilation[a] * (kernel[a] - 1) - 1) / stride[a] + 1;
                if (output[a] < 1)
                {
                    throw new InvalidInputException(_file, node.Path, $"an input of [{string.Join(", ", spatial)}] for a kernel of [{string.Join(", ", kernel)}]",
                        "an input at least as large as the dilated kernel (with padding)");
                }
            }

            long[] inShape = [inChannels, .. spatial];
            long[] outShape = [outChannels, .. output];
            var (rows, columns) = Sizes(node, inShape, outShape);
            var w = Finite(node, "weight", weight.AsWritten());
            var matrix = new double[rows * columns];
            var perGroupIn = inChannels / groups;
            var perGroupOut = outChannels / groups;
            var (oh, ow) = spatialRank == 2 ? (output[0], output[1]) : (1, output[0]);
            var (ih, iw) = spatialRank == 2 ? (spatial[0], spatial[1]) : (1, spatial[0]);
            var (kh, kw) = spatialRank == 2 ? (kernel[0], kernel[1]) : (1, kernel[0]);
            var (sh, sw) = spatialRank == 2 ? (stride[0], stride[1]) : (1, stride[0]);
            var (dh, dw) = spatialRank == 2 ? (dilation[0], dilation[1]) : (1, dilation[0]);
            var (ph, pw) = spatialRank == 2 ? (before[0], before[1]) : (0, before[0]);
            for (var co = 0; co < outChannels; co++)
            {
                var group = co / perGroupOut;
                for (var oy = 0; oy < oh; oy++)
                {
                    for (var ox = 0; ox < ow; ox++)
                    {
                        var row = (co * oh + oy) * ow + ox;
                        for (var c = 0; c < perGroupIn; c++)
                        {
                            var ci = group * perGroupIn + c;
                            for (var ky = 0; ky < kh; ky++)
                            {
                                var y = oy * sh - ph + ky * dh;
                                if (y < 0 || y >= ih)
                                {
                                    continue;
                                }

                                for (var kx = 0; kx < kw; kx++)
                                {
                                    var x = ox * sw - pw + kx * dw;
                                    if (x < 0 || x >= iw)
                                    {
                                        continue;
                                    }

                                    matrix[row * columns + (ci * ih + y) * iw + x] += w[((co * perGroupIn + c) * kh + ky) * kw + kx];
                                }
                            }
                        }
                    }
                }
            }

            flat.Weights = matrix;
            flat.Size = (int)rows;
            flat.InSize = (int)columns;
            if (node.Parameters.GetValueOrDefault("bias") is { } biasArray)
            {
                if (biasArray.Count != outChannels && biasArray.Count != 1)
                {
                    throw new InvalidInputException(_file, $"{node.Path}/bias", biasArray.ShapeText, $"{outChannels} values, one per output channel");
                }

                var b = Finite(node, "bias", biasArray.AsWritten());
                var positions = rows / outChannels;
                flat.Bias = Enumerable.Range(0, (int)rows).Select(r => b[b.Length == 1 ? 0 : (int)(r / positions)]).ToArray();
            }

            _shapes[index] = outShape;
            return true;
        }

        private void Pool(Flat flat, int index, long[] upstream, bool average)
        {
            var node = flat.Node;
            if (upstream.Length != 3)
            {
                throw new InvalidInputException(_file, node.Path, $"an input of shape [{string.Join(", ", upstream)}]", "an input tensor [C, H, W] (from a Conv2d, an Input or a spiking node of that shape)");
            }

            var kernel = Spatial(node, "kernel_size", 2, null);
            var stride = Spatial(node, "stride", 2, null, kernel);
            var padding = Spatial(node, "padding", 2, 0);
            var (channels, ih, iw) = (upstream[0], upstream[1], upstream[2]);
            var oh = (ih + 2 * padding[0] - kernel[0]) / stride[0] + 1;
            var ow = (iw + 2 * padding[1] - kernel[1]) / stride[1] + 1;
            if (oh < 1 || ow < 1)
            {
                throw new InvalidInputException(_file, node.Path, $"an input of [{ih}, {iw}] for a window of [{kernel[0]}, {kernel[1]}]", "an input at least as large as the window");
            }

            long[] outShape = [channels, oh, ow];
            var (rows, columns) = Sizes(node, upstream, outShape);
            var value = average ? 1.0 / (kernel[0] * kernel[1]) : 1.0;
            var matrix = new double[rows * columns];
            for (var c = 0; c < channels; c++)
            {
                for (var oy = 0; oy < oh; oy++)
                {
                    for (var ox = 0; ox < ow; ox++)
                    {
                        var row = (c * oh + oy) * ow + ox;
                        for (var ky = 0; ky < kernel[0]; ky++)
                        {
                            var y = oy * stride[0] - padding[0] + ky;
                            for (var kx = 0; kx < kernel[1]; kx++)
                            {
                                var x = ox * stride[1] - padding[1] + kx;
                                if (y >= 0 && y < ih && x >= 0 && x < iw)
                                {
                                    matrix[row * columns + (c * ih + y) * iw + x] += value;
                                }
                            }
                        }
                    }
                }
            }

            flat.Weights = matrix;
            flat.Size = (int)rows;
            flat.InSize = (int)columns;
            _shapes[index] = outShape;
        }

        private (long Rows, long Columns) Sizes(NirNode node, long[] inShape, long[] outShape)
        {
            var rows = outShape.Aggregate(1L, (a, b) => a * b);
            var columns = inShape.Aggregate(1L, (a, b) => a * b);
            if (rows * columns > 1L << 30)
            {
                throw new InvalidInputException(_file, node.Path, $"a {node.Type} from [{string.Join(", ", inShape)}] to [{string.Join(", ", outShape)}]",
                    $"at most 2^30 entries once unrolled into a dense projection ({rows:N0} × {columns:N0} here)");
            }

            return (rows, columns);
        }

        private double Scalar(NirNode node, string key, double fallback)
        {
            if (node.Parameters.GetValueOrDefault(key) is not { } a)
            {
                return fallback;
            }

            if (a.Count != 1)
            {
                throw new InvalidInputException(_file, $"{node.Path}/{key}", a.ShapeText, "one integer");
            }

            return a.Values[0];
        }

        /// <summary>A per-axis integer parameter: one value for every axis, or one per axis.</summary>
        private long[] Spatial(NirNode node, string key, int rank, long? fallback, long[]? fallbackArray = null)
        {
            if (node.Parameters.GetValueOrDefault(key) is not { } a)
            {
                return fallbackArray ?? (fallback is { } f ? Enumerable.Repeat(f, rank).ToArray()
                    : throw new InvalidInputException(_file, $"{node.Path}/{key}", "missing", $"the {node.Type} parameter {key}"));
            }

            if ((a.Count != 1 && a.Count != rank) || a.Values.Any(v => v != Math.Floor(v) || v < 0 || (key != "padding" && v < 1)))
            {
                throw new InvalidInputException(_file, $"{node.Path}/{key}", $"[{string.Join(", ", a.Values)}]",
                    $"{(key == "padding" ? "non-negative" : "positive")} whole numbers, one or {rank}");
            }

            return Enumerable.Range(0, rank).Select(i => (long)a.Values[a.Count == 1 ? 0 : i]).ToArray();
        }

        /// <summary>Padding before and after each axis: numbers, or "valid" (none) or "same" (stride 1: output as large as the input, PyTorch's split).</summary>
        private (long[] Before, long[] After) Padding(NirNode node, int rank, long[] kernel, long[] dilation, long[] stride)
        {
            if (node.TextParameters.TryGetValue("padding", out var text))
            {
                switch (text)
                {
                    case "valid":
                        return (new long[rank], new long[rank]);
                    case "same" when stride.All(s => s == 1):
                        var total = Enumerable.Range(0, rank).Select(a => dilation[a] * (kernel[a] - 1)).ToArray();
                        return (total.Select(t => t / 2).ToArray(), total.Select(t => t - t / 2).ToArray());
                    default:
                        throw new InvalidInputException(_file, $"{node.Path}/padding", $"\"{text}\"", "numbers, \"valid\", or \"same\" with stride 1");
                }
            }

            var padding = Spatial(node, "padding", rank, 0);
            return (padding, padding);
        }
    }
}
