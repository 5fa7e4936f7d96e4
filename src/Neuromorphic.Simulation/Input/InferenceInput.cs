using Neuromorphic.Core.Random;
using Neuromorphic.Simulation.Variability;

namespace Neuromorphic.Simulation.Input;

/// <summary>
/// The spikes of the input population during one inference. Each input neuron is asked once per
/// step, in step order, steps numbered from 1 (cores ask at their own pace in async mode, so state
/// is per neuron).
/// </summary>
public abstract class InferenceInput
{
    /// <summary>Class label, or −1 when unknown (input events).</summary>
    public int Label { get; init; } = -1;

    /// <summary>Whether input <paramref name="inputIndex"/> spikes at <paramref name="step"/> (from 1).</summary>
    public abstract bool Spike(int inputIndex, int step);

    /// <summary>
    /// Writes the inputs among [0, <paramref name="inputCount"/>) that spike at <paramref name="step"/>
    /// (from 1) into <paramref name="firing"/> in ascending order and returns how many. Equivalent to
    /// asking <see cref="Spike"/> of every input in index order (the reference this is tested against);
    /// the engine calls it once per step, in step order, instead of one virtual call per input and step.
    /// </summary>
    public virtual int SpikesAt(int step, int inputCount, Span<int> firing)
    {
        var count = 0;
        for (var i = 0; i < inputCount; i++)
        {
            if (Spike(i, step))
            {
                firing[count++] = i;
            }
        }

        return count;
    }

    /// <summary>Rate-coded image: input i fires at rate pixel_i / 255 per step.</summary>
    public static InferenceInput FromImage(ReadOnlySpan<byte> pixels, int label, InputEncoding encoding, ulong seed, int inference) =>
        encoding == InputEncoding.SigmaDelta ? new SigmaDeltaInput(pixels, label) : new BernoulliInput(pixels, label, seed, inference);
}

/// <summary>
/// Deterministic first-order sigma-delta: φ ← φ + x; spike when φ &gt; ½; φ ← φ − 1 on a spike
/// (the quantizer O'Connor et al. 2019 use for spiking EP). Over T steps the count is within one of x·T.
/// </summary>
public sealed class SigmaDeltaInput : InferenceInput
{
    private readonly float[] _rate;
    private readonly float[] _phase;

    public SigmaDeltaInput(ReadOnlySpan<byte> pixels, int label)
    {
        _rate = new float[pixels.Length];
        _phase = new float[pixels.Length];
        for (var i = 0; i < pixels.Length; i++)
        {
            _rate[i] = pixels[i] / 255f;
        }

        Label = label;
    }

    public override bool Spike(int inputIndex, int step)
    {
        var phase = _phase[inputIndex] + _rate[inputIndex];
        var spike = phase > 0.5f;
        _phase[inputIndex] = spike ? phase - 1f : phase;
        return spike;
    }

    public override int SpikesAt(int step, int inputCount, Span<int> firing)
    {
        var n = Math.Min(inputCount, _rate.Length);
        var rate = _rate.AsSpan(0, n);
        var phases = _phase.AsSpan(0, n);
        var count = 0;
        for (var i = 0; i < phases.Length; i++)
        {
            var phase = phases[i] + rate[i];
            var spike = phase > 0.5f;
            phases[i] = spike ? phase - 1f : phase;
            firing[count] = i;
            count += spike ? 1 : 0;
        }

        for (var i = n; i < inputCount; i++)
        {
            if (Spike(i, step))
            {
                firing[count++] = i;
            }
        }

        return count;
    }
}

/// <summary>Bernoulli spikes: P(spike) = rate, one counter-based draw per (inference, input, step); step s uses counter s − 1.</summary>
public sealed class BernoulliInput : InferenceInput
{
    private readonly ulong[] _threshold;
    private readonly ulong _seed;
    private readonly int _inference;

    public BernoulliInput(ReadOnlySpan<byte> pixels, int label, ulong seed, int inference)
    {
        _threshold = new ulong[pixels.Length];
        for (var i = 0; i < pixels.Length; i++)
        {
            _threshold[i] = pixels[i] == 255 ? ulong.MaxValue : (ulong)(pixels[i] / 255.0 * Math.Pow(2, 64));
        }

        _seed = seed;
        _inference = inference;
        Label = label;
    }

    public override bool Spike(int inputIndex, int step)
    {
        var threshold = _threshold[inputIndex];
        if (threshold == 0)
        {
            return false;
        }

        var stream = Philox.StreamId((ulong)VariabilityStream.Encoder, (ulong)_inference, (ulong)inputIndex);
        return Philox.UInt64At(_seed, stream, (ulong)(step - 1)) < threshold || threshold == ulong.MaxValue;
    }
}

/// <summary>
/// Explicit input events: input neuron <c>index</c> spikes at <c>step</c> (steps from 1, as in
/// input-events files; a repeated event counts once). Held sorted by (step, index), so a step's
/// spikes are one contiguous range.
/// </summary>
public sealed class EventInput : InferenceInput
{
    private readonly long[] _events;

    public EventInput(IEnumerable<(int Step, int Index)> events)
    {
        var keys = events.Select(e => ((long)e.Step << 32) | (uint)e.Index).ToArray();
        if (!IsSorted(keys))    // files written in step order need no sort
        {
            Array.Sort(keys);
        }

        var distinct = 0;
        for (var i = 0; i < keys.Length; i++)
        {
            if (distinct == 0 || keys[i] != keys[distinct - 1])
            {
                keys[distinct++] = keys[i];
            }
        }

        _events = distinct == keys.Length ? keys : keys[..distinct];
    }

    public int EventCount => _events.Length;

    private static bool IsSorted(ReadOnlySpan<long> keys)
    {
        for (var i = 1; i < keys.Length; i++)
        {
            if (keys[i] < keys[i - 1])
            {
                return false;
            }
        }

        return true;
    }

    public override bool Spike(int inputIndex, int step) => Array.BinarySearch(_events, ((long)step << 32) | (uint)inputIndex) >= 0;

    public override int SpikesAt(int step, int inputCount, Span<int> firing)
    {
        var key = (long)step << 32;
        var at = Array.BinarySearch(_events, key);
        var i = at >= 0 ? at : ~at;
        var count = 0;
        for (; i < _events.Length && (_events[i] >> 32) == step; i++)
        {
            var index = (uint)_events[i];
            if (index < (uint)inputCount)
            {
                firing[count++] = (int)index;
            }
        }

        return count;
    }
}
