using Neuromorphic.Core.Random;
using Neuromorphic.Learning.Kernels;

namespace Neuromorphic.Learning.Models;

/// <summary>
/// The numbers of a layered EP network x = s_0 → s_1 → … → s_L: weights W_k [n_k × n_{k−1}]
/// (used forward, and transposed for feedback), biases b_k and per-neuron time steps dt_k. Rows
/// are stored with padded strides (<see cref="Lanes.Pad"/>); padding entries are zero (dt one) and
/// stay so.
/// </summary>
public sealed class EpParameters
{
    public EpParameters(IReadOnlyList<int> sizes)
    {
        if (sizes.Count < 2 || sizes.Any(s => s <= 0))
        {
            throw new ArgumentException("an EP network needs an input and at least one more layer, all of positive size");
        }

        Sizes = sizes.ToArray();
        Strides = Sizes.Select(Lanes.Pad).ToArray();
        var layers = Sizes.Length - 1;
        Weights = new float[layers][];
        Biases = new float[layers][];
        Dt = new float[layers][];
        Tau = new float[layers][];
        for (var k = 1; k <= layers; k++)
        {
            Weights[k - 1] = new float[Sizes[k] * Strides[k - 1]];
            Biases[k - 1] = new float[Strides[k]];
            Dt[k - 1] = new float[Strides[k]];
            Array.Fill(Dt[k - 1], 1f);
            Tau[k - 1] = new float[Sizes[k]];
            Array.Fill(Tau[k - 1], 1f);
        }
    }

    /// <summary>n_0 (input) … n_L (output).</summary>
    public int[] Sizes { get; }

    /// <summary>Padded row lengths.</summary>
    public int[] Strides { get; }

    /// <summary>L, the number of weight layers.</summary>
    public int LayerCount => Sizes.Length - 1;

    public int InputSize => Sizes[0];
    public int OutputSize => Sizes[^1];

    /// <summary>W_k at index k − 1: row i (post) at offset i·Strides[k − 1].</summary>
    public float[][] Weights { get; }

    /// <summary>b_k at index k − 1 (length Strides[k]).</summary>
    public float[][] Biases { get; }

    /// <summary>dt_k at index k − 1 (length Strides[k], padding 1).</summary>
    public float[][] Dt { get; }

    /// <summary>τ_k at index k − 1 (length n_k), kept for the record.</summary>
    public float[][] Tau { get; }

    /// <summary>W_k[post, pre] for layer k (1-based).</summary>
    public float Weight(int k, int post, int pre) => Weights[k - 1][post * Strides[k - 1] + pre];

    /// <summary>
    /// PyTorch's default initialisation (nn.Linear): weights and biases uniform in ±scale/√n_{k−1}, each
    /// layer from its own stream (seed, <see cref="RandomStreams.Init"/>, k, 0 or 1).
    /// </summary>
    public void Initialize(ulong seed, double scale = 1)
    {
        for (var k = 1; k <= LayerCount; k++)
        {
            var bound = scale / Math.Sqrt(Sizes[k - 1]);
            var weights = new CounterRng(seed, RandomStreams.Init, (ulong)k, 0);
            var w = Weights[k - 1];
            for (var i = 0; i < Sizes[k]; i++)
            {
                for (var j = 0; j < Sizes[k - 1]; j++)
                {
                    w[i * Strides[k - 1] + j] = (float)weights.Uniform(-bound, bound);
                }
            }

            var biases = new CounterRng(seed, RandomStreams.Init, (ulong)k, 1);
            for (var i = 0; i < Sizes[k]; i++)
            {
                Biases[k - 1][i] = (float)biases.Uniform(-bound, bound);
            }
        }
    }

    /// <summary>Sets per-neuron time steps and time constants of layers 1..L (unpadded arrays, layer 1 first).</summary>
    public void SetTimeSteps(float[][] dt, float[][] tau)
    {
        for (var k = 0; k < LayerCount; k++)
        {
            dt[k].CopyTo(Dt[k], 0);
            tau[k].CopyTo(Tau[k], 0);
        }
    }

    /// <summary>W_k as a fresh unpadded [post][pre] array (the network-file layout).</summary>
    public float[] DenseWeights(int k)
    {
        var result = new float[Sizes[k] * Sizes[k - 1]];
        for (var i = 0; i < Sizes[k]; i++)
        {
            Weights[k - 1].AsSpan(i * Strides[k - 1], Sizes[k - 1]).CopyTo(result.AsSpan(i * Sizes[k - 1]));
        }

        return result;
    }

    /// <summary>Copies an unpadded [post][pre] matrix into W_k.</summary>
    public void SetDenseWeights(int k, ReadOnlySpan<float> dense)
    {
        for (var i = 0; i < Sizes[k]; i++)
        {
            dense.Slice(i * Sizes[k - 1], Sizes[k - 1]).CopyTo(Weights[k - 1].AsSpan(i * Strides[k - 1]));
        }
    }

    public EpParameters Clone()
    {
        var copy = new EpParameters(Sizes);
        for (var k = 0; k < LayerCount; k++)
        {
            Weights[k].CopyTo(copy.Weights[k], 0);
            Biases[k].CopyTo(copy.Biases[k], 0);
            Dt[k].CopyTo(copy.Dt[k], 0);
            Tau[k].CopyTo(copy.Tau[k], 0);
        }

        return copy;
    }
}
