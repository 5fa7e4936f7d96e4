using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Neuromorphic.Simulation.Kernels;

/// <summary>
/// Adds a run of synaptic weights into the input accumulators of contiguous target neurons:
/// <c>accumulator[i] += weights[i]</c>, for integer (fixed-point) or float weights. Dense projections
/// deliver each spike as one or a few such runs, so this is the simulator's hottest loop; it is
/// vectorised with <see cref="Vector{T}"/> and keeps a scalar reference
/// (<see cref="AddScalar{T}(Span{T}, ReadOnlySpan{T})"/>) that tests compare it with. Integer adds
/// are exact, so the fixed-point result does not depend on order.
/// </summary>
public static class SynapticAccumulate
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Add<T>(Span<T> accumulator, ReadOnlySpan<T> weights) where T : unmanaged, INumberBase<T>
    {
        var i = 0;
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported && weights.Length >= Vector<T>.Count)
        {
            ref var acc = ref MemoryMarshal.GetReference(accumulator);
            ref var w = ref MemoryMarshal.GetReference(weights);
            var last = weights.Length - Vector<T>.Count;
            for (; i <= last; i += Vector<T>.Count)
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
    public static void AddScalar<T>(Span<T> accumulator, ReadOnlySpan<T> weights) where T : INumberBase<T>
    {
        for (var i = 0; i < weights.Length; i++)
        {
            accumulator[i] += weights[i];
        }
    }
}
