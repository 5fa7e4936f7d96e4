using Neuromorphic.Nir;
using static Neuromorphic.Tests.Nir.NirTestSupport;

namespace Neuromorphic.Tests.Nir;

/// <summary>
/// Convolution and pooling imported as dense projections, checked against a direct convolution
/// written here from PyTorch's definition (the layout NIR's converters use): out[co, oy, ox] =
/// bias[co] + Σ w[co, c, ky, kx] · in[g·C/G + c, oy·s − p + ky·d, ox·s − p + kx·d], zero outside.
/// </summary>
public class NirConvolutionTests
{
    private static double[] Random(int count, int seed)
    {
        var random = new System.Random(seed);
        return Enumerable.Range(0, count).Select(_ => Math.Round(random.NextDouble() * 4 - 2, 2)).ToArray();
    }

    /// <summary>A direct N-d (1 or 2) grouped, strided, dilated, zero-padded convolution.</summary>
    private static double[] Direct(double[] input, int channels, int h, int w, double[] weight, int outChannels, int kh, int kw,
        int stride, int padH, int padW, int dilation, int groups, double[]? bias, out int oh, out int ow)
    {
        oh = (h + 2 * padH - dilation * (kh - 1) - 1) / stride + 1;
        ow = (w + 2 * padW - dilation * (kw - 1) - 1) / stride + 1;
        var perIn = channels / groups;
        var perOut = outChannels / groups;
        var output = new double[outChannels * oh * ow];
        for (var co = 0; co < outChannels; co++)
        {
            for (var oy = 0; oy < oh; oy++)
            {
                for (var ox = 0; ox < ow; ox++)
                {
                    var sum = bias?[co] ?? 0;
                    for (var c = 0; c < perIn; c++)
                    {
                        for (var ky = 0; ky < kh; ky++)
                        {
                            for (var kx = 0; kx < kw; kx++)
                            {
                                int y = oy * stride - padH + ky * dilation, x = ox * stride - padW + kx * dilation;
                                if (y >= 0 && y < h && x >= 0 && x < w)
                                {
                                    sum += weight[((co * perIn + c) * kh + ky) * kw + kx] * input[((co / perOut * perIn + c) * h + y) * w + x];
                                }
                            }
                        }
                    }

                    output[(co * oh + oy) * ow + ox] = sum;
                }
            }
        }

        return output;
    }

    /// <summary>The imported projection from the input to the first population, applied to <paramref name="x"/>, plus its constant input.</summary>
    private static double[] Apply(GraphBuilder graph, double[] x, string population)
    {
        var network = NirImporter.Import(graph.Document(), new NirImportOptions { Dt = 1 }).Network;
        var projection = network.Projections.Single(p => p.To.Name == population);
        var target = network.GetPopulation(population).CubaLif!;
        return Enumerable.Range(0, projection.To.Size)
            .Select(i => Enumerable.Range(0, x.Length).Sum(j => (double)projection.Weight(i, j) * x[j]) + target.Bias[i]).ToArray();
    }

    private static GraphBuilder If(GraphBuilder graph, string name, int size) =>
        graph.Node(name, NirTypes.IF, ("r", V(Enumerable.Repeat(1.0, size).ToArray())), ("v_threshold", V(Enumerable.Repeat(1.0, size).ToArray())));

    [Theory]
    [InlineData(2, 7, 6, 4, 3, 3, 2, 1, 1, 2, true)] // strided, padded, grouped, with bias
    [InlineData(3, 5, 5, 2, 2, 2, 1, 0, 2, 1, false)] // dilated
    [InlineData(1, 4, 9, 3, 1, 3, 1, 1, 1, 1, true)] // a 1 × 3 kernel
    public void Conv2d_unrolls_to_the_direct_convolution(int channels, int h, int w, int outChannels, int kh, int kw, int stride, int pad, int dilation,
        int groups, bool withBias)
    {
        var weight = Random(outChannels * channels / groups * kh * kw, 1);
        var bias = withBias ? Random(outChannels, 2) : null;
        var x = Random(channels * h * w, 3);
        var expected = Direct(x, channels, h, w, weight, outChannels, kh, kw, stride, pad, pad, dilation, groups, bias, out var oh, out var ow);
        var parameters = new List<(string, Neuromorphic.Nir.NirArray)>
        {
            ("weight", new NirArray(weight, [outChannels, channels / groups, kh, kw])),
            ("input_shape", NirArray.Integers(h, w)), ("stride", NirArray.Integers(stride, stride)), ("padding", NirArray.Integers(pad, pad)),
            ("dilation", NirArray.Integers(dilation, dilation)), ("groups", NirArray.Integers(groups)),
        };
        if (bias is not null)
        {
            parameters.Add(("bias", V(bias)));
        }

        var graph = If(new GraphBuilder().Node("in", NirTypes.Input, ("shape", NirArray.Integers(channels, h, w))).Node("conv", NirTypes.Conv2d, [.. parameters]),
            "lif", outChannels * oh * ow).Edges("in", "conv", "lif");
        var actual = Apply(graph, x, "lif");
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], actual[i], 5);
        }
    }

    [Fact]
    public void Conv1d_with_same_padding_unrolls_to_the_direct_convolution()
    {
        // Conv1d is Conv2d of height 1; "same" with stride 1 pads d·(k − 1) = 4 as 2 before and 2 after.
        var weight = Random(3 * 2 * 3, 4);
        var x = Random(2 * 10, 5);
        var expected = Direct(x, 2, 1, 10, weight, 3, 1, 3, 1, 0, 2, 2, 1, null, out _, out var ow);
        Assert.Equal(10, ow);
        var conv = new GraphBuilder().Node("in", NirTypes.Input, ("shape", NirArray.Integers(2, 10)))
            .Node("conv", NirTypes.Conv1d, ("weight", new NirArray(weight, [3, 2, 3])), ("input_shape", NirArray.Integers(10)), ("dilation", NirArray.Integers(2)));
        conv.Graph.Find("conv")!.TextParameters["padding"] = "same";
        var actual = Apply(If(conv, "lif", 30).Edges("in", "conv", "lif"), x, "lif");
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], actual[i], 5);
        }
    }

    [Theory]
    [InlineData(NirTypes.SumPool2d)]
    [InlineData(NirTypes.AvgPool2d)]
    public void Pooling_takes_the_shape_of_the_spiking_node_that_feeds_it_and_sums_or_averages_each_window(string type)
    {
        // in [2, 4, 6] → Linear identity → IF with [2, 4, 6] parameters → pool 2 × 3, stride 2 × 3 → Flatten → IF [2·2·2].
        var size = 2 * 4 * 6;
        var identity = new double[size, size];
        for (var i = 0; i < size; i++)
        {
            identity[i, i] = 1;
        }

        var tensor = new NirArray(Enumerable.Repeat(1.0, size).ToArray(), [2, 4, 6]);
        var graph = new GraphBuilder().Node("in", NirTypes.Input, ("shape", NirArray.Integers(2, 4, 6))).Linear("w", identity)
            .Node("a", NirTypes.IF, ("r", tensor), ("v_threshold", tensor))
            .Node("pool", type, ("kernel_size", NirArray.Integers(2, 3)), ("stride", NirArray.Integers(2, 3)), ("padding", NirArray.Integers(0, 0)))
            .Node("flat", NirTypes.Flatten, ("input_type", NirArray.Integers(2, 2, 2)), ("start_dim", NirArray.Integers(0)), ("end_dim", NirArray.Integers(-1)));
        graph = If(graph, "b", 8).Edges("in", "w", "a", "pool", "flat", "b");
        var network = NirImporter.Import(graph.Document(), new NirImportOptions { Dt = 1 }).Network;
        var projection = network.Projections.Single(p => p.To.Name == "b");
        var scale = type == NirTypes.AvgPool2d ? 1.0 / 6 : 1;
        for (var c = 0; c < 2; c++)
        {
            for (var oy = 0; oy < 2; oy++)
            {
                for (var ox = 0; ox < 2; ox++)
                {
                    for (var j = 0; j < size; j++)
                    {
                        var (jc, jy, jx) = (j / 24, j / 6 % 4, j % 6);
                        var inside = jc == c && jy / 2 == oy && jx / 3 == ox;
                        Assert.Equal(inside ? scale : 0, projection.Weight((c * 2 + oy) * 2 + ox, j), 6);
                    }
                }
            }
        }
    }
}
