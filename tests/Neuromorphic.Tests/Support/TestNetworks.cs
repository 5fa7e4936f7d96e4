using Neuromorphic.Core.Networks;
using Neuromorphic.Core.Random;

namespace Neuromorphic.Tests.Support;

/// <summary>Networks for tests, built in code (deterministic from a seed).</summary>
public static class TestNetworks
{
    /// <summary>
    /// A layered HTS-EP network shaped like the trainer's output: an input population, ep-rate
    /// hidden and output layers with per-neuron dt (log-normal τ, clipped) and bias, forward
    /// projections and symmetric feedback declared with transposeOf.
    /// </summary>
    public static NetworkSpec EpLayered(int[] sizes, ulong seed = 1, double weightScale = 1.0)
    {
        var rng = new CounterRng(seed, 99);
        var pops = new List<Population> { new("input", sizes[0], NeuronModel.Input) };
        for (var k = 1; k < sizes.Length; k++)
        {
            var dt = new double[sizes[k]];
            var bias = new double[sizes[k]];
            for (var i = 0; i < dt.Length; i++)
            {
                dt[i] = Math.Clamp(0.5 / rng.LogNormal(-0.125, 0.5), 0.05, 1.0);
                bias[i] = rng.Uniform(-0.1, 0.2);
            }

            var name = k == sizes.Length - 1 ? "output" : $"h{k}";
            pops.Add(new Population(name, sizes[k], NeuronModel.EpRate, epRate: new EpRateParameters(PerNeuron.Of(dt), PerNeuron.Of(bias), null)));
        }

        var projections = new List<Projection>();
        for (var k = 1; k < sizes.Length; k++)
        {
            var bound = weightScale / Math.Sqrt(sizes[k - 1]);
            var w = new float[sizes[k] * sizes[k - 1]];
            for (var i = 0; i < w.Length; i++)
            {
                w[i] = (float)rng.Uniform(-bound, bound);
            }

            projections.Add(new Projection($"{pops[k - 1].Name}->{pops[k].Name}", pops[k - 1], pops[k], w));
        }

        for (var k = sizes.Length - 1; k >= 2; k--)
        {
            var forward = projections[k - 1];
            projections.Add(new Projection($"{pops[k].Name}->{pops[k - 1].Name}", pops[k], pops[k - 1],
                Projection.Transpose(forward.Weights, forward.To.Size, forward.From.Size), forward.Name));
        }

        return new NetworkSpec($"ep-{string.Join("-", sizes)}", pops, projections, new Readout(pops[^1].Name));
    }

    /// <summary>A chain of cuba-lif populations with dense projections between consecutive ones.</summary>
    public static NetworkSpec CubaChain(int layers, int size, ulong seed = 1)
    {
        var rng = new CounterRng(seed, 7);
        var pops = new List<Population> { new("l0", size, NeuronModel.Input) };
        var lif = new CubaLifParameters(PerNeuron.Scalar(4), PerNeuron.Scalar(16), PerNeuron.Scalar(1.0), PerNeuron.Scalar(0), ResetMode.Zero, PerNeuron.Scalar(0));
        for (var k = 1; k < layers; k++)
        {
            pops.Add(new Population($"l{k}", size, NeuronModel.CubaLif, lif));
        }

        var projections = new List<Projection>();
        for (var k = 1; k < layers; k++)
        {
            var w = new float[size * size];
            for (var i = 0; i < w.Length; i++)
            {
                w[i] = (float)rng.Uniform(-0.2, 0.3);
            }

            projections.Add(new Projection($"l{k - 1}->l{k}", pops[k - 1], pops[k], w));
        }

        return new NetworkSpec($"chain-{layers}x{size}", pops, projections, new Readout(pops[^1].Name));
    }

    /// <summary>
    /// Layers of cuba-lif neurons whose every neuron has its own current and voltage time constants
    /// and threshold (distinct values), dense projections between consecutive layers.
    /// </summary>
    public static NetworkSpec CubaHeterogeneous(int[] sizes, ulong seed = 1)
    {
        var rng = new CounterRng(seed, 13);
        var pops = new List<Population> { new("input", sizes[0], NeuronModel.Input) };
        for (var k = 1; k < sizes.Length; k++)
        {
            var n = sizes[k];
            var tauU = Enumerable.Range(0, n).Select(i => 2.0 + 0.01 * i + rng.Uniform(0, 0.005)).ToArray();
            var tauV = Enumerable.Range(0, n).Select(i => 4.0 + 0.02 * i + rng.Uniform(0, 0.01)).ToArray();
            var threshold = Enumerable.Range(0, n).Select(i => 0.5 + 0.002 * i + rng.Uniform(0, 0.001)).ToArray();
            var lif = new CubaLifParameters(PerNeuron.Of(tauU), PerNeuron.Of(tauV), PerNeuron.Of(threshold), PerNeuron.Scalar(0), ResetMode.Zero, PerNeuron.Scalar(0));
            pops.Add(new Population(k == sizes.Length - 1 ? "output" : $"h{k}", n, NeuronModel.CubaLif, lif));
        }

        var projections = new List<Projection>();
        for (var k = 1; k < sizes.Length; k++)
        {
            var bound = 3.0 / Math.Sqrt(sizes[k - 1]);
            var w = new float[sizes[k] * sizes[k - 1]];
            for (var i = 0; i < w.Length; i++)
            {
                w[i] = (float)rng.Uniform(-bound / 2, bound);
            }

            projections.Add(new Projection($"{pops[k - 1].Name}->{pops[k].Name}", pops[k - 1], pops[k], w));
        }

        return new NetworkSpec($"cuba-{string.Join("-", sizes)}", pops, projections, new Readout(pops[^1].Name));
    }
}
