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

/// <summary>Explicit input events: input neuron <c>index</c> spikes at <c>step</c> (steps from 1, as in input-events files).</summary>
public sealed class EventInput : InferenceInput
{
    private readonly HashSet<long> _events = [];

    public EventInput(IEnumerable<(int Step, int Index)> events)
    {
        foreach (var (step, index) in events)
        {
            _events.Add(((long)step << 32) | (uint)index);
        }
    }

    public int EventCount => _events.Count;

    public override bool Spike(int inputIndex, int step) => _events.Contains(((long)step << 32) | (uint)inputIndex);
}
