using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Neuromorphic.Learning.Kernels;

namespace Neuromorphic.Learning.Training;

/// <summary>
/// SGD with momentum or Adam over the tensors of an EP network (W_k and b_k for every layer), with
/// PyTorch's update rules so that results compare with a PyTorch implementation. Updates take the
/// EP learning signal (the ascent direction ΔW); the gradient is its negative. Optimizer state
/// below 1e-30 is flushed to zero so that decaying momenta never become subnormal.
/// </summary>
internal sealed class Optimizer
{
    private readonly OptimizerKind _kind;
    private readonly float _momentum;
    private readonly float _weightDecay;
    private const float AdamBeta1 = 0.9f;
    private const float AdamBeta2 = 0.999f;
    private const float AdamEpsilon = 1e-8f;

    /// <summary>An optimizer for tensors of <paramref name="tensorLengths"/> (in the order of <see cref="TensorIndex"/>).</summary>
    public Optimizer(OptimizerKind kind, double momentum, double weightDecay, IReadOnlyList<int> tensorLengths)
    {
        _kind = kind;
        _momentum = (float)momentum;
        _weightDecay = (float)weightDecay;
        First = tensorLengths.Select(n => new float[n]).ToArray();
        Second = kind == OptimizerKind.Adam ? tensorLengths.Select(n => new float[n]).ToArray() : [];
    }

    /// <summary>Momentum buffers (SGD) or first moments (Adam), one per tensor.</summary>
    public float[][] First { get; }

    /// <summary>Second moments (Adam only).</summary>
    public float[][] Second { get; }

    /// <summary>Number of updates taken (Adam's bias correction).</summary>
    public long StepCount { get; set; }

    /// <summary>Tensor order: W_1, b_1, W_2, b_2, …</summary>
    public static int TensorIndex(int layer, bool bias) => 2 * (layer - 1) + (bias ? 1 : 0);

    public static IReadOnlyList<int> TensorLengths(Models.EpParameters parameters)
    {
        var lengths = new List<int>();
        for (var k = 1; k <= parameters.LayerCount; k++)
        {
            lengths.Add(parameters.Weights[k - 1].Length);
            lengths.Add(parameters.Biases[k - 1].Length);
        }

        return lengths;
    }

    /// <summary>Call once per minibatch before its updates.</summary>
    public void BeginStep() => StepCount++;

    /// <summary>
    /// Updates <paramref name="parameters"/> (a slice of tensor <paramref name="tensor"/> starting at
    /// <paramref name="offset"/>) with the learning signal <paramref name="ascent"/> and learning rate
    /// <paramref name="learningRate"/>. Lengths are multiples of <see cref="Lanes.Width"/>.
    /// </summary>
    public void Update(int tensor, int offset, Span<float> parameters, ReadOnlySpan<float> ascent, float learningRate)
    {
        if (parameters.Length != ascent.Length || parameters.Length % Lanes.Width != 0)
        {
            throw new ArgumentException("parameter and signal slices must match and be a multiple of the vector width");
        }

        var first = First[tensor].AsSpan(offset, parameters.Length);
        if (_kind == OptimizerKind.Sgd)
        {
            Sgd(parameters, first, ascent, learningRate);
        }
        else
        {
            Adam(parameters, first, Second[tensor].AsSpan(offset, parameters.Length), ascent, learningRate);
        }
    }

    private void Sgd(Span<float> parameters, Span<float> velocity, ReadOnlySpan<float> ascent, float learningRate)
    {
        ref var w = ref MemoryMarshal.GetReference(parameters);
        ref var v = ref MemoryMarshal.GetReference(velocity);
        ref var a = ref MemoryMarshal.GetReference(ascent);
        var mu = Vector256.Create(_momentum);
        var decay = Vector256.Create(_weightDecay);
        var step = Vector256.Create(-learningRate);
        for (var i = 0; i < parameters.Length; i += Lanes.Width)
        {
            var weight = Load(ref w, i);
            var gradient = Vector256.FusedMultiplyAdd(decay, weight, -Load(ref a, i));
            var moment = Flush(Vector256.FusedMultiplyAdd(mu, Load(ref v, i), gradient));
            Store(ref v, i, moment);
            Store(ref w, i, Vector256.FusedMultiplyAdd(step, moment, weight));
        }
    }

    private void Adam(Span<float> parameters, Span<float> firstMoment, Span<float> secondMoment, ReadOnlySpan<float> ascent, float learningRate)
    {
        ref var w = ref MemoryMarshal.GetReference(parameters);
        ref var m = ref MemoryMarshal.GetReference(firstMoment);
        ref var s = ref MemoryMarshal.GetReference(secondMoment);
        ref var a = ref MemoryMarshal.GetReference(ascent);
        var decay = Vector256.Create(_weightDecay);
        var beta1 = Vector256.Create(AdamBeta1);
        var beta2 = Vector256.Create(AdamBeta2);
        var oneMinusBeta1 = Vector256.Create(1 - AdamBeta1);
        var oneMinusBeta2 = Vector256.Create(1 - AdamBeta2);
        var correction1 = 1 - Math.Pow(AdamBeta1, StepCount);
        var correction2 = 1 - Math.Pow(AdamBeta2, StepCount);
        var stepSize = Vector256.Create((float)(-learningRate / correction1));
        var rootCorrection2 = Vector256.Create((float)Math.Sqrt(correction2));
        var epsilon = Vector256.Create(AdamEpsilon);
        for (var i = 0; i < parameters.Length; i += Lanes.Width)
        {
            var weight = Load(ref w, i);
            var gradient = Vector256.FusedMultiplyAdd(decay, weight, -Load(ref a, i));
            var mean = Flush(Vector256.FusedMultiplyAdd(beta1, Load(ref m, i), oneMinusBeta1 * gradient));
            var square = Flush(Vector256.FusedMultiplyAdd(beta2, Load(ref s, i), oneMinusBeta2 * gradient * gradient));
            Store(ref m, i, mean);
            Store(ref s, i, square);
            var denominator = Vector256.Sqrt(square) / rootCorrection2 + epsilon;
            Store(ref w, i, Vector256.FusedMultiplyAdd(stepSize, mean / denominator, weight));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Flush(Vector256<float> value) =>
        Vector256.GreaterThanOrEqual(Vector256.Abs(value), Vector256.Create(Lanes.FlushBelow)) & value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Load(ref float source, int offset) => Vector256.LoadUnsafe(ref source, (nuint)offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(ref float destination, int offset, Vector256<float> value) => value.StoreUnsafe(ref destination, (nuint)offset);
}
