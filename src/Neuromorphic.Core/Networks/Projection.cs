namespace Neuromorphic.Core.Networks;

/// <summary>
/// Dense synapses from every neuron of <see cref="From"/> to every neuron of <see cref="To"/>.
/// <see cref="Weights"/> is row-major [post][pre]: the weight from pre-neuron j to post-neuron i is
/// <c>Weights[i * From.Size + j]</c>. A projection declared with <c>transposeOf</c> (symmetric
/// feedback) holds the transpose of its source's weights, computed when the network is built.
/// </summary>
public sealed class Projection
{
    public Projection(string name, Population from, Population to, float[] weights, string? transposeOf = null)
    {
        if (weights.Length != (long)from.Size * to.Size)
        {
            throw new ArgumentException($"projection {name}: {weights.Length} weights, expected {to.Size}×{from.Size}");
        }

        Name = name;
        From = from;
        To = to;
        Weights = weights;
        TransposeOf = transposeOf;
    }

    /// <summary>Identifier, "from->to" unless the file names it.</summary>
    public string Name { get; }
    public Population From { get; }
    public Population To { get; }
    public float[] Weights { get; }

    /// <summary>The projection this one mirrors (symmetric feedback), or null.</summary>
    public string? TransposeOf { get; }

    public long SynapseCount => (long)From.Size * To.Size;

    public float Weight(int post, int pre) => Weights[post * From.Size + pre];

    public static string DefaultName(string from, string to) => $"{from}->{to}";

    /// <summary>The [pre][post] transpose of a [post][pre] matrix.</summary>
    public static float[] Transpose(ReadOnlySpan<float> weights, int postCount, int preCount)
    {
        var result = new float[weights.Length];
        for (var post = 0; post < postCount; post++)
        {
            for (var pre = 0; pre < preCount; pre++)
            {
                result[pre * postCount + post] = weights[post * preCount + pre];
            }
        }

        return result;
    }

    public override string ToString() => $"{Name} ({To.Size}×{From.Size})";
}
