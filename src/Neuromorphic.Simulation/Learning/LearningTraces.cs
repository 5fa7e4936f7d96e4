using System.Runtime.CompilerServices;

namespace Neuromorphic.Simulation.Learning;

/// <summary>
/// One kind of trace (pre- or post-synaptic) as Loihi keeps it: an unsigned integer of
/// <see cref="Bits"/> bits, per step x ← round(x·(1 − <see cref="Decay"/>)) + <see cref="Impulse"/>·spike
/// (stochastic rounding of the decayed value), saturating at 2^bits − 1. For a neuron firing at rate r
/// per step its mean settles at <see cref="Impulse"/>·r / <see cref="Decay"/>, so
/// <see cref="RateOf"/> reads the trace back as a rate estimate.
/// </summary>
public readonly record struct TraceRule(int Bits, double Decay, int Impulse)
{
    public int Max => (1 << Bits) - 1;

    /// <summary>
    /// The rule for a trace of <paramref name="bits"/> bits with time constant <paramref name="tauSteps"/>:
    /// decay 1/τ and the impulse that puts rate 1 at the top of the range, (2^bits − 1)/τ, rounded, at least 1.
    /// </summary>
    public static TraceRule For(int bits, double tauSteps)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bits, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(tauSteps, 1.0);
        var decay = 1.0 / tauSteps;
        var impulse = Math.Max(1, (int)Math.Round(((1 << bits) - 1) * decay, MidpointRounding.AwayFromZero));
        return new TraceRule(bits, decay, impulse);
    }

    /// <summary>The rate a trace value stands for: x·decay / impulse.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double RateOf(int trace) => trace * Decay / Impulse;

    /// <summary>One step of one trace (the scalar definition; <see cref="LearningTraces.Step"/> applies it to every trace).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Step(int trace, bool spiked, ulong key, ulong counter)
    {
        var decayed = trace == 0 ? 0 : (int)StochasticRounding.Round(trace * (1 - Decay), key, counter);
        return Math.Min(Max, decayed + (spiked ? Impulse : 0));
    }
}

/// <summary>
/// The pre- and post-synaptic traces of the neurons that take part in plastic synapses, in slot
/// order. Every trace is updated every step (that is what the trace-update counter counts).
/// </summary>
internal sealed class LearningTraces
{
    private readonly int[] _preSlots;
    private readonly int[] _postSlots;

    public LearningTraces(int slots, int[] preSlots, int[] postSlots, TraceRule pre, TraceRule post)
    {
        Pre = new int[slots];
        Post = new int[slots];
        _preSlots = preSlots;
        _postSlots = postSlots;
        PreRule = pre;
        PostRule = post;
    }

    public int[] Pre { get; }
    public int[] Post { get; }
    public TraceRule PreRule { get; }
    public TraceRule PostRule { get; }
    public ReadOnlySpan<int> PreSlots => _preSlots;
    public ReadOnlySpan<int> PostSlots => _postSlots;

    /// <summary>Trace updates per step: one per pre trace and one per post trace.</summary>
    public int UpdatesPerStep => _preSlots.Length + _postSlots.Length;

    public void Reset()
    {
        Array.Clear(Pre);
        Array.Clear(Post);
    }

    /// <summary>Decays every trace and adds the impulse of the neurons that fired at <paramref name="step"/>; random draws keyed by <paramref name="key"/>.</summary>
    public void Step(int[] spikedAtStep, int step, ulong key)
    {
        var baseCounter = (ulong)step * (ulong)(2 * Pre.Length);
        foreach (var s in _preSlots)
        {
            Pre[s] = PreRule.Step(Pre[s], spikedAtStep[s] == step, key, baseCounter + (ulong)(2 * s));
        }

        foreach (var s in _postSlots)
        {
            Post[s] = PostRule.Step(Post[s], spikedAtStep[s] == step, key, baseCounter + (ulong)(2 * s + 1));
        }
    }
}
