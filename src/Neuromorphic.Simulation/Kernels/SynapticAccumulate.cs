using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Neuromorphic.Simulation.Kernels;

/// <summary>
/// Adds a run of synaptic weights into the input accumulators of contiguous target neurons:
/// <c>accumulator[i] += weights[i]</c>. Dense projections deliver each spike as one or a few such
/// runs, so this is the simulator's hottest loop; it is vectorised with <see cref="Vector{T}"/> and
/// keeps a scalar reference (<see cref="AddScalar(Span{int}, ReadOnlySpan{int})"/>) that tests compare
/// it with. Integer adds are exact, so the fixed-point result does not depend on order.
/// </summary>
public static class SynapticAccumulate
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Add(Span<int> accumulator, ReadOnlySpan<int> weights)
    {
        var i = 0;
        if (Vector.IsHardwareAccelerated && weights.Length >= Vector<int>.Count)
        {
            ref var acc = ref MemoryMarshal.GetReference(accumulator);
            ref var w = ref MemoryMarshal.GetReference(weights);
            var last = weights.Length - Vector<int>.Count;
            for (; i <= last; i += Vector<int>.Count)
            {
                var sum = Vector.LoadUnsafe(ref acc, (nuint)i) + Vector.LoadUnsafe(ref w, (nuint)i);
                sum.StoreUnsafe(ref acc, (nuint)i);
            }
        }

        for (; i < weights.Length; i++)
        {
            accumulator[i] += weights[i];
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Add(Span<float> accumulator, ReadOnlySpan<float> weights)
    {
        var i = 0;
        if (Vector.IsHardwareAccelerated && weights.Length >= Vector<float>.Count)
        {
            ref var acc = ref MemoryMarshal.GetReference(accumulator);
            ref var w = ref MemoryMarshal.GetReference(weights);
            var last = weights.Length - Vector<float>.Count;
            for (; i <= last; i += Vector<float>.Count)
            {
                var sum = Vector.LoadUnsafe(ref acc, (nuint)i) + Vector.LoadUnsafe(ref w, (nuint)i);
                sum.StoreUnsafe(ref acc, (nuint)i);
            }
        }

        for (; i < weights.Length; i++)
        {
            accumulator[i] += weights[i];
        }
    }

    /// <summary>Scalar reference.</summary>
    public static void AddScalar(Span<int> accumulator, ReadOnlySpan<int> weights)
    {
        for (var i = 0; i < weights.Length; i++)
        {
            accumulator[i] += weights[i];
        }
    }

    /// <summary>Scalar reference.</summary>
    public static void AddScalar(Span<float> accumulator, ReadOnlySpan<float> weights)
    {
        for (var i = 0; i < weights.Length; i++)
        {
            accumulator[i] += weights[i];
        }
    }
}
