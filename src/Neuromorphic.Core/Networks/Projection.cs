namespace Neuromorphic.Core.Networks;

/// <summary>
/// Dense synapses from every neuron of <see cref="From"/> to every neuron of <see cref="To"/>.
/// <see cref="Weights"/> is row-major [post][pre]: the weight from pre-neuron j to post-neuron i is
/// <c>Weights[i * From.Size + j]</c>. A projection declared with <c>transposeOf</c> (symmetric
/// feedback) holds the transpose of its source's weights, computed when the network is built.
/// <see cref="Connections"/>, when present, says which of the [post][pre] pairs have a synapse at all
/// (a sparse or convolutional connectivity, as SANA-FE's edges and unrolled convolutions have): the
/// others have weight 0 and no synapse on the chip, so they cost no synaptic operation, memory or message.
/// </summary>
public sealed class Projection
{
    private long _synapses = -1;

    public Projection(string name, Population from, Population to, float[] weights, string? transposeOf = null, bool[]? connections = null)
    {
        if (weights.Length != (long)from.Size * to.Size)
        {
            throw new ArgumentException($"projection {name}: {weights.Length} weights, expected {to.Size}×{from.Size}");
        }

        if (connections is not null)
        {
            if (connections.Length != weights.Length)
            {
                throw new ArgumentException($"projection {name}: {connections.Length} connection flags, expected {to.Size}×{from.Size}");
            }

            for (var i = 0; i < weights.Length; i++)
            {
                if (!connections[i] && weights[i] != 0)
                {
                    throw new ArgumentException($"projection {name}: weight {weights[i]} from pre {i % from.Size} to post {i / from.Size}, which are not connected");
                }
            }
        }

        Name = name;
        From = from;
        To = to;
        Weights = weights;
        TransposeOf = transposeOf;
        Connections = connections;
    }

    /// <summary>Identifier, "from->to" unless the file names it.</summary>
    public string Name { get; }
    public Population From { get; }
    public Population To { get; }
    public float[] Weights { get; }

    /// <summary>The projection this one mirrors (symmetric feedback), or null.</summary>
    public string? TransposeOf { get; }

    /// <summary>Which [post][pre] pairs have a synapse (row-major like <see cref="Weights"/>), or null: every pair (dense).</summary>
    public bool[]? Connections { get; }

    /// <summary>Synapses on the chip: every pair when dense, else the connected pairs.</summary>
    public long SynapseCount => _synapses >= 0 ? _synapses : _synapses = Connections is null ? (long)From.Size * To.Size : Connections.LongCount(c => c);

    public bool IsConnected(int post, int pre) => Connections is null || Connections[post * From.Size + pre];

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
