namespace Neuromorphic.Learning;

/// <summary>
/// The first key of every <see cref="Neuromorphic.Core.Random.CounterRng"/> stream the trainer uses, so that
/// time constants, weight initialisation, shuffling and nudging signs never share random numbers
/// and each can be varied on its own.
/// </summary>
internal static class RandomStreams
{
    /// <summary>Keyed further by layer (1-based).</summary>
    public const ulong Tau = 0x7A_0001;

    /// <summary>Keyed further by layer (1-based) and 0 for weights, 1 for biases.</summary>
    public const ulong Init = 0x7A_0002;

    /// <summary>Keyed further by epoch (0-based).</summary>
    public const ulong Shuffle = 0x7A_0003;

    /// <summary>Keyed further by epoch (0-based); one draw per minibatch.</summary>
    public const ulong Sign = 0x7A_0004;
}
